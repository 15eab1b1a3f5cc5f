"""A contest as its organiser makes it, branch by branch: who may organise,
the dates, nominations and their rubrics, the rules rendered once,
announcing, cancelling, hiding; who may see it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.tests.factories import UserFactory
from circles.tests.factories import CommunityFactory, MembershipFactory
from community.models import ActivityEvent, AuditEntry, Notification
from contests import kinds
from contests.models import Contest, Judge, Nomination, Score
from contests.permissions import (
    can_edit_contest,
    can_see_contest,
    phase_of,
)
from contests.services import contests as services
from contests.tests.helpers_contests import (
    contest_draft,
    contest_open,
    entry_of,
    expert,
    moderator,
    moved_to,
    nomination_data,
    teacher_of,
    window,
)

pytestmark = pytest.mark.django_db


# --- Who organises ---------------------------------------------------------------


def test_a_moderator_organises_a_draft_with_its_nominations_and_rubrics():
    organiser = moderator()

    contest = contest_draft(
        organiser=organiser,
        nominations=[
            nomination_data("Урок", criteria=["Идея", "Методика"], prize_places=2),
            nomination_data("Внеурочное занятие", description="Кружки и проекты"),
        ],
    )

    assert contest.status == Contest.Status.DRAFT
    assert contest.organiser == organiser
    assert contest.community is None
    nominations = list(contest.nominations.order_by("position"))
    assert [item.title for item in nominations] == ["Урок", "Внеурочное занятие"]
    assert nominations[0].criteria == [
        {"key": "c1", "title": "Идея"},
        {"key": "c2", "title": "Методика"},
    ]
    assert nominations[0].prize_places == 2
    assert nominations[1].description == "Кружки и проекты"


def test_the_rules_are_rendered_once_on_save_and_sanitised():
    contest = contest_draft(rules="**Важно**: <script>alert(1)</script>")

    assert "<strong>Важно</strong>" in contest.rules_html
    assert "<script>" not in contest.rules_html
    stored = Contest.objects.get(pk=contest.pk)
    assert stored.rules_html == contest.rules_html


def test_a_community_owner_organises_the_communitys_contest():
    community = CommunityFactory()

    contest = contest_draft(organiser=community.founder, community=community)

    assert contest.community == community
    assert contest.organiser == community.founder


def test_a_community_member_who_is_not_its_owner_may_not_organise():
    community = CommunityFactory()
    member = MembershipFactory(community=community).user

    with pytest.raises(PermissionDenied):
        contest_draft(organiser=member, community=community)


def test_a_member_may_not_organise_a_site_contest():
    with pytest.raises(PermissionDenied):
        contest_draft(organiser=UserFactory())


def test_a_community_owner_may_not_organise_a_site_contest_without_the_community():
    community = CommunityFactory()

    with pytest.raises(PermissionDenied):
        contest_draft(organiser=community.founder)


@pytest.mark.parametrize(
    ("shift", "field"),
    [
        ({"submissions_close_at": "open"}, "submissions_close_at"),
        ({"judging_close_at": "close"}, "judging_close_at"),
    ],
)
def test_the_windows_must_follow_one_another(shift, field):
    dates = window("open")
    if "submissions_close_at" in shift:
        dates["submissions_close_at"] = dates["submissions_open_at"]
    else:
        dates["judging_close_at"] = dates["submissions_close_at"]

    with pytest.raises(ValidationError) as caught:
        contest_draft(**dates)

    assert field in caught.value.error_dict


@pytest.mark.parametrize(
    "criteria",
    [[], ["  "], [f"Критерий {n}" for n in range(9)], ["Идея", "идея"]],
)
def test_a_rubric_has_one_to_eight_different_criteria(criteria):
    with pytest.raises(ValidationError) as caught:
        contest_draft(nominations=[nomination_data(criteria=criteria)])

    assert caught.value.code == "criteria"


def test_a_contest_needs_a_nomination():
    with pytest.raises(ValidationError) as caught:
        services.contest_create(
            organiser=moderator(),
            title="Без номинаций",
            summary="Кратко",
            rules="Правила",
            nominations=[],
            **window("open"),
        )

    assert caught.value.code == "nominations"


def test_addresses_are_readable_unique_and_never_the_apps_own():
    first = contest_draft(title="Новая школа")
    second = contest_draft(title="Новая школа")
    reserved = contest_draft(title="Mine")

    assert first.slug == "novaia-shkola"
    assert second.slug == "novaia-shkola-2"
    assert reserved.slug == "mine-2"


# --- Editing ---------------------------------------------------------------------


def test_the_organiser_edits_the_contest_and_the_rules_render_again():
    contest = contest_draft()

    services.contest_update(
        contest=contest,
        editor=contest.organiser,
        title="  Новое  имя ",
        rules="_курсив_",
    )

    contest.refresh_from_db()
    assert contest.title == "Новое имя"
    assert contest.rules_html == "<p><em>курсив</em></p>"


def test_another_member_may_not_edit_a_contest():
    contest = contest_draft()

    with pytest.raises(PermissionDenied):
        services.contest_update(contest=contest, editor=UserFactory(), title="Чужое")


def test_a_finished_contest_is_edited_by_nobody():
    contest = contest_open()
    Contest.objects.filter(pk=contest.pk).update(status=Contest.Status.FINISHED)
    contest.refresh_from_db()

    assert not can_edit_contest(contest.organiser, contest)
    with pytest.raises(PermissionDenied):
        services.contest_update(contest=contest, editor=moderator(), title="Поздно")


def test_with_entries_in_the_window_cannot_open_later():
    contest = contest_open()
    entry_of(contest)

    with pytest.raises(ValidationError) as caught:
        services.contest_update(
            contest=contest,
            editor=contest.organiser,
            submissions_open_at=contest.submissions_open_at
            + datetime.timedelta(hours=1),
        )

    assert "submissions_open_at" in caught.value.error_dict


def test_the_public_vote_stays_once_anyone_voted():
    from contests.models import PublicVote

    contest = contest_open(public_vote=True)
    entry = entry_of(contest)
    PublicVote.objects.create(
        nomination=entry.nomination, entry=entry, voter=UserFactory()
    )

    with pytest.raises(ValidationError) as caught:
        services.contest_update(
            contest=contest, editor=contest.organiser, public_vote=False
        )

    assert caught.value.code == "voted"


# --- Nominations -----------------------------------------------------------------


def test_nominations_are_added_at_the_end_and_edited():
    contest = contest_draft()

    added = services.nomination_add(
        contest=contest,
        editor=contest.organiser,
        title="Проект",
        criteria=["Польза"],
        prize_places=1,
    )
    services.nomination_update(
        nomination=added, editor=contest.organiser, criteria=["Польза", "Команда"]
    )

    added.refresh_from_db()
    assert added.position == 2
    assert [item["title"] for item in added.criteria] == ["Польза", "Команда"]


def test_a_rubric_stays_once_a_judge_scored_in_the_nomination():
    contest = moved_to(contest_open(), "open")
    entry = entry_of(contest)
    judge = expert()
    Judge.objects.create(contest=contest, user=judge)
    Score.objects.create(entry=entry, judge=judge, marks={"c1": 5}, total=5)

    with pytest.raises(ValidationError) as caught:
        services.nomination_update(
            nomination=entry.nomination, editor=contest.organiser, criteria=["Другое"]
        )
    services.nomination_update(
        nomination=entry.nomination, editor=contest.organiser, title="Переименована"
    )

    assert caught.value.code == "scored"
    assert Nomination.objects.get(pk=entry.nomination_id).title == "Переименована"


def test_a_nomination_with_entries_stays_and_the_last_one_too():
    contest = contest_open()
    second = services.nomination_add(
        contest=contest, editor=contest.organiser, title="Вторая", criteria=["Идея"]
    )
    entry_of(contest, nomination=second)
    first = contest.nominations.order_by("position").first()
    lone = contest_draft()

    with pytest.raises(ValidationError) as with_entries:
        services.nomination_remove(nomination=second, editor=contest.organiser)
    services.nomination_remove(nomination=first, editor=contest.organiser)
    with pytest.raises(ValidationError) as last:
        services.nomination_remove(
            nomination=lone.nominations.get(), editor=lone.organiser
        )

    assert with_entries.value.code == "entries"
    assert last.value.code == "nominations"
    assert list(contest.nominations.all()) == [second]


# --- Announcing, cancelling, hiding ----------------------------------------------


def test_announcing_tells_the_teachers_of_its_subject_and_puts_it_in_the_feed():
    teacher = teacher_of("mathematics")
    other = teacher_of("physics")
    contest = contest_draft()

    services.contest_publish(contest=contest, actor=contest.organiser)

    contest.refresh_from_db()
    assert contest.status == Contest.Status.PUBLISHED
    assert contest.published_at is not None
    told = Notification.objects.filter(kind=kinds.CONTEST_NEW)
    assert set(told.values_list("recipient_id", flat=True)) == {teacher.pk}
    assert other.pk not in told.values_list("recipient_id", flat=True)
    assert ActivityEvent.objects.filter(
        kind=kinds.CONTEST_ACTIVITY, target_id=contest.pk
    ).exists()


def test_a_communitys_contest_is_told_to_its_members():
    community = CommunityFactory()
    member = MembershipFactory(community=community).user
    contest = contest_draft(
        organiser=community.founder, community=community, subject=None
    )

    services.contest_publish(contest=contest, actor=community.founder)

    assert Notification.objects.filter(
        kind=kinds.CONTEST_NEW, recipient=member
    ).exists()


def test_only_a_draft_is_announced_and_not_when_its_dates_are_over():
    contest = contest_open()
    with pytest.raises(ValidationError) as twice:
        services.contest_publish(contest=contest, actor=contest.organiser)
    stale = contest_draft(**window("over"))
    with pytest.raises(ValidationError) as over:
        services.contest_publish(contest=stale, actor=stale.organiser)

    assert twice.value.code == "status"
    assert over.value.code == "dates"


def test_cancelling_needs_a_reason_and_is_on_record():
    contest = contest_open()

    with pytest.raises(ValidationError) as caught:
        services.contest_cancel(contest=contest, actor=contest.organiser, reason=" ")
    services.contest_cancel(
        contest=contest, actor=contest.organiser, reason="Мало участников"
    )

    assert caught.value.code == "reason"
    contest.refresh_from_db()
    assert contest.status == Contest.Status.CANCELLED
    assert AuditEntry.objects.filter(
        action="contest_cancelled", target_id=contest.pk, reason="Мало участников"
    ).exists()
    assert not ActivityEvent.objects.filter(target_id=contest.pk).exists()


def test_a_moderator_hides_a_contest_on_record_and_a_member_may_not():
    contest = contest_open()
    mod = moderator()

    with pytest.raises(PermissionDenied):
        services.contest_hide(contest=contest, moderator=UserFactory())
    services.contest_hide(contest=contest, moderator=mod, reason="Спам")

    contest.refresh_from_db()
    assert contest.is_hidden
    assert AuditEntry.objects.filter(action="contest_hide", actor=mod).exists()
    assert not can_see_contest(UserFactory(), contest)
    services.contest_hide(contest=contest, moderator=mod, hidden=False)
    contest.refresh_from_db()
    assert not contest.is_hidden


def test_reports_hide_a_contest_until_a_moderator_looks():
    contest = contest_open()

    services.contest_hide_by_reports(contest=contest)

    contest.refresh_from_db()
    assert contest.is_hidden
    assert AuditEntry.objects.filter(
        action="contest_hide", actor=None, target_id=contest.pk
    ).exists()


# --- Who sees it ------------------------------------------------------------------


def test_a_draft_is_seen_by_its_organiser_and_moderators_only():
    from django.contrib.auth.models import AnonymousUser

    contest = contest_draft()

    assert can_see_contest(contest.organiser, contest)
    assert can_see_contest(moderator(), contest)
    assert not can_see_contest(UserFactory(), contest)
    assert not can_see_contest(AnonymousUser(), contest)


def test_a_cancelled_contest_is_seen_by_the_authors_of_its_entries():
    contest = contest_open()
    author = UserFactory()
    entry_of(contest, author=author)
    services.contest_cancel(contest=contest, actor=contest.organiser, reason="Итог")
    contest.refresh_from_db()

    assert can_see_contest(author, Contest.objects.get(pk=contest.pk))
    assert not can_see_contest(UserFactory(), Contest.objects.get(pk=contest.pk))


@pytest.mark.parametrize(
    ("phase", "expected"),
    [
        ("upcoming", "upcoming"),
        ("open", "open"),
        ("judging", "judging"),
        ("over", "waiting"),
    ],
)
def test_the_phase_follows_the_clock(phase, expected):
    contest = moved_to(contest_open(), phase)

    assert phase_of(contest) == expected
