"""A cohort's deadlines and openings: each learner reminded, and told a unit
opened, once — however often the beat runs."""

import datetime

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from community.models import Notification
from courses import kinds, services
from courses.models import Enrolment, Progress, Unit
from courses.tasks import deadlines_task
from courses.tests.learning_helpers import (
    cohort,
    cohort_begun,
    course_of,
    fresh,
    learner,
    units_of,
)

pytestmark = pytest.mark.django_db


def _course(**fields):
    """A cohort that began a day ago: its reading opened 12 hours ago and is
    due in a day (within the reminder's two days); a second reading opens in
    three days."""
    dates = cohort()
    starts = dates["starts_at"]
    course = course_of(
        (
            Unit.Kind.READING,
            {
                "opens_at": starts + datetime.timedelta(hours=12),
                "due_at": starts + datetime.timedelta(days=2),
            },
        ),
        (
            Unit.Kind.READING,
            {
                "opens_at": starts + datetime.timedelta(days=4),
                "due_at": starts + datetime.timedelta(days=9),
            },
        ),
        **dates,
        **fields,
    )
    return cohort_begun(course, days_begun=1)


def _notices(kind: str, user=None) -> int:
    found = Notification.objects.filter(kind=kind)
    if user is not None:
        found = found.filter(recipient=user)
    return found.count()


def _enrolled_before_it_opened(enrolment: Enrolment) -> Enrolment:
    Enrolment.objects.filter(pk=enrolment.pk).update(
        enrolled_at=timezone.now() - datetime.timedelta(days=1)
    )
    return fresh(enrolment)


# --- Deadline reminders ---------------------------------------------------------------


def test_learners_are_reminded_of_a_near_deadline_once():
    course = _course()
    first, second = learner(course), learner(course)
    due = units_of(course)[0]

    reminders, _openings = services.deadlines_run()
    again, _openings = services.deadlines_run()

    assert (reminders, again) == (2, 0)
    for enrolment in (first, second):
        assert _notices(kinds.DEADLINE_REMINDER, enrolment.user) == 1
        progress = Progress.objects.get(enrolment=enrolment, unit=due)
        assert progress.reminded_at is not None
        assert progress.done_at is None
    notice = Notification.objects.get(
        kind=kinds.DEADLINE_REMINDER, recipient=first.user
    )
    assert notice.url == due.get_absolute_url()


def test_no_reminder_for_a_unit_done_a_far_deadline_or_the_waitlist():
    course = _course(capacity=1)
    done = learner(course)
    waiting = learner(course)
    due = units_of(course)[0]
    services.reading_done(unit=due, user=done.user)

    reminders, _openings = services.deadlines_run()

    assert reminders == 0
    assert _notices(kinds.DEADLINE_REMINDER) == 0
    assert not Progress.objects.filter(enrolment=waiting).exists()


def test_a_deadline_already_passed_is_not_reminded():
    course = _course()
    learner(course)

    reminders, _openings = services.deadlines_run(
        now=timezone.now() + datetime.timedelta(days=1, hours=1)
    )

    assert reminders == 0


def test_a_unit_not_open_yet_is_reminded_of_once_it_opens():
    course = _course()
    enrolment = learner(course)
    later = units_of(course)[1]
    # Due a day after it opens: the reminder's days begin before it opens.
    Unit.objects.filter(pk=later.pk).update(
        due_at=later.opens_at + datetime.timedelta(days=1)
    )

    before, _openings = services.deadlines_run(
        now=later.opens_at - datetime.timedelta(hours=1)
    )
    opened, _openings = services.deadlines_run(
        now=later.opens_at + datetime.timedelta(minutes=1)
    )

    assert (before, opened) == (0, 1)
    assert _notices(kinds.DEADLINE_REMINDER, enrolment.user) == 1


def test_the_beat_task_runs_the_deadlines():
    course = _course()
    enrolment = learner(course)

    deadlines_task.delay()

    assert _notices(kinds.DEADLINE_REMINDER, enrolment.user) == 1


# --- Units opened ---------------------------------------------------------------------


def test_learners_are_told_once_that_a_unit_opened():
    course = _course()
    enrolment = _enrolled_before_it_opened(learner(course))
    opened = units_of(course)[0]

    _reminders, told = services.deadlines_run()
    _reminders, again = services.deadlines_run()

    assert (told, again) == (1, 0)
    notice = Notification.objects.get(kind=kinds.UNIT_OPENED)
    assert notice.recipient == enrolment.user
    assert notice.url == opened.get_absolute_url()
    assert notice.target_title == opened.title


def test_a_read_opening_notice_is_not_given_again():
    course = _course()
    enrolment = _enrolled_before_it_opened(learner(course))
    services.deadlines_run()
    Notification.objects.filter(recipient=enrolment.user).update(read_at=timezone.now())

    _reminders, again = services.deadlines_run()

    assert again == 0
    assert _notices(kinds.UNIT_OPENED, enrolment.user) == 1


def test_learners_who_came_after_the_opening_are_not_told():
    course = _course()
    learner(course)  # enrolled now: the unit was open when they came

    _reminders, told = services.deadlines_run()

    assert told == 0
    assert _notices(kinds.UNIT_OPENED) == 0


def test_a_unit_opening_later_is_told_when_its_time_comes():
    course = _course()
    enrolment = learner(course)
    later = units_of(course)[1]

    _reminders, before = services.deadlines_run()
    _reminders, at_opening = services.deadlines_run(
        now=later.opens_at + datetime.timedelta(minutes=5)
    )

    assert (before, at_opening) == (0, 1)
    notice = Notification.objects.get(kind=kinds.UNIT_OPENED)
    assert (notice.recipient, notice.target_title) == (enrolment.user, later.title)


def test_openings_older_than_the_horizon_are_not_told():
    course = _course()
    _enrolled_before_it_opened(learner(course))

    _reminders, told = services.deadlines_run(
        now=timezone.now() + datetime.timedelta(hours=13)
    )

    assert told == 0


def test_a_hidden_course_tells_nobody():
    from courses.models import Course

    course = _course()
    _enrolled_before_it_opened(learner(course))
    Course.objects.filter(pk=course.pk).update(is_hidden=True)

    assert services.deadlines_run() == (0, 0)


def test_an_inactive_member_is_told_nothing():
    course = _course()
    enrolment = _enrolled_before_it_opened(learner(course, UserFactory()))
    type(enrolment.user).objects.filter(pk=enrolment.user_id).update(is_active=False)

    services.deadlines_run()

    assert _notices(kinds.UNIT_OPENED) == 0
    assert _notices(kinds.DEADLINE_REMINDER) == 0
