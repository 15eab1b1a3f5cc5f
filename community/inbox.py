"""The moderation inbox: each app says what waits for a moderator.

Apps register in ``AppConfig.ready()`` with ``inbox_source_register``: a
label, a count, the admin address that lists the items (with its filter),
and the permission a moderator needs to act on them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class InboxSource:
    key: str
    label: Promise
    count: Callable[[], int]
    url: Callable[[], str]
    permission: str
    order: int = 50


_sources: dict[str, InboxSource] = {}


def inbox_source_register(source: InboxSource) -> None:
    _sources[source.key] = source


def inbox_for(user) -> list[tuple[InboxSource, int]]:
    """What waits, for the sources this moderator may act on (one count each)."""
    return [
        (source, source.count())
        for source in sorted(_sources.values(), key=lambda item: item.order)
        if user.has_perm(source.permission)
    ]
