"""Helpers more than one of the services' modules needs (private)."""

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from community import services as community
from courses import kinds
from courses.changes import course_published
from courses.models import QUALIFICATION_MIN_HOURS, Course, Enrolment, Unit


def _course_locked(course: Course) -> Course:
    """The course's row, locked until the transaction ends: every write that
    counts its units, hours or places takes it first."""
    return Course.objects.select_for_update(of=("self",)).get(pk=course.pk)


def _authors(course: Course) -> list:
    """The author and co-authors, the author first."""
    return [course.author, *course.coauthors.exclude(pk=course.author_id)]


def _totals_recompute(course: Course) -> Course:
    """Keep ``Course.hours`` (the sum of its units' hours) and
    ``Course.required_units`` from the units themselves (one query to read,
    one to write); the caller holds the course's row lock."""
    totals = Unit.objects.filter(course_id=course.pk).aggregate(
        hours=Coalesce(Sum("hours"), 0),
        required=Count("pk", filter=Q(required=True)),
    )
    Course.objects.filter(pk=course.pk).update(
        hours=totals["hours"], required_units=totals["required"]
    )
    course.hours = totals["hours"]
    course.required_units = totals["required"]
    return course


def _required_hours(
    course: Course, *, unit: Unit | None = None, removed: bool = False
) -> int:
    """The academic hours of the course's required units (one query); with
    ``unit``, as they would be with that unit as it is in memory (changed,
    or added when it has no pk yet), or gone when ``removed``."""
    units = Unit.objects.filter(course_id=course.pk, required=True)
    if unit is not None and unit.pk is not None:
        units = units.exclude(pk=unit.pk)
    hours = units.aggregate(hours=Coalesce(Sum("hours"), 0))["hours"]
    if unit is not None and unit.required and not removed:
        hours += unit.hours
    return hours


def _hours_error(course: Course, required_hours: int) -> ValidationError | None:
    """A professional development course's required units add up to at
    least 16 academic hours: optional units do not count, since a learner
    may complete the course without them."""
    if (
        course.kind == Course.Kind.QUALIFICATION
        and required_hours < QUALIFICATION_MIN_HOURS
    ):
        return ValidationError(
            _(
                "A professional development course needs at least %(min)d "
                "academic hours in its required units; this one has %(hours)d. "
                "Add required units or make it a seminar."
            )
            % {"min": QUALIFICATION_MIN_HOURS, "hours": required_hours},
            code="hours",
        )
    return None


def _hours_check(
    course: Course, *, unit: Unit | None = None, removed: bool = False
) -> None:
    """Refuse a change that would leave a professional development course
    past its draft (in review, published, archived) below 16 academic hours
    in its required units: the rule it was submitted under, and the
    database's own (``courses_qualification_hours``). The caller holds the
    course's row lock. Raises ValidationError(code="hours")."""
    if course.status == Course.Status.DRAFT or course.kind != Course.Kind.QUALIFICATION:
        return
    hours = _required_hours(course, unit=unit, removed=removed)
    if hours < QUALIFICATION_MIN_HOURS:
        raise ValidationError(
            _(
                "A professional development course needs at least %(min)d "
                "academic hours in its required units; after this change they "
                "would be %(hours)d. Keep the hours, or make it a seminar first."
            )
            % {"min": QUALIFICATION_MIN_HOURS, "hours": hours},
            code="hours",
        )


def _publish(course: Course, *, actor) -> Course:
    """Open the course (from a draft, or when its review recommends it):
    published now, followers of the author told (``course_published``)."""
    course.status = Course.Status.PUBLISHED
    if course.published_at is None:
        course.published_at = timezone.now()
    course.save(update_fields=["status", "published_at", "updated_at"])
    community.audit(actor=actor, action="course_publish", target=course)
    course_published(course)
    return course


def _promote(course: Course) -> list[Enrolment]:
    """Give free places to the waitlist, first come first served; the
    caller holds the course's row lock. Each promoted learner is told
    (``kinds.PROMOTED``). Returns the enrolments promoted."""
    course.refresh_from_db(fields=["enrolled_count", "waitlist_count", "capacity"])
    waiting = Enrolment.objects.filter(
        course_id=course.pk, status=Enrolment.Status.WAITLISTED
    )
    promoted = []
    while course.capacity is None or course.enrolled_count < course.capacity:
        first = (
            waiting.select_for_update()
            .select_related("user")
            .order_by("queued_at", "pk")
            .first()
        )
        if first is None:
            break
        first.status = Enrolment.Status.ENROLLED
        first.enrolled_at = timezone.now()
        first.save(update_fields=["status", "enrolled_at"])
        course.enrolled_count += 1
        course.waitlist_count -= 1
        Course.objects.filter(pk=course.pk).update(
            enrolled_count=F("enrolled_count") + 1,
            waitlist_count=F("waitlist_count") - 1,
        )
        community.notify(
            recipient=first.user,
            kind=kinds.PROMOTED,
            target=course,
            target_title=course.title,
            url=course.get_absolute_url(),
            group=False,
        )
        promoted.append(first)
    return promoted
