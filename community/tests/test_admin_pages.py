"""Every admin page of every registered model opens for every kind of staff.

One object (or a few, with the edge cases: a rule badge and a manual one, a
revoked award, a deleted member's posts, a report on something since removed)
of every model in the admin site; the moderator, an expert (as the role makes
them, and one given the admin site), and a superuser open its list, the add
page, its page and its history. A page the user may not open is a 403, never
a 500; the superuser also saves each form back unchanged.
"""

import datetime
from html.parser import HTMLParser

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import models
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)
from taggit.models import Tag

from accounts import services as accounts
from accounts.models import BlogPost, Profile
from accounts.tests.factories import BlogPostFactory, UserFactory
from circles import services as circles
from circles.models import CommunityBan, Membership
from community import digests, recognition, reporting, sanctions
from community import services as community
from community.embed_previews import embed_previews_ensure
from community.embed_providers import embed_match
from community.embeds import embeds_sync
from community.models import (
    Badge,
    EmbedPreview,
    EmbedProviderSetting,
    Grade,
    Report,
    Subject,
)
from contests.tests.helpers_community import world as contests_world
from conversations.services import lines as consultation_lines
from courses.models import CourseReview, TrustedAuthor
from courses.tests.community_helpers import (
    completed,
    peer_review,
    published,
    reviewed,
)
from forums import services as forums
from forums.models import ModerationLog
from forums.tests.factories import TopicFactory
from growth import services as growth
from growth.models import FrameworkVersion, Target
from growth.services.framework import framework_version_copy
from masterclasses import services as masterclasses
from masterclasses.models import Registration, TrustedHost
from masterclasses.tests.factories import MasterClassFactory
from materials import services as materials
from materials.models import ReviewAssignment
from materials.services.takedown import takedown_request
from materials.tests.factories import MaterialFactory
from materials.tests.test_review import _submitted, _write, expert

pytestmark = pytest.mark.django_db


