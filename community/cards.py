"""Members' cards: the name, picture and chosen badges shown beside their posts.

Pages that keep rendered posts (a topic page's posts, ``forums.fragments``)
keep with them the version of each author's card they showed. The change
functions of what a card shows (a name, a picture, hiding or deleting a
profile, choosing or losing a badge: ``community.changes.member_card``) move
that member's version on; a change to the badges themselves (their names and
icons: ``badge_shown_changed``) moves every card on. A page whose authors'
versions all still match shows what a fresh rendering would.
"""

from collections.abc import Iterable

from django.core.cache import cache

from community.generations import generations

CARD_KEY = "cards:{}"
EVERYONE_KEY = "cards:everyone"


def card_versions(user_ids: Iterable[int]) -> dict:
    """The versions to keep with a rendering of these members' cards (started
    where missing), under ``None`` the version of every card."""
    user_ids = sorted(set(user_ids))
    found = generations([EVERYONE_KEY, *(CARD_KEY.format(pk) for pk in user_ids)])
    versions = {pk: found[CARD_KEY.format(pk)] for pk in user_ids}
    versions[None] = found[EVERYONE_KEY]
    return versions


def cards_unchanged(kept: dict) -> bool:
    """Whether the cards rendered with ``kept`` (``card_versions``) still
    show the same: one cache round trip."""
    keys = {
        (EVERYONE_KEY if pk is None else CARD_KEY.format(pk)): version
        for pk, version in kept.items()
    }
    found = cache.get_many(list(keys))
    return all(found.get(key) == version for key, version in keys.items())
