"""Rows of the forums' lists, rendered once and kept in the cache.

A section's page and the forums' index spent most of their time rendering
the same rows again for every member: a topic row (its author's picture,
marks, counts, the last message in the reader's words) or a section's card.
Each row is now kept under a digest of what it shows, read with the page's
own queries (``selectors_lists``):

- **a topic row** (``topic_rows``): the topic's title, kind, marks, answer,
  counts and last message, whom its author and last poster are, the
  member's progress in it (never opened, read to the end, or how many
  replies are new) and whether they wrote it (their own hidden picture shows
  to them). Its author's and last poster's names and pictures are their
  cards (``community.cards``): the row is kept with the versions of both
  cards, which the accounts' change functions move when a name or picture
  changes or a profile is hidden or erased, as a topic page's kept posts
  are (``fragments``). The cards' versions come in the same round trip as
  the rows;
- **a section's card** (``section_cards``): its title, address,
  description, counters and subsections, and how many topics in each are
  unread for the member;
- **a section's description and feed** on its page (``section_head``): its
  address, title and description;

and for both the language, the templates' text, the compiled translations
and the icons' address, and for topic rows the time zone and the day (a
message of today shows its time, of yesterday «yesterday»). A write that
changes what a row shows gives it another key — its topic's or section's
row is read by every page — or moves a card on: nothing kept can be shown
after it, and stale entries just expire. Members in the same state share a
row: most rows are new to them or read.

What differs per member is in the key, not filled in afterwards: a row
holds no form, so no CSRF token.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from community.cards import CARD_KEY, EVERYONE_KEY
from community.generations import generations
from community.releases import kept_key, kept_still, key_value, release_digest
from forums import selectors_lists
from forums.models import Section, Topic
from forums.selectors_lists import TopicRow

TOPIC_ROW_TEMPLATE = "forums/partials/_topic_row.html"
SECTION_CARD_TEMPLATE = "forums/partials/_section_card.html"
DESCRIPTION_TEMPLATE = "forums/partials/_section_description.html"
FEED_TEMPLATE = "forums/partials/_section_feed.html"
FEED_PARTIALS = ("partials/feed_links.html", "partials/feed_subscribe.html")
# The templates whose text what is kept depends on (and those they include).
TEMPLATES = (
    TOPIC_ROW_TEMPLATE,
    SECTION_CARD_TEMPLATE,
    "accounts/partials/_avatar.html",
    DESCRIPTION_TEMPLATE,
    FEED_TEMPLATE,
    *FEED_PARTIALS,
)
# A row's key changes with every reply, and a topic row's with its views
# (added every minute): stale entries of rows are many, so they go soon. A
# section's description and feed seldom change.
ROW_TIMEOUT = 10 * 60
HEAD_TIMEOUT = 24 * 60 * 60


def _release() -> str:
    """The templates' text, the compiled translations and the icons' sprite
    address (hashed by the static files' manifest): a release that changes
    any of them renders every row again."""
    return release_digest(TEMPLATES, icons=True)


def _key(kind: str, inputs: tuple) -> str:
    return kept_key("forums", kind, inputs)


def _kept(
    kind: str,
    template: str,
    items: Sequence,
    inputs: Iterable[tuple],
    context,
) -> list[SafeString]:
    """Each item's HTML: from the cache where kept, rendered (and kept) where
    not; one cache round trip, a second only to keep new renderings."""
    keys = [_key(kind, each) for each in inputs]
    found = cache.get_many(keys)
    missing = {}
    if len(found) < len(keys):
        rendering = get_template(template)
        for item, key in zip(items, keys, strict=True):
            if key not in found and key not in missing:
                missing[key] = rendering.render(context(item))
        if missing:
            cache.set_many(missing, ROW_TIMEOUT)
            found.update(missing)
    # Our own templates' output: whatever a member wrote in it was escaped.
    return [mark_safe(found[key]) for key in keys]  # noqa: S308


def _progress(last_read: int | None, reply_count: int) -> tuple:
    """The member's progress as a row shows it (``selectors._with_read``):
    never opened, or how many replies are new (0: read to the end)."""
    if last_read is None:
        return ("new",)
    return ("read", max(reply_count + 1 - last_read, 0))


def _cards(row: TopicRow | Topic) -> list[str]:
    """The cards a topic row shows: its author's and its last poster's."""
    people = [row.author_id]
    if row.last_poster_id:
        people.append(row.last_poster_id)
    return [EVERYONE_KEY, *(CARD_KEY.format(pk) for pk in people)]


def topic_rows(request, rows: Iterable[TopicRow]) -> list[SafeString]:
    """A section's topic rows for this member, as
    ``forums/partials/_topic_row.html`` renders them.

    ``rows``: a page of ``selectors_lists.SectionRows``. A row is kept
    under a digest of its fields, the member's progress and the page's facts
    (see the module's text), with the versions of the two cards it shows.
    Rows missing, or kept with an older card, are rendered from their topics
    (one query) and kept; a topic that changed since its row was read is
    shown as it is now and not kept under the older row's key.
    """
    viewer = request.user
    rows = list(rows)
    member = viewer.is_authenticated
    facts = (
        member,
        translation.get_language(),
        timezone.get_current_timezone_name(),
        timezone.localdate().isoformat(),
        _release(),
    )

    def key(row: TopicRow | Topic) -> str:
        """The row's key; a ``Topic`` rendered for it gives the same while
        it shows the same."""
        return _key(
            "topic-row",
            (
                *(key_value(getattr(row, name)) for name in selectors_lists.ROW_FIELDS),
                _progress(row.last_read, row.reply_count) if member else (),
                member and viewer.pk == row.author_id,
                facts,
            ),
        )

    keys = [key(row) for row in rows]
    cards = sorted({card for row in rows for card in _cards(row)})
    found = cache.get_many([*keys, *cards])
    shown = {}
    for row_key in keys:
        kept = found.get(row_key)
        if kept_still(kept, found):
            shown[row_key] = kept[1]
    if len(shown) < len(set(keys)):
        # The cards' versions are read before the topics: a change committed
        # meanwhile leaves the rendering behind them.
        found.update(generations([card for card in cards if card not in found]))
        missing = [
            row for row, row_key in zip(rows, keys, strict=True) if row_key not in shown
        ]
        topics = selectors_lists.topics_for_rows(
            pks=[row.pk for row in missing], user=viewer
        )
        template = get_template(TOPIC_ROW_TEMPLATE)
        fresh = {}
        for row in missing:
            topic = topics.get(row.pk)
            if topic is None:  # gone meanwhile
                continue
            row_key = key(row)
            html = template.render({"topic": topic, "user": viewer})
            shown[row_key] = html
            if key(topic) == row_key:  # not changed meanwhile
                fresh[row_key] = (
                    tuple((card, found[card]) for card in _cards(row)),
                    html,
                )
        if fresh:
            cache.set_many(fresh, ROW_TIMEOUT)
    # Our own template's output: whatever a member wrote in it was escaped.
    return [mark_safe(shown[row_key]) for row_key in keys if row_key in shown]  # noqa: S308


def section_cards(sections: Sequence[Section]) -> list[SafeString]:
    """The forums' index: each top-level section as a card, with its
    subsections (``children_listed``) and how many topics of each are unread
    for the member (``unread`` on each), as ``selectors_lists.forums_index``
    gives them."""
    facts = (translation.get_language(), _release())
    inputs = [
        (
            section.pk,
            section.slug,
            section.title,
            section.description,
            section.is_informal,
            section.topic_count,
            section.post_count,
            section.unread,
            tuple(
                (child.pk, child.slug, child.title, child.unread)
                for child in section.children_listed
            ),
            facts,
        )
        for section in sections
    ]
    return _kept(
        "section-card",
        SECTION_CARD_TEMPLATE,
        sections,
        inputs,
        lambda section: {"section": section},
    )


@dataclass(frozen=True)
class SectionHead:
    """What a section's page says about it beside its topics: its
    description (the page's and its link preview's) and its feed (the links
    in the page's head and the visible one)."""

    description: SafeString
    feed_links: SafeString
    feed_subscribe: SafeString


def section_head(section: Section) -> SectionHead:
    """A section's ``SectionHead``, kept under a digest of the section's
    address, title and description and the language: one cache read."""
    key = _key(
        "section-head",
        (
            section.slug,
            section.title,
            section.description,
            translation.get_language(),
            _release(),
        ),
    )
    kept = cache.get(key)
    if kept is None:
        kept = (
            get_template(DESCRIPTION_TEMPLATE).render({"section": section}),
            *(
                get_template(FEED_TEMPLATE).render(
                    {"section": section, "partial": partial}
                )
                for partial in FEED_PARTIALS
            ),
        )
        cache.set(key, kept, HEAD_TIMEOUT)
    # Our own templates' output: the section's text in it was escaped.
    return SectionHead(*(mark_safe(html) for html in kept))  # noqa: S308
