"""Courses with units of every kind, and their learners, for the learning,
assignment, completion and race tests.

Courses are made as their authors make them (the services, by a trusted
author, so they are published at once); learners enrol through
``services.enrol``. What the services cannot make — a cohort whose dates
have begun, a unit that opened a while ago — is moved in time afterwards
with ``QuerySet.update``.
"""

import datetime

from django.utils import timezone

from accounts.tests.factories import UserFactory
from courses import services
from courses.models import Course, Enrolment, Unit
from courses.tests.authoring_helpers import course_draft, trusted
from forums.tests.factories import TopicFactory
from masterclasses.tests.factories import MasterClassFactory
from materials.tests.factories import MaterialFactory


def unit(course: Course, kind: str, hours: int = 2, **fields) -> Unit:
    """A unit of ``kind`` on a draft, its object made when not given."""
    values = {"title": f"Блок «{kind}» {course.units.count() + 1}"}
    if kind in (Unit.Kind.READING, Unit.Kind.ASSIGNMENT):
        values["body"] = "Прочитайте и **выполните**."
    if kind == Unit.Kind.MASTERCLASS and "masterclass" not in fields:
        values["masterclass"] = MasterClassFactory()
    if kind == Unit.Kind.MATERIAL and "material" not in fields:
        values["material"] = MaterialFactory()
    if kind == Unit.Kind.DISCUSSION and "topic" not in fields:
        values["topic"] = TopicFactory()
    if fields.get("completion") == Unit.Completion.ANSWER:
        values["body"] = "Какой приём из материала вы возьмёте на урок?"
    values.update(fields)
    return services.unit_add(
        course=course, editor=course.author, kind=kind, hours=hours, **values
    )


def course_of(*kinds, author=None, **course_fields) -> Course:
    """A course published by a trusted author, with a unit of each of
    ``kinds`` (a kind, or a (kind, fields) pair), in that order."""
    course = course_draft(author=author or trusted(UserFactory()), **course_fields)
    for item in kinds:
        kind, fields = item if isinstance(item, tuple) else (item, {})
        unit(course, kind, **fields)
    course.refresh_from_db()
    return services.course_submit(course=course, author=course.author)


def units_of(course: Course) -> list[Unit]:
    return list(Unit.objects.filter(course=course).order_by("position", "pk"))


def learner(course: Course, user=None) -> Enrolment:
    """A member enrolled through the service (a place, or the waitlist)."""
    return services.enrol(course=course, user=user or UserFactory())


def fresh(obj):
    obj.refresh_from_db()
    return obj


def cohort(days_begun: int = 2, days_left: int = 20) -> dict:
    """A cohort's fields that pass the authoring checks now: it starts in a
    week (moved to have begun ``days_begun`` ago by ``cohort_begun``)."""
    starts = (timezone.now() + datetime.timedelta(days=7)).replace(microsecond=0)
    return {
        "format": Course.Format.COHORT,
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(days=days_left + days_begun),
        "time_zone": "Europe/Moscow",
    }


def cohort_begun(course: Course, days_begun: int = 2) -> Course:
    """Move a cohort (and its units' dates) back in time: it began
    ``days_begun`` days ago, its enrolment window open."""
    shift = course.starts_at - (timezone.now() - datetime.timedelta(days=days_begun))
    Course.objects.filter(pk=course.pk).update(
        starts_at=course.starts_at - shift,
        ends_at=course.ends_at - shift,
        enrolment_opens_at=None,
        enrolment_closes_at=None,
    )
    for item in Unit.objects.filter(course=course):
        Unit.objects.filter(pk=item.pk).update(
            opens_at=item.opens_at - shift if item.opens_at else None,
            due_at=item.due_at - shift if item.due_at else None,
        )
    return fresh(course)
