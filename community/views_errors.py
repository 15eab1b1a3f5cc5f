"""The site's 500 handler: an outage is a 503, a bug stays a 500.

Django sends every exception raised by a view or a middleware here
(``handler500`` in ``community.urls``). When it says a service cannot be
reached (the database, or Redis where it is not degraded to a miss) the
answer is a 503 with ``Retry-After``, so proxies and monitors can tell an
outage from a bug, and visitors read that we'll be back in a minute. The page
is rendered from the template alone: no context processor, session, user or
cache, since any of them may be what is down. Every other error keeps
Django's 500 page (``templates/500.html``, also rendered without context
processors). Both keep the member's text size when the request had already
read their profile (``community.text_size``), never reading it now.
"""

import sys

from django.conf import settings
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils import translation
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from community.text_size import text_size_of

UNAVAILABLE = (
    OperationalError,
    InterfaceError,
    RedisConnectionError,
    RedisTimeoutError,
)
RETRY_AFTER_SECONDS = 60


def service_unavailable(error: BaseException | None) -> bool:
    """Whether ``error``, or an error it was raised from, is a service away."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, UNAVAILABLE):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def _language(request: HttpRequest) -> str:
    # The member's language when LanguageMiddleware got that far, else the
    # visitor's cookie, else Russian; a profile cannot be read now.
    languages = dict(settings.LANGUAGES)
    for language in (
        getattr(request, "LANGUAGE_CODE", ""),
        request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""),
    ):
        if language in languages:
            return language
    return settings.LANGUAGE_CODE


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: 503 with ``Retry-After`` for an outage, else Django's 500."""
    text_size = text_size_of(request, load=False)
    if not service_unavailable(sys.exc_info()[1]):
        # Django's own handler, with the text size the page keeps.
        body = loader.get_template("500.html").render({"text_size": text_size})
        return HttpResponseServerError(body)
    language = _language(request)
    with translation.override(language):
        body = loader.get_template("503.html").render({"text_size": text_size})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = language
    return response
