"""Reads for channels anyone may read: the RSS feed of open contests, the
sitemap, the home page's block, the digest, the portfolio.

A contest is public while it is announced or finished and not hidden by a
moderator (``Contest.objects.public()``); it is *open* while it is announced
and its entries have not closed (taking entries now, or soon). A network
project is public past its draft and not hidden (``Project.objects.public()``).
Drafts, cancelled and hidden contests, draft and hidden projects never reach
these channels.
"""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from contests.models import Contest, Project


def contests_open(*, now: datetime.datetime | None = None) -> QuerySet[Contest]:
    """Announced, not hidden, entries not yet closed (open now or soon)."""
    now = now or timezone.now()
    return Contest.objects.filter(
        status=Contest.Status.PUBLISHED,
        is_hidden=False,
        submissions_close_at__gt=now,
    )


def contests_open_newest(*, limit: int) -> list[Contest]:
    """The open contests, the latest announced first, with the organiser's
    profile and the subject (the RSS feed): one query."""
    return list(
        contests_open()
        .select_related("organiser__profile", "subject", "community")
        .order_by("-published_at", "-pk")[:limit]
    )


def contests_closing_soon(*, limit: int) -> list[Contest]:
    """The open contests whose entries close first (the home page): one
    query."""
    return list(contests_open().order_by("submissions_close_at", "pk")[:limit])


def projects_recruiting(*, limit: int) -> list[Project]:
    """Public projects whose teams are forming, the latest announced first
    (the home page): one query."""
    return list(
        Project.objects.public()
        .filter(status=Project.Status.RECRUITING)
        .select_related("subject")
        .order_by("-published_at", "-pk")[:limit]
    )


def contests_for_sitemap() -> QuerySet[Contest]:
    return Contest.objects.public().order_by("pk").only("pk", "slug", "updated_at")


def projects_for_sitemap() -> QuerySet[Project]:
    return Project.objects.public().order_by("pk").only("pk", "slug", "updated_at")
