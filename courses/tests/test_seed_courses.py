"""seed_demo's course: reviewed and open, one learner done, one halfway."""

import io

import pytest
from django.core.management import call_command

from community.management.commands.seed_demo import (
    COURSE,
    COURSE_AUTHOR,
    COURSE_SUBMISSIONS,
    COURSE_UNITS,
)
from courses.models import (
    Course,
    CourseCertificate,
    CourseReview,
    Enrolment,
    PeerReview,
    Progress,
    ReviewRound,
    Submission,
    Unit,
)

pytestmark = pytest.mark.django_db


def seed() -> None:
    call_command("seed_demo", stdout=io.StringIO())


def sizes() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (
            Course,
            Unit,
            Enrolment,
            Progress,
            Submission,
            PeerReview,
            ReviewRound,
            CourseReview,
            CourseCertificate,
        )
    )


def test_seed_demo_opens_a_reviewed_professional_development_course_once():
    seed()
    first = sizes()
    seed()

    assert sizes() == first
    course = Course.objects.get(title=COURSE["title"])
    assert course.author.email == COURSE_AUTHOR
    assert course.status == Course.Status.PUBLISHED
    assert course.kind == Course.Kind.QUALIFICATION
    assert course.hours == 18 == sum(row[2] for row in COURSE_UNITS)
    assert course.required_units == len(COURSE_UNITS)
    assert {unit.kind for unit in course.units.all()} == set(Unit.Kind.values)
    finished = course.units.get(kind=Unit.Kind.MASTERCLASS).masterclass
    assert finished.status == "finished"
    assert course.units.get(kind=Unit.Kind.ASSIGNMENT).reviews_needed == 1
    # Decided by the rule on the experts' reviews, none by its author.
    round_ = course.review_rounds.get()
    assert round_.status == ReviewRound.Status.DECIDED
    assert round_.decision == ReviewRound.Decision.RECOMMEND
    assert round_.decided_by is None
    reviews = CourseReview.objects.filter(assignment__round=round_)
    assert reviews.count() == 2
    assert course.author_id not in {r.assignment.reviewer_id for r in reviews}


def test_seed_demo_course_has_a_learner_done_with_a_certificate_and_one_halfway():
    seed()

    course = Course.objects.get(title=COURSE["title"])
    (done_email, _text), (halfway_email, _other) = COURSE_SUBMISSIONS
    done = Enrolment.objects.get(course=course, user__email=done_email)
    assert done.status == Enrolment.Status.COMPLETED
    assert done.units_done == course.required_units
    assert done.hours_done == 18
    certificate = CourseCertificate.objects.get(enrolment=done)
    assert certificate.number.startswith("КУРС-")
    assert certificate.hours == 18
    # Her work was accepted by a colleague's review.
    work = Submission.objects.get(enrolment=done)
    assert work.status == Submission.Status.ACCEPTED
    assert work.reviews.get().reviewer.email == halfway_email

    halfway = Enrolment.objects.get(course=course, user__email=halfway_email)
    assert halfway.status == Enrolment.Status.ENROLLED
    assert 0 < halfway.units_done < course.required_units
    assert (
        Submission.objects.get(enrolment=halfway).status == Submission.Status.SUBMITTED
    )
    assert course.enrolled_count == 2
    assert course.completed_count == 1
    # The finished master-class counted for both: they attended it.
    assert (
        Progress.objects.filter(
            unit__kind=Unit.Kind.MASTERCLASS, done_at__isnull=False
        ).count()
        == 2
    )


def test_seed_demo_course_shows_its_reviews_and_the_certificate(client):
    seed()

    course = Course.objects.get(title=COURSE["title"])
    client.force_login(course.author)
    page = client.get(f"/courses/{course.slug}/rounds/").content.decode()
    for review in CourseReview.objects.all():
        assert review.summary in page
    done = Enrolment.objects.get(course=course, status=Enrolment.Status.COMPLETED)
    client.force_login(done.user)
    page = client.get(course.get_absolute_url()).content.decode()
    assert done.certificate.number in page
