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


class OpenPage:
    """A page of a list read without counting it (a feed: only newer and older
    pages make sense). Reads one row more than it shows, to know whether an
    older page exists. The names follow Django's ``Page``."""

    MAX_NUMBER = 500  # deeper pages of a feed are not worth an OFFSET
    paginator = None  # nothing counted (the pagination partial reads this)

    def __init__(self, queryset, number, per_page: int) -> None:
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = 1
        self.number = min(max(number, 1), self.MAX_NUMBER)
        start = (self.number - 1) * per_page
        rows = list(queryset[start : start + per_page + 1])
        self.object_list = rows[:per_page]
        self._more = len(rows) > per_page and self.number < self.MAX_NUMBER

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self._more

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1
