"""Cache generations: a number in the cache that writes move on.

Cached things (whole pages, search counts) are keyed with their generation,
so moving it on makes every one of them stale at once, on every host sharing
the cache.
"""

from django.core.cache import cache
from django.db import transaction


def generation(key: str) -> int:
    return cache.get_or_set(key, 1, None)


def generation_bump(key: str) -> None:
    """Move the generation on now and again after commit.

    Again after commit: something cached meanwhile from the old rows is dropped.
    """

    def bump() -> None:
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, None)

    bump()
    transaction.on_commit(bump)
