"""What follows a write: the community layer's change functions, and the parts
every app's own ``changes.py`` is built from.

A write changes rows; what was made from those rows elsewhere — the search
index, the counts kept of search results, visitors' cached pages, members'
cards beside their posts, a topic's kept posts, unread counts, the activity
feed — has to follow. Each app says so in one module, ``<app>/changes.py``:
one plain function per thing that changed (``post_changed(post)``,
``material_visibility_changed(material)``, ...), listing every cache, index,
feed and version the entity feeds. Services call their app's change
functions after a write and never the mechanisms below directly, so a page
that would go stale is visible in one place, and ``<app>/tests/test_changes.py``
fails when a new writing service calls none. No Django signals: the change
functions are called by the code that writes, inside its transaction.

The caches are generation numbers (``community.generations``): a change
moves the ones it touches on, all in one round trip to the cache now and one
after commit (``moved``).
"""

from collections.abc import Iterable

from django.contrib.auth import get_user_model

from community.attainments import attainments_changed
from community.cards import CARD_KEY, EVERYONE_KEY
from community.generations import generations_bump
from community.pagecache import GENERATION_KEY as PUBLIC_PAGES
from community.pagecache import LISTS_KEY as LIST_PAGES
from community.search import (
    SEARCH_COUNTS,
    search_reindex_containing,
    search_reindex_objects,
)
from community.selectors import UNREAD_VERSION_KEY

__all__ = [
    "EMBED_SWITCHES",
    "HOME_PAGES",
    "LIST_PAGES",
    "PUBLIC_PAGES",
    "SEARCH_COUNTS",
    "badge_shown_changed",
    "badges_awarded",
    "badges_changed",
    "badges_held_changed",
    "embed_preview_changed",
    "embeds_changed",
    "home_kept_under",
    "member_card",
    "member_pages",
    "moved",
    "profile_kept_under",
    "public_pages_changed",
    "search_kept_under",
    "tagged_changed",
    "unread_changed",
]


# The embedding services switched on, as ``community.embeds.providers_enabled``
# keeps them (named here: that module reads it, and nothing it imports may
# import it back).
EMBED_SWITCHES = "embeds:providers"
MEMBER_PAGES_KEY = "pages:member:{}"
# The visitors' home page: the newest topics, materials and master-classes
# (``community.home``'s visitors' blocks). Replies, reactions and badges
# leave it kept; a topic's opening post moves it (``forums.changes``), and
# what else it lists moves ``PUBLIC_PAGES``.
HOME_PAGES = "pages:home"


def moved(*keys: str) -> None:
    """Move these caches' generations on, in one round trip (now and after
    commit). Called by change functions only."""
    generations_bump(dict.fromkeys(keys))


def member_card(user_id: int) -> str:
    """The generation of the card shown beside a member's posts (name,
    picture, visibility, chosen badges)."""
    return CARD_KEY.format(user_id)


def member_pages(username: str) -> str:
    """The generation of a member's profile page for visitors, which shows
    their badges beside what ``PUBLIC_PAGES`` follows (their profile, blog
    posts, communities)."""
    return MEMBER_PAGES_KEY.format(username.lower())


def search_kept_under() -> list[str]:
    """What visitors' search pages are kept under beside ``PUBLIC_PAGES``
    (``community.pagecache.page_scoped``): ``SEARCH_COUNTS``, which every
    write to the index moves (a page shows only what the entries hold), so
    a reply renews them once its entry is written, not as it is published."""
    return [SEARCH_COUNTS]


def profile_kept_under(username: str) -> list[str]:
    """What visitors' profile pages are kept under beside ``PUBLIC_PAGES``
    (``community.pagecache.page_scoped``): the member's own generation, so a
    badge awarded to one member leaves every other profile kept."""
    return [member_pages(username)]


def home_kept_under() -> list[str]:
    """What the visitors' home page is kept under beside ``PUBLIC_PAGES``
    (``community.pagecache.page_scoped``): ``HOME_PAGES``."""
    return [HOME_PAGES]


# --- The community layer's own writes -----------------------------------------


def public_pages_changed() -> None:
    """Something only visitors' cached lists show changed (a count, the
    boards, the lists of badges): ``LIST_PAGES``."""
    moved(LIST_PAGES)


def badges_changed(*user_ids: int) -> None:
    """Badges were chosen to be shown (or awarded, taken back: through
    ``badges_held_changed``): the members' cards and the public pages that
    list badges."""
    moved(*(member_card(pk) for pk in user_ids), PUBLIC_PAGES)


def badges_held_changed(*user_ids: int) -> None:
    """A moderator awarded a badge or took one back: ``badges_changed``, and
    the members' evidence of growth (``community.attainments``: the badges
    they hold)."""
    badges_changed(*user_ids)
    attainments_changed(user_ids)


def badges_awarded(user_ids: Iterable[int]) -> None:
    """Badges were awarded by their rules (none chosen to be shown yet, so
    no card changes): the public pages that list badges (``LIST_PAGES``:
    a topic's page shows only the badges chosen), the members' profiles
    (one query for their names), and the members' evidence of growth."""
    user_ids = list(user_ids)
    names = get_user_model().objects.filter(pk__in=user_ids)
    moved(
        LIST_PAGES,
        *(member_pages(name) for name in names.values_list("username", flat=True)),
    )
    attainments_changed(user_ids)


def badge_shown_changed() -> None:
    """A badge's name, icon or address changed: every card that may show it,
    and the public pages."""
    moved(EVERYONE_KEY, PUBLIC_PAGES)


def tagged_changed(objects: Iterable) -> None:
    """Tags were renamed or merged: the search entries of what carries them
    (they hold tag names), the search counts, the public pages (a tag's
    page moved or shows the new name) and what members' pages keep with
    every card's version (``EVERYONE_KEY``: a material's page shows its
    tags). A moderator's rare act: every kept rendering is made again once."""
    search_reindex_objects(objects)
    moved(SEARCH_COUNTS, PUBLIC_PAGES, EVERYONE_KEY)


def embeds_changed() -> None:
    """A service was switched on or off, one embedded link hidden or shown,
    or a link's title and picture fetched: the switches kept and visitors'
    cached pages (their cards are filled in before they are kept)."""
    moved(EMBED_SWITCHES, PUBLIC_PAGES)


def embed_preview_changed(url: str) -> None:
    """One embedded link's title and picture were fetched, or the link hidden
    or shown: ``embeds_changed``, and the search entries of the texts that
    carry it (they hold its title while it is fetched and not hidden) with
    the search counts."""
    search_reindex_containing(url)
    moved(SEARCH_COUNTS)
    embeds_changed()


def unread_changed(user_pks: Iterable[int]) -> None:
    """Members' notifications were added or read: their unread counts."""
    moved(*(UNREAD_VERSION_KEY.format(pk) for pk in user_pks))