def _world(moderator) -> list[models.Model]:
    """Rows of every kind the admin site lists, made as the site makes them."""
    author = UserFactory()
    reader = UserFactory()
    gone = UserFactory()  # writes, then deletes the account
    bare = UserFactory(profile=None)  # made by createsuperuser: no profile yet

    post = accounts.post_create(
        author=author, title="Дроби", body="Про дроби", tags=["дроби"], publish=True
    )
    comment = accounts.comment_create(post=post, author=reader, body="Спасибо")
    gone_post = BlogPostFactory(author=gone)
    gone_comment = accounts.comment_create(post=post, author=gone, body="Согласен")
    accounts.follow_create(follower=reader, followee=author)  # a notification
    report = reporting.report_create(
        reporter=reader, key="blog_post", object_id=gone_post.pk, reason="spam"
    )
    reporting.report_create(
        reporter=author, key="blog_comment", object_id=gone_comment.pk, reason="spam"
    )
    accounts.comment_delete(comment=gone_comment, actor=moderator)  # report: gone

    topic = TopicFactory(author=gone)
    forums.topic_moderate(topic=topic, moderator=moderator, pinned=True, reason="")

    material = MaterialFactory(author=author)
    rating = materials.rating_set(material=material, user=gone, score=4)
    collection = materials.collection_create(owner=reader, title="Мои уроки")
    round_ = _submitted(material)
    assignment = materials.review_take(round_=round_, reviewer=expert())
    _write(assignment)
    waiting = materials.review_assign(
        round_=_submitted(MaterialFactory()), reviewer=expert(), moderator=moderator
    )
    takedown = takedown_request(
        material=material,
        name="Правообладатель",
        email="rights@example.org",
        work="Учебник",
        details="Страницы 3–5",
        confirmed=True,
    )

    masterclass = MasterClassFactory(host=author)
    registration = masterclasses.register(masterclass=masterclass, user=reader)
    masterclasses.trusted_host_set(user=author, moderator=moderator, trusted=True)
    past = MasterClassFactory(
        host=author,
        starts_at=timezone.now() - datetime.timedelta(hours=3),
        ends_at=timezone.now() - datetime.timedelta(hours=2),
    )
    Registration.objects.create(
        masterclass=past, user=gone, status="registered", attended=True
    )
    certificates = masterclasses.masterclass_finish(masterclass=past)

    manual = Badge.objects.create(
        key="mentor-of-the-year",
        name="Наставник года",
        description="За наставничество",
        tier=Badge.Tier.GOLD,
        is_manual=True,
    )
    award = recognition.badge_award_manual(
        badge=manual, user=author, moderator=moderator, reason="Помогла молодым"
    )
    revoked = recognition.badge_award_manual(
        badge=manual, user=gone, moderator=moderator, reason="Ошибка"
    )
    recognition.badge_revoke(award=revoked, moderator=moderator, reason="Ошибка")
    sanction = sanctions.sanction_give(
        member=gone, moderator=moderator, kind="warning", reason="Грубость"
    )
    digest = digests.digest_send(
        user=reader,
        language="ru",
        period="daily",
        period_start=datetime.date(2026, 12, 1),
        force=True,
    )

    # A community proposed with two colleagues, opened when they accepted;
    # a request to join, an invitation, a member banned, a handover offered,
    # and a second community a moderator hid (the founders told why).
    settled = timezone.now() - datetime.timedelta(days=60)
    founder, cofounder, applicant, invited, banned = (
        UserFactory(date_joined=settled) for _ in range(5)
    )
    circle = circles.community_propose(
        founder=founder,
        name="Математики Поволжья",
        purpose="Делимся задачами олимпиад",
        visibility="public",
        joining="request",
        cofounders=[cofounder, reader],
    )
    for invitation in circle.invitations.all():
        circles.cofounder_answer(
            invitation=invitation, user=invitation.user, accept=True
        )
    join_request = circles.join_request_create(
        community=circle, user=applicant, message="Возьмите меня"
    )
    member_invitation = circles.invitation_create(
        community=circle, inviter=founder, user=invited
    )
    circles.join_request_decide(
        join_request=circles.join_request_create(community=circle, user=banned),
        moderator=founder,
        approve=True,
    )
    circles.member_remove(
        community=circle, moderator=founder, user=banned, ban=True, reason="Спам"
    )
    offer = circles.ownership_offer(community=circle, owner=founder, to_user=cofounder)
    hidden_circle = circles.community_propose(
        founder=cofounder,
        name="Реклама курсов",
        purpose="Продаём курсы",
        visibility="private",
        joining="invitation",
        cofounders=[founder, reader],
    )
    circles.community_hide(
        community=hidden_circle, moderator=moderator, reason="Реклама"
    )

    course = published(author=author)
    course_certificate = completed(course, reader)
    course_round = reviewed()

    # My path: version 1, which a plan uses (only read), and its copy (edited).
    framework = FrameworkVersion.objects.get(is_current=True)
    growth.plan_create(
        owner=reader, target=framework.targets.get(code=Target.Code.HIGHEST)
    )
    framework_copy = framework_version_copy(framework, actor=moderator)

    accounts.account_delete(user=gone)

    app = SocialApp.objects.create(
        provider="yandex", name="Яндекс", client_id="id", secret="secret"
    )
    social = SocialAccount.objects.create(user=reader, provider="yandex", uid="42")
    every_minute = IntervalSchedule.objects.create(
        every=1, period=IntervalSchedule.MINUTES
    )
    # An embedded link as a text's save makes it; the services' switches.
    embedded = embed_match("https://rutube.ru/video/0123456789abcdef0123456789abcdef/")
    embed_previews_ensure([embedded])
    embeds_sync()
    return [
        Subject.objects.first(),
        Grade.objects.first(),
        community.heartbeat_record(name="beat"),
        author.notifications.first(),  # the follow, the comments
        digest,
        community.audit(actor=None, action="cleanup", target=post),
        Badge.objects.filter(is_manual=False).first(),
        manual,
        award,
        revoked,
        report,
        Report.objects.exclude(pk=report.pk).get(),  # its comment is gone
        sanction,
        community.trace_record(
            user=reader, action="post", ip_address="192.0.2.1", user_agent="Firefox"
        ),
        Tag.objects.get(name="дроби"),
        Group.objects.get(name=accounts.MODERATORS),
        author,
        gone,
        bare,
        UserFactory(is_staff=True, is_superuser=True),  # only read by moderators
        Profile.objects.get(user=gone),
        post,
        BlogPost.objects.get(pk=gone_post.pk),
        comment,
        topic.section,
        topic,
        topic.posts.first(),
        ModerationLog.objects.get(topic=topic),
        material,
        material.current_version,
        rating,
        collection,
        round_,
        assignment,
        waiting,
        ReviewAssignment.objects.get(pk=assignment.pk).review,
        takedown,
        masterclass,
        registration,
        past.registrations.get(user=gone),
        TrustedHost.objects.get(user=author),
        *certificates,
        circle,
        hidden_circle,
        consultation_lines.line_create(
            by=moderator,
            subject=Subject.objects.first(),
            title="Консультации по физике",
            description="Спрашивайте **экспертов**.",
        ),
        Membership.objects.get(community=circle, user=founder),
        course,
        TrustedAuthor.objects.get(user=author),
        course_round,
        course_round.assignments.first(),
        CourseReview.objects.filter(assignment__round=course_round).first(),
        peer_review(course),
        course_certificate.enrolment,
        course_certificate,
        framework,
        framework_copy,
        framework.targets.first(),
        framework_copy.targets.first(),
        join_request,
        member_invitation,
        CommunityBan.objects.get(community=circle),
        offer,
        reader.emailaddress_set.first(),
        app,
        social,
        SocialToken.objects.create(app=app, account=social, token="token"),
        every_minute,
        PeriodicTask.objects.create(
            name="Сердцебиение", task="heartbeat", interval=every_minute
        ),
        ClockedSchedule.objects.create(clocked_time=timezone.now()),
        CrontabSchedule.objects.create(minute="0", hour="3"),
        SolarSchedule.objects.create(event="sunrise", latitude=55.75, longitude=37.6),
        EmbedPreview.objects.get(key=embedded.key),
        EmbedProviderSetting.objects.get(key="rutube"),
        *contests_world(),
    ]


