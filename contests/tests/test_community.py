"""What contests, polls and network projects give the community layer, each
registration doing its job: notification kinds under the members' switch
«Конкурсы и проекты», the digest, the feed's phrases, the sitemap, reports,
badges, the members of the month, the evidence of growth, the portfolio,
the header and home page, and the account's data."""

import datetime
import json
import zipfile
from io import BytesIO

import pytest
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.models import OuterRef
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts import services as accounts
from accounts.account_data import account_data_sources
from accounts.models import NOTIFICATION_DEFAULTS, NotificationSetting, Profile
from accounts.portfolio import portfolio_for
from accounts.tests.factories import UserFactory
from community import recognition, reporting, selectors
from community.attainments import attainment_source, attainments_for
from community.badges import badge_rule
from community.digests import digest_contents
from community.models import AuditEntry, BadgeAward, Report
from community.navigation import nav_sections
from community.notifications import (
    activity_phrase,
    audit_action_choices,
    notification_kind,
    preferences,
)
from community.reports import reportable_for_model
from contests import account_data, changes, hooks, kinds, moderation
from contests.models import Contest, Diploma, Entry, Project, TeamMember
from contests.tests import helpers_community as make

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)

NOTIFICATION_KINDS = [
    kinds.CONTEST_NEW,
    kinds.JUDGE_ASSIGNED,
    kinds.JUDGING_REMINDER,
    kinds.ENTRY_DEADLINE,
    kinds.RESULTS,
    kinds.DISQUALIFIED,
    kinds.ENTRY_SUBMITTED,
    kinds.STAGE_REMINDER,
    kinds.STAGE_FEEDBACK,
    kinds.STAGE_SUBMITTED,
    kinds.PROJECT_COMPLETED,
]
URGENT = {kinds.JUDGING_REMINDER, kinds.ENTRY_DEADLINE, kinds.STAGE_REMINDER}


def _established(**fields):
    return UserFactory(date_joined=timezone.now() - 90 * DAY, **fields)


# --- Notification kinds and the switch ------------------------------------------------


@pytest.mark.parametrize("key", NOTIFICATION_KINDS)
def test_contest_notification_kinds_obey_the_contests_switch(key):
    kind = notification_kind(key)

    assert kind.preference == kinds.PREFERENCE == "contests"
    assert kind.urgent is (key in URGENT)
    values = {"actor": "Анна Петрова", "target": "Лучший урок", "count": 3}
    with translation.override("ru"):
        one, many = str(kind.one) % values, str(kind.many) % values
    assert "Лучший урок" in one
    assert "3" in many
    assert "%" not in one + many


def test_the_contests_switch_is_a_members_preference_with_a_default():
    assert kinds.PREFERENCE in preferences().keys
    assert kinds.PREFERENCE == NotificationSetting.Kind.CONTESTS
    assert NOTIFICATION_DEFAULTS[NotificationSetting.Kind.CONTESTS] == "digest"


def test_the_notification_settings_page_offers_the_contests_switch(member_client):
    page = member_client.get(reverse("accounts:settings_notifications"))

    assert page.status_code == 200
    assert 'name="kind_contests"' in page.content.decode()
    assert "конкурсы и проекты" in page.content.decode().lower()


def test_a_member_who_switched_contests_off_is_not_told(member):
    from community import services as community

    NotificationSetting.objects.create(
        user=member, kind=kinds.PREFERENCE, delivery=NotificationSetting.Delivery.OFF
    )
    made = make.contest()

    told = community.notify(
        recipient=member, kind=kinds.CONTEST_NEW, url="/", target=made
    )

    assert told is None
    assert not member.notifications.exists()


def test_a_reminder_reaches_a_digest_reader_by_email_at_once(member):
    from community import services as community

    NotificationSetting.objects.create(
        user=member, kind=kinds.PREFERENCE, delivery=NotificationSetting.Delivery.DIGEST
    )

    notification = community.notify(
        recipient=member,
        kind=kinds.STAGE_REMINDER,
        url="/projects/",
        target_title="Этап 1",
    )

    assert notification is not None
    assert notification.email_queued_at is not None


def test_system_checks_pass_with_the_registrations_of_contests():
    call_command("check", tags=["registries"], fail_level="WARNING")


# --- The digest -----------------------------------------------------------------------


