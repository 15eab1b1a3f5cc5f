"""Whole pages for anonymous visitors, cached until what they show changes.

A visitor without a session sees the same page as every other visitor in the
same language, so the rendered response is kept in the cache (Redis in
production, shared by every web host) under the generation numbers of what
the page shows. The change functions of whatever visitors see
(``<app>/changes.py``) move those generations on, and pages are rendered
again on demand. Which generations a page is kept under:

- ``PUBLIC_PAGES`` (``GENERATION_KEY``): every page. A write that may show
  anywhere moves it (a section renamed, a badge, a profile).
- ``LIST_PAGES`` (``LISTS_KEY``): every page whose view does not say what it
  shows — tags and the other lists. The frequent
  writes move it instead of ``PUBLIC_PAGES`` (a reply, a reaction, an edit:
  the forums' change functions; a badge awarded), with the generations of
  the pages they touch.
- A view marked ``@page_scoped(keys)`` is kept under ``PUBLIC_PAGES`` and
  the generations ``keys(**url_kwargs)`` names instead of ``LIST_PAGES``:
  a topic's pages under their topic's (``forums.changes.topic_kept_under``),
  a section's under its own (``section_kept_under``), a profile under its
  member's (``community.changes.profile_kept_under``), the home page under
  ``HOME_PAGES`` (``home_kept_under``), the forums' index under its own
  (``forums.changes.index_kept_under``), search pages under the index's
  ``SEARCH_COUNTS`` (``community.changes.search_kept_under``). Every write that
  changes what such a page shows moves one of them or ``PUBLIC_PAGES``; a
  write that moves only ``LIST_PAGES`` leaves it kept. So one reply a
  second in a random topic leaves every other topic's and section's pages,
  the home page and every profile in the cache
  (``community/tests/test_pagecache_scoped.py``).

A page that many visitors ask for the moment a write renews it is rendered
once: the first marks it as being rendered and the others wait for it
(``_rendered_meanwhile``), never served what was kept before the write.
Responses that set a cookie (a form's CSRF token, a message) are never
kept, nor anything but a plain 200 GET. A page served from the cache counts
again what its rendering counted (``community.pending``: a topic view).
"""

import hashlib
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation

from community import pending
from community.generations import generations

GENERATION_KEY = "pages:generation"
LISTS_KEY = "pages:lists"
TIMEOUT = 10 * 60
# While one process renders a page, the others asking for it wait for it:
# marked for at most RENDERING_TIMEOUT seconds (a process that died frees it),
# waited for at most RENDERING_WAIT, looked for every RENDERING_POLL.
RENDERING = ":rendering"
RENDERING_TIMEOUT = 10
RENDERING_WAIT = 2.0
RENDERING_POLL = 0.01
SKIPPED_PREFIXES = ("/admin/", "/accounts/", "/healthz", "/media/", "/static/")

Scopes = Callable[..., Iterable[str]]


def page_scoped(keys: Scopes) -> Callable:
    """Mark a view whose visitors' pages show only what ``keys(**url_kwargs)``
    (generation keys) and ``PUBLIC_PAGES`` follow: see the module's text.
    The mark survives decorators that wrap with ``functools.wraps``."""

    def mark(view: Callable) -> Callable:
        view.page_scopes = keys
        return view

    return mark


def kept_under(request: HttpRequest) -> list[str]:
    """The generations the request's page is kept under."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return [GENERATION_KEY, LISTS_KEY]
    scopes = getattr(match.func, "page_scopes", None)
    if scopes is None:
        return [GENERATION_KEY, LISTS_KEY]
    return [GENERATION_KEY, *scopes(**match.kwargs)]


def _key(request: HttpRequest) -> str:
    found = generations(kept_under(request))
    kept = ",".join(f"{name}={number}" for name, number in sorted(found.items()))
    path = request.get_full_path()
    digest = hashlib.sha256(f"{kept}\n{path}".encode()).hexdigest()[:40]
    scheme = "https" if request.is_secure() else "http"
    return f"pages:{translation.get_language()}:{scheme}:{digest}"


def cacheable_request(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not request.path.startswith(SKIPPED_PREFIXES)
    )


def _cacheable_response(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.cookies
        and not getattr(response, "streaming", False)
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


class AnonymousPageCacheMiddleware:
    """Serve anonymous visitors' pages from the cache; see the module's text."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not cacheable_request(request):
            return self.get_response(request)
        key = _key(request)
        cached = cache.get(key)
        if cached is None and not cache.add(key + RENDERING, 1, RENDERING_TIMEOUT):
            cached = _rendered_meanwhile(key)
        if cached is not None:
            # What the page counted when rendered (a topic view) counts again.
            pending.replay(getattr(cached, "pending_counted", ()))
            cached["X-Page-Cache"] = "hit"
            return cached
        try:
            with pending.recording() as counted:
                response = self.get_response(request)
            if _cacheable_response(response):
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
                response.pending_counted = counted
                cache.set(key, response, TIMEOUT)
                response["X-Page-Cache"] = "miss"
        finally:
            cache.delete(key + RENDERING)
        return response


def _rendered_meanwhile(key: str) -> HttpResponse | None:
    """Another process is rendering this page (under the same generations, so
    after the write that moved them): wait for it rather than render it
    again — a page that many visitors ask for the moment a write renews it is
    rendered once. None when it is not kept within ``RENDERING_WAIT``
    seconds (an error page, a slow one): the caller renders it itself."""
    waited = 0.0
    while waited < RENDERING_WAIT:
        time.sleep(RENDERING_POLL)
        waited += RENDERING_POLL
        cached = cache.get(key)
        if cached is not None:
            return cached
        if cache.get(key + RENDERING) is None:
            return None
    return None
