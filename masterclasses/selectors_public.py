"""Reads for feeds and the sitemap: master-classes anyone may see.

Published and finished ones not hidden by a moderator, for everyone
(``community.audience.public``); drafts, proposals, cancelled and hidden
ones, and a community's meetings for members only, never.
"""

from django.db.models import QuerySet
from django.utils import timezone

from community import audience
from community.tagged import tagged
from masterclasses.models import MasterClass

PUBLIC_STATUSES = [MasterClass.Status.PUBLISHED, MasterClass.Status.FINISHED]


def _public() -> QuerySet[MasterClass]:
    return MasterClass.objects.filter(
        audience.public(), status__in=PUBLIC_STATUSES, is_hidden=False
    )


def _for_feed(masterclasses: QuerySet[MasterClass]) -> QuerySet[MasterClass]:
    """With the host and the tags: 2 queries."""
    return masterclasses.select_related("host__profile").prefetch_related("tags")


def masterclasses_upcoming(*, limit: int) -> list[MasterClass]:
    """Those not over yet, soonest first."""
    upcoming = _public().filter(
        status=MasterClass.Status.PUBLISHED, ends_at__gt=timezone.now()
    )
    return list(_for_feed(upcoming).order_by("starts_at", "pk")[:limit])


def masterclasses_soon(*, limit: int) -> list[MasterClass]:
    """The next public master-classes, soonest first, without hosts or tags
    (the home page): one query."""
    upcoming = _public().filter(
        status=MasterClass.Status.PUBLISHED, ends_at__gt=timezone.now()
    )
    upcoming = upcoming.only("pk", "title", "starts_at", "format")
    return list(upcoming.order_by("starts_at", "pk")[:limit])


def masterclasses_new_with_tag(*, tag, limit: int) -> list[MasterClass]:
    """The newest announced under ``tag``."""
    rows = tagged(_public(), tag)
    return list(_for_feed(rows).order_by("-created_at", "-pk")[:limit])


def masterclasses_for_sitemap() -> QuerySet[MasterClass]:
    return _public().order_by("pk").only("pk", "updated_at")
