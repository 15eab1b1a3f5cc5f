"""Cache generations: a number in the cache that writes move on.

Cached things (whole pages, search counts, topic pages' posts) are keyed
with their generation, so moving it on makes every one of them stale at
once, on every host sharing the cache.

A generation that is missing (never set, or evicted from a full cache)
starts again from the clock, not from 1: a number handed out before the
eviction is never handed out again, so nothing cached under it comes back.
"""

import time
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction


def _fresh() -> int:
    return time.time_ns() // 1000


def generation(key: str) -> int:
    return cache.get_or_set(key, _fresh, None)


def generations(keys: Iterable[str]) -> dict[str, int]:
    """Several generations in one round trip; missing ones are started."""
    keys = list(keys)
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            made = _fresh()
            cache.add(key, made, None)  # another host may start it first
            found[key] = cache.get(key) or made  # (or a full cache dropped it)
    return found


def generation_bump(key: str) -> None:
    """Move the generation on now and again after commit.

    Again after commit: something cached meanwhile from the old rows is dropped.
    """

    def bump() -> None:
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, _fresh(), None)

    bump()
    transaction.on_commit(bump)


def generations_bump(keys: Iterable[str]) -> None:
    """Move many generations on in one round trip, now and after commit.

    Each is set to the clock, as a missing one starts: past every number it
    handed out (one a microsecond would be needed to catch up with it).
    """
    keys = list(keys)
    if not keys:
        return

    def bump() -> None:
        now = _fresh()
        cache.set_many(dict.fromkeys(keys, now), None)

    bump()
    transaction.on_commit(bump)