def test_digest_lists_open_contests_in_the_readers_subjects_and_new_projects():
    reader = make.reader()
    since = timezone.now() - DAY
    mine = make.contest(title="Лучший урок математики")
    everyone = make.contest(title="Конкурс для всех", subject_slug=None)
    make.contest(title="Чужой предмет", subject_slug="physics")
    project = make.project(title="Задачник всей сетью")

    content = digest_contents(users=[reader], since=since)[reader.pk]

    sections = {section.key: items for section, items in content.sections}
    items = sections["contests"]
    assert [item.title for item in items] == [
        "Конкурс для всех",
        "Лучший урок математики",
        "Задачник всей сетью",
    ]
    assert items[1].url == mine.get_absolute_url()
    assert items[0].url == everyone.get_absolute_url()
    assert items[2].url == project.get_absolute_url()


def test_digest_leaves_out_own_hidden_closed_drafts_and_older_ones():
    reader = make.reader()
    since = timezone.now() - DAY
    make.contest(organiser=reader, title="Мой конкурс")
    make.contest(is_hidden=True, title="Скрытый")
    make.contest(status=Contest.Status.DRAFT, title="Черновик")
    make.contest(opens_in=-20, closes_in=-1, title="Приём закрыт")
    make.contest(published_at=since - DAY, title="Давний")
    make.finished(title="Итоги подведены")
    make.project(coordinator=reader, title="Мой проект")
    make.project(status=Project.Status.ACTIVE, title="Команды набраны")
    make.project(status=Project.Status.DRAFT, title="Черновик проекта")

    assert hooks.open_in_subjects([reader], since) == {}


def test_digest_section_reads_a_batch_in_a_fixed_number_of_queries(
    django_assert_num_queries,
):
    since = timezone.now() - DAY
    for index in range(7):
        make.contest(title=f"Конкурс {index}")
        make.project(title=f"Проект {index}")
    readers = [make.reader() for _ in range(30)]

    with django_assert_num_queries(2):
        found = hooks.open_in_subjects(readers, since)

    assert len(found) == 30
    assert all(len(items) == 2 * hooks.DIGEST_ITEMS for items in found.values())


def test_digest_section_asks_one_query_when_nothing_was_announced(
    django_assert_num_queries,
):
    make.finished()
    readers = [make.reader() for _ in range(3)]

    with django_assert_num_queries(1):
        assert hooks.open_in_subjects(readers, timezone.now() - DAY) == {}


# --- The feed -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "words"),
    [
        (kinds.CONTEST_ACTIVITY, "Анна Петрова announced a contest"),
        (kinds.RESULTS_ACTIVITY, "Анна Петрова announced the results of the contest"),
        (kinds.PROJECT_ACTIVITY, "Анна Петрова announced a network project"),
        (kinds.PROJECT_DONE_ACTIVITY, "Анна Петрова completed the network project"),
    ],
)
def test_each_feed_event_reads_with_its_phrase(key, words):
    with translation.override("en"):
        assert activity_phrase(key, "Анна Петрова") == words
    with translation.override("ru"):
        assert "Анна Петрова" in activity_phrase(key, "Анна Петрова")
        assert activity_phrase(key, "Анна Петрова") != words


def test_the_feed_lists_an_announced_contest_in_its_subject(member):
    organiser = UserFactory(profile__display_name="Анна Петрова")
    made = make.contest(organiser=organiser, title="Лучший урок")

    changes.contest_visibility_changed(made)
    events = selectors.feed_for_user(
        user=member, followed_ids=[], subject_ids=[made.subject_id]
    )

    event = events.get()
    assert (event.kind, event.target_id, event.url) == (
        kinds.CONTEST_ACTIVITY,
        made.pk,
        made.get_absolute_url(),
    )


def test_the_feed_never_records_a_vote_in_a_poll(member):
    from community.models import ActivityEvent

    make.poll(voters=[member, UserFactory()])

    assert not ActivityEvent.objects.filter(actor=member).exists()


# --- Reports --------------------------------------------------------------------------


def _report(reporter, key: str, obj) -> Report:
    return reporting.report_create(
        reporter=reporter, key=key, object_id=obj.pk, reason="spam"
    )


@pytest.mark.parametrize(
    ("model", "key"),
    [(Contest, "contest"), (Entry, "contest_entry"), (Project, "project")],
)
def test_contests_entries_and_projects_are_reportable(model, key):
    kind = reportable_for_model(model)

    assert kind is not None
    assert kind.key == key


