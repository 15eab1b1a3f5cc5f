"""Units done by what members did elsewhere: a master-class attended, a
reply in a forum topic — told after commit (``community.evidence``), heard
by a task, and looked up when a learner takes a place."""

import datetime

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from community import evidence
from courses import services
from courses.hooks_learning import evidence_heard
from courses.models import Enrolment, Progress, Unit
from courses.tasks import progress_evidence_task
from courses.tests.learning_helpers import course_of, fresh, learner, units_of
from forums import services as forum_services
from forums.tests.factories import PostFactory
from masterclasses import services as masterclass_services
from masterclasses.models import Registration

pytestmark = pytest.mark.django_db

MASTERCLASS = Unit.Kind.MASTERCLASS
DISCUSSION = Unit.Kind.DISCUSSION
READING = Unit.Kind.READING


def _done(enrolment, unit) -> bool:
    return Progress.objects.filter(
        enrolment=enrolment, unit=unit, done_at__isnull=False
    ).exists()


def test_attendance_marks_the_masterclass_unit_of_enrolled_learners_only():
    course = course_of((MASTERCLASS, {"hours": 3}), READING, capacity=1)
    unit = units_of(course)[0]
    seated = learner(course)
    waiting = learner(course)
    stranger = UserFactory()
    pairs = [
        (seated.user_id, unit.masterclass_id),
        (waiting.user_id, unit.masterclass_id),
        (stranger.pk, unit.masterclass_id),
    ]

    marked = services.progress_from_evidence(kind=evidence.ATTENDED, pairs=pairs)

    assert marked == 1
    assert _done(seated, unit)
    assert not Progress.objects.filter(enrolment=waiting).exists()
    seated = fresh(seated)
    assert (seated.units_done, seated.hours_done) == (1, 3)
    # A master-class other than the unit's completes nothing.
    assert (
        services.progress_from_evidence(
            kind=evidence.ATTENDED, pairs=[(seated.user_id, unit.masterclass_id + 99)]
        )
        == 0
    )


def test_evidence_told_twice_counts_once():
    course = course_of(MASTERCLASS, READING)
    unit = units_of(course)[0]
    enrolment = learner(course)
    pairs = [(enrolment.user_id, unit.masterclass_id)]

    services.progress_from_evidence(kind=evidence.ATTENDED, pairs=pairs)
    again = services.progress_from_evidence(kind=evidence.ATTENDED, pairs=pairs)

    assert again == 0
    enrolment = fresh(enrolment)
    assert (enrolment.units_done, enrolment.hours_done) == (1, unit.hours)


def test_a_reply_marks_the_discussion_unit_and_not_an_attendance_kind():
    course = course_of(DISCUSSION, READING)
    unit = units_of(course)[0]
    enrolment = learner(course)

    # The topic's id told as a master-class attended completes nothing.
    services.progress_from_evidence(
        kind=evidence.ATTENDED, pairs=[(enrolment.user_id, unit.topic_id)]
    )
    assert not _done(enrolment, unit)
    services.progress_from_evidence(
        kind="unknown", pairs=[(enrolment.user_id, unit.topic_id)]
    )
    assert not _done(enrolment, unit)

    services.progress_from_evidence(
        kind=evidence.REPLIED, pairs=[(enrolment.user_id, unit.topic_id)]
    )

    assert _done(enrolment, unit)


def test_the_last_required_unit_by_evidence_completes_the_course():
    course = course_of(MASTERCLASS)
    unit = units_of(course)[0]
    enrolment = learner(course)

    services.progress_from_evidence(
        kind=evidence.ATTENDED, pairs=[(enrolment.user_id, unit.masterclass_id)]
    )

    assert fresh(enrolment).status == Enrolment.Status.COMPLETED
    assert fresh(enrolment).certificate.units == [[unit.title, unit.hours]]


def test_a_class_attending_is_marked_in_a_fixed_number_of_queries(
    django_assert_max_num_queries,
):
    course = course_of(MASTERCLASS, READING)
    unit = units_of(course)[0]
    learners = [learner(course) for _ in range(50)]
    pairs = [(enrolment.user_id, unit.masterclass_id) for enrolment in learners]

    with django_assert_max_num_queries(10):
        marked = services.progress_from_evidence(kind=evidence.ATTENDED, pairs=pairs)

    assert marked == 50
    assert Enrolment.objects.filter(course=course, units_done=1).count() == 50


def test_the_listener_enqueues_the_task_that_marks_the_units():
    course = course_of(MASTERCLASS, READING)
    unit = units_of(course)[0]
    enrolment = learner(course)

    # Celery runs eagerly in tests: the task's body runs at once.
    evidence_heard(evidence.ATTENDED, [(enrolment.user_id, unit.masterclass_id)])

    assert _done(enrolment, unit)


