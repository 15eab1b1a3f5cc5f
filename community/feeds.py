"""RSS and Atom feeds of public content, and the registry behind a tag's feed.

Every feed on the site is an ``EntryFeed``: the app's selector reads at most
``FEED_ITEMS`` rows in a fixed number of queries and turns each into a
``FeedEntry`` (title, address, a plain-text description, the author's shown
name, dates, tags); the feed only formats them, so writing the XML asks the
database nothing more. Each feed comes in two formats at two addresses,
``…/feed/rss/`` and ``…/feed/atom/`` (``EntryFeed(atom=True)``).

A tag's feed gathers what every app has under the tag: apps register a
source in ``AppConfig.ready()`` (``tag_feed_source_register``) that gives its
newest public entries for a tag. The community layer imports no domain model.

Only what an anonymous visitor may see goes into a feed: the selectors behind
the sources filter as the apps' public lists do.
"""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.encoding import iri_to_uri
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _
from taggit.models import Tag

from community.registry import Registry

FEED_ITEMS = 30


def absolute_url(path: str) -> str:
    """``path`` on the site's public address (``settings.SITE_URL``)."""
    if not path.startswith(("http://", "https://")):
        path = settings.SITE_URL.rstrip("/") + path
    return iri_to_uri(path)


@dataclass(frozen=True)
class FeedEntry:
    title: str
    # The item's page, a path on the site (or an absolute address).
    url: str
    # Plain text: an excerpt of the item, never HTML.
    description: str
    author_name: str
    published_at: datetime.datetime
    categories: Sequence[str] = ()
    updated_at: datetime.datetime | None = None


class EntryFeed(Feed):
    """A feed of ``FeedEntry`` rows; subclasses give ``title``, ``link``,
    ``description`` and ``entries(obj)``.

    Readers treat a feed's description as HTML (Atom says so: ``type="html"``),
    so the plain text is escaped once more here: ``<b>`` a member typed shows
    as text and never becomes markup. Titles are escaped likewise, as Django's
    own feeds do.
    """

    def __init__(self, *, atom: bool = False) -> None:
        super().__init__()
        self.feed_type = Atom1Feed if atom else Rss201rev2Feed

    def entries(self, obj) -> list[FeedEntry]:
        raise NotImplementedError

    def items(self, obj) -> list[FeedEntry]:
        return self.entries(obj)[:FEED_ITEMS]

    def get_feed(self, obj, request: HttpRequest):
        feed = super().get_feed(obj, request)
        # The feed's own address on the public site, not on the host asked.
        feed.feed["feed_url"] = absolute_url(request.path)
        feed.feed["link"] = absolute_url(self._get_dynamic_attr("link", obj))
        feed.feed["id"] = feed.feed["link"]
        if self.feed_type is Atom1Feed:
            feed.feed["subtitle"] = feed.feed["description"]
        return feed

    def item_title(self, entry: FeedEntry) -> str:
        return escape(entry.title)

    def item_description(self, entry: FeedEntry) -> str:
        return escape(entry.description)

    def item_link(self, entry: FeedEntry) -> str:
        return absolute_url(entry.url)

    def item_author_name(self, entry: FeedEntry) -> str:
        return entry.author_name

    def item_pubdate(self, entry: FeedEntry) -> datetime.datetime:
        return entry.published_at

    def item_updateddate(self, entry: FeedEntry) -> datetime.datetime:
        return entry.updated_at or entry.published_at

    def item_categories(self, entry: FeedEntry) -> Sequence[str]:
        return entry.categories


# --- A tag's feed ---------------------------------------------------------------


@dataclass(frozen=True)
class TagFeedSource:
    key: str
    # (tag, limit) -> the newest public entries carrying the tag, newest first,
    # in a fixed number of queries.
    entries: Callable[[Tag, int], list[FeedEntry]]


_tag_sources: Registry[str, TagFeedSource] = Registry()


def tag_feed_source_register(
    *, key: str, entries: Callable[[Tag, int], list[FeedEntry]]
) -> None:
    """Add what an app has under a tag to the tag's feed (call from ready())."""
    _tag_sources.register(key, TagFeedSource(key, entries))


def tag_feed_entries(tag: Tag, limit: int = FEED_ITEMS) -> list[FeedEntry]:
    """The newest entries under ``tag`` across the apps, newest first."""
    entries = [
        entry
        for source in _tag_sources.values()
        for entry in source.entries(tag, limit)
    ]
    entries.sort(key=lambda entry: entry.published_at, reverse=True)
    return entries[:limit]


class TagFeed(EntryFeed):
    """New public items under a tag, from every app: ``/tags/<slug>/feed/…``."""

    def get_object(self, request: HttpRequest, slug: str) -> Tag:
        # An unknown tag raises DoesNotExist, which the feed answers with a 404.
        return Tag.objects.get(slug=slug)

    def title(self, tag: Tag) -> str:
        return _("#%(tag)s: new on Kollegi") % {"tag": tag.name}

    def description(self, tag: Tag) -> str:
        return _(
            "New topics, materials, master-classes and blog posts tagged "
            "#%(tag)s on Kollegi."
        ) % {"tag": tag.name}

    def link(self, tag: Tag) -> str:
        # The tag's page across the network (community.tags).
        return reverse("tag", kwargs={"slug": tag.slug})

    def entries(self, tag: Tag) -> list[FeedEntry]:
        return tag_feed_entries(tag)