def test_a_moderator_hides_a_reported_contest_through_its_service(moderator):
    made = make.contest(title="Реклама")
    report = _report(UserFactory(), "contest", made)

    reporting.report_resolve(report=report, moderator=moderator, hide=True)

    made.refresh_from_db()
    assert made.is_hidden
    assert AuditEntry.objects.filter(
        actor=moderator, action="contest_hide", target_id=made.pk
    ).exists()


def test_a_moderator_hides_a_reported_entry_through_its_service(moderator):
    made = make.entry(make.contest(), title="Чужая работа")
    report = _report(UserFactory(), "contest_entry", made)

    reporting.report_resolve(report=report, moderator=moderator, hide=True)

    made.refresh_from_db()
    assert made.is_hidden
    assert AuditEntry.objects.filter(actor=moderator, target_id=made.pk).exists()


def test_a_moderator_hides_a_reported_project_through_its_service(moderator):
    made = make.project(title="Реклама курсов")
    report = _report(UserFactory(), "project", made)

    reporting.report_resolve(report=report, moderator=moderator, hide=True)

    made.refresh_from_db()
    assert made.is_hidden
    assert AuditEntry.objects.filter(actor=moderator, target_id=made.pk).exists()


@override_settings(MODERATION_AUTOHIDE_REPORTS=3)
def test_enough_reports_hide_a_contest_until_a_moderator_looks(moderator):
    made = make.contest()

    for _ in range(3):
        _report(_established(), "contest", made)

    made.refresh_from_db()
    assert made.is_hidden
    report = Report.objects.filter(target_id=made.pk).first()
    reporting.report_resolve(report=report, moderator=moderator, hide=False)
    made.refresh_from_db()
    assert not made.is_hidden


def test_a_moderator_hides_a_jury_comment_and_the_mark_stands(moderator):
    score = make.score(make.entry(make.finished()), comment="Грубый отзыв")

    moderation.score_hide(score=score, moderator=moderator, reason="Грубость")

    score.refresh_from_db()
    assert score.is_hidden
    assert str(score.total) == "4.50"
    assert AuditEntry.objects.filter(
        action="contest_score_hide", actor=moderator, reason="Грубость"
    ).exists()


def test_an_organiser_cannot_report_their_contest_nor_anyone_a_draft():
    made = make.contest()
    draft = make.contest(status=Contest.Status.DRAFT)

    with pytest.raises(ValidationError):
        _report(made.organiser, "contest", made)
    with pytest.raises(ObjectDoesNotExist):
        _report(UserFactory(), "contest", draft)


def test_score_hide_is_for_moderators_only(member):
    from django.core.exceptions import PermissionDenied

    score = make.score(make.entry(make.finished()))

    with pytest.raises(PermissionDenied):
        moderation.score_hide(score=score, moderator=member, reason="")


def test_the_audit_log_names_the_contests_decisions():
    labels = dict(audit_action_choices())

    for code in [
        "contest_results",
        "contest_cancelled",
        "entry_disqualified",
        "entry_reinstated",
        "judge_assigned",
        "contest_hide",
        "entry_hide",
        "project_hide",
        "contest_score_hide",
    ]:
        assert code in labels, code
    with translation.override("ru"):
        assert str(labels["contest_results"]) != "contest results frozen"


# --- Badges and the members of the month ----------------------------------------------


def test_contest_wins_count_winners_and_prize_winners_diplomas():
    holder = UserFactory()
    for _ in range(2):
        make.winner(holder)
    prize = make.entry(make.finished(), holder, result=Entry.Result.PRIZE, place=2)
    make.diploma(prize, holder, kind=Diploma.Kind.PRIZE)
    taking_part = make.entry(make.finished(), holder)
    make.diploma(taking_part, holder, kind=Diploma.Kind.PARTICIPANT)
    hidden = make.winner(holder, is_hidden=True)

    measured = hooks.contest_wins([holder.pk])
    recognition.badges_evaluate(user_ids=[holder.pk])

    assert measured == {holder.pk: 3}
    assert hidden.holder_id == holder.pk
    awarded = set(
        BadgeAward.objects.filter(user=holder).values_list("badge__key", flat=True)
    )
    assert {"contest-prize", "contest-prizes-3"} <= awarded
    assert "contest-prizes-10" not in awarded
    assert badge_rule("contest-prizes-10").tier == "gold"


