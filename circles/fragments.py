"""The feed of a community's page, and the parts about it, rendered once
and kept in the cache.

A member's view of a community's page spent most of its time reading and
rendering its feed (``selectors.feed_of``: three queries of topics,
materials and meetings), the same lines for every reader of a kind. Its
first page is now kept, as the forums' rows are (``forums.list_fragments``):

- under the community, the readers' kind (``reader_of``: who may read a
  group's content decides which topics and meetings it lists — its members,
  other members of Kollegi, visitors), the page's size, the language, the
  time zone (dates) and the templates' text (``community.releases``);
- with the versions that every change of what it lists moves on: visitors'
  pages (``PUBLIC_PAGES``: a material added to the collection or taken out,
  a material or a meeting edited, hidden or cancelled, a meeting proposed,
  an author's name, the community opened or its section's readers changed)
  and its section's pages (``forums.changes.section_kept_under``: a topic
  started, replied in, answered, hidden or moved).

The parts about the community (``about_found``: its tags, how many members
it has and a few of them, who founded it and when, its subject, grades and
region) are kept the same way under the community, the language, the time
zone and the templates, with ``PUBLIC_PAGES`` (its edits, a member joining,
leaving or changing role, a member's name or picture); for a member whose
own picture is hidden (she still sees it) under her own key.

An older page (``?before=``) is rendered each time. Nothing of the viewer's
own is in it — the buttons to write are rendered around it, and it holds no
form, so no CSRF token.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from circles.models import Community
from community.changes import PUBLIC_PAGES
from community.generations import generations
from community.releases import kept_key, kept_still, release_digest
from forums.changes import section_kept_under

FEED_TEMPLATE = "circles/partials/_feed.html"
# The templates whose text what is kept depends on (and those they include).
TEMPLATES = (
    FEED_TEMPLATE,
    "circles/partials/_meeting_row.html",
    "partials/components/badge.html",
    "partials/components/empty_state.html",
)
TIMEOUT = 10 * 60


def reader_of(user, role: str | None) -> str:
    """The kind of reader the feed is kept for: the community's members
    (``role``: the viewer's, from their standing) read its group's content,
    other members of Kollegi members' content, visitors everyone's
    (``community.audience.readable``)."""
    if role is not None:
        return "group"
    if user.is_authenticated and user.is_active:
        return "members"
    return "everyone"


def _versions(community: Community) -> list[str]:
    section = community.section if community.section_id is not None else None
    return [PUBLIC_PAGES, *(section_kept_under(section.slug) if section else ())]


@dataclass
class FeedLookup:
    """What ``feed_found`` found: the feed kept (None: to read and render,
    then ``feed_keep``), and the key and versions read."""

    html: SafeString | None
    key: str
    versions: dict


def feed_found(*, community: Community, reader: str, size: int) -> FeedLookup:
    """The kept first page of the community's feed for ``reader``, if the
    versions it was kept with are still those: one cache round trip. Asked
    before the feed is read, so that a change committed meanwhile leaves a
    rendering behind the versions read."""
    key = kept_key(
        "circles",
        "feed",
        (
            community.pk,
            reader,
            size,
            translation.get_language(),
            timezone.get_current_timezone_name(),
            release_digest(TEMPLATES, icons=True),
        ),
    )
    names = _versions(community)
    found = cache.get_many([key, *names])
    kept = found.get(key)
    if kept_still(kept, found):
        # Our own template's output: whatever a member wrote in it was escaped.
        return FeedLookup(mark_safe(kept[1]), key, found)  # noqa: S308
    missing = [name for name in names if name not in found]
    if missing:
        found.update(generations(missing))
    return FeedLookup(None, key, {name: found[name] for name in names})


def feed_render(feed: list, feed_next: int | None) -> SafeString:
    """A page of the feed, rendered (``FEED_TEMPLATE``)."""
    html = get_template(FEED_TEMPLATE).render({"feed": feed, "feed_next": feed_next})
    # Our own template's output: whatever a member wrote in it was escaped.
    return mark_safe(html)  # noqa: S308


def feed_keep(lookup: FeedLookup, feed: list, feed_next: int | None) -> SafeString:
    """The first page of the feed, rendered and kept under the versions read
    before it was (``feed_found``)."""
    html = feed_render(feed, feed_next)
    cache.set(lookup.key, (tuple(lookup.versions.items()), str(html)), TIMEOUT)
    return html


ABOUT_PARTS = {
    "tags": "circles/partials/_about_tags.html",
    "members": "circles/partials/_about_members.html",
    "details": "circles/partials/_about_details.html",
}
ABOUT_TEMPLATES = (*ABOUT_PARTS.values(), "accounts/partials/_avatar.html")


@dataclass
class AboutLookup:
    """What ``about_found`` found: the parts kept (None: to read and render,
    then ``about_keep``), and the key and version read."""

    parts: dict[str, SafeString] | None
    key: str
    versions: dict


def _own_picture_hidden(user) -> bool:
    profile = getattr(user, "profile", None) if user.is_authenticated else None
    return bool(profile is not None and profile.is_hidden)


def about_found(*, community: Community, user) -> AboutLookup:
    """The kept parts about the community, if ``PUBLIC_PAGES`` is still
    what they were kept with: one cache round trip, asked before they are
    read."""
    key = kept_key(
        "circles",
        "about",
        (
            community.pk,
            user.pk if _own_picture_hidden(user) else None,
            translation.get_language(),
            timezone.get_current_timezone_name(),
            release_digest(ABOUT_TEMPLATES, icons=True),
        ),
    )
    found = cache.get_many([key, PUBLIC_PAGES])
    kept = found.get(key)
    if kept is not None and kept[0] == found.get(PUBLIC_PAGES):
        # Our own templates' output: whatever a member wrote in it was escaped.
        parts = {name: mark_safe(html) for name, html in kept[1].items()}  # noqa: S308
        return AboutLookup(parts, key, found)
    if PUBLIC_PAGES not in found:
        found.update(generations([PUBLIC_PAGES]))
    return AboutLookup(None, key, {PUBLIC_PAGES: found[PUBLIC_PAGES]})


def about_render(context: dict) -> dict[str, SafeString]:
    """The parts about the community (``ABOUT_PARTS``), rendered from
    ``context`` (``community``, ``tags``, ``members_preview``, ``founder``,
    ``grades`` and the viewer as ``user``)."""
    # Our own templates' output: whatever a member wrote in it was escaped.
    return {
        name: mark_safe(get_template(template).render(context))  # noqa: S308
        for name, template in ABOUT_PARTS.items()
    }


def about_keep(lookup: AboutLookup, context: dict) -> dict[str, SafeString]:
    """The parts about the community, rendered and kept under the version
    read before they were (``about_found``)."""
    parts = about_render(context)
    kept = {name: str(html) for name, html in parts.items()}
    cache.set(lookup.key, (lookup.versions[PUBLIC_PAGES], kept), TIMEOUT)
    return parts


CARD_TEMPLATE = "circles/partials/_card.html"
CARD_TEMPLATES = (
    CARD_TEMPLATE,
    "circles/partials/_visibility_badge.html",
    "partials/components/badge.html",
)
# What a card shows of its community's row (``selectors.community_list``):
# its key, so a card kept is never one of another row's.
CARD_FIELDS = (
    "pk",
    "name",
    "slug",
    "purpose",
    "visibility",
    "status",
    "member_count",
)


def community_cards(communities) -> list[SafeString]:
    """The list's cards of ``communities`` (a page of
    ``selectors.community_list``), as ``CARD_TEMPLATE`` renders them.

    Each is kept under everything it shows — the row's fields, its cover,
    its subject's name, the topics with new posts (the "mine" tab) — with
    the language and the templates: a changed community is another key, so
    no version is needed. One cache round trip; the cards missing are
    rendered and kept."""
    facts = (translation.get_language(), release_digest(CARD_TEMPLATES, icons=True))

    def key(community) -> str:
        return kept_key(
            "circles",
            "card",
            (
                *(getattr(community, name) for name in CARD_FIELDS),
                community.cover.name,
                community.subject.name if community.subject_id else None,
                getattr(community, "circles_new_topics", None),
                facts,
            ),
        )

    keys = [key(community) for community in communities]
    found = cache.get_many(keys)
    fresh = {}
    template = get_template(CARD_TEMPLATE)
    for community, card_key in zip(communities, keys, strict=True):
        if card_key not in found:
            fresh[card_key] = found[card_key] = template.render(
                {"community": community}
            )
    if fresh:
        cache.set_many(fresh, TIMEOUT)
    # Our own template's output: whatever a member wrote in it was escaped.
    return [mark_safe(found[card_key]) for card_key in keys]  # noqa: S308
