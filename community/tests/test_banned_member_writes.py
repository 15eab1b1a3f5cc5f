"""A banned member writes nothing, through any page of the site.

Every URL pattern is posted to as a banned member with plausible, valid data
(each page's own fields, a real picture and a real PDF); afterwards every row of
our apps and every stored file is as it was. A new page needs its arguments
below, or this test fails: that is the point.
"""

import datetime
import io
import json
import os
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from PIL import Image

from accounts.tests.factories import BlogCommentFactory, BlogPostFactory, UserFactory
from circles.models import Community
from circles.tests.factories import (
    CommunityFactory,
    CommunityMaterialFactory,
    InvitationFactory,
    JoinRequestFactory,
    MembershipFactory,
    OwnershipOfferFactory,
    with_section,
)
from community.models import (
    Badge,
    Grade,
    Notification,
    Report,
    RequestTrace,
    Sanction,
    Subject,
)
from community.recognition import badge_award_manual
from community.sanctions import sanction_give
from contests.models import Diploma, Entry, Judge, Nomination, Poll, StageResult
from contests.services import polls as poll_services
from contests.services import projects as project_services
from contests.tests import helpers_judging as contest_make
from conversations import services as conversations
from conversations.models import Message
from conversations.services import lines
from courses import services as course_services
from courses.models import CourseCertificate, ReviewRound, Unit
from courses.tests.authoring_helpers import course_ready, expert, trusted
from courses.tests.learning_helpers import course_of, learner
from forums.models import Topic
from forums.tests.factories import PostFactory, SectionFactory, TopicFactory
from growth import services as growth_services
from growth.models import OwnEvidence, PlanItem, Target
from masterclasses.models import Registration
from masterclasses.tests.factories import MasterClassFactory
from materials.models import Collection, Material, TakedownRequest
from materials.tests.factories import MaterialFactory, pdf_upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vocabulary")]

OUR_APPS = (
    "accounts",
    "community",
    "forums",
    "materials",
    "masterclasses",
    "circles",
    "conversations",
    "courses",
    "growth",
    "contests",
)
# Written by every accepted POST for abuse checks, not by the member.
NOT_COMPARED = {RequestTrace}
# allauth's own pages (sign-in, sign-out, password, e-mail) and the admin site.
SKIPPED_PREFIXES = ("admin/", "accounts/")
# What a banned member may still do: nothing others see, and the way out.
ALLOWED = {
    "language_set": "the interface language is the member's own preference",
    "unsubscribe": "stopping e-mail is always possible, even without signing in",
    "notification_open": "reading one's notifications (a read mark)",
    "notification_read_all": "reading one's notifications (read marks)",
    "warning_acknowledge": "the member has read the moderators' warning",
    "accounts:settings_privacy": "who sees the member's data: privacy, not posting",
    "accounts:settings_notifications": "which e-mails the member gets",
    "accounts:device_add": "which of the member's browsers get notifications: "
    "a setting, as the notification settings",
    "accounts:device_remove": "a browser's notifications can always be stopped",
    "accounts:account_export": "the member's own data (the law says so)",
    "accounts:account_delete": "leaving the network is always possible",
    "accounts:avatar_remove": "taking one's own picture down shows nothing new",
    "accounts:block_toggle": "blocking protects the member from others",
    "accounts:bookmark_toggle": "bookmarks are a private list nobody else sees",
    "forums:new_mark_read": "read marks are the member's own",
    "forums:section_mark_read": "read marks are the member's own",
    "forums:topic_watch": "watching is a private subscription",
    "forums:section_watch": "watching is a private subscription",
    "forums:tag_watch": "watching is a private subscription",
    "masterclasses:unregister": "giving a seat back lets a waiting colleague in",
    "circles:leave": "leaving a community is the way out (as a seat given back)",
    "circles:hearing": "how much of a community the member hears: their own e-mail",
    "masterclasses:mine": "a new secret address for the member's own calendar",
    "materials:takedown": "open to anyone without an account: signed out, the "
    "member could send it anyway",
    "materials:takedown_answer": "the author answers a rights holder, to the "
    "moderators only",
    "conversations:leave": "leaving a conversation is the way out",
    "conversations:mute": "what the member hears of a conversation: their own",
    "conversations:archive": "the member's own inbox, which nobody else sees",
    "conversations:settings": "who may write to the member: privacy, not posting",
    "conversations:ignore": "ignoring a request is silent and protects the "
    "member, as a block does",
    "lines:question_withdraw": "withdrawing one's question gives the experts' "
    "time back (as a seat given back)",
    "courses:drop": "leaving a course is the way out",
    "growth:mentoring_leave": "leaving a colleague's plan as her mentor is the way out",
    "projects:team_leave": "leaving a project's team is the way out",
}


