"""A forum section's new topics as RSS and Atom; topics in a tag's feed."""

from django.utils.translation import gettext as _

from community.excerpts import excerpt
from community.feeds import FEED_ITEMS, EntryFeed, FeedEntry
from forums import selectors_public
from forums.models import Section, Topic


def topic_entry(topic: Topic) -> FeedEntry:
    """Reads what ``selectors_public`` loaded: no query."""
    return FeedEntry(
        title=topic.title,
        url=topic.get_absolute_url(),
        description=excerpt(topic.opening_html or ""),
        author_name=topic.author.profile.shown_name,
        published_at=topic.created_at,
        updated_at=topic.last_post_at,
        categories=[tag.name for tag in topic.tags.all()],
    )


def tag_entries(tag, limit: int) -> list[FeedEntry]:
    topics = selectors_public.topics_new_with_tag(tag=tag, limit=limit)
    return [topic_entry(topic) for topic in topics]


class SectionFeed(EntryFeed):
    """``/forums/s/<slug>/feed/rss/`` and ``…/feed/atom/``."""

    def get_object(self, request, slug: str) -> Section:
        return selectors_public.section_for_feed(slug=slug)

    def title(self, section: Section) -> str:
        return _("New topics: %(section)s") % {"section": section.title}

    def description(self, section: Section) -> str:
        return section.description or _(
            "Discussions in the section «%(section)s» of Kollegi's forums."
        ) % {"section": section.title}

    def link(self, section: Section) -> str:
        return section.get_absolute_url()

    def entries(self, section: Section) -> list[FeedEntry]:
        topics = selectors_public.topics_new_in_section(
            section=section, limit=FEED_ITEMS
        )
        return [topic_entry(topic) for topic in topics]
