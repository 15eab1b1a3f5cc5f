"""Paginators for lists whose length is already known."""

from django.core.paginator import Paginator


class CountedPaginator(Paginator):
    """A paginator told the count already made: no second COUNT query."""

    def __init__(self, object_list, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.count = count
