"""Reads for the catalogue's kept cards, lean enough for a page every member
opens.

The catalogue's cards are kept rendered (``list_fragments``), so what is
left of its time is mostly its queries: the list reads only what a card's
key needs (``CARD_FIELDS``) with the viewer's own place (``viewer_status``)
and whether she writes the course (her own hidden picture shows to her) in
the same query. Building model instances of the authors' profiles and the
subject is left to the cards not kept (``courses_for_cards``), read from the
primary: a replica that has not yet replayed a change (``community.dbrouter``)
would keep the old state under the new key.
"""

import datetime
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS
from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    QuerySet,
    Value,
    prefetch_related_objects,
)

from accounts.models import User
from community.models import Grade
from courses.models import Course
from courses.selectors import _coauthors

# What a card of the catalogue shows of its course's own row
# (``list_fragments``): by its name on a ``CardRow``, read from a ``Course``
# by the function beside it. The co-authors and the authors' names and
# pictures are known unchanged by the course's version and the authors' cards.
CARD_FIELDS = {
    "pk": lambda course: course.pk,
    "slug": lambda course: course.slug,
    "title": lambda course: course.title,
    "cover": lambda course: course.cover.name or "",
    "kind": lambda course: course.kind,
    "format": lambda course: course.format,
    "hours": lambda course: course.hours,
    "capacity": lambda course: course.capacity,
    "enrolled_count": lambda course: course.enrolled_count,
    "starts_at": lambda course: course.starts_at,
    "ends_at": lambda course: course.ends_at,
    "subject__name_en": lambda course: course.subject.name_en,
    "subject__name_ru": lambda course: course.subject.name_ru,
    "author_id": lambda course: course.author_id,
}


@dataclass(frozen=True, slots=True)
class CardRow:
    """A course as the catalogue's page reads it: ``CARD_FIELDS``, the
    viewer's enrolment status ("" for none) and whether she is one of its
    co-authors."""

    pk: int
    slug: str
    title: str
    cover: str
    kind: str
    format: str
    hours: int
    capacity: int | None
    enrolled_count: int
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    subject__name_en: str
    subject__name_ru: str
    author_id: int
    viewer_status: str
    viewer_coauthor: bool


class CardRows:
    """The catalogue's courses (``selectors.catalogue``, with
    ``viewer_status``) as ``CardRow``s for a paginator: a page is one query."""

    def __init__(self, courses: QuerySet[Course], *, user) -> None:
        if user.is_authenticated:
            coauthor = Exists(
                Course.coauthors.through.objects.filter(
                    course_id=OuterRef("pk"), user_id=user.pk
                )
            )
        else:
            coauthor = Value(False)
        self.rows = (
            courses.select_related(None)
            .prefetch_related(None)
            .annotate(viewer_coauthor=coauthor)
            .values_list(*CARD_FIELDS, "viewer_status", "viewer_coauthor")
        )

    def count(self) -> int:
        return self.rows.count()

    def __getitem__(self, window: slice) -> list[CardRow]:
        return [CardRow(*row) for row in self.rows[window]]


def coauthor_ids(*, pks: list[int]) -> dict[int, list[int]]:
    """The co-authors of these courses by course, in the order the cards
    show them (their ids only: one query), from the primary."""
    found: dict[int, list[int]] = {}
    for course_id, user_id in (
        Course.coauthors.through.objects.using(DEFAULT_DB_ALIAS)
        .filter(course_id__in=pks)
        .order_by("user_id")
        .values_list("course_id", "user_id")
    ):
        found.setdefault(course_id, []).append(user_id)
    return found


def courses_for_cards(*, pks: list[int]) -> dict[int, Course]:
    """The courses of cards to render, with their authors' profiles,
    co-authors and subjects, from the primary (see the module's text)."""
    return {
        course.pk: course
        for course in Course.objects.using(DEFAULT_DB_ALIAS)
        .filter(pk__in=pks)
        .select_related("author__profile", "subject")
        .prefetch_related(_coauthors())
        .defer("annotation", "goals", "goals_html")
    }


def page_reads(course: Course) -> dict:
    """What a course page's kept parts (``list_fragments.page_parts``) read
    beside the course, from the primary: its grades in order and its tags
    (loaded on it), and its ``author`` and ``coauthors`` with their profiles
    (three queries)."""
    prefetch_related_objects(
        [course],
        Prefetch(
            "grades",
            queryset=Grade.objects.using(DEFAULT_DB_ALIAS).order_by("position"),
        ),
        "tags",
    )
    coauthor_ids = [user.pk for user in course.coauthors.all()]
    people = {
        user.pk: user
        for user in User.objects.using(DEFAULT_DB_ALIAS)
        .filter(pk__in=[course.author_id, *coauthor_ids])
        .select_related("profile")
    }
    return {
        "author": people[course.author_id],
        "coauthors": [people[pk] for pk in coauthor_ids if pk in people],
    }