def test_contest_entries_count_submitted_entries_of_finished_contests():
    # Not before the results: a badge while the jury scores would tell a
    # judge who entered.
    author, coauthor = UserFactory(), UserFactory()
    make.entry(make.finished(), author, coauthor)
    make.entry(make.finished(), author)
    make.entry(make.contest(), author)
    make.entry(make.finished(), author, status=Entry.Status.WITHDRAWN)
    make.entry(make.contest(status=Contest.Status.DRAFT), author)

    assert hooks.contest_entries([author.pk, coauthor.pk]) == {
        author.pk: 2,
        coauthor.pk: 1,
    }


def test_projects_completed_count_participants_and_coordinators():
    member, coordinator = UserFactory(), UserFactory()
    make.completed_project(member, coordinator=coordinator)
    make.completed_project(member)
    make.completed_project(member, is_hidden=True)
    under_way = make.project(status=Project.Status.ACTIVE)
    make.team(under_way, member)

    measured = hooks.projects_completed([member.pk, coordinator.pk])
    recognition.badges_evaluate(user_ids=[member.pk])

    assert measured == {member.pk: 2, coordinator.pk: 1}
    assert BadgeAward.objects.filter(
        user=member, badge__key="project-completed"
    ).exists()


def test_the_months_points_count_diplomas_and_projects_completed():
    start, end = timezone.now() - DAY, timezone.now() + DAY
    holder, member = UserFactory(), UserFactory()
    make.winner(holder)
    prize = make.entry(make.finished(), holder, result=Entry.Result.PRIZE, place=2)
    make.diploma(prize, holder, kind=Diploma.Kind.PRIZE)
    old = make.winner(holder)
    Diploma.objects.filter(pk=old.pk).update(issued_at=start - 5 * DAY)
    project = make.completed_project(member, holder)

    points = hooks.contribution(start, end)

    assert points[holder.pk] == hooks.POINTS_WINNER + hooks.POINTS_PRIZE + (
        hooks.POINTS_PROJECT
    )
    assert points[member.pk] == hooks.POINTS_PROJECT
    assert points[project.coordinator_id] == hooks.POINTS_PROJECT


# --- Evidence of growth, the portfolio ------------------------------------------------


def test_a_diploma_is_evidence_with_its_code_and_verification_address():
    diploma = make.winner(title="Лучший урок")
    make.winner(diploma.holder, is_hidden=True)

    items = attainments_for(diploma.holder)[kinds.DIPLOMA_SOURCE]

    assert attainment_source(kinds.DIPLOMA_SOURCE) is not None
    assert [item.code for item in items] == [diploma.code]
    assert items[0].verify_url == f"/certificates/{diploma.code}/"
    assert "Лучший урок" in items[0].title
    assert items[0].url == diploma.entry.contest.get_absolute_url()


def test_a_completed_project_is_evidence_for_its_participants():
    member = UserFactory()
    project = make.completed_project(member, title="Задачник")
    make.completed_project(member, is_hidden=True)

    items = attainments_for(member)[kinds.PROJECT_SOURCE]
    coordinated = attainments_for(project.coordinator)[kinds.PROJECT_SOURCE]

    assert [item.title for item in items] == ["Задачник"]
    assert items[0].url == project.get_absolute_url()
    assert [item.key for item in coordinated] == [str(project.pk)]


def test_the_portfolio_shows_diplomas_and_projects_completed(client):
    holder = UserFactory(profile__language="en")
    diploma = make.winner(holder, title="Лучший урок")
    project = make.completed_project(holder, title="Задачник")

    sections = {section.key: items for section, items in portfolio_for(holder)}
    html = client.get(reverse("accounts:portfolio", args=[holder.username]))

    items = sections["contests"]
    assert [item.title for item in items] == ["Лучший урок", "Задачник"]
    assert items[0].url == f"/certificates/{diploma.code}/"
    assert diploma.number in items[0].detail
    page = html.content.decode()
    assert f"/certificates/{diploma.code}/" in page
    assert project.get_absolute_url() in page


def test_an_empty_contests_section_costs_the_portfolio_no_query():
    nothing, holder, member = UserFactory(), UserFactory(), UserFactory()
    make.winner(holder)
    make.completed_project(member)

    profiles = Profile.objects.annotate(
        held=hooks.portfolio_held(OuterRef("user_id"))
    ).in_bulk([nothing.profile.pk, holder.profile.pk, member.profile.pk])

    assert profiles[nothing.profile.pk].held is False
    assert profiles[holder.profile.pk].held is True
    assert profiles[member.profile.pk].held is True


