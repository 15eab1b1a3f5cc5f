"""Reads that may be a few seconds old go to the read replica.

With ``DATABASE_REPLICA_URL`` set (``settings.base``) there is a second
database, ``DATABASES["replica"]``, a PostgreSQL streaming replica of the
primary, and ``ReplicaRouter`` is the project's router. It sends a read to the
replica only inside a request that ``ReplicaReadsMiddleware`` marked:

- a GET or HEAD of one of ``REPLICA_PAGES``, the pages whose reads may lag a
  few seconds behind the primary: visitors' list pages, search, feeds (RSS,
  Atom, iCal) and sitemaps, named by their resolved URL names;
- of a visitor or a member who wrote nothing for ``REPLICA_STICKY_SECONDS``:
  every POST, PUT, PATCH or DELETE (a reply, a sign-up, a report, a sign-in)
  answers with a signed cookie holding its time (``WROTE_COOKIE``), and while
  it is younger than the window the marked pages read the primary, so a member
  never misses her own write — neither on the page she is sent to after
  posting nor on a list she opens next. A cookie, not the session: deciding
  costs a GET no write and, for a visitor, no session.

A page the visitors' cache keeps (``community.pagecache``) reads the primary
too while anything it shows changed within the window (the generations it is
kept under moved, which they do at the clock's time): else a page rendered
from a replica that had not yet replayed the change would be kept, stale,
until the next change. A kept page can miss a change only where the replica
lags more than the window behind.

Everything else reads the primary: every other page (her drafts, settings,
notifications, moderation queues, the topic she is sent to), the session
and the member, read before the mark is set, any read inside
``transaction.atomic`` (``select_for_update`` included), Celery tasks and
management commands (the mark is a context variable, off unless the
middleware sets it; a task run in the request's own process, the eager
default, clears it too), and every write.
"""

import contextlib
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar, Token

from celery.signals import task_postrun, task_prerun
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

from community import pagecache
from community.generations import generations

REPLICA = "replica"
WROTE_COOKIE = "kollegi_wrote"
_SALT = "community.dbrouter"
SAFE_METHODS = ("GET", "HEAD")

# The pages whose reads may go to the replica, by resolved URL name. Lists,
# search, feeds and sitemaps that a visitor may open; a member's own pages
# (her drafts, settings, notifications, bookmarks, «new since last visit»)
# and every detail page are not here.
REPLICA_PAGES = frozenset(
    {
        # The site's front and its lists.
        "home",
        "search",
        "tag",
        "badges",
        "members_of_the_month",
        "forums:index",
        "forums:unanswered",
        "forums:section",
        "forums:tag",
        "materials:catalogue",
        "masterclasses:list",
        "masterclasses:month",
        "circles:list",
        "courses:catalogue",
        "contests:index",
        "projects:index",
        "accounts:directory",
        "accounts:blog",
        # Feeds: RSS and Atom, and a member's iCal calendar of master-classes.
        "tag_feed_rss",
        "tag_feed_atom",
        "forums:section_feed_rss",
        "forums:section_feed_atom",
        "materials:feed_rss",
        "materials:feed_atom",
        "masterclasses:feed_rss",
        "masterclasses:feed_atom",
        "masterclasses:feed",
        "courses:feed",
        "courses:feed_atom",
        "contests:feed",
        "contests:feed_atom",
        # Sitemaps.
        "sitemap_index",
        "sitemap_section",
    }
)

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


def replica_reads_allowed() -> bool:
    """Whether a read now may go to the replica (see the module's text)."""
    return (
        _replica_reads.get()
        and replica_configured()
        and not connections[DEFAULT_DB_ALIAS].in_atomic_block
    )


@contextlib.contextmanager
def replica_reads(allowed: bool = True) -> Iterator[None]:
    """Reads within may go to the replica (or, ``allowed=False``, may not)."""
    token = _replica_reads.set(allowed)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    """``DATABASE_ROUTERS``' one router: the replica for marked reads only."""

    def db_for_read(self, model, **hints) -> str:
        # Always an answer: an object read from the replica in a marked page
        # and kept (in the cache) is read through again from the primary.
        return REPLICA if replica_reads_allowed() else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # One database seen twice: an object read from either may point to
        # one read from the other.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        # The replica copies the primary's schema; nothing migrates it.
        return db == DEFAULT_DB_ALIAS


def _now() -> float:
    return time.time()


def wrote_recently(request: HttpRequest) -> bool:
    """Whether the request's browser wrote within the sticky window."""
    value = request.get_signed_cookie(WROTE_COOKIE, default=None, salt=_SALT)
    try:
        wrote_at = float(value)
    except (TypeError, ValueError):
        return False
    return 0 <= _now() - wrote_at < settings.REPLICA_STICKY_SECONDS


def kept_page_changed_recently(request: HttpRequest) -> bool:
    """Whether the visitors' cache would keep the page and what it shows
    changed within the sticky window (the module's text). Asked on a page
    the cache did not have: one more round trip to the cache."""
    if not pagecache.cacheable_request(request):
        return False
    moved = generations(pagecache.kept_under(request)).values()
    # Generations are the clock's microseconds when they move (or start).
    since = (_now() - settings.REPLICA_STICKY_SECONDS) * 1_000_000
    return max(moved, default=0) > since


def replica_page(request: HttpRequest) -> bool:
    """Whether the request's reads may go to the replica."""
    match = request.resolver_match
    return (
        request.method in SAFE_METHODS
        and match is not None
        and match.view_name in REPLICA_PAGES
        and not wrote_recently(request)
        and not kept_page_changed_recently(request)
    )


class ReplicaReadsMiddleware:
    """Mark the requests whose reads may go to the replica; note each write.

    After the sessions and authentication: the session and the member are
    read (lazily, from the primary) before a page is marked.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _replica_reads.set(False)
        try:
            response = self.get_response(request)
        finally:
            _replica_reads.reset(token)
        if request.method not in SAFE_METHODS and replica_configured():
            response.set_signed_cookie(
                WROTE_COOKIE,
                str(_now()),
                salt=_SALT,
                max_age=settings.REPLICA_STICKY_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(self, request: HttpRequest, view, args, kwargs) -> None:
        if replica_configured() and replica_page(request):
            # The session and the member from the primary, before the mark.
            request.user.is_authenticated  # noqa: B018 - read for its effect
            _replica_reads.set(True)


# Celery: a task never reads the replica, even one run eagerly inside a
# marked request (the embedded default runs tasks in the request's process).
_task_tokens: dict[str, Token] = {}


@task_prerun.connect(weak=False)
def _task_reads_primary(task_id: str | None = None, **kwargs) -> None:
    if task_id is not None:
        _task_tokens[task_id] = _replica_reads.set(False)


@task_postrun.connect(weak=False)
def _task_done(task_id: str | None = None, **kwargs) -> None:
    token = _task_tokens.pop(task_id, None) if task_id is not None else None
    if token is not None:
        _replica_reads.reset(token)