def _by_model(objects: list[models.Model]) -> dict[type, list[models.Model]]:
    rows: dict[type, list[models.Model]] = {}
    for obj in objects:
        rows.setdefault(type(obj), []).append(obj)
    return rows


class _ChangeForm(HTMLParser):
    """What a browser sends from the admin's change form, nothing changed."""

    def __init__(self) -> None:
        super().__init__()
        self.data: list[tuple[str, str]] = []
        self._in_form = False
        self._select: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attr = dict(attrs)
        if tag == "form" and attr.get("id", "").endswith("_form"):
            self._in_form = True
        if not self._in_form or "disabled" in attr:
            return
        if tag == "option" and self._select is not None:
            value = attr.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = [value]
            if "selected" in attr:
                self._select["chosen"].append(value)
        if not attr.get("name"):
            return
        kind = attr.get("type", "text")
        if tag == "input" and kind in ("checkbox", "radio"):
            if "checked" in attr:
                self.data.append((attr["name"], attr.get("value", "on")))
        elif tag == "input" and kind not in ("submit", "button", "file", "image"):
            self.data.append((attr["name"], attr.get("value", "")))
        elif tag == "select":
            self._select = {
                "name": attr["name"],
                "chosen": [],
                # A list sends nothing when nothing is chosen; a drop-down, its first.
                "first": [] if "multiple" in attr else None,
            }
        elif tag == "textarea":
            self._textarea = {"name": attr["name"], "text": ""}

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select" and self._select is not None:
            select, self._select = self._select, None
            chosen = select["chosen"] or select["first"] or []
            self.data += [(select["name"], value) for value in chosen]
        elif tag == "textarea" and self._textarea is not None:
            area, self._textarea = self._textarea, None
            # Browsers drop the newline Django writes after <textarea>.
            self.data.append((area["name"], area["text"].removeprefix("\n")))


def _unchanged(html: str) -> dict[str, list[str]]:
    parser = _ChangeForm()
    parser.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value)
    return data


def _failure(url: str, response, wanted) -> str:
    error = response.exc_info[1] if response.exc_info else ""
    return f"{url}: {response.status_code}, expected {wanted} {error!r}"


def _staff(role: str, moderator):
    if role == "moderator":
        return moderator
    if role == "superuser":
        return UserFactory(is_staff=True, is_superuser=True)
    user = accounts.user_grant_role(user=UserFactory(), role=accounts.EXPERTS)
    if role == "expert in the admin site":
        user.is_staff = True  # a superuser ticked "staff status" for them
        user.save(update_fields=["is_staff"])
    return user


@pytest.mark.parametrize(
    "role", ["moderator", "expert", "expert in the admin site", "superuser"]
)
def test_admin_pages_open_or_refuse_for_every_model(role, moderator):
    rows = _by_model(_world(moderator))
    user = _staff(role, moderator)
    client = Client(raise_request_exception=False)  # every failure, not the first
    client.force_login(user)
    request = RequestFactory().get("/")
    request.user = user
    missing, failures = [], []

    def expect(url: str, allowed: bool, response) -> None:
        # Outside the admin site every page asks to sign in; inside, a page
        # the user may not open is refused, never an error.
        wanted = (200 if allowed else 403) if user.is_staff else 302
        if response.status_code != wanted:
            failures.append(_failure(url, response, wanted))

    for model, model_admin in admin.site._registry.items():
        objects = rows.get(model, [])
        if not objects:
            missing.append(model._meta.label)
            continue
        info = (model._meta.app_label, model._meta.model_name)
        url = reverse("admin:{}_{}_changelist".format(*info))
        expect(url, model_admin.has_view_or_change_permission(request), client.get(url))
        url = reverse("admin:{}_{}_add".format(*info))
        expect(url, model_admin.has_add_permission(request), client.get(url))
        for obj in objects:
            may_see = model_admin.has_view_or_change_permission(request, obj)
            url = reverse("admin:{}_{}_history".format(*info), args=[obj.pk])
            expect(url, may_see, client.get(url))
            url = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
            page = client.get(url)
            expect(url, may_see, page)
            if user.is_superuser and model_admin.has_change_permission(request, obj):
                response = client.post(url, _unchanged(page.content.decode()))
                if response.status_code >= 500:
                    failures.append(_failure(f"POST {url}", response, "no error"))

    assert missing == [], "registered models without an object to open"
    assert failures == [], "\n".join(failures)
