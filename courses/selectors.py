"""Reads for the catalogue, a course's page and «Мои курсы»; each owns its joins.

Every list here is read in a fixed number of queries whatever its length:
authors and co-authors with their profiles come in one prefetch, the
viewer's place on a card and the next unit of each course they learn are
subqueries of the list's own query.
"""

import datetime

from django.db.models import (
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from community.models import Grade
from community.numbers import MAX_ID
from courses.models import Course, Enrolment, Progress, ReviewRound, Unit
from courses.permissions import can_see_course

# «Мои курсы» shows this many of each list, then a «Все» link to the whole list.
MINE_SHOWN = 5


def _text_matches(field: str, query: str) -> Q:
    """Case-insensitive containment that holds for Cyrillic on SQLite too.

    SQLite's LIKE folds only ASCII letters, so the usual spellings of the
    query are tried as well; PostgreSQL's icontains needs none of them.
    """
    condition = Q(**{f"{field}__icontains": query})
    for variant in {query.lower(), query.capitalize(), query.upper()}:
        condition |= Q(**{f"{field}__contains": variant})
    return condition


def _coauthors() -> Prefetch:
    return Prefetch(
        "coauthors",
        queryset=User.objects.select_related("profile").order_by("pk"),
    )


def _viewer_status(user):
    """The viewer's enrolment status in the outer course ("" for none)."""
    return Coalesce(
        Subquery(
            Enrolment.objects.filter(course_id=OuterRef("pk"), user=user)
            .exclude(status=Enrolment.Status.DROPPED)
            .values("status")[:1]
        ),
        Value(""),
    )


def catalogue(
    *,
    user,
    subject=None,
    grade=None,
    kind: str = "",
    format: str = "",
    hours_min: int | None = None,
    hours_max: int | None = None,
    query: str = "",
) -> QuerySet[Course]:
    """Published courses anyone may see, filtered, the newest first; each
    with its authors' profiles and subject, and ``viewer_status`` (the
    member's enrolment status, "" for none)."""
    courses = (
        Course.objects.published()
        .select_related("author__profile", "subject")
        .prefetch_related(_coauthors())
    )
    if subject is not None:
        courses = courses.filter(subject=subject)
    # A subquery, not a join: no duplicate rows, so no DISTINCT.
    if grade is not None:
        courses = courses.filter(
            pk__in=Course.grades.through.objects.filter(grade=grade).values("course_id")
        )
    if kind:
        courses = courses.filter(kind=kind)
    if format:
        courses = courses.filter(format=format)
    if hours_min is not None:
        courses = courses.filter(hours__gte=hours_min)
    if hours_max is not None:
        courses = courses.filter(hours__lte=hours_max)
    if query:
        courses = courses.filter(
            _text_matches("title", query) | _text_matches("annotation", query)
        )
    if user.is_authenticated:
        courses = courses.annotate(viewer_status=_viewer_status(user))
    else:
        courses = courses.annotate(viewer_status=Value(""))
    return courses.order_by("-published_at", "-pk")


def course_get(*, slug: str, user) -> Course:
    """The course ``user`` may see, with its authors, subject, grades and
    tags; else 404 (the same for a missing course and one not theirs)."""
    course = (
        Course.objects.select_related("author__profile", "subject")
        .prefetch_related(
            _coauthors(),
            Prefetch("grades", queryset=Grade.objects.order_by("position")),
            "tags",
        )
        .filter(slug=slug)
        .first()
    )
    if course is None or not can_see_course(user, course):
        raise Http404
    return course


def course_get_for_action(*, slug: str, user) -> Course:
    """The course as the POSTs and the author's pages need it (with its
    authors, without tags and grades); 404 when ``user`` may not see it."""
    course = (
        Course.objects.select_related("author__profile", "subject")
        .prefetch_related(_coauthors())
        .filter(slug=slug)
        .first()
    )
    if course is None or not can_see_course(user, course):
        raise Http404
    return course


def course_get_for_page(*, slug: str, user) -> Course:
    """The course as its page reads it beside its kept parts
    (``list_fragments.page_parts``, which read its authors' profiles, grades
    and tags when they render): its subject and its co-authors' ids; 404
    when ``user`` may not see it."""
    course = (
        Course.objects.select_related("subject")
        .prefetch_related(
            Prefetch("coauthors", queryset=User.objects.only("pk").order_by("pk"))
        )
        .filter(slug=slug)
        .first()
    )
    if course is None or not can_see_course(user, course):
        raise Http404
    return course


def units_of(*, course: Course, user=None) -> list[Unit]:
    """The course's units in order, as its programme shows them (not their
    texts); with a signed-in ``user``, each carries ``is_done``: the member
    completed it (one query however many)."""
    # Through the course's manager: each unit knows its course (its address).
    units = course.units.only(
        "course", "position", "kind", "title", "hours", "required", "opens_at", "due_at"
    ).order_by("position", "pk")
    if user is not None and user.is_authenticated:
        units = units.annotate(
            is_done=Exists(
                Progress.objects.filter(
                    unit_id=OuterRef("pk"),
                    enrolment__course=course,
                    enrolment__user=user,
                    done_at__isnull=False,
                )
            )
        )
    else:
        units = units.annotate(is_done=Value(False))
    return list(units)


def unit_is_open(unit: Unit, now: datetime.datetime) -> bool:
    return unit.opens_at is None or unit.opens_at <= now


def next_unit(units: list[Unit], now: datetime.datetime | None = None) -> Unit | None:
    """«Продолжить» (``units`` from ``units_of`` with the learner): the first
    open required unit not done, in order; when none is (all done, or the
    next not open yet), the first open optional one not done; else None. A
    skipped optional unit does not call the learner back while a required
    one waits."""
    now = now or timezone.now()
    left = [unit for unit in units if not unit.is_done and unit_is_open(unit, now)]
    return next((unit for unit in left if unit.required), None) or next(
        iter(left), None
    )


def enrolment_of(*, course: Course, user) -> Enrolment | None:
    """The member's enrolment in the course (any status), or None."""
    if not user.is_authenticated:
        return None
    # Through the course's manager: the enrolment knows its course (percent).
    return course.enrolments.filter(user=user).select_related("certificate").first()


def waitlist_position(enrolment: Enrolment) -> int:
    """1 for the first on the waitlist (one COUNT)."""
    return (
        Enrolment.objects.filter(
            course_id=enrolment.course_id,
            status=Enrolment.Status.WAITLISTED,
        )
        .filter(
            Q(queued_at__lt=enrolment.queued_at)
            | Q(queued_at=enrolment.queued_at, pk__lt=enrolment.pk)
        )
        .count()
        + 1
    )


def review_round_latest(*, course: Course) -> ReviewRound | None:
    """The course's latest review round (its decision note for the author)."""
    return ReviewRound.objects.filter(course=course).order_by("-pk").first()


def _next_unit_id():
    """The outer enrolment's «Продолжить», as ``next_unit``: of its open
    units not done, the first required one in the course's order, else the
    first optional one."""
    done = Progress.objects.filter(
        enrolment_id=OuterRef(OuterRef("pk")), done_at__isnull=False
    ).values("unit_id")
    return Subquery(
        Unit.objects.filter(course_id=OuterRef("course_id"))
        .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=timezone.now()))
        .exclude(pk__in=done)
        .order_by("-required", "position", "pk")
        .values("pk")[:1]
    )


