"""Whole pages for anonymous visitors, cached until the content changes.

A visitor without a session sees the same page as every other visitor in the
same language, so the rendered response is kept in the cache (Redis in
production, shared by every web host) under a generation number. The change
functions of whatever visitors see (``<app>/changes.py``) move it on
(``community.changes.PUBLIC_PAGES``): every cached page is stale at once, and
pages are rendered again on demand. Responses that set a cookie (a form's
CSRF token, a message) are never kept, nor anything but a plain 200 GET. A
page served from the cache counts again what its rendering counted
(``community.pending``: a topic view).
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from community import pending
from community.generations import generation as generation_of

GENERATION_KEY = "pages:generation"
TIMEOUT = 10 * 60
SKIPPED_PREFIXES = ("/admin/", "/accounts/", "/healthz", "/media/", "/static/")


def _key(request: HttpRequest) -> str:
    generation = generation_of(GENERATION_KEY)
    path = request.get_full_path()
    digest = hashlib.sha256(path.encode()).hexdigest()[:40]
    scheme = "https" if request.is_secure() else "http"
    return f"pages:{generation}:{translation.get_language()}:{scheme}:{digest}"


def _cacheable_request(request: HttpRequest) -> bool:
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
        if not _cacheable_request(request):
            return self.get_response(request)
        key = _key(request)
        cached = cache.get(key)
        if cached is not None:
            # What the page counted when rendered (a topic view) counts again.
            pending.replay(getattr(cached, "pending_counted", ()))
            cached["X-Page-Cache"] = "hit"
            return cached
        with pending.recording() as counted:
            response = self.get_response(request)
        if _cacheable_response(response):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            response.pending_counted = counted
            cache.set(key, response, TIMEOUT)
            response["X-Page-Cache"] = "miss"
        return response
