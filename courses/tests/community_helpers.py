"""Rows the community layer's tests of courses read: learners who completed
a course with their certificate, peer and expert reviews.

Courses and expert reviews are made through the services
(``authoring_helpers``); a learner's enrolment, submission and certificate
are written as the learning services leave them, so these tests read the
registrations, not the learning rules (``test_learning*`` test those).
"""

import datetime

from django.utils import timezone

from accounts.tests.factories import UserFactory
from courses import services
from courses.models import (
    Course,
    CourseCertificate,
    Enrolment,
    PeerReview,
    ReviewRound,
    Submission,
    TrustedAuthor,
    Unit,
)
from courses.tests.authoring_helpers import course_ready, expert

_numbers = iter(range(1, 10**6))


def published(*, author=None, subject=None, tags=(), grades=(), **fields) -> Course:
    """A course published directly by a trusted author, with an assignment
    that peers accept."""
    values = {"tags": list(tags), "grades": list(grades), **fields}
    if subject is not None:
        values["subject"] = subject
    author = author or UserFactory()
    TrustedAuthor.objects.get_or_create(user=author)
    course = course_ready(author=author, **values)
    services.unit_add(
        course=course,
        editor=course.author,
        kind=Unit.Kind.ASSIGNMENT,
        title="План урока",
        hours=2,
        body="Напишите план урока.",
        completion=Unit.Completion.PEERS,
    )
    return services.course_submit(course=course, author=course.author)


def enrolled(course: Course, user=None, **fields) -> Enrolment:
    now = timezone.now()
    values = {"status": Enrolment.Status.ENROLLED, "queued_at": now, "enrolled_at": now}
    values.update(fields)
    return Enrolment.objects.create(course=course, user=user or UserFactory(), **values)


def completed(course: Course, user=None, *, at=None) -> CourseCertificate:
    """A learner who completed ``course`` at ``at`` (now), with the certificate."""
    at = at or timezone.now()
    enrolment = enrolled(
        course,
        user,
        status=Enrolment.Status.COMPLETED,
        enrolled_at=at - datetime.timedelta(days=10),
        completed_at=at,
    )
    Course.objects.filter(pk=course.pk).update(
        completed_count=Enrolment.objects.filter(
            course=course, status=Enrolment.Status.COMPLETED
        ).count()
    )
    return CourseCertificate.objects.create(
        enrolment=enrolment,
        course=course,
        user=enrolment.user,
        number=f"КУРС-{at.year}-{next(_numbers):06d}",
        holder_name=enrolment.user.profile.shown_name,
        course_title=course.title,
        hours=course.hours,
        units=[[unit.title, unit.hours] for unit in course.units.all()],
        author_names=course.author.profile.shown_name,
        started_at=enrolment.enrolled_at,
        completed_at=at,
    )


def peer_review(course: Course, *, learner=None, reviewer=None) -> PeerReview:
    """A colleague's review of ``learner``'s assignment in ``course``."""
    unit = course.units.get(kind=Unit.Kind.ASSIGNMENT)
    submission = Submission.objects.create(
        unit=unit,
        enrolment=enrolled(course, learner),
        text="Мой план урока",
        text_html="<p>Мой план урока</p>",
        submitted_at=timezone.now(),
    )
    return PeerReview.objects.create(
        submission=submission,
        reviewer=enrolled(course, reviewer).user,
        task=4,
        practice=4,
        clarity=5,
        verdict=PeerReview.Verdict.ACCEPT,
        comment="Хороший план.",
    )


def reviewed(*, recommendations=("recommend", "reject"), author=None) -> ReviewRound:
    """A course submitted for expert review and reviewed by as many experts
    as ``recommendations`` (by default, one for and one against: the round
    waits for a moderator)."""
    course = course_ready(author=author)
    services.course_submit(course=course, author=course.author)
    round_ = ReviewRound.objects.get(course=course)
    for recommendation in recommendations:
        assignment = services.review_take(round_=round_, reviewer=expert())
        services.review_write(
            assignment=assignment,
            reviewer=assignment.reviewer,
            scores={"goals": 4, "structure": 4, "hours": 4, "value": 4},
            comments={"goals": "Ясные цели."},
            recommendation=recommendation,
            summary="Полезный курс.",
        )
    round_.refresh_from_db()
    return round_


def course_row(author=None, **fields) -> Course:
    """A published course as a row, without units (for lists of many)."""
    from courses.tests.authoring_helpers import subject

    number = next(_numbers)
    values = {
        "title": f"Курс № {number}: дроби",
        "slug": f"kurs-{number}",
        "annotation": "Как объяснять дроби.",
        "goals": "Объяснять дроби.",
        "goals_html": "<p>Объяснять дроби.</p>",
        "subject": subject(),
        "status": Course.Status.PUBLISHED,
        "published_at": timezone.now(),
        "hours": 8,
    }
    values.update(fields)
    return Course.objects.create(author=author or UserFactory(), **values)
