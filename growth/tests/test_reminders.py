"""Reminders, each once: a plan item due soon; professional development due
three years after the last course of at least 16 academic hours, within each
of the months before; overdue, or no such course found."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation

from accounts.models import NotificationSetting
from community.models import Notification
from community.services import notification_text
from growth import kinds, tasks
from growth.models import OwnEvidence, PlanItem, Reminder
from growth.services import reminders
from growth.services._common import _add_months
from growth.tests.helpers import (
    fresh,
    make_evidence,
    make_item,
    make_member,
    make_own_evidence,
    make_plan,
    notification_kinds_registered,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _kinds(monkeypatch):
    notification_kinds_registered(monkeypatch)


def _told(kind, user=None) -> int:
    found = Notification.objects.filter(kind=kind)
    if user is not None:
        found = found.filter(recipient=user)
    return found.count()


def _in(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


# --- Items due --------------------------------------------------------------


def test_an_item_due_within_the_week_is_reminded_of_once(settings):
    settings.GROWTH_ITEM_DUE_DAYS = 7
    plan = make_plan()
    due = make_item(plan, "Открытый урок", due_on=_in(5))
    make_item(plan, "Позже", due_on=_in(20))
    make_item(plan, "Прошло", due_on=_in(-1))
    make_item(plan, "Без срока")

    assert reminders.items_due_remind() == 1
    assert reminders.items_due_remind() == 0

    assert fresh(due).reminded_at is not None
    notice = Notification.objects.get(kind=kinds.ITEM_DUE)
    assert (notice.recipient_id, notice.target_title) == (
        plan.owner_id,
        "Открытый урок",
    )
    assert notice.url == plan.get_absolute_url()


def test_done_items_and_closed_plans_are_not_reminded_of():
    from growth import services

    plan = make_plan()
    done = make_item(plan, due_on=_in(2))
    services.item_done(done, actor=plan.owner, done=True)
    closed = make_plan(code="first")
    make_item(closed, due_on=_in(2))
    services.plan_close(closed, actor=closed.owner)

    assert reminders.items_due_remind() == 0
    assert _told(kinds.ITEM_DUE) == 0


def test_a_new_due_date_is_reminded_of_again():
    from growth import services

    plan = make_plan()
    item = make_item(plan, due_on=_in(2))
    reminders.items_due_remind()

    services.item_update(
        fresh(item), actor=plan.owner, title=item.title, url="", competency=None,
        due_on=_in(4),
    )  # fmt: skip

    assert reminders.items_due_remind() == 1
    assert _told(kinds.ITEM_DUE) == 2
    assert PlanItem.objects.filter(reminded_at__isnull=False).count() == 1


def test_a_member_who_switched_growth_off_is_claimed_but_not_told():
    plan = make_plan()
    NotificationSetting.objects.create(
        user=plan.owner,
        kind=kinds.PREFERENCE,
        delivery=NotificationSetting.Delivery.OFF,
    )
    make_item(plan, due_on=_in(1))

    assert reminders.items_due_remind() == 1
    assert _told(kinds.ITEM_DUE) == 0


# --- Professional development -----------------------------------------------


def _certificate(owner, *, days_ago: int, hours: int = 24):
    return make_evidence(
        owner,
        "course_certificate",
        occurred_at=timezone.now() - datetime.timedelta(days=days_ago),
        hours=hours,
    )


def _last_course_on(due_in_days: int) -> datetime.date:
    """The date of a last course that makes development due in ``due_in_days``."""
    due = _in(due_in_days)
    return due.replace(year=due.year - 3)


def test_development_due_within_six_months_is_told_once():
    plan = make_plan()
    last = _last_course_on(100)
    days_ago = (timezone.localdate() - last).days
    _certificate(plan.owner, days_ago=days_ago)

    assert reminders.development_due_remind() == 1
    assert reminders.development_due_remind() == 0

    due = _in(100)
    (reminder,) = Reminder.objects.filter(user=plan.owner)
    assert reminder.key == f"pd:{due.isoformat()}:6"
    assert reminder.sent_at is not None
    assert _told(kinds.DEVELOPMENT_DUE, plan.owner) == 1


def test_within_one_month_the_nearer_reminder_follows_the_first():
    plan = make_plan()
    last = _last_course_on(100)
    _certificate(plan.owner, days_ago=(timezone.localdate() - last).days)
    reminders.development_due_remind()
    due = _in(100)
    later = timezone.now() + datetime.timedelta(days=85)

    assert reminders.development_due_remind(now=later) == 1
    assert reminders.development_due_remind(now=later) == 0
    keys = set(Reminder.objects.filter(user=plan.owner).values_list("key", flat=True))
    assert keys == {f"pd:{due.isoformat()}:6", f"pd:{due.isoformat()}:1"}


def test_first_heard_within_a_month_only_the_nearer_is_told():
    plan = make_plan()
    last = _last_course_on(10)
    _certificate(plan.owner, days_ago=(timezone.localdate() - last).days)

    assert reminders.development_due_remind() == 1
    assert list(Reminder.objects.values_list("key", flat=True)) == [
        f"pd:{_in(10).isoformat()}:1"
    ]


def test_not_yet_within_any_window_tells_nothing():
    early = make_plan()
    _certificate(early.owner, days_ago=30)

    assert reminders.development_due_remind() == 0
    assert not Reminder.objects.exists()


def test_past_due_is_told_once_as_overdue():
    plan = make_plan()
    (certificate,) = _certificate(plan.owner, days_ago=365 * 3 + 30)
    last = timezone.localdate(certificate.occurred_at)

    assert reminders.development_due_remind() == 1
    assert reminders.development_due_remind() == 0

    assert Reminder.objects.get(user=plan.owner).key == (
        f"pd:overdue:{last.isoformat()}"
    )
    notice = Notification.objects.get(recipient=plan.owner)
    assert notice.kind == kinds.DEVELOPMENT_OVERDUE
    assert notice.url == reverse("growth:index")
    due = last.replace(year=last.year + 3)
    assert formats.date_format(due, "DATE_FORMAT") in notice.target_title


def test_no_course_ever_is_told_once_as_not_found():
    plan = make_plan()

    assert reminders.development_due_remind() == 1
    assert reminders.development_due_remind() == 0

    assert Reminder.objects.get(user=plan.owner).key == "pd:overdue:none"
    notice = Notification.objects.get(recipient=plan.owner)
    assert notice.kind == kinds.DEVELOPMENT_OVERDUE
    with translation.override("ru"):
        text = notification_text(notice)
    assert "Повышение квалификации" in text
    assert "%" not in text


def test_a_course_found_after_the_overdue_notice_counts_again():
    plan = make_plan()
    reminders.development_due_remind()  # none found
    _certificate(plan.owner, days_ago=(timezone.localdate() - _last_course_on(20)).days)

    assert reminders.development_due_remind() == 1
    assert set(Reminder.objects.values_list("key", flat=True)) == {
        "pd:overdue:none",
        f"pd:{_in(20).isoformat()}:1",
    }


def test_only_courses_of_the_rules_hours_count():
    from courses.models import QUALIFICATION_MIN_HOURS

    assert settings.GROWTH_DEVELOPMENT_MIN_HOURS == QUALIFICATION_MIN_HOURS == 16
    seminar, course = make_plan(), make_plan()
    days_ago = (timezone.localdate() - _last_course_on(100)).days
    # A two-hour seminar and a 15-hour one on Kollegi, a confirmed 8-hour
    # one of her own: none is a course of professional development.
    _certificate(seminar.owner, days_ago=days_ago, hours=2)
    _certificate(seminar.owner, days_ago=days_ago - 1, hours=15)
    _certificate(seminar.owner, days_ago=days_ago - 2, hours=None)
    make_own_evidence(
        seminar.owner,
        kind=OwnEvidence.Kind.COURSE,
        happened_on=timezone.localdate() - datetime.timedelta(days=10),
        hours=8,
        confirmed_by=make_member(),
    )
    _certificate(course.owner, days_ago=days_ago, hours=16)

    assert reminders.development_due_remind() == 2

    keys = dict(Reminder.objects.values_list("user_id", "key"))
    assert keys == {
        seminar.owner_id: "pd:overdue:none",
        course.owner_id: f"pd:{_in(100).isoformat()}:6",
    }


def test_a_confirmed_course_of_her_own_counts_an_unconfirmed_does_not():
    plan = make_plan()
    last = _last_course_on(40)
    (certificate,) = _certificate(plan.owner, days_ago=365 * 3 + 60)  # past due
    make_own_evidence(
        plan.owner,
        kind=OwnEvidence.Kind.COURSE,
        happened_on=last + datetime.timedelta(days=30),
        hours=24,
    )
    # The unconfirmed course leaves the certificate the last: overdue.
    assert reminders.development_due_remind() == 1
    overdue = f"pd:overdue:{timezone.localdate(certificate.occurred_at).isoformat()}"
    assert Reminder.objects.get().key == overdue

    make_own_evidence(
        plan.owner,
        kind=OwnEvidence.Kind.COURSE,
        happened_on=last,
        hours=24,
        confirmed_by=make_member(),
    )
    assert reminders.development_due_remind() == 1
    assert set(Reminder.objects.values_list("key", flat=True)) == {
        overdue,
        f"pd:{_in(40).isoformat()}:6",
    }


def test_only_owners_of_active_plans_hear():
    from growth import services

    plan = make_plan()
    stranger = make_member()
    last = _last_course_on(20)
    for owner in (plan.owner, stranger):
        _certificate(owner, days_ago=(timezone.localdate() - last).days)
    services.plan_close(plan, actor=plan.owner)

    assert reminders.development_due_remind() == 0


def test_the_reminders_task_runs_both():
    plan = make_plan()
    make_item(plan, due_on=_in(1))
    last = _last_course_on(20)
    _certificate(plan.owner, days_ago=(timezone.localdate() - last).days)

    assert tasks.reminders_task() == (1, 1)
    assert tasks.reminders_task() == (0, 0)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2027, 3, 31), -1, datetime.date(2027, 2, 28)),
        (datetime.date(2028, 3, 31), -1, datetime.date(2028, 2, 29)),
        (datetime.date(2027, 1, 15), -6, datetime.date(2026, 7, 15)),
        (datetime.date(2027, 8, 31), 6, datetime.date(2028, 2, 29)),
    ],
)
def test_months_are_counted_on_the_calendar(day, months, expected):
    assert _add_months(day, months) == expected
