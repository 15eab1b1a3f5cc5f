"""Reads for feeds and the sitemap: published materials not hidden by a moderator."""

from django.db.models import QuerySet

from community.tagged import tagged
from materials.models import Material


def _for_feed(materials: QuerySet[Material], limit: int) -> list[Material]:
    """Newest first, with the author and the tags: 2 queries."""
    return list(
        materials.select_related("author__profile")
        .prefetch_related("tags")
        .order_by("-published_at", "-pk")[:limit]
    )


def materials_new(*, limit: int) -> list[Material]:
    return _for_feed(Material.objects.public(), limit)


def materials_latest(*, limit: int) -> list[Material]:
    """The newest public materials with their subjects (the home page): one query."""
    return list(
        Material.objects.public()
        .select_related("subject")
        .only(
            "pk",
            "title",
            "kind",
            "published_at",
            "subject__name_en",
            "subject__name_ru",
        )
        .order_by("-published_at", "-pk")[:limit]
    )


def materials_new_with_tag(*, tag, limit: int) -> list[Material]:
    return _for_feed(tagged(Material.objects.public(), tag), limit)


def materials_for_sitemap() -> QuerySet[Material]:
    return Material.objects.public().order_by("pk").only("pk", "updated_at")
