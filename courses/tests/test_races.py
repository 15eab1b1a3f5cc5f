"""Learners acting at the same moment (PostgreSQL: each call on its own
connection, released together): never more places given than there are,
a unit counted once, a course completed and certified once, a reminder
sent once."""

import pytest
from django.core.exceptions import ValidationError

from accounts.tests.factories import UserFactory
from community import evidence
from community.models import Notification
from community.tests.races import needs_postgresql, together
from courses import kinds, services
from courses.models import (
    Course,
    CourseCertificate,
    Enrolment,
    PeerReview,
    Progress,
    Submission,
    Unit,
)
from courses.tests.learning_helpers import course_of, fresh, learner, units_of
from courses.tests.test_learning_deadlines import _course as dated_course

pytestmark = pytest.mark.django_db(transaction=True)

READING = Unit.Kind.READING


@pytest.fixture(autouse=True)
def _postgresql(vocabulary):
    needs_postgresql()


def _counts(course) -> tuple[int, int]:
    course = fresh(course)
    return course.enrolled_count, course.waitlist_count


def test_two_colleagues_enrolling_at_once_for_the_last_place_get_one_place():
    course = course_of(READING, capacity=2)
    learner(course)
    first, second = UserFactory(), UserFactory()

    raised = together(
        [
            lambda: services.enrol(course=course, user=first),
            lambda: services.enrol(course=course, user=second),
        ]
    )

    assert raised == [None, None]
    statuses = sorted(
        Enrolment.objects.filter(user__in=[first, second]).values_list(
            "status", flat=True
        )
    )
    assert statuses == [Enrolment.Status.ENROLLED, Enrolment.Status.WAITLISTED]
    assert _counts(course) == (2, 1)


def test_many_enrolling_at_once_never_take_more_places_than_there_are():
    course = course_of(READING, capacity=3)
    members = [UserFactory() for _ in range(10)]

    raised = together(
        [
            lambda member=member: services.enrol(course=course, user=member)
            for member in members
        ]
    )

    assert raised == [None] * 10
    enrolled = Enrolment.objects.filter(course=course, status=Enrolment.Status.ENROLLED)
    assert enrolled.count() == 3
    assert _counts(course) == (3, 7)


def test_one_member_enrolling_many_times_at_once_enrols_once():
    course = course_of(READING)
    member = UserFactory()

    raised = together([lambda: services.enrol(course=course, user=member)] * 8)

    assert raised.count(None) == 1
    assert all(
        isinstance(error, ValidationError) and error.code == "twice"
        for error in raised
        if error is not None
    )
    assert Enrolment.objects.filter(course=course).count() == 1
    assert _counts(course) == (1, 0)


def test_two_dropping_at_once_promote_the_first_two_waiting():
    course = course_of(READING, capacity=2)
    seated = [learner(course), learner(course)]
    waiting = [learner(course) for _ in range(3)]

    raised = together(
        [
            lambda e=enrolment: services.drop(course=course, user=e.user)
            for enrolment in seated
        ]
    )

    assert raised == [None, None]
    assert [fresh(e).status for e in waiting] == [
        Enrolment.Status.ENROLLED,
        Enrolment.Status.ENROLLED,
        Enrolment.Status.WAITLISTED,
    ]
    assert _counts(course) == (2, 1)
    assert Notification.objects.filter(kind=kinds.PROMOTED).count() == 2


def test_the_last_two_units_done_at_once_complete_the_course_once():
    course = course_of(READING, Unit.Kind.MASTERCLASS)
    enrolment = learner(course)
    reading, masterclass = units_of(course)

    raised = together(
        [
            lambda: services.reading_done(unit=reading, user=enrolment.user),
            lambda: services.progress_from_evidence(
                kind=evidence.ATTENDED,
                pairs=[(enrolment.user_id, masterclass.masterclass_id)],
            ),
        ]
    )

    assert raised == [None, None]
    enrolment = fresh(enrolment)
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert (enrolment.units_done, enrolment.hours_done) == (
        2,
        reading.hours + masterclass.hours,
    )
    assert CourseCertificate.objects.filter(enrolment=enrolment).count() == 1
    assert fresh(course).completed_count == 1