def enrolments_learning(*, user) -> QuerySet[Enrolment]:
    """What the member learns or waits for, the latest first, each with its
    course (its author's profile) and ``next_unit_id`` («Продолжить»)."""
    return (
        Enrolment.objects.filter(
            user=user,
            status__in=[Enrolment.Status.ENROLLED, Enrolment.Status.WAITLISTED],
        )
        .select_related("course__author__profile", "course__subject")
        .annotate(next_unit_id=_next_unit_id())
        .order_by(F("enrolled_at").desc(nulls_last=True), "-queued_at", "-pk")
    )


def enrolments_completed(*, user) -> QuerySet[Enrolment]:
    """The courses the member completed, the latest first, with certificates."""
    return (
        Enrolment.objects.filter(user=user, status=Enrolment.Status.COMPLETED)
        .select_related("course", "certificate")
        .order_by("-completed_at", "-pk")
    )


def courses_authored(*, user) -> QuerySet[Course]:
    """Courses the member wrote or co-writes, any status, the latest first."""
    coauthored = Course.coauthors.through.objects.filter(user=user).values("course_id")
    return (
        Course.objects.filter(Q(author=user) | Q(pk__in=coauthored))
        .select_related("subject")
        .order_by("-created_at", "-pk")
    )


def course_as_stored(course: Course) -> Course:
    """The course as its row holds it now (a bound form writes its values
    into the instance it edits; the service and the page want the stored
    ones)."""
    return Course.objects.get(pk=course.pk)


def units_for_author(*, course: Course) -> list[Unit]:
    """The units as the author's list shows them, with what each points at."""
    return list(
        course.units.select_related("masterclass", "material", "topic").order_by(
            "position", "pk"
        )
    )


def unit_for_author(*, course: Course, pk: int) -> Unit:
    """One of the course's units, or 404."""
    if pk > MAX_ID:
        raise Http404
    unit = (
        course.units.filter(pk=pk)
        .select_related("masterclass", "material", "topic")
        .first()
    )
    if unit is None:
        raise Http404
    return unit
