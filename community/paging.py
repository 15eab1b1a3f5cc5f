"""Paginators for lists whose length is already known."""

import hashlib

from django.core.cache import cache
from django.core.paginator import Paginator

from community.generations import generation as generation_of


class CountedPaginator(Paginator):
    """A paginator told the count already made: no second COUNT query."""

    def __init__(self, object_list, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.count = count


def count_kept(queryset, *, generation_key: str, key: tuple, timeout: int = 600) -> int:
    """The queryset's COUNT, kept in the cache until ``generation_key`` moves
    on (``community.generations``): counting a large list is most of its page's
    time, and the number is the same for every reader until it changes."""
    generation = generation_of(generation_key)
    digest = hashlib.sha256(repr((generation, key)).encode()).hexdigest()[:32]
    return cache.get_or_set(f"count:{digest}", queryset.count, timeout)
