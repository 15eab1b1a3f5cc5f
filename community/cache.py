"""The cache backend with Redis: django-redis that degrades when Redis is away.

Everything the cache holds can be made again from the database, so a Redis
that does not answer (stopped, unreachable, out of memory, still loading)
must cost speed, not pages. Here, in one place, every operation the site and
its libraries use behaves as on an empty cache that keeps nothing, Django's
``DummyCache``: a read misses, a write is dropped, ``add`` succeeds (allauth's
rate-limit lock waits for an ``add`` that succeeds: a refusal would lock every
member out), ``incr``/``decr`` raise ``ValueError`` as for a missing key (our
callers already start the key again, which is then dropped). Each failure is
logged as a warning, without the traceback.

A page makes dozens of cache calls, and an unreachable host costs the whole
connect timeout on each. So when Redis cannot be reached, the process leaves
it alone for ``PAUSE`` seconds: every call meanwhile answers at once, without
a connection attempt, and one warning is logged per pause. Short socket
timeouts (``base.py``) bound what the call that finds Redis away costs.

A write, delete or counter step dropped meanwhile would leave an old entry
behind for when Redis is back: a generation that did not move on (pages
cached under it served stale), the session of a member who signed out
(``cached_db``: gone from the database, still in the cache). So a process
that dropped one remembers it, per server, and the first call that finds
Redis answering again first deletes every key of this cache
(``delete_pattern("*")``: our ``KEY_PREFIX`` and version only; never
FLUSHDB, which would empty the Celery broker's queue in the same database)
and logs one warning. Everything comes back from the database; what lived
only in the cache is lost then: pending view counts (``community.pending``),
rate-limit counters. ``clear()`` too deletes only this cache's keys.

What talks to Redis without this class (``community.pending``'s sets, the
Celery broker) handles its own failures; ``pending`` asks ``answering()``
first.
"""

import functools
import logging
import time
from collections.abc import Callable
from typing import Any

from django_redis.cache import RedisCache as DjangoRedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Not reached or timed out: the process leaves Redis alone for a while.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
# Also answering wrongly or refusing (out of memory, a read-only replica,
# something else listening on the port): this call degrades, the next tries.
UNAVAILABLE = (RedisError, *UNREACHABLE)
PAUSE = 5.0
# Per server address: until when (time.monotonic()) this process leaves it alone.
_paused_until: dict[str, float] = {}
# Per server address: how many writes this process dropped since the cache was
# last emptied (a count, so that one dropped during the emptying is not missed).
_writes_dropped: dict[str, int] = {}
# Wider than the default 10 keys a SCAN round trip: the emptying is one pass.
EMPTYING_SCAN_SIZE = 1000


def _degrades(answer: Callable[..., Any], *, writes: bool = False) -> Callable:
    """On an unavailable Redis, log and return ``answer(*args, **kwargs)``.

    ``writes``: the method changes the cache, so dropping it leaves the cache
    to be emptied when Redis answers again.
    """

    def decorate(method: Callable) -> Callable:
        @functools.wraps(method)
        def wrapper(self: "RedisCache", *args: Any, **kwargs: Any) -> Any:
            server = str(self._server)
            if not self.answering():
                if writes:
                    _writes_dropped[server] = _writes_dropped.get(server, 0) + 1
                return answer(*args, **kwargs)
            try:
                if server in _writes_dropped:
                    self._empty_after_outage()
                return method(self, *args, **kwargs)
            except UNAVAILABLE as error:
                if isinstance(error, UNREACHABLE):
                    _paused_until[server] = time.monotonic() + PAUSE
                if writes:
                    _writes_dropped[server] = _writes_dropped.get(server, 0) + 1
                logger.warning(
                    "cache: Redis is not answering (%s): %s", method.__name__, error
                )
                return answer(*args, **kwargs)

        return wrapper

    return decorate


def _missing(*args: Any, **kwargs: Any) -> Any:
    raise ValueError("the cache is not answering: the key counts as missing")


def _default(key: str, default: Any = None, *args: Any, **kwargs: Any) -> Any:
    return default


class RedisCache(DjangoRedisCache):
    """django-redis's cache, answering as an empty cache while Redis is away."""

    def answering(self) -> bool:
        """False while this process leaves an unreachable Redis alone."""
        return time.monotonic() >= _paused_until.get(str(self._server), 0.0)

    def _empty_after_outage(self) -> None:
        """Delete every key of this cache; raises what Redis raises."""
        server = str(self._server)
        dropped = _writes_dropped.get(server)
        deleted = self.delete_pattern("*", itersize=EMPTYING_SCAN_SIZE)
        logger.warning(
            "cache: emptied after an outage that dropped writes (%s keys)", deleted
        )
        if _writes_dropped.get(server) == dropped:
            _writes_dropped.pop(server, None)

    get = _degrades(_default)(DjangoRedisCache.get)
    get_many = _degrades(lambda *a, **k: {})(DjangoRedisCache.get_many)
    has_key = _degrades(lambda *a, **k: False)(DjangoRedisCache.has_key)
    set = _degrades(lambda *a, **k: False, writes=True)(DjangoRedisCache.set)
    set_many = _degrades(lambda *a, **k: [], writes=True)(DjangoRedisCache.set_many)
    add = _degrades(lambda *a, **k: True, writes=True)(DjangoRedisCache.add)
    touch = _degrades(lambda *a, **k: False, writes=True)(DjangoRedisCache.touch)
    delete = _degrades(lambda *a, **k: False, writes=True)(DjangoRedisCache.delete)
    delete_many = _degrades(lambda *a, **k: None, writes=True)(
        DjangoRedisCache.delete_many
    )
    incr = _degrades(_missing, writes=True)(DjangoRedisCache.incr)
    decr = _degrades(_missing, writes=True)(DjangoRedisCache.decr)

    def _clear_ours(self) -> None:
        """Delete this cache's keys only: our ``KEY_PREFIX`` (and version).

        django-redis's ``clear()`` is FLUSHDB, which would also empty the
        Celery broker's queue and the keys of whatever else shares the
        database (another installation, another test run: settings.test).
        """
        self.delete_pattern("*", itersize=EMPTYING_SCAN_SIZE)

    clear = _degrades(lambda *a, **k: None, writes=True)(_clear_ours)
