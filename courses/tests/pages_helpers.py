"""Courses, learners and submissions for the learner's, the author's, the
review and the export pages' tests.

Courses are made as their authors make them (the services); the crowds a
page budget needs (55 learners, submissions, rounds) are written in bulk.
"""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import UserFactory
from courses import services
from courses.models import Course, Enrolment, Submission, Unit
from courses.tests.authoring_helpers import course_draft, trusted

MANY = 55
# A page's budget: 10 queries, besides the session, the member and their
# unread counts.
BUDGET = 13

_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


class NoWrites(CaptureQueriesContext):
    """Fails when the block wrote to the database."""

    def __init__(self) -> None:
        super().__init__(connection)

    def __exit__(self, *args) -> None:
        super().__exit__(*args)
        writes = [q["sql"] for q in self.captured_queries if _WRITE.match(q["sql"])]
        assert not writes, writes


def unit_add(course: Course, kind: str, hours: int = 2, **fields) -> Unit:
    values = {"title": f"Блок «{kind}»", "required": True}
    if kind in (Unit.Kind.READING, Unit.Kind.ASSIGNMENT):
        values["body"] = "Прочитайте и **выполните**."
    values.update(fields)
    return services.unit_add(
        course=course, editor=course.author, kind=kind, hours=hours, **values
    )


def course_with(*kinds_and_fields, author=None, **course_fields) -> Course:
    """A course published by a trusted author, with units of the kinds given
    (a kind, or a (kind, fields) pair), in that order."""
    course = course_draft(author=author or trusted(UserFactory()), **course_fields)
    for item in kinds_and_fields:
        kind, fields = item if isinstance(item, tuple) else (item, {})
        unit_add(course, kind, **fields)
    course.refresh_from_db()
    return services.course_submit(course=course, author=course.author)


def enrolled(course: Course, user=None, *, status=Enrolment.Status.ENROLLED):
    """A learner holding a place (written directly: the page tests do not
    test enrolment)."""
    now = timezone.now()
    return Enrolment.objects.create(
        course=course,
        user=user or UserFactory(),
        status=status,
        queued_at=now,
        enrolled_at=None if status == Enrolment.Status.WAITLISTED else now,
        completed_at=now if status == Enrolment.Status.COMPLETED else None,
    )


def submitted(unit: Unit, enrolment: Enrolment, **fields) -> Submission:
    values = {
        "text": "Мой план урока.",
        "text_html": "<p>Мой план урока.</p>",
        "submitted_at": timezone.now(),
    }
    values.update(fields)
    return Submission.objects.create(unit=unit, enrolment=enrolment, **values)


def crowd(course: Course, count: int = MANY, **fields) -> list[Enrolment]:
    """``count`` learners of ``course``, each a new member."""
    now = timezone.now()
    users = [UserFactory() for _ in range(count)]
    values = {"status": Enrolment.Status.ENROLLED, "enrolled_at": now}
    values.update(fields)
    return Enrolment.objects.bulk_create(
        Enrolment(course=course, user=user, queued_at=now, **values) for user in users
    )