def test_the_task_takes_the_pairs_as_json_gives_them():
    course = course_of(DISCUSSION, READING)
    unit = units_of(course)[0]
    enrolment = learner(course)

    progress_evidence_task.delay(evidence.REPLIED, [[enrolment.user_id, unit.topic_id]])

    assert _done(enrolment, unit)


def test_a_masterclass_attendance_marked_by_its_host_reaches_the_course_after_commit(
    django_capture_on_commit_callbacks,
):
    course = course_of(MASTERCLASS, READING)
    unit = units_of(course)[0]
    masterclass = unit.masterclass
    now = timezone.now()
    type(masterclass).objects.filter(pk=masterclass.pk).update(
        starts_at=now - datetime.timedelta(minutes=10),
        ends_at=now + datetime.timedelta(minutes=50),
    )
    enrolment = learner(course)
    registration = Registration.objects.create(
        masterclass=masterclass, user=enrolment.user, status="registered"
    )

    with django_capture_on_commit_callbacks(execute=True):
        masterclass_services.attendance_mark(
            masterclass=fresh(masterclass),
            host=masterclass.host,
            registration=registration,
            attended=True,
        )

    assert _done(enrolment, unit)
    assert fresh(enrolment).units_done == 1


def test_a_forum_reply_reaches_the_discussion_unit_after_commit(
    django_capture_on_commit_callbacks, settings
):
    # Published as written (a new member's first replies wait otherwise).
    settings.MODERATION_PREMODERATED_POSTS = 0
    course = course_of(DISCUSSION, READING)
    unit = units_of(course)[0]
    enrolment = learner(course)

    with django_capture_on_commit_callbacks(execute=True):
        forum_services.post_create(
            topic=unit.topic, author=enrolment.user, body="Мой ответ по теме"
        )

    assert _done(enrolment, unit)


# --- Backfill: evidence from before the learner held a place --------------------------


def test_enrolling_marks_masterclasses_attended_before():
    course = course_of((MASTERCLASS, {"hours": 3}), READING)
    unit = units_of(course)[0]
    member = UserFactory()
    Registration.objects.create(
        masterclass=unit.masterclass, user=member, status="registered", attended=True
    )
    other = UserFactory()
    Registration.objects.create(
        masterclass=unit.masterclass, user=other, status="registered"
    )

    enrolment = services.enrol(course=course, user=member)
    not_attended = services.enrol(course=course, user=other)

    assert _done(enrolment, unit)
    assert (fresh(enrolment).units_done, fresh(enrolment).hours_done) == (1, 3)
    assert not _done(not_attended, unit)


def test_enrolling_marks_topics_replied_in_before_but_not_hidden_replies():
    course = course_of(DISCUSSION, DISCUSSION, READING)
    replied, hidden_only = units_of(course)[:2]
    member = UserFactory()
    PostFactory(topic=replied.topic, author=member)
    PostFactory(topic=hidden_only.topic, author=member, is_hidden=True)
    PostFactory(topic=hidden_only.topic, author=member, is_deleted=True)
    PostFactory(topic=hidden_only.topic, author=member, is_pending=True)

    enrolment = services.enrol(course=course, user=member)

    assert _done(enrolment, replied)
    assert not _done(enrolment, hidden_only)
    assert fresh(enrolment).units_done == 1


def test_the_opening_post_of_a_topic_is_not_a_reply():
    course = course_of(DISCUSSION, READING)
    unit = units_of(course)[0]
    starter = unit.topic.author  # wrote post number 1

    enrolment = services.enrol(course=course, user=starter)

    assert not _done(enrolment, unit)


def test_a_place_on_the_waitlist_marks_nothing_until_promoted():
    course = course_of(MASTERCLASS, READING, capacity=1)
    unit = units_of(course)[0]
    seated = learner(course)
    member = UserFactory()
    Registration.objects.create(
        masterclass=unit.masterclass, user=member, status="registered", attended=True
    )

    waiting = services.enrol(course=course, user=member)
    assert not Progress.objects.filter(enrolment=waiting).exists()

    services.drop(course=course, user=seated.user)

    assert fresh(waiting).status == Enrolment.Status.ENROLLED
    assert _done(waiting, unit)
    assert fresh(waiting).units_done == 1


def test_backfill_is_safe_twice():
    course = course_of(MASTERCLASS, READING)
    unit = units_of(course)[0]
    member = UserFactory()
    Registration.objects.create(
        masterclass=unit.masterclass, user=member, status="registered", attended=True
    )
    enrolment = services.enrol(course=course, user=member)

    assert services.progress_backfill(enrolment=enrolment) == 0
    assert fresh(enrolment).units_done == 1