def test_one_unit_done_many_times_at_once_counts_once():
    course = course_of(READING, READING)
    enrolment = learner(course)
    reading = units_of(course)[0]

    raised = together(
        [lambda: services.reading_done(unit=reading, user=enrolment.user)] * 6
    )

    assert raised == [None] * 6
    assert Progress.objects.filter(enrolment=enrolment).count() == 1
    enrolment = fresh(enrolment)
    assert (enrolment.units_done, enrolment.hours_done) == (1, reading.hours)


def test_a_certificate_asked_for_at_once_is_issued_once():
    course = course_of(READING)
    enrolment = learner(course)
    services.reading_done(unit=units_of(course)[0], user=enrolment.user)
    issued = CourseCertificate.objects.get(enrolment=enrolment)
    CourseCertificate.objects.filter(pk=issued.pk).delete()
    answers = []

    raised = together(
        [lambda: answers.append(services.certificate_issue(fresh(enrolment)).pk)] * 5
    )

    assert raised == [None] * 5
    assert CourseCertificate.objects.filter(enrolment=enrolment).count() == 1
    assert set(answers) == {CourseCertificate.objects.get(enrolment=enrolment).pk}


def test_completion_checked_at_once_completes_once():
    course = course_of(READING)
    enrolment = learner(course)
    reading = units_of(course)[0]
    # Done, as a lost completion would leave it: the checks find it ready.
    Progress.objects.create(
        enrolment=enrolment, unit=reading, done_at=enrolment.enrolled_at
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(units_done=1)

    raised = together([lambda: services.completion_check(fresh(enrolment))] * 5)

    assert raised == [None] * 5
    assert fresh(enrolment).status == Enrolment.Status.COMPLETED
    assert CourseCertificate.objects.filter(enrolment=enrolment).count() == 1
    assert fresh(course).completed_count == 1
    assert Notification.objects.filter(kind=kinds.COMPLETED).count() == 1


def test_peer_reviews_at_once_accept_the_work_once():
    course = course_of((Unit.Kind.ASSIGNMENT, {"reviews_needed": 2}), READING)
    assignment = units_of(course)[0]
    submitted = []
    for _ in range(4):
        enrolment = learner(course)
        submitted.append(
            services.submission_submit(
                unit=assignment, user=enrolment.user, text="Мой план урока"
            )
        )
    work, reviewers = submitted[0], [s.enrolment.user for s in submitted[1:]]

    def review(reviewer):
        return services.peer_review_write(
            submission=work,
            reviewer=reviewer,
            scores={"task": 5, "practice": 5, "clarity": 5},
            verdict="accept",
            comment="Отлично",
        )

    raised = together([lambda r=reviewer: review(r) for reviewer in reviewers])

    # The third finds the work accepted: no longer waiting for peers.
    assert sum(error is None for error in raised) == 2
    work = fresh(work)
    assert work.status == Submission.Status.ACCEPTED
    assert work.accepted_reviews == 2
    assert PeerReview.objects.filter(submission=work).count() == 2
    owner = fresh(work.enrolment)
    assert (owner.units_done, owner.hours_done) == (1, assignment.hours)


def test_one_reviewer_at_once_reviews_a_version_once():
    course = course_of((Unit.Kind.ASSIGNMENT, {"reviews_needed": 3}), READING)
    assignment = units_of(course)[0]
    work, mine = (
        services.submission_submit(
            unit=assignment, user=learner(course).user, text="План"
        )
        for _ in range(2)
    )
    reviewer = mine.enrolment.user

    raised = together(
        [
            lambda: services.peer_review_write(
                submission=work,
                reviewer=reviewer,
                scores={"task": 4, "practice": 4, "clarity": 4},
                verdict="accept",
                comment="Хорошо",
            )
        ]
        * 4
    )

    assert raised.count(None) == 1
    assert PeerReview.objects.filter(submission=work).count() == 1
    assert fresh(work).accepted_reviews == 1


def test_deadline_runs_at_once_remind_and_tell_each_learner_once():
    course = dated_course()
    learners = [learner(course) for _ in range(5)]
    Enrolment.objects.filter(course=course).update(enrolled_at=fresh(course).starts_at)

    raised = together([services.deadlines_run] * 4)

    assert raised == [None] * 4
    for enrolment in learners:
        for kind in (kinds.DEADLINE_REMINDER, kinds.UNIT_OPENED):
            assert (
                Notification.objects.filter(recipient=enrolment.user, kind=kind).count()
                == 1
            ), kind
    assert Course.objects.get(pk=course.pk).enrolled_count == 5
