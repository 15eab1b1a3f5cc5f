"""What a page view notes without writing to the database: it waits in the cache.

A GET must not write to the database. What it wants to record (a topic was
viewed, a member is still here) goes into the cache, and a beat task of the
owning app writes it through its service. Two shapes:

- counters (``counter_add``): a number per row, added up atomically
  (``cache.incr``); ``counters_flush`` hands the pending numbers to the app's
  writer and then takes exactly what it wrote off each counter (``cache.decr``),
  so increments made meanwhile stay for the next run;
- marks (``mark``): "this row has something pending", for values the app
  keeps in the cache itself (the latest wins); ``flush`` hands over the marked
  ids.

Each kind keeps a set of the ids with something pending. With Redis
(``REDIS_URL``) it is a Redis set: ``SADD`` to add, ``SPOP`` to claim, so two
runs of a task never claim the same id. Without Redis the cache is the
process's local memory, and the set is a value in it guarded by a lock.

Counters are kept without expiry (one small key per row ever viewed), so
nothing pending is lost while beat is down. In the embedded default (local
memory, no beat) the pending numbers live only as long as the process.
"""

import contextvars
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

BATCH = 500
_local_lock = threading.Lock()
_recording: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "pending_recording", default=None
)


def _counter_key(kind: str, pk: int) -> str:
    return f"pending:{kind}:{pk}"


def _set_key(kind: str) -> str:
    return f"pending:{kind}:ids"


def _redis():
    from django.core.cache import caches
    from django_redis import get_redis_connection
    from redis.exceptions import ConnectionError as RedisConnectionError

    # While the cache leaves an unreachable Redis alone, so do the sets.
    if not getattr(caches["default"], "answering", lambda: True)():
        raise RedisConnectionError("the cache is not answering")
    return get_redis_connection("default")


def _ids_add(kind: str, ids: Iterable[int]) -> None:
    ids = [int(pk) for pk in ids]
    if not ids:
        return
    if settings.REDIS_URL:
        _redis().sadd(cache.make_key(_set_key(kind)), *ids)
        return
    with _local_lock:
        known = cache.get(_set_key(kind)) or set()
        cache.set(_set_key(kind), known | set(ids), timeout=None)


def _ids_take(kind: str, count: int) -> list[int]:
    """Claim up to ``count`` ids: each goes to exactly one caller."""
    if settings.REDIS_URL:
        taken = _redis().spop(cache.make_key(_set_key(kind)), count) or []
        return [int(pk) for pk in taken]
    with _local_lock:
        known = cache.get(_set_key(kind)) or set()
        taken = set(list(known)[:count])
        cache.set(_set_key(kind), known - taken, timeout=None)
    return sorted(taken)


def _ids_count(kind: str) -> int:
    if settings.REDIS_URL:
        return _redis().scard(cache.make_key(_set_key(kind)))
    return len(cache.get(_set_key(kind)) or ())


def pending_ids(kind: str) -> set[int]:
    """The ids with something pending (for tests and the curious)."""
    if settings.REDIS_URL:
        return {int(pk) for pk in _redis().smembers(cache.make_key(_set_key(kind)))}
    return set(cache.get(_set_key(kind)) or ())


# --- Marks ------------------------------------------------------------------------


def mark(kind: str, pk: int) -> None:
    """Note that row ``pk`` has something pending for the next ``flush``.

    A cache that is down loses the mark (logged) instead of failing the page.
    """
    try:
        _ids_add(kind, [pk])
    except Exception as error:
        logger.warning("pending: could not mark %s %s: %s", kind, pk, error)


def flush(
    kind: str, write: Callable[[list[int]], object], *, batch: int = BATCH
) -> int:
    """Hand the marked ids to ``write`` in batches; returns how many.

    Ids are claimed before ``write`` runs, so a mark made meanwhile is kept
    for the next run; if ``write`` fails, its batch is marked again. The runs
    are bounded by the number marked at the start, so a busy site cannot keep
    one run going.
    """
    done = 0
    rounds = _ids_count(kind) // batch + 1
    for _round in range(rounds):
        ids = _ids_take(kind, batch)
        if not ids:
            break
        try:
            write(ids)
        except BaseException:  # even a time limit: the batch waits for the next run
            _ids_add(kind, ids)
            raise
        done += len(ids)
    return done


# --- Counters ---------------------------------------------------------------------


def counter_add(kind: str, pk: int, amount: int = 1) -> int:
    """Add to row ``pk``'s pending count: one cache round trip, usually.
    Returns the count now pending.

    A cache that is down loses the count (logged, 0 returned) instead of
    failing the page.
    """
    key = _counter_key(kind, pk)
    total = 0
    try:
        try:
            total = cache.incr(key, amount)
        except ValueError:  # no counter yet
            if cache.add(key, amount, timeout=None):
                total = amount
            else:  # another request made it first
                total = cache.incr(key, amount)
        if total == amount:  # it was at zero: not in the set
            _ids_add(kind, [pk])
    except Exception:
        logger.exception("pending: could not count %s %s", kind, pk)
    recorded = _recording.get()
    if recorded is not None:
        recorded.append((kind, pk, amount))
    return total


@contextmanager
def recording() -> Iterator[list[tuple[str, int, int]]]:
    """Collect what ``counter_add`` counts meanwhile (in this thread or task).

    The anonymous page cache keeps it with a page and ``replay``s it each time
    it serves the page, so a topic view served from the cache still counts.
    """
    counted: list[tuple[str, int, int]] = []
    token = _recording.set(counted)
    try:
        yield counted
    finally:
        _recording.reset(token)


def replay(counted: Iterable[tuple[str, int, int]]) -> None:
    """Count again what a cached page counted when it was rendered."""
    for kind, pk, amount in counted:
        counter_add(kind, pk, amount)


def counter_pending(kind: str, pk: int) -> int:
    """What row ``pk`` has waiting, not yet written (one cache read)."""
    try:
        return int(cache.get(_counter_key(kind, pk)) or 0)
    except Exception:
        logger.exception("pending: could not read %s %s", kind, pk)
        return 0


def counters_flush(
    kind: str, write: Callable[[dict[int, int]], object], *, batch: int = BATCH
) -> int:
    """Hand the pending counts to ``write`` ({pk: count}); returns their sum.

    ``write`` must commit before it returns. Only then is exactly what it was
    given taken off each counter (``decr``, atomic), so increments made between
    the read and the decrement stay; a counter left above zero is marked
    again. Two runs at once claim different ids, and a second run finds
    nothing left: each view is written once.
    """
    total = 0

    def write_batch(ids: list[int]) -> None:
        nonlocal total
        keys = {_counter_key(kind, pk): pk for pk in ids}
        found = cache.get_many(list(keys))
        counts = {keys[key]: int(n) for key, n in found.items() if int(n or 0) > 0}
        if not counts:
            return
        write(counts)
        total += sum(counts.values())
        left_over = []
        for pk, count in counts.items():
            if cache.decr(_counter_key(kind, pk), count) > 0:
                left_over.append(pk)
        _ids_add(kind, left_over)

    flush(kind, write_batch, batch=batch)
    return total
