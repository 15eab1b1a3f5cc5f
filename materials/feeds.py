"""New materials as RSS and Atom; materials in a tag's feed."""

from django.urls import reverse
from django.utils.translation import gettext as _

from community.excerpts import shorten
from community.feeds import FEED_ITEMS, EntryFeed, FeedEntry
from materials import selectors_public
from materials.models import Material


def material_entry(material: Material) -> FeedEntry:
    """Reads what ``selectors_public`` loaded: no query."""
    return FeedEntry(
        title=material.title,
        url=material.get_absolute_url(),
        description=shorten(material.summary),
        author_name=material.author.profile.shown_name,
        # Public materials are published, so they have the date.
        published_at=material.published_at or material.created_at,
        updated_at=material.updated_at,
        categories=[tag.name for tag in material.tags.all()],
    )


def tag_entries(tag, limit: int) -> list[FeedEntry]:
    materials = selectors_public.materials_new_with_tag(tag=tag, limit=limit)
    return [material_entry(material) for material in materials]


class MaterialFeed(EntryFeed):
    """``/materials/feed/rss/`` and ``…/feed/atom/``."""

    def title(self) -> str:
        return _("New teaching materials on Kollegi")

    def description(self) -> str:
        return _("Lesson plans, worksheets and other materials colleagues shared.")

    def link(self) -> str:
        return reverse("materials:catalogue")

    def entries(self, obj) -> list[FeedEntry]:
        materials = selectors_public.materials_new(limit=FEED_ITEMS)
        return [material_entry(material) for material in materials]
