"""Plans: made against a current target, one active per target, changed and
closed by their owner only, each act in the plan's history."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from community.sanctions import ParticipationRestricted
from growth import services
from growth.models import (
    FrameworkVersion,
    Mentorship,
    Plan,
    PlanEvent,
    Target,
)
from growth.services._common import _add_months, _add_years
from growth.tests.helpers import (
    fresh,
    make_member,
    make_mentor,
    make_plan,
    make_restricted,
    notification_kinds_registered,
    target,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _kinds(monkeypatch):
    notification_kinds_registered(monkeypatch)


def _actions(plan) -> list[str]:
    return list(
        PlanEvent.objects.filter(plan=plan)
        .order_by("created_at", "pk")
        .values_list("action", flat=True)
    )


def test_a_plan_runs_three_years_from_today_private_by_default():
    owner = make_member()

    plan = services.plan_create(owner=owner, target=target("highest"))

    today = timezone.localdate()
    assert plan.starts_on == today
    assert plan.ends_on == today.replace(year=today.year + 3)
    assert plan.visibility == Plan.Visibility.PRIVATE
    assert plan.status == Plan.Status.ACTIVE
    assert plan.target_code == "highest"
    assert _actions(plan) == [PlanEvent.Action.CREATED]


def test_making_the_plan_gathers_her_evidence_after_commit(
    monkeypatch, django_capture_on_commit_callbacks
):
    heard = []
    monkeypatch.setattr(
        "growth.services.evidence.evidence_refresh", lambda pk: heard.append(pk) or 0
    )
    owner = make_member()

    with django_capture_on_commit_callbacks(execute=True):
        services.plan_create(owner=owner, target=target("first"))

    assert heard == [owner.pk]


def test_a_double_click_returns_the_plan_already_made():
    owner = make_member()
    first = services.plan_create(owner=owner, target=target("first"))

    second = services.plan_create(owner=owner, target=target("first"))

    assert second.pk == first.pk
    assert Plan.objects.filter(owner=owner).count() == 1
    assert _actions(first) == [PlanEvent.Action.CREATED]


def test_a_target_of_an_earlier_version_is_refused():
    old = target("first")
    FrameworkVersion.objects.filter(pk=old.version_id).update(is_current=False)
    newer = FrameworkVersion.objects.create(number=2, title="2", is_current=True)
    Target.objects.create(version=newer, code="first", title="Первая")

    with pytest.raises(ValidationError) as error:
        services.plan_create(owner=make_member(), target=old)

    assert error.value.code == "target"


def test_an_active_plan_of_the_same_code_from_another_version_is_refused():
    owner = make_member()
    make_plan(owner, "first")
    old = target("first")
    FrameworkVersion.objects.filter(pk=old.version_id).update(is_current=False)
    newer = FrameworkVersion.objects.create(number=2, title="2", is_current=True)
    new_first = Target.objects.create(version=newer, code="first", title="Первая")

    with pytest.raises(ValidationError) as error:
        services.plan_create(owner=owner, target=new_first)

    assert error.value.code == "duplicate"


def test_after_closing_a_new_plan_for_the_same_target_may_be_made():
    owner = make_member()
    first = make_plan(owner, "first")
    services.plan_close(first, actor=owner)

    second = make_plan(owner, "first")

    assert second.pk != first.pk
    assert Plan.objects.filter(owner=owner, status=Plan.Status.ACTIVE).count() == 1


def test_a_plan_that_ends_before_it_starts_is_refused():
    today = timezone.localdate()

    with pytest.raises(ValidationError) as error:
        services.plan_create(
            owner=make_member(),
            target=target(),
            starts_on=today,
            ends_on=today - datetime.timedelta(days=1),
        )

    assert error.value.code == "period"


@pytest.mark.parametrize(
    "dates",
    [
        {"starts_on": datetime.date(9999, 6, 1)},  # no end: three years on
        {
            "starts_on": datetime.date(9999, 2, 28),
            "ends_on": datetime.date(9999, 12, 31),
        },
        {"starts_on": datetime.date(1, 1, 1), "ends_on": datetime.date(1, 6, 1)},
        {"years": 11},
        {"years": -11},
    ],
)
def test_a_date_far_from_today_is_refused_as_the_period(dates):
    if "years" in dates:
        day = _add_years(timezone.localdate(), dates.pop("years"))
        dates = {"starts_on": day, "ends_on": day + datetime.timedelta(days=30)}
    owner = make_member()

    with pytest.raises(ValidationError) as error:
        services.plan_create(owner=owner, target=target(), **dates)

    assert error.value.code == "period"
    assert not Plan.objects.filter(owner=owner).exists()


def test_a_plan_edited_far_from_today_is_refused():
    plan = make_plan()

    with pytest.raises(ValidationError) as error:
        services.plan_update(
            plan, actor=plan.owner, starts_on=datetime.date(9990, 1, 1),
            ends_on=datetime.date(9995, 1, 1), visibility=plan.visibility, note="",
        )  # fmt: skip

    assert error.value.code == "period"
    assert fresh(plan).starts_on == timezone.localdate()


def test_within_ten_years_of_today_a_plan_is_still_at_most_ten_years_long():
    today = timezone.localdate()

    with pytest.raises(ValidationError) as error:
        services.plan_create(
            owner=make_member(),
            target=target(),
            starts_on=_add_years(today, -9),
            ends_on=_add_years(today, 9),
        )

    assert error.value.code == "period"
    assert error.value.messages == [gettext("A plan is at most ten years long.")]


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (datetime.date(2028, 2, 29), 3, datetime.date(2031, 2, 28)),
        (datetime.date(2028, 2, 29), 4, datetime.date(2032, 2, 29)),
        (datetime.date(9999, 2, 28), 3, datetime.date.max),
        (datetime.date(9996, 2, 29), 3, datetime.date(9999, 2, 28)),
        (datetime.date(9998, 1, 1), 2, datetime.date.max),
        (datetime.date(1, 3, 1), -1, datetime.date.min),
    ],
)
def test_years_are_added_without_ever_raising(day, years, expected):
    assert _add_years(day, years) == expected


def test_months_are_added_without_ever_raising():
    assert _add_months(datetime.date.max, 1) == datetime.date.max
    assert _add_months(datetime.date.min, -1) == datetime.date.min
    assert _add_months(datetime.date(9999, 12, 31), -6) == datetime.date(9999, 6, 30)


def test_the_owner_changes_her_plan():
    plan = make_plan()
    today = timezone.localdate()

    services.plan_update(
        plan,
        actor=plan.owner,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=400),
        visibility=Plan.Visibility.PUBLIC,
        note="Цель — **высшая** категория",
    )

    plan = fresh(plan)
    assert plan.visibility == Plan.Visibility.PUBLIC
    assert plan.ends_on == today + datetime.timedelta(days=400)
    assert plan.note == "Цель — **высшая** категория"
    assert _actions(plan)[-1] == PlanEvent.Action.EDITED


def test_no_one_else_changes_or_closes_it_not_even_her_mentor():
    plan = make_plan()
    mentor = make_mentor(plan).mentor
    today = timezone.localdate()

    for actor in (mentor, make_member()):
        with pytest.raises(ValidationError):
            services.plan_update(
                plan,
                actor=actor,
                starts_on=today,
                ends_on=today + datetime.timedelta(days=30),
                visibility=Plan.Visibility.PUBLIC,
                note="",
            )
        with pytest.raises(ValidationError):
            services.plan_close(plan, actor=actor)
    assert fresh(plan).status == Plan.Status.ACTIVE


def test_closing_ends_the_mentorship_and_is_safe_twice():
    plan = make_plan()
    mentorship = make_mentor(plan)

    services.plan_close(plan, actor=plan.owner)
    services.plan_close(plan, actor=plan.owner)

    plan = fresh(plan)
    assert plan.status == Plan.Status.CLOSED
    assert plan.closed_at is not None
    assert fresh(mentorship).status == Mentorship.Status.ENDED
    assert _actions(plan).count(PlanEvent.Action.CLOSED) == 1


def test_a_closed_plan_is_not_changed():
    plan = make_plan()
    services.plan_close(plan, actor=plan.owner)
    today = timezone.localdate()

    with pytest.raises(ValidationError) as error:
        services.plan_update(
            plan,
            actor=plan.owner,
            starts_on=today,
            ends_on=today + datetime.timedelta(days=30),
            visibility=Plan.Visibility.PRIVATE,
            note="",
        )

    assert error.value.code == "closed"


def test_a_banned_member_makes_changes_and_closes_no_plan():
    owner = make_member()
    plan = make_plan(owner, note="Мои заметки")
    make_mentor(plan)
    make_restricted(owner)
    events = _actions(plan)

    with pytest.raises(ParticipationRestricted):
        services.plan_create(owner=owner, target=target(Target.Code.MENTOR))
    with pytest.raises(ParticipationRestricted):
        services.plan_update(
            plan,
            actor=owner,
            starts_on=plan.starts_on,
            ends_on=plan.ends_on,
            visibility=Plan.Visibility.PUBLIC,
            note="Другие заметки",
        )
    with pytest.raises(ParticipationRestricted):
        services.plan_close(plan, actor=owner)

    assert Plan.objects.filter(owner=owner).count() == 1
    plan = fresh(plan)
    assert plan.status == Plan.Status.ACTIVE
    assert (plan.visibility, plan.note) == (Plan.Visibility.PRIVATE, "Мои заметки")
    assert Mentorship.objects.get(plan=plan).status == Mentorship.Status.ACTIVE
    assert _actions(plan) == events
