"""Where to go back to after a form: only an address of this site."""

import unicodedata
from urllib.parse import urlsplit

from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch
from django.utils.http import url_has_allowed_host_and_scheme


def _local_path(candidate: str) -> bool:
    """A path of this site: one ``/`` first (``//`` and ``/\\`` name another
    host to browsers), no control character (browsers drop tabs and line
    breaks, which turns ``/\\t/evil`` into ``//evil``; a line break cannot go
    into a header)."""
    return (
        candidate.startswith("/")
        and candidate[1:2] not in ("/", "\\")
        and not any(unicodedata.category(char) == "Cc" for char in candidate)
        and url_has_allowed_host_and_scheme(candidate, allowed_hosts=set())
    )


def _fallback_path(fallback: str) -> str:
    """``fallback`` as a path: callers give a path or a URL name ("standing")."""
    try:
        resolved = str(resolve_url(fallback))
    except NoReverseMatch:
        return "/"
    return resolved if _local_path(resolved) else "/"


def safe_next(request: HttpRequest, candidate: str, fallback: str) -> str:
    """``candidate`` when it is a path on this site (``/`` and not ``//``), else
    ``fallback`` (a path or a URL name), always as a path to redirect to."""
    if _local_path(candidate):
        return candidate
    return _fallback_path(fallback)


def safe_referer(request: HttpRequest, fallback: str) -> str:
    """The page the request came from when it is one of this site's, as a path
    (with its query), else ``fallback`` (a path or a URL name)."""
    referer = request.headers.get("referer", "")
    if not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return _fallback_path(fallback)
    parts = urlsplit(referer)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return safe_next(request, path, fallback)