# --- The header and the home page -----------------------------------------------------


def test_contests_come_after_the_courses_in_the_header():
    urls = [item.url for item in nav_sections()]

    assert "/contests/" in urls
    assert urls.index("/contests/") == urls.index("/courses/") + 1


def test_a_members_home_links_to_contests_and_projects(client):
    client.force_login(UserFactory())

    html = client.get("/").content.decode()

    assert 'id="home-contests"' in html
    assert 'href="/contests/"' in html
    assert 'href="/projects/"' in html


def test_a_visitors_home_lists_open_contests_with_the_links(client):
    made = make.contest(title="Лучший урок")
    make.contest(status=Contest.Status.DRAFT, title="Черновик")
    make.contest(is_hidden=True, title="Скрытый")

    html = client.get("/").content.decode()

    assert made.get_absolute_url() in html
    assert "Черновик" not in html
    assert "Скрытый" not in html
    assert 'href="/contests/"' in html
    assert 'href="/projects/"' in html


def test_a_visitors_home_has_no_contests_block_without_an_open_contest(client):
    make.finished()

    html = client.get("/").content.decode()

    assert 'id="home-contests-heading"' not in html


# --- The member's data ----------------------------------------------------------------


def test_the_data_export_holds_the_members_contests_and_projects(
    django_assert_max_num_queries,
):
    member = UserFactory()
    diploma = make.winner(member, title="Лучший урок")
    score = make.score(make.entry(make.finished()), member, comment="Сильная работа")
    make.public_vote(make.entry(make.contest(), title="Чужая работа"), member)
    make.poll(voters=[member])
    organised = make.contest(organiser=member, title="Мой конкурс")
    project = make.project(coordinator=member, title="Мой проект")
    team = make.team(make.project(title="Чужой проект"), member, name="Орлы")
    make.stage_result(team, by=member)

    with django_assert_max_num_queries(12):
        exported = account_data.member_export(member)[account_data.EXPORT_FILE]

    assert exported["entries"][0]["title"] == diploma.entry_title
    assert exported["diplomas"][0]["number"] == diploma.number
    assert exported["diplomas"][0]["verification"].endswith(
        f"/certificates/{diploma.code}/"
    )
    assert exported["scores"][0]["comment"] == score.comment
    assert exported["public_votes"][0]["entry"] == "Чужая работа"
    assert exported["poll_ballots"][0]["answers"] == ["В понедельник"]
    assert exported["contests_organised"][0]["title"] == organised.title
    assert exported["projects_coordinated"][0]["title"] == project.title
    assert exported["teams"][0]["team"] == "Орлы"
    assert exported["stage_results"][0]["stage"] == "Этап 1"
    json.dumps(exported, default=str)  # JSON-able, as the export writes it


def test_the_account_export_zip_has_contests_json(member):
    make.winner(member)

    assert "contests" in [source.key for source in account_data_sources()]
    archive = zipfile.ZipFile(BytesIO(accounts.account_export(user=member)))

    assert "contests.json" in archive.namelist()


def test_the_account_export_reads_no_more_for_a_busier_member():
    quiet, busy = UserFactory(), UserFactory()
    make.winner(quiet)
    make.poll(voters=[quiet])
    make.project(coordinator=quiet)
    make.contest(organiser=quiet)
    for _ in range(4):
        make.winner(busy)
        make.poll(voters=[busy])
        make.project(coordinator=busy)
        make.contest(organiser=busy)

    with CaptureQueriesContext(connection) as few:
        account_data.member_export(quiet)
    with CaptureQueriesContext(connection) as many:
        account_data.member_export(busy)

    assert len(many.captured_queries) == len(few.captured_queries)


def test_deleting_the_account_leaves_the_teams_of_projects_under_way():
    member = UserFactory()
    under_way = make.project(status=Project.Status.ACTIVE)
    make.team(under_way, member, UserFactory())
    done = make.completed_project(member)
    diploma = make.winner(member)

    accounts.account_delete(user=member)

    assert not TeamMember.objects.filter(project=under_way, user=member).exists()
    assert TeamMember.objects.filter(project=done, user=member).exists()
    assert Diploma.objects.filter(pk=diploma.pk).exists()
