"""Enrolling, the waitlist, dropping out, and the units a learner does
(reading, material opened or answered)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.tests.factories import UserFactory
from community.models import Notification
from community.standing import ParticipationRestricted
from courses import kinds, services
from courses.models import Course, Enrolment, Progress, Unit
from courses.tests.authoring_helpers import course_ready
from courses.tests.learning_helpers import (
    cohort,
    cohort_begun,
    course_of,
    fresh,
    learner,
    units_of,
)

pytestmark = pytest.mark.django_db

READING = Unit.Kind.READING


def _told(user, kind: str) -> int:
    return Notification.objects.filter(recipient=user, kind=kind).count()


# --- Enrolling ------------------------------------------------------------------------


def test_enrol_gives_a_place_counts_it_and_tells_the_learner():
    course = course_of(READING, capacity=2)
    member = UserFactory()

    enrolment = services.enrol(course=course, user=member)

    assert enrolment.status == Enrolment.Status.ENROLLED
    assert enrolment.enrolled_at is not None
    course = fresh(course)
    assert (course.enrolled_count, course.waitlist_count) == (1, 0)
    assert course.places_left == 1
    assert _told(member, kinds.ENROLLED) == 1


def test_enrol_past_capacity_joins_the_waitlist_and_says_so():
    course = course_of(READING, capacity=1)
    learner(course)
    member = UserFactory()

    enrolment = services.enrol(course=course, user=member)

    assert enrolment.status == Enrolment.Status.WAITLISTED
    assert enrolment.enrolled_at is None
    course = fresh(course)
    assert (course.enrolled_count, course.waitlist_count) == (1, 1)
    assert _told(member, kinds.WAITLISTED) == 1
    assert _told(member, kinds.ENROLLED) == 0


def test_enrol_twice_is_refused_and_counts_once():
    course = course_of(READING)
    member = UserFactory()
    services.enrol(course=course, user=member)

    with pytest.raises(ValidationError) as refused:
        services.enrol(course=course, user=member)

    assert refused.value.code == "twice"
    assert fresh(course).enrolled_count == 1
    assert Enrolment.objects.filter(course=course).count() == 1


def test_an_author_cannot_enrol_in_their_course():
    course = course_of(READING)

    with pytest.raises(ValidationError) as refused:
        services.enrol(course=course, user=course.author)

    assert refused.value.code == "author"
    assert not Enrolment.objects.exists()


def test_a_draft_takes_no_learners():
    course = course_ready()

    with pytest.raises(ValidationError) as refused:
        services.enrol(course=course, user=UserFactory())

    assert refused.value.code == "closed"


def test_an_archived_course_takes_no_new_learners():
    course = course_of(READING)
    services.course_archive(course=course, editor=course.author)

    with pytest.raises(ValidationError) as refused:
        services.enrol(course=course, user=UserFactory())

    assert refused.value.code == "archived"


def test_a_cohort_outside_its_enrolment_window_refuses_with_the_date():
    fields = cohort()
    fields["enrolment_opens_at"] = timezone.now() + datetime.timedelta(days=2)
    course = course_of(READING, **fields)

    with pytest.raises(ValidationError) as early:
        services.enrol(course=course, user=UserFactory())
    assert early.value.code == "window"
    # The message says when it opens.
    assert str(fields["enrolment_opens_at"].year) in early.value.messages[0]

    Course.objects.filter(pk=course.pk).update(
        enrolment_opens_at=None,
        enrolment_closes_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    with pytest.raises(ValidationError) as late:
        services.enrol(course=fresh(course), user=UserFactory())
    assert late.value.code == "window"
    assert not Enrolment.objects.exists()


def test_a_restricted_member_cannot_enrol(member):
    course = course_of(READING)
    member.restricted_until = timezone.now() + datetime.timedelta(days=1)
    member.save(update_fields=["restricted_until"])

    with pytest.raises(ParticipationRestricted):
        services.enrol(course=course, user=member)

    assert not Enrolment.objects.exists()


# --- Dropping out and the waitlist ----------------------------------------------------


def test_drop_gives_the_place_to_the_first_waiting_and_tells_them():
    course = course_of(READING, capacity=1)
    leaving = learner(course)
    first = learner(course)
    second = learner(course)
    # Queued in this order: the first waiting gets the place.
    assert (first.status, second.status) == ("waitlisted", "waitlisted")

    services.drop(course=course, user=leaving.user)

    assert fresh(leaving).status == Enrolment.Status.DROPPED
    assert fresh(leaving).dropped_at is not None
    assert fresh(first).status == Enrolment.Status.ENROLLED
    assert fresh(first).enrolled_at is not None
    assert fresh(second).status == Enrolment.Status.WAITLISTED
    course = fresh(course)
    assert (course.enrolled_count, course.waitlist_count) == (1, 1)
    assert _told(first.user, kinds.PROMOTED) == 1
    assert _told(second.user, kinds.PROMOTED) == 0


def test_the_waitlist_goes_by_queue_time_not_by_row():
    course = course_of(READING, capacity=1)
    leaving = learner(course)
    later_row = learner(course)
    earlier_row = learner(course)
    Enrolment.objects.filter(pk=earlier_row.pk).update(
        queued_at=later_row.queued_at - datetime.timedelta(minutes=5)
    )

    services.drop(course=course, user=leaving.user)

    assert fresh(earlier_row).status == Enrolment.Status.ENROLLED
    assert fresh(later_row).status == Enrolment.Status.WAITLISTED


def test_leaving_the_waitlist_promotes_nobody():
    course = course_of(READING, capacity=1)
    seated = learner(course)
    waiting = learner(course)
    third = learner(course)

    services.drop(course=course, user=waiting.user)

    assert fresh(seated).status == Enrolment.Status.ENROLLED
    assert fresh(third).status == Enrolment.Status.WAITLISTED
    course = fresh(course)
    assert (course.enrolled_count, course.waitlist_count) == (1, 1)


def test_drop_and_enrol_again_reuse_the_row_and_keep_the_progress():
    course = course_of(READING, READING)
    enrolment = learner(course)
    first = units_of(course)[0]
    services.reading_done(unit=first, user=enrolment.user)

    services.drop(course=course, user=enrolment.user)
    assert fresh(course).enrolled_count == 0
    again = services.enrol(course=course, user=enrolment.user)

    assert again.pk == enrolment.pk
    again = fresh(again)
    assert again.status == Enrolment.Status.ENROLLED
    assert again.dropped_at is None
    assert (again.units_done, again.hours_done) == (1, first.hours)
    assert Enrolment.objects.filter(course=course).count() == 1
    assert fresh(course).enrolled_count == 1


def test_enrolling_again_on_a_full_course_queues_at_the_end():
    course = course_of(READING, capacity=1)
    leaving = learner(course)
    waiting = learner(course)
    services.drop(course=course, user=leaving.user)  # waiting moves in

    again = services.enrol(course=course, user=leaving.user)

    assert again.pk == leaving.pk
    assert again.status == Enrolment.Status.WAITLISTED
    assert fresh(waiting).status == Enrolment.Status.ENROLLED


def test_drop_is_refused_when_not_enrolled_or_completed():
    course = course_of(READING)
    with pytest.raises(ValidationError) as stranger:
        services.drop(course=course, user=UserFactory())
    assert stranger.value.code == "not_enrolled"

    enrolment = learner(course)
    services.reading_done(unit=units_of(course)[0], user=enrolment.user)
    assert fresh(enrolment).status == Enrolment.Status.COMPLETED
    with pytest.raises(ValidationError) as completed:
        services.drop(course=course, user=enrolment.user)
    assert completed.value.code == "completed"


def test_waitlist_position_counts_those_queued_before():
    from courses.services.learning import waitlist_position

    course = course_of(READING, capacity=1)
    seated = learner(course)
    first, second = learner(course), learner(course)

    assert waitlist_position(seated) is None
    assert (waitlist_position(first), waitlist_position(second)) == (1, 2)


# --- Units done by the learner --------------------------------------------------------


def test_reading_done_marks_the_unit_once_and_keeps_the_counts():
    course = course_of(READING, (READING, {"hours": 3}))
    enrolment = learner(course)
    first, _second = units_of(course)

    progress = services.reading_done(unit=first, user=enrolment.user)
    services.reading_done(unit=first, user=enrolment.user)

    assert progress.done_at is not None
    assert Progress.objects.filter(enrolment=enrolment).count() == 1
    enrolment = fresh(enrolment)
    assert (enrolment.units_done, enrolment.hours_done) == (1, first.hours)
    assert enrolment.last_unit == first
    assert enrolment.status == Enrolment.Status.ENROLLED
    assert enrolment.percent == 50


def test_an_optional_unit_adds_hours_not_required_units():
    course = course_of(
        (READING, {"hours": 4}), (READING, {"hours": 3, "required": False})
    )
    enrolment = learner(course)
    _required, optional = units_of(course)

    services.reading_done(unit=optional, user=enrolment.user)

    enrolment = fresh(enrolment)
    assert (enrolment.units_done, enrolment.hours_done) == (0, 3)
    assert enrolment.status == Enrolment.Status.ENROLLED


def test_units_need_a_place_in_the_course():
    course = course_of(READING, capacity=1)
    learner(course)
    waiting = learner(course)
    first = units_of(course)[0]

    with pytest.raises(ValidationError) as stranger:
        services.reading_done(unit=first, user=UserFactory())
    assert stranger.value.code == "not_enrolled"
    with pytest.raises(ValidationError) as waitlisted:
        services.reading_done(unit=first, user=waiting.user)
    assert waitlisted.value.code == "waitlisted"
    assert not Progress.objects.filter(enrolment=waiting).exists()


def test_a_unit_not_open_yet_cannot_be_done():
    fields = cohort()
    starts = fields["starts_at"]
    course = course_of(
        (
            READING,
            {
                "opens_at": starts + datetime.timedelta(days=5),
                "due_at": starts + datetime.timedelta(days=9),
            },
        ),
        **fields,
    )
    course = cohort_begun(course, days_begun=2)  # the unit opens in 3 days
    enrolment = learner(course)
    later = units_of(course)[0]

    with pytest.raises(ValidationError) as refused:
        services.reading_done(unit=later, user=enrolment.user)

    assert refused.value.code == "not_open"
    assert not Progress.objects.exists()


def test_the_wrong_action_for_the_unit_is_refused():
    course = course_of(Unit.Kind.MATERIAL, READING)
    enrolment = learner(course)
    material, reading = units_of(course)

    with pytest.raises(ValidationError) as refused:
        services.reading_done(unit=material, user=enrolment.user)
    assert refused.value.code == "kind"
    with pytest.raises(ValidationError):
        services.material_open(unit=reading, user=enrolment.user)
    with pytest.raises(ValidationError):
        services.material_answer(unit=material, user=enrolment.user, answer="Да")


def test_a_hidden_course_is_not_learned():
    course = course_of(READING)
    enrolment = learner(course)
    Course.objects.filter(pk=course.pk).update(is_hidden=True)

    with pytest.raises(PermissionDenied):
        services.reading_done(unit=units_of(course)[0], user=enrolment.user)


def test_opening_a_material_does_it_and_answers_its_address():
    course = course_of(Unit.Kind.MATERIAL, READING)
    enrolment = learner(course)
    material = units_of(course)[0]

    url = services.material_open(unit=material, user=enrolment.user)

    assert url == material.material.get_absolute_url()
    enrolment = fresh(enrolment)
    assert enrolment.units_done == 1
    assert enrolment.last_unit == material


def test_a_material_with_a_question_is_done_by_the_answer_not_by_opening():
    course = course_of(
        (Unit.Kind.MATERIAL, {"completion": Unit.Completion.ANSWER}), READING
    )
    enrolment = learner(course)
    material = units_of(course)[0]

    services.material_open(unit=material, user=enrolment.user)
    assert fresh(enrolment).units_done == 0
    assert fresh(enrolment).last_unit == material

    with pytest.raises(ValidationError) as empty:
        services.material_answer(unit=material, user=enrolment.user, answer="  ")
    assert empty.value.code == "empty"
    with pytest.raises(ValidationError) as long:
        services.material_answer(unit=material, user=enrolment.user, answer="я" * 2001)
    assert long.value.code == "too_long"

    progress = services.material_answer(
        unit=material, user=enrolment.user, answer="Возьму «дроби на пицце»."
    )

    assert progress.done_at is not None
    assert fresh(progress).answer == "Возьму «дроби на пицце»."
    assert fresh(enrolment).units_done == 1
    services.material_answer(unit=material, user=enrolment.user, answer="Иначе.")
    assert fresh(progress).answer == "Иначе."
    assert fresh(enrolment).units_done == 1
