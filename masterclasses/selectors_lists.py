"""Reads for the master-classes' list and month, lean enough for pages every
member opens.

Their cards and days are kept rendered (``list_fragments``), so what is left
of a page's time is mostly its queries: the list reads only what a card's
key needs (``CARD_FIELDS``) with the member's own registration in the same
query (``viewer_status``), and the month only each master-class's address,
title and start. Building model instances of the hosts' profiles, subjects
and descriptions is left to the cards not kept (``masterclasses_for_cards``),
which are read from the primary: a replica that has not yet replayed a
change (``community.dbrouter``) would keep the old state under the new key.
"""

import calendar
import datetime
from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS
from django.db.models import QuerySet
from django.utils import timezone

from community.models import Subject
from masterclasses.models import MasterClass
from masterclasses.selectors import _listed

# What a card of the list shows of its master-class (``list_fragments``):
# by its name on a ``CardRow``, read from a ``MasterClass`` by the function
# beside it. Its host's name and picture come with the models when
# a card is rendered, and are known unchanged by the host's card's version.
CARD_FIELDS = {
    "pk": lambda item: item.pk,
    "title": lambda item: item.title,
    "cover": lambda item: item.cover.name or "",
    "format": lambda item: item.format,
    "venue": lambda item: item.venue,
    "address": lambda item: item.address,
    "subject__name_en": lambda item: item.subject.name_en,
    "subject__name_ru": lambda item: item.subject.name_ru,
    "starts_at": lambda item: item.starts_at,
    "status": lambda item: item.status,
    "capacity": lambda item: item.capacity,
    "registered_count": lambda item: item.registered_count,
    "host_id": lambda item: item.host_id,
}


def subject_names() -> list[tuple]:
    """The subjects the list's filter offers, as its kept form's key takes
    them (``list_fragments.list_filters``): one query of their names."""
    return list(Subject.objects.values_list("pk", "slug", "name_en", "name_ru"))


@dataclass(frozen=True, slots=True)
class CardRow:
    """A master-class as the list reads it: ``CARD_FIELDS`` and the member's
    own registration (``viewer_status``: "registered", "waitlisted" or
    None)."""

    pk: int
    title: str
    cover: str
    format: str
    venue: str
    address: str
    subject__name_en: str
    subject__name_ru: str
    starts_at: datetime.datetime
    status: str
    capacity: int | None
    registered_count: int
    host_id: int
    viewer_status: str | None = None


class CardRows:
    """A list's master-classes (``selectors.masterclass_list``) as
    ``CardRow``s for ``Paginator``: a page is one query, its count another."""

    def __init__(self, masterclasses: QuerySet[MasterClass], *, user) -> None:
        member = user.is_authenticated
        self.rows = masterclasses.with_viewer_status(user).values_list(
            *CARD_FIELDS, *(["viewer_status"] if member else [])
        )

    def count(self) -> int:
        return self.rows.count()

    def __getitem__(self, window: slice) -> list[CardRow]:
        return [CardRow(*row) for row in self.rows[window]]


def masterclasses_for_cards(*, pks: list[int]) -> dict[int, MasterClass]:
    """The master-classes of cards to render, with their hosts' profiles and
    subjects, from the primary (see the module's text)."""
    return {
        masterclass.pk: masterclass
        for masterclass in MasterClass.objects.using(DEFAULT_DB_ALIAS)
        .filter(pk__in=pks)
        .select_related("host__profile", "subject")
        .defer("description", "description_html")
    }


class MonthEvent(NamedTuple):
    """A master-class as the month shows it."""

    pk: int
    title: str
    starts_at: datetime.datetime


def month_events(*, year: int, month_number: int, user) -> list[list[tuple]]:
    """Weeks of (date, events that day) in the viewer's time zone, each
    event a ``MonthEvent`` of a master-class ``user`` may read, not
    cancelled: one query of three columns."""
    zone = timezone.get_current_timezone()
    first = datetime.date(year, month_number, 1)
    last = datetime.date(year, month_number, calendar.monthrange(year, month_number)[1])
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    by_day: dict[datetime.date, list] = {}
    for pk, title, starts_at in (
        _listed(user)
        .exclude(status=MasterClass.Status.CANCELLED)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .order_by("starts_at", "pk")
        .values_list("pk", "title", "starts_at")
    ):
        by_day.setdefault(timezone.localtime(starts_at, zone).date(), []).append(
            MonthEvent(pk, title, starts_at)
        )
    return [
        [
            (day, by_day.get(day, []) if day.month == month_number else [])
            for day in week
        ]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(
            year, month_number
        )
    ]


def page_body_parts(masterclass: MasterClass) -> dict:
    """What a master-class page's kept body (``list_fragments.page_body``)
    is rendered from beside the master-class: its co-hosts with their
    profiles, grades, tags and the library materials anyone may see, from
    the primary (four queries)."""
    from materials.models import Material

    return {
        "cohosts": list(
            get_user_model()
            .objects.using(DEFAULT_DB_ALIAS)
            .filter(masterclasses_cohosted=masterclass)
            .select_related("profile")
        ),
        "grades": list(masterclass.grades.all().using(DEFAULT_DB_ALIAS)),
        "tags": list(masterclass.tags.all().using(DEFAULT_DB_ALIAS)),
        "materials": list(
            Material.objects.using(DEFAULT_DB_ALIAS)
            .public()
            .filter(masterclasses=masterclass)
        ),
    }
