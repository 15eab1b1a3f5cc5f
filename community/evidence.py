"""What members did that another app counts: evidence of their work.

An app that records an act other apps may build on (a master-class
attended, a reply in a topic) tells it here from its change function, as
pairs of (member, object) ids; each listener registered with
``evidence_listen`` hears them after the transaction commits, and should
only enqueue its own task (a course's units are done by it). The apps that
tell do not know who listens.
"""

from collections.abc import Callable, Iterable

from django.db import transaction

from community.registry import Registry

# (member id, master-class id): attendance marked or checked in.
ATTENDED = "masterclass_attended"
# (member id, topic id): a reply published in a forum topic.
REPLIED = "forum_replied"

Handler = Callable[[str, list[tuple[int, int]]], None]

_listeners: Registry[str, Handler] = Registry()


def evidence_listen(key: str, handler: Handler) -> None:
    """``handler(kind, pairs)`` hears every kind of evidence after commit."""
    _listeners.register(key, handler)


def evidence_record(kind: str, pairs: Iterable[tuple[int, int]]) -> None:
    """Tell the listeners of ``pairs`` once the current transaction commits
    (at once outside one); nothing when there are none."""
    pairs = sorted({(int(user_id), int(object_id)) for user_id, object_id in pairs})
    if not pairs:
        return

    def tell() -> None:
        for handler in list(_listeners.values()):
            handler(kind, pairs)

    transaction.on_commit(tell)
