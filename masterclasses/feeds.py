"""Upcoming master-classes as RSS and Atom; master-classes in a tag's feed."""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from community.excerpts import EXCERPT_LENGTH, excerpt
from community.feeds import FEED_ITEMS, EntryFeed, FeedEntry
from community.vocabulary import time_zone_label
from masterclasses import selectors_public
from masterclasses.models import MasterClass


def masterclass_entry(masterclass: MasterClass) -> FeedEntry:
    """Reads what ``selectors_public`` loaded: no query.

    The description starts with the time, in the site's time zone (a feed
    reader is nobody in particular), named.
    """
    zone = timezone.get_current_timezone()
    when = date_format(timezone.localtime(masterclass.starts_at, zone), "j E Y, H:i")
    label = time_zone_label(timezone.get_current_timezone_name(), masterclass.starts_at)
    head = f"{when} ({label}) — "
    return FeedEntry(
        title=masterclass.title,
        url=masterclass.get_absolute_url(),
        description=head
        + excerpt(masterclass.description_html, EXCERPT_LENGTH - len(head)),
        author_name=masterclass.host.profile.shown_name,
        published_at=masterclass.created_at,
        updated_at=masterclass.updated_at,
        categories=[tag.name for tag in masterclass.tags.all()],
    )


def tag_entries(tag, limit: int) -> list[FeedEntry]:
    masterclasses = selectors_public.masterclasses_new_with_tag(tag=tag, limit=limit)
    return [masterclass_entry(masterclass) for masterclass in masterclasses]


class UpcomingFeed(EntryFeed):
    """``/masterclasses/feed/rss/`` and ``…/feed/atom/``."""

    def title(self) -> str:
        return _("Upcoming master-classes on Kollegi")

    def description(self) -> str:
        return _("Master-classes colleagues host, soonest first.")

    def link(self) -> str:
        return reverse("masterclasses:list")

    def entries(self, obj) -> list[FeedEntry]:
        masterclasses = selectors_public.masterclasses_upcoming(limit=FEED_ITEMS)
        return [masterclass_entry(masterclass) for masterclass in masterclasses]
