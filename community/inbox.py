"""The moderation inbox: each app says what waits for a moderator.

Apps register in ``AppConfig.ready()`` with ``inbox_source_register``: a
label, a count, the admin address that lists the items (with its filter),
and the permission a moderator needs to act on them.

A source whose items wait for a yes or a no (a newcomer's post) also gives an
``InboxQueue``: its items are listed on a page of their own
(``community.views_inbox``) with one-click "approve" and "reject" buttons,
which call the app's services.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.functional import Promise

from community.registry import Registry


@dataclass(frozen=True)
class InboxItem:
    """One waiting item as the queue page shows it."""

    pk: int
    kind: str  # what it is ("New topic", "Reply")
    title: str
    url: str  # where to read it whole
    author: str
    created_at: datetime.datetime
    excerpt: str = ""  # plain text


@dataclass(frozen=True)
class InboxQueue:
    """What a source's queue page lists and how each item is decided.

    ``items(user)``: the waiting rows this moderator may decide, oldest first,
    with what ``item`` reads joined (the page is paginated). ``approve(user,
    pk)`` and ``reject(user, pk, reason)`` call the app's services and return
    the message to show; they raise Http404 for an item that is gone or not
    this moderator's, ValidationError when it cannot be decided so.
    """

    items: Callable[[object], QuerySet]
    item: Callable[[object], InboxItem]
    approve: Callable[[object, int], str]
    reject: Callable[[object, int, str], str]
    reason_required: bool = False


@dataclass(frozen=True)
class InboxSource:
    key: str
    label: Promise
    count: Callable[[], int]
    url: Callable[[], str]
    permission: str
    order: int = 50
    queue: InboxQueue | None = None


_sources: Registry[str, InboxSource] = Registry()


def inbox_source_register(source: InboxSource) -> None:
    _sources.register(source.key, source)


def inbox_for(user) -> list[tuple[InboxSource, int]]:
    """What waits, for the sources this moderator may act on (one count each)."""
    return [
        (source, source.count())
        for source in sorted(_sources.values(), key=lambda item: item.order)
        if user.has_perm(source.permission)
    ]


def inbox_queue_for(user, key: str) -> InboxSource | None:
    """The source ``key`` with a queue this moderator may work, or None."""
    source = _sources.get(key)
    if (
        source is None
        or source.queue is None
        or not user.is_authenticated
        or not user.has_perm(source.permission)
    ):
        return None
    return source