def _png(name: str = "схема.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _patterns(patterns=None, prefix: str = "", namespace: str = ""):
    """(route, name, pattern) of every URL pattern, namespaces included."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}{entry.namespace}:"
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else ""
            yield prefix + str(entry.pattern), name, entry


def _hashable(value):
    """A JSON field's lists and dicts, as text a set can hold."""
    if isinstance(value, (list, dict)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


def _snapshot() -> dict:
    """Every row of our apps' tables, and every file in the media folder."""
    rows = {}
    for app in OUR_APPS:
        for model in apps.get_app_config(app).get_models():
            if model in NOT_COMPARED:
                continue
            fields = [field.attname for field in model._meta.concrete_fields]
            rows[model._meta.label] = {
                tuple(map(_hashable, row)) for row in model.objects.values_list(*fields)
            }
    # Materials' files are shared by every test process: their rows tell.
    rows["files"] = {
        os.path.join(folder, name)
        for folder, _dirs, names in os.walk(settings.MEDIA_ROOT)
        for name in names
    }
    return rows


def _changes(before: dict, after: dict) -> dict:
    """How many rows (or files) of each table appeared and went."""
    return {
        label: f"+{len(after[label] - rows)} -{len(rows - after[label])}"
        for label, rows in before.items()
        if after[label] != rows
    }


def _courses(*, banned, other) -> dict:
    """Courses of every state, made through the services before the ban.

    A published course by another author that the banned member learns in
    (a reading, a material to open, a material's question, an assignment
    they and a colleague handed in, one not handed in yet); one they may
    enrol in; one they completed (their certificate); their own draft, their
    own course in review and, trusted afterwards, their own published course
    with a learner and work waiting for their decision; another author's
    course in review, taken by an expert.
    """
    peers = Unit.Completion.PEERS
    course = course_of(
        Unit.Kind.READING,
        Unit.Kind.MATERIAL,
        (Unit.Kind.MATERIAL, {"completion": Unit.Completion.ANSWER}),
        (Unit.Kind.ASSIGNMENT, {"completion": peers}),
        (Unit.Kind.ASSIGNMENT, {"completion": peers}),
    )
    reading, material, question, reviewed, assignment = course.units.order_by(
        "position", "pk"
    )
    learner(course, banned)
    colleague = learner(course, other).user
    course_services.submission_submit(unit=reviewed, user=banned, text="Мой план.")
    work = course_services.submission_submit(
        unit=reviewed, user=colleague, text="План урока.", file=pdf_upload()
    )

    open_course = course_of(Unit.Kind.READING, title="Открыт для записи")
    completed = course_of(Unit.Kind.READING, title="Пройден")
    learner(completed, banned)
    course_services.reading_done(unit=completed.units.get(), user=banned)
    certificate = CourseCertificate.objects.get(course=completed, user=banned)

    own_draft = course_ready(author=banned, title="Мой черновик")
    own_unit, own_other_unit = own_draft.units.order_by("position", "pk")
    in_review = course_services.course_submit(
        course=course_ready(author=banned, title="Мой курс на экспертизе"),
        author=banned,
    )
    own_round = ReviewRound.objects.get(course=in_review)

    theirs = course_services.course_submit(
        course=course_ready(author=other, title="Курс коллеги на экспертизе"),
        author=other,
    )
    their_round = ReviewRound.objects.get(course=theirs)
    taken = course_services.review_take(round_=their_round, reviewer=expert())

    trusted(banned)
    own = course_of(
        Unit.Kind.READING,
        (Unit.Kind.ASSIGNMENT, {"completion": Unit.Completion.AUTHOR}),
        author=banned,
        title="Мой опубликованный курс",
    )
    own_assignment = own.units.get(kind=Unit.Kind.ASSIGNMENT)
    pupil = learner(own)
    waiting_work = course_services.submission_submit(
        unit=own_assignment, user=pupil.user, text="Моя работа."
    )

    slug = {"slug": course.slug}
    return {
        "courses:review_take": {"pk": their_round.pk},
        "courses:review_write": {"pk": taken.pk},
        "courses:review_decide": {"pk": their_round.pk},
        "courses:review_withdraw": {"pk": own_round.pk},
        "courses:certificate": {"pk": certificate.pk},
        "courses:unit": {**slug, "pk": reading.pk},
        "courses:unit_done": {**slug, "pk": reading.pk},
        "courses:unit_open": {**slug, "pk": material.pk},
        "courses:unit_answer": {**slug, "pk": question.pk},
        "courses:submission_submit": {**slug, "pk": assignment.pk},
        "courses:peer_queue": slug,
        "courses:submission": {**slug, "pk": work.pk},
        "courses:peer_review": {**slug, "pk": work.pk},
        "courses:submission_file": {**slug, "pk": work.pk},
        "courses:detail": slug,
        "courses:enrol": {"slug": open_course.slug},
        "courses:drop": slug,
        "courses:edit": {"slug": own_draft.slug},
        "courses:units": {"slug": own_draft.slug},
        "courses:unit_add": {"slug": own_draft.slug},
        "courses:unit_edit": {"slug": own_draft.slug, "pk": own_unit.pk},
        "courses:unit_remove": {"slug": own_draft.slug, "pk": own_other_unit.pk},
        "courses:unit_move": {"slug": own_draft.slug, "pk": own_other_unit.pk},
        "courses:submit": {"slug": own_draft.slug},
        "courses:rounds": {"slug": in_review.slug},
        "courses:archive": {"slug": own.slug},
        "courses:learners": {"slug": own.slug},
        "courses:accept": {"slug": own.slug, "enrolment_pk": pupil.pk},
        "courses:submissions": {"slug": own.slug},
        "courses:submission_decide": {"slug": own.slug, "pk": waiting_work.pk},
        "courses:programme": {"slug": own.slug},
        "courses:programme_pdf": {"slug": own.slug},
        "courses:completions_csv": {"slug": own.slug},
    }


def _growth(*, banned, other) -> tuple[dict, dict]:
    """«Мой путь» made through the services before the ban: the banned
    member's plan with an item and her own evidence; a colleague's plan she
    mentors (with evidence of the colleague's to confirm); another
    colleague's plan she is invited to mentor. The pages' arguments, and
    the fields of their forms."""

    def target(code: str) -> Target:
        return Target.objects.get(version__is_current=True, code=code)

    def evidence(owner) -> OwnEvidence:
        return growth_services.own_evidence_add(
            owner=owner,
            kind=OwnEvidence.Kind.TALK,
            title="Выступление на педсовете",
            happened_on=datetime.date(2025, 3, 1),
            link="https://school.example/talk",
            competency_code="R.3",
        )

    own = growth_services.plan_create(owner=banned, target=target("highest"))
    item = growth_services.item_add(
        own, actor=banned, kind=PlanItem.Kind.OWN, title="Открытый урок"
    )
    own_evidence = evidence(banned)
    theirs = growth_services.plan_create(owner=other, target=target("first"))
    mentoring = growth_services.mentor_answer(
        growth_services.mentor_invite(theirs, actor=other, mentor=banned),
        actor=banned,
        accept=True,
    )
    their_evidence = evidence(other)
    invited = growth_services.mentor_invite(
        asker := growth_services.plan_create(
            owner=UserFactory(), target=target("methodist")
        ),
        actor=asker.owner,
        mentor=banned,
    )
    plan = {"pk": own.pk}
    item_fields = {"kind": PlanItem.Kind.OWN, "url": "", "competency": "", "due_on": ""}
    evidence_fields = {
        "kind": OwnEvidence.Kind.PUBLICATION,
        "happened_on": "2025-04-01",
        "link": "https://school.example/article",
        "competency_code": "R.3",
        "hours": "",
    }
    fields = {
        "growth:create": {
            "target": str(target("mentor").pk),
            "visibility": "private",
            "starts_on": "",
            "ends_on": "",
        },
        "growth:plan_edit": {
            "starts_on": "2026-01-10",
            "ends_on": "2029-01-10",
            "visibility": "public",
        },
        "growth:item_add": item_fields,
        "growth:item_edit": item_fields,
        "growth:item_done": {"done": "1"},
        "growth:evidence_add": evidence_fields,
        "growth:evidence_edit": evidence_fields,
        "growth:mentor": {"username": UserFactory().username},
        "growth:mentoring_answer": {"accept": "1"},
        "growth:evidence_confirm": {"seen": their_evidence.updated_at.isoformat()},
    }
    return fields, {
        "growth:plan": plan,
        "growth:plan_edit": plan,
        "growth:plan_close": plan,
        "growth:item_add": plan,
        "growth:item_edit": {**plan, "item": item.pk},
        "growth:item_done": {**plan, "item": item.pk},
        "growth:item_remove": {**plan, "item": item.pk},
        "growth:gaps": plan,
        "growth:evidence": plan,
        "growth:evidence_add": plan,
        "growth:evidence_refresh": plan,
        "growth:evidence_edit": {**plan, "ev": own_evidence.pk},
        "growth:evidence_remove": {**plan, "ev": own_evidence.pk},
        "growth:evidence_file": {**plan, "ev": own_evidence.pk},
        "growth:evidence_confirm": {"pk": theirs.pk, "ev": their_evidence.pk},
        "growth:mentor": plan,
        "growth:comment_add": {"pk": theirs.pk},
        "growth:history": plan,
        "growth:mentoring_answer": {"pk": invited.pk},
        "growth:mentoring_leave": {"pk": mentoring.pk},
        "growth:portfolio": plan,
        "growth:portfolio_pdf": plan,
    }


def _contests(*, banned, other, community, section) -> tuple[dict, dict]:
    """Contests, network projects and polls, made before the ban: the banned
    member (an expert of mathematics) organises contests in her community
    (a draft, one judged and over), has an entry in an open contest (and
    is named a co-author of another's) and a seat on a jury; coordinates
    projects (a draft, one recruiting, one under way with a result to
    answer), is in a team of another's project; wrote a topic without a
    poll and a poll of her own; may vote in another's poll and took back
    nothing yet from one she voted in. The pages' arguments,
    and the fields of their forms."""
    from accounts import services as accounts

    accounts.user_grant_role(user=banned, role=accounts.EXPERTS)
    banned.profile.subjects.add(Subject.objects.get(slug="mathematics"))

    def colleague():
        return contest_make.teacher()

    # Contests
    own = {"organiser": banned, "community": community}
    draft = contest_make.contest(phase="draft", nominations=2, **own)
    removable = draft.nominations.order_by("position").last()
    seated = Judge.objects.create(contest=draft, user=contest_make.expert())
    over = contest_make.contest(phase="over", **own)
    to_disqualify = contest_make.entry(over, colleague())
    disqualified = contest_make.entry(
        over, colleague(), status=Entry.Status.DISQUALIFIED, disqualified_reason="Нет"
    )
    taking = contest_make.contest(phase="entries")
    own_entry = contest_make.entry(taking, banned)
    coauthored = contest_make.entry(taking, colleague(), banned)
    judged = contest_make.contest(phase="judging", public_vote=True)
    Judge.objects.create(contest=judged, user=banned)
    to_score = contest_make.entry(judged, colleague())
    writer = colleague()
    lesson = MaterialFactory(author=writer)
    with_file = contest_make.entry(judged, writer, material=lesson)
    won = contest_make.contest(phase="over", status="finished")
    diploma = Diploma.objects.create(
        entry=contest_make.entry(won, banned, result="winner", place=1),
        holder=banned,
        kind=Diploma.Kind.WINNER,
        number="КОНК-2030-000001",
        holder_name="Победитель",
        contest_title=won.title,
        nomination_title="Номинация 1",
        entry_title="Урок",
        place=1,
        organiser_name="Коллеги",
    )

    # Network projects
    def stages() -> list[dict]:
        due = timezone.now() + datetime.timedelta(days=20)
        return [{"title": "Этап 1", "task": "Задание", "deadline": due}]

    def project(coordinator, **fields):
        return project_services.project_create(
            coordinator=coordinator,
            title=fields.pop("title", "Сетевой проект"),
            summary="Команды учителей",
            goal="Сценарий урока",
            stages=stages(),
            **fields,
        )

    def announced(coordinator, **fields):
        made = project(coordinator, **fields)
        return project_services.project_publish(project=made, actor=coordinator)

    own_project = project(banned, title="Мой черновик проекта")
    own_stage = own_project.stages.get()
    recruiting = announced(banned, title="Мой набор команд")
    project_services.team_create(project=recruiting, user=colleague(), name="Их")
    running = announced(banned, title="Мой проект идёт")
    maker = colleague()
    their_team = project_services.team_create(
        project=running, user=maker, name="Команда"
    )
    project_services.project_start(project=running, actor=banned)
    result = project_services.stage_result_submit(
        stage=running.stages.get(), team=their_team, user=maker, text="Итог"
    )
    product = MaterialFactory(author=maker)
    theirs = announced(other, title="Проект коллеги")
    joinable = project_services.team_create(
        project=theirs, user=colleague(), name="Открытая"
    )
    working = announced(other, title="Проект коллеги идёт")
    project_services.team_create(project=working, user=banned, name="Моя")
    project_services.project_start(project=working, actor=other)

    # Polls
    def poll(topic, **fields):
        return poll_services.poll_create(
            topic=topic,
            author=topic.author,
            question="Переходим на пятидневку?",
            kind=Poll.Kind.SINGLE,
            options=["Да", "Нет"],
            **fields,
        )

    bare_topic = TopicFactory(section=section, author=banned)
    own_poll = poll(TopicFactory(section=section, author=banned))
    their_poll = poll(TopicFactory(section=section, author=other), voters_shown=True)
    voted = poll(TopicFactory(section=section, author=other))
    poll_services.poll_vote(
        poll=voted, voter=banned, option_ids=[voted.options.first().pk]
    )

    local = "%Y-%m-%dT%H:%M"
    later = timezone.localtime() + datetime.timedelta(days=30)
    contest_fields = {
        "rules": "Присылайте уроки.",
        "community": community.pk,
        "submissions_open_at": (later).strftime(local),
        "submissions_close_at": (later + datetime.timedelta(days=10)).strftime(local),
        "judging_close_at": (later + datetime.timedelta(days=20)).strftime(local),
        "judges_per_entry": "2",
        "nomination_title": "Лучший урок",
        "nomination_criteria": "Идея\nОформление",
        "nomination_prize_places": "3",
    }
    nomination_fields = {"criteria": "Идея\nОформление", "prize_places": "3"}
    entry_fields = {"material": "", "coauthor_names": ""}
    project_fields = {"goal": "Сценарий урока", "team_size": "4"}
    stage_fields = {"deadline": later.strftime(local)}
    poll_fields = {
        "kind": Poll.Kind.SINGLE,
        "question": "Переходим на шестидневку?",
        "options": "Да\nНет\nНе знаю",
        "results": Poll.Results.ALWAYS,
        "closes_at": "",
    }
    fields = {
        "contests:new": contest_fields,
        "contests:edit": contest_fields,
        "contests:nomination_add": nomination_fields,
        "contests:nomination_edit": nomination_fields,
        "contests:entry_new": {
            **entry_fields,
            "nomination": str(taking.nominations.get().pk),
        },
        "contests:entry_edit": {
            **entry_fields,
            "nomination": str(own_entry.nomination_id),
        },
        "contests:jury": {"username": contest_make.expert().username},
        "contests:score": {"mark_idea": "4", "mark_craft": "5"},
        "projects:new": {
            **project_fields,
            "stages-TOTAL_FORMS": "1",
            "stages-INITIAL_FORMS": "0",
            "stages-0-title": "Первый этап",
            "stages-0-task": "Задание",
            "stages-0-deadline": later.strftime(local),
        },
        "projects:edit": project_fields,
        "projects:stage_add": stage_fields,
        "projects:stage_edit": stage_fields,
        "projects:team_new": {"name": "Новая команда"},
        "projects:result_feedback": {"decision": "accept", "feedback": "Хорошо"},
        "projects:complete": {
            "team": str(their_team.pk),
            "material": str(product.pk),
        },
        "polls:create": poll_fields,
        "polls:edit": poll_fields,
        "polls:vote": {
            f"poll{their_poll.pk}-choice": str(their_poll.options.first().pk)
        },
    }
    kwargs = {
        "contests:detail": {"slug": taking.slug},
        "contests:edit": {"slug": draft.slug},
        "contests:publish": {"slug": draft.slug},
        "contests:cancel": {"slug": draft.slug},
        "contests:nomination_add": {"slug": draft.slug},
        "contests:nomination_edit": {"slug": draft.slug, "pk": removable.pk},
        "contests:nomination_remove": {"slug": draft.slug, "pk": removable.pk},
        "contests:jury": {"slug": draft.slug},
        "contests:jury_remove": {"slug": draft.slug, "pk": seated.pk},
        "contests:entry_new": {"slug": taking.slug},
        "contests:entry": {"slug": taking.slug, "pk": own_entry.pk},
        "contests:entry_edit": {"slug": taking.slug, "pk": own_entry.pk},
        "contests:entry_withdraw": {"slug": taking.slug, "pk": own_entry.pk},
        "contests:entry_leave": {"slug": taking.slug, "pk": coauthored.pk},
        "contests:entry_disqualify": {"slug": over.slug, "pk": to_disqualify.pk},
        "contests:entry_reinstate": {"slug": over.slug, "pk": disqualified.pk},
        "contests:finish": {"slug": over.slug},
        "contests:jury_join": {"slug": taking.slug},
        "contests:judging": {"slug": judged.slug},
        "contests:score": {"slug": judged.slug, "pk": to_score.pk},
        "contests:judging_file": {
            "slug": judged.slug,
            "pk": with_file.pk,
            "file_pk": lesson.current_version.files.get().pk,
        },
        "contests:vote": {"slug": judged.slug, "pk": to_score.pk},
        "contests:results": {"slug": won.slug},
        "contests:diploma_pdf": {"pk": diploma.pk},
        "projects:detail": {"slug": theirs.slug},
        "projects:edit": {"slug": own_project.slug},
        "projects:publish": {"slug": own_project.slug},
        "projects:stage_add": {"slug": own_project.slug},
        "projects:stage_edit": {"slug": own_project.slug, "pk": own_stage.pk},
        "projects:stage_remove": {"slug": own_project.slug, "pk": own_stage.pk},
        "projects:start": {"slug": recruiting.slug},
        "projects:result_feedback": {"slug": running.slug, "pk": result.pk},
        "projects:complete": {"slug": running.slug},
        "projects:team_new": {"slug": theirs.slug},
        "projects:team_join": {"slug": theirs.slug, "pk": joinable.pk},
        "projects:result_submit": {
            "slug": working.slug,
            "pk": working.stages.get().pk,
        },
        "polls:create": {"topic_pk": bare_topic.pk},
        "polls:detail": {"pk": their_poll.pk},
        "polls:vote": {"pk": their_poll.pk},
        "polls:unvote": {"pk": voted.pk},
        "polls:edit": {"pk": own_poll.pk},
        "polls:close": {"pk": own_poll.pk},
        "polls:delete": {"pk": own_poll.pk},
        "polls:voters": {"pk": their_poll.pk},
    }
    assert StageResult.objects.filter(pk=result.pk).exists()
    assert Nomination.objects.filter(contest=draft).count() == 2
    return fields, kwargs


@pytest.fixture
def world(moderator):
    """A network with something of every kind, some of it the banned member's."""
    now = timezone.now()
    # A member of long standing: the new members' hourly limits stop nothing.
    banned = UserFactory(date_joined=now - datetime.timedelta(days=365))
    other = UserFactory()
    mathematics = Subject.objects.get(slug="mathematics")

    section = SectionFactory()
    topic = TopicFactory(section=section, author=other)
    topic.tags.add("fractions")
    other_post = PostFactory(topic=topic, author=other)
    own_post = PostFactory(topic=topic, author=banned)
    question = TopicFactory(section=section, author=banned, kind=Topic.Kind.QUESTION)
    answer = PostFactory(topic=question, author=other)

    blog_post = BlogPostFactory(author=other)
    own_blog_post = BlogPostFactory(author=banned)
    own_comment = BlogCommentFactory(post=blog_post, author=banned)

    material = MaterialFactory(author=other)
    own_material = MaterialFactory(author=banned)
    hidden_material = MaterialFactory(author=banned, is_hidden=True)
    TakedownRequest.objects.create(
        material=hidden_material,
        material_title=hidden_material.title,
        name="Издательство",
        email="rights@publisher.example",
        work="Учебник",
        details="Это наш текст.",
        status=TakedownRequest.Status.UPHELD,
    )
    collection = Collection.objects.create(owner=banned, title="Мои уроки")

    masterclass = MasterClassFactory(host=other)
    own_masterclass = MasterClassFactory(host=banned)
    past = MasterClassFactory(
        host=other,
        starts_at=now - datetime.timedelta(hours=3),
        ends_at=now - datetime.timedelta(hours=2),
    )
    registered = Registration.Status.REGISTERED
    Registration.objects.create(
        masterclass=past, user=banned, status=registered, attended=True
    )
    registration = Registration.objects.create(
        masterclass=own_masterclass, user=other, status=registered
    )
    Registration.objects.create(
        masterclass=MasterClassFactory(host=other, title="Записана"),
        user=banned,
        status=registered,
    )

    # Communities: one to join, one taking requests, one the banned member is
    # in, one they own (with a request to decide and a colleague to manage),
    # an invitation to answer and an ownership offered to them.
    joinable = CommunityFactory(founder=other)
    requestable = CommunityFactory(founder=other, joining=Community.Joining.REQUEST)
    member_of = CommunityFactory(founder=other)
    MembershipFactory(community=member_of, user=banned)
    own_community = CommunityFactory(founder=banned, joining=Community.Joining.REQUEST)
    MembershipFactory(community=own_community, user=other)
    waiting = JoinRequestFactory(community=own_community, user=UserFactory())
    invitation = InvitationFactory(community=requestable, user=banned)
    OwnershipOfferFactory(community=member_of, to_user=banned, offered_by=other)
    with_section(member_of)
    collected = CommunityMaterialFactory(community=member_of, added_by=banned)

    # Conversations: a group the banned member started (and owns), with a
    # message of theirs; a request waiting for them; a consultation line of
    # their community and a question of theirs to a subject's line.
    third = UserFactory()
    group = conversations.conversation_start(
        sender=banned,
        recipients=[other, third],
        subject="Олимпиада",
        body="Коллеги, кто едет?",
    )
    own_message = conversations.message_send(
        conversation=group, author=banned, body="Я еду."
    )
    waiting = conversations.conversation_start(
        sender=third, recipients=[banned], subject="Знакомство", body="Здравствуйте!"
    )
    subject_line = lines.line_create(
        by=moderator,
        subject=mathematics,
        title="Математика: консультации",
        description="Отвечают эксперты.",
    )
    own_line = lines.line_create(
        by=banned,
        community=own_community,
        title="Линия сообщества",
        description="Отвечают модераторы.",
    )
    asked = lines.question_ask(
        line=subject_line, asker=other, subject="Дроби", body="Как объяснить?"
    )
    own_question = lines.question_ask(
        line=subject_line, asker=banned, subject="Задачи", body="Где взять?"
    )
    message_report = Report.objects.create(
        reporter=other,
        target_type_id=_content_type(Message),
        target_id=own_message.pk,
        target_title="Сообщение №2",
        target_url=own_message.get_absolute_url(),
        reason=Report.Reason.RUDENESS,
    )

    report = Report.objects.create(
        reporter=other,
        target_type_id=_content_type(Topic),
        target_id=question.pk,
        target_title=question.title,
        target_url=question.get_absolute_url(),
        reason=Report.Reason.SPAM,
    )
    badge = Badge.objects.create(
        key="mentor-of-the-year",
        name="Наставник года",
        description="За наставничество",
        tier=Badge.Tier.GOLD,
        is_manual=True,
    )
    award = badge_award_manual(
        badge=badge, user=banned, moderator=moderator, reason="Помогла молодым"
    )
    course_kwargs = _courses(banned=banned, other=other)
    growth_fields, growth_kwargs = _growth(banned=banned, other=other)
    contest_fields, contest_kwargs = _contests(
        banned=banned, other=other, community=own_community, section=section
    )
    sanction_give(
        member=banned,
        moderator=moderator,
        kind=Sanction.Kind.BAN,
        reason="Реклама в каждой теме",
    )
    banned.refresh_from_db()
    notification = Notification.objects.filter(recipient=banned).first()
    assert notification is not None

    own = {"username": banned.username}
    theirs = {"username": other.username}
    kwargs = {
        # community
        "sitemap_section": {"section": "forums"},
        "tag_feed_rss": {"slug": "fractions"},
        "tag_feed_atom": {"slug": "fractions"},
        "tag": {"slug": "fractions"},
        "report": {"key": "forum_topic", "pk": topic.pk},
        "report_resolve": {"pk": report.pk},
        "badge": {"key": "first-post"},
        # accounts
        "accounts:profile": theirs,
        "accounts:follow_toggle": theirs,
        "accounts:followers": theirs,
        "accounts:following": theirs,
        "accounts:portfolio": theirs,
        "accounts:portfolio_print": theirs,
        "accounts:blog": theirs,
        "accounts:post_detail": {**theirs, "slug": blog_post.slug},
        "accounts:comment_create": {**theirs, "slug": blog_post.slug},
        "accounts:comment_delete": {
            **theirs,
            "slug": blog_post.slug,
            "pk": own_comment.pk,
        },
        "accounts:post_edit": {**own, "slug": own_blog_post.slug},
        "accounts:post_publish": {**own, "slug": own_blog_post.slug},
        "accounts:post_comments_toggle": {**own, "slug": own_blog_post.slug},
        "accounts:post_delete": {**own, "slug": own_blog_post.slug},
        # forums
        "forums:tag": {"slug": "fractions"},
        "forums:section": {"slug": section.slug},
        "forums:section_feed_rss": {"slug": section.slug},
        "forums:section_feed_atom": {"slug": section.slug},
        "forums:topic_create": {"slug": section.slug},
        "forums:section_reports": {"slug": section.slug},
        "forums:topic": {"pk": topic.pk},
        "forums:reply": {"pk": topic.pk},
        "forums:topic_moderate": {"pk": topic.pk},
        "forums:topic_move": {"pk": topic.pk},
        "forums:topic_merge": {"pk": topic.pk},
        "forums:topic_split": {"pk": topic.pk},
        "forums:post": {"pk": own_post.pk},
        "forums:post_edit": {"pk": own_post.pk},
        "forums:post_delete": {"pk": own_post.pk},
        "forums:post_hide": {"pk": other_post.pk},
        "forums:post_review": {"pk": other_post.pk},
        "forums:answer_accept": {"pk": answer.pk},
        "forums:react": {"pk": other_post.pk},
        # materials
        "materials:collection": {"pk": collection.pk},
        "materials:collection_delete": {"pk": collection.pk},
        "materials:review_take": {"pk": material.pk},
        "materials:review_write": {"pk": material.pk},
        "materials:review_submit": {"pk": own_material.pk},
        "materials:review_withdraw": {"pk": own_material.pk},
        "materials:detail": {"pk": material.pk},
        "materials:edit": {"pk": own_material.pk},
        "materials:version_add": {"pk": own_material.pk},
        "materials:publish": {"pk": own_material.pk},
        "materials:delete": {"pk": own_material.pk},
        "materials:rate": {"pk": material.pk},
        "materials:collect": {"pk": material.pk},
        "materials:download": {
            "pk": material.pk,
            "file_pk": material.current_version.files.get().pk,
        },
        # masterclasses
        "masterclasses:month": {"year": now.year, "month": now.month},
        "masterclasses:feed": {"token": "not-a-token"},
        "masterclasses:certificate": {"pk": past.pk},
        "masterclasses:detail": {"pk": masterclass.pk},
        "masterclasses:register": {"pk": masterclass.pk},
        "masterclasses:checkin": {"pk": masterclass.pk},
        "masterclasses:feedback": {"pk": past.pk},
        "masterclasses:ics": {"pk": masterclass.pk},
        "masterclasses:edit": {"pk": own_masterclass.pk},
        "masterclasses:submit": {"pk": own_masterclass.pk},
        "masterclasses:cancel": {"pk": own_masterclass.pk},
        "masterclasses:attendance": {"pk": own_masterclass.pk},
        "masterclasses:followup": {"pk": own_masterclass.pk},
        "masterclasses:finish": {"pk": own_masterclass.pk},
        "certificate_verify": {"code": "ABCD-1234"},
        # circles
        "circles:invitation": {"token": invitation.token},
        "circles:detail": {"slug": joinable.slug},
        "circles:join": {"slug": joinable.slug},
        "circles:request": {"slug": requestable.slug},
        "circles:leave": {"slug": member_of.slug},
        "circles:hearing": {"slug": member_of.slug},
        "circles:ownership": {"slug": member_of.slug},
        "circles:edit": {"slug": own_community.slug},
        "circles:members": {"slug": own_community.slug},
        "circles:invite": {"slug": own_community.slug},
        "circles:decide": {"slug": own_community.slug, "pk": waiting.pk},
        "circles:manage": {"slug": own_community.slug, "user_id": other.pk},
        "circles:collection_add": {"slug": member_of.slug},
        "circles:collection_remove": {"slug": member_of.slug, "pk": collected.pk},
        "circles:meeting_create": {"slug": member_of.slug},
        # conversations
        "conversations:detail": {"pk": group.pk},
        "conversations:message": {"pk": own_message.pk},
        "conversations:reply": {"pk": group.pk},
        "conversations:edit": {"pk": own_message.pk},
        "conversations:delete": {"pk": own_message.pk},
        "conversations:members_add": {"pk": group.pk},
        "conversations:leave": {"pk": group.pk},
        "conversations:remove": {"pk": group.pk, "user_id": third.pk},
        "conversations:mute": {"pk": group.pk},
        "conversations:archive": {"pk": group.pk},
        "conversations:accept": {"pk": waiting.pk},
        "conversations:ignore": {"pk": waiting.pk},
        "conversations:report_request": {"pk": waiting.pk},
        "conversations:report_context": {"report_pk": message_report.pk},
        "lines:detail": {"slug": subject_line.slug},
        "lines:edit": {"slug": own_line.slug},
        "lines:ask": {"slug": subject_line.slug},
        "lines:question_take": {"pk": asked.pk},
        "lines:question_hand_over": {"pk": asked.pk},
        "lines:question_withdraw": {"pk": own_question.pk},
        **course_kwargs,
        **growth_kwargs,
        **contest_kwargs,
    }

    def data() -> dict:
        """The fields of every form, filled as a member would (files made afresh)."""
        return {
            "title": "Новый заголовок",
            "body": "Новый текст для коллег",
            "text": "Подробности для модераторов",
            "summary": "Конспект.",
            "description": "Описание",
            "reason": Report.Reason.SPAM,
            "kind": "thanks",
            "score": "5",
            "comment": "Очень полезно",
            "note": "Новые задания",
            "code": masterclass.checkin_code or "123456",
            "decision": "hide",
            "action": "pin",
            "subject": mathematics.pk,
            "grades": [Grade.objects.get(slug="grade-5").pk],
            "format": "online",
            "room_url": "https://meet.example.org/new",
            "starts_at": "2030-03-10T15:00",
            "ends_at": "2030-03-10T16:30",
            "capacity": "20",
            "submit": "1",
            "publish": "1",
            "language": "ru",
            "licence": "cc-by",
            "rights_confirmed": "on",
            "collection": collection.pk,
            "present": "1",
            "registration": registration.pk,
            "attended": "1",
            "recording_url": "https://video.example.org/record",
            "display_name": "Новое имя",
            "school": "МБОУ «СОШ № 5»",
            "city": "Казань",
            "region": "tatarstan",
            "subjects": [mathematics.pk],
            "time_zone": "Europe/Moscow",
            "about": "Обо мне",
            # Showing a badge next to one's name is shown to everyone.
            "featured": [award.pk],
            "key": "forum_topic",
            "object_id": topic.pk,
            "files": [pdf_upload()],
            "image": _png(),
            "avatar": _png(),
            "cover_upload": _png(),
            "content": "**Предпросмотр**",
            # courses: a course, a unit, an answer, reviews, completion by hand
            "annotation": "Для учителей пятых классов.",
            "goals": "Научиться объяснять дроби.",
            "hours": "4",
            "required": "on",
            "direction": "up",
            "answer": "Возьму игру с пиццей.",
            "verdict": "accept",
            "task": "5",
            "practice": "4",
            "clarity": "5",
            "structure": "4",
            "value": "5",
            "recommendation": "recommend",
            "confirm": "on",
        }

    # Where a field means something else on one page.
    community_fields = {
        "name": "Новое сообщество",
        "purpose": "Делимся задачами",
        "visibility": Community.Visibility.PUBLIC,
        "joining": Community.Joining.OPEN,
        "cofounders": other.username,
    }
    course_fields = {"kind": "seminar", "format": "self_paced"}
    decided = course_kwargs["courses:review_decide"]["pk"]
    overrides = {
        "circles:propose": community_fields,
        "circles:edit": community_fields,
        "circles:request": {"message": "Возьмите меня"},
        "circles:decide": {"approve": "1", "reason": ""},
        "circles:invite": {"who": other.username},
        "circles:hearing": {"hearing": "nothing"},
        "circles:manage": {"action": "ban", "reason": "Спам"},
        "circles:invitation": {"accept": "1"},
        "circles:ownership": {"accept": "1"},
        "circles:collection_add": {"material": str(material.pk)},
        "circles:meeting_create": {
            "time_zone": "Europe/Moscow",
            "format": "offline",
            "venue": "Школа № 5",
            "address": "Казань, ул. Баумана, 1",
        },
        "forums:topic_create": {"kind": Topic.Kind.DISCUSSION},
        "materials:create": {"kind": Material.Kind.LESSON_PLAN},
        "materials:edit": {"kind": Material.Kind.LESSON_PLAN},
        "conversations:compose": {
            "to": other.username,
            "subject": "Новая тема",
            "body": "Здравствуйте!",
        },
        "conversations:members_add": {"usernames": UserFactory().username},
        "lines:create": {
            "community": own_community.slug,
            "answer_within_days": "3",
            "is_active": "on",
        },
        "lines:edit": {"answer_within_days": "5", "is_active": "on"},
        "lines:ask": {"subject": "Как объяснить дроби?"},
        "lines:question_hand_over": {"to": other.pk},
        "courses:create": course_fields,
        "courses:edit": course_fields,
        "courses:submission_submit": {"file": pdf_upload("Работа.pdf")},
        "courses:submission_decide": {"decision": "accept"},
        # The rubric's "goals" is a score, not the course's text.
        "courses:review_write": {"goals": "4"},
        "courses:review_decide": {f"round-{decided}-decision": "recommend"},
        **growth_fields,
        **contest_fields,
    }
    return {
        "banned": banned,
        "kwargs": kwargs,
        # A page that reads its form's kind from the address.
        "queries": {"courses:unit_add": "?kind=reading"},
        "data": lambda name: {**data(), **overrides.get(name, {})},
    }


def _content_type(model) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk


def test_a_banned_member_stores_nothing_through_any_page(world):
    client = Client()
    client.force_login(world["banned"])
    before = _snapshot()
    unbuilt, answered, stored = [], {}, {}

    for route, name, _pattern in _patterns():
        if route.startswith(SKIPPED_PREFIXES) or name in ALLOWED:
            continue
        if not name:
            unbuilt.append(route)
            continue
        params = re.findall(r"<(?:\w+:)?(\w+)>", route)
        kwargs = world["kwargs"].get(name, {})
        if set(params) - set(kwargs):
            unbuilt.append(f"{name} ({route})")
            continue
        url = (
            "/"
            + re.sub(
                r"<(?:\w+:)?(\w+)>",
                lambda match, values=kwargs: str(values[match[1]]),
                route,
            )
            + world["queries"].get(name, "")
        )
        response = client.post(url, world["data"](name))
        answered[name] = response.status_code
        after = _snapshot()
        if after != before:
            stored[f"{name} {url}"] = _changes(before, after)
            before = after

    assert not stored, f"a banned member's POSTs stored: {stored}"

    assert not unbuilt, f"add the arguments of these pages to the test: {unbuilt}"
    refused = {name: status for name, status in answered.items() if status >= 400}
    others = {
        name: status
        for name, status in answered.items()
        # 400 would mean the data did not reach the rules: fix the data.
        if status not in (200, 302, 403, 404, 405)
    }
    assert not others, f"pages answering a banned member's POST oddly: {others}"
    assert refused  # the walk reached the pages
