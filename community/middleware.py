"""Language and time zone of the request: the member's own, else the site's.

Also what no page should ever see: a NUL character in the request; and what
every page gets: its embedded links made cards.
"""

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import timezone, translation
from django.utils.translation import gettext

from community.embeds import EMBED_SLOT, embeds_fill


def _profile(request: HttpRequest):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return getattr(user, "profile", None)


def _has_nul(lists) -> bool:
    """Whether any key or value of (key, [values]) pairs holds a NUL character."""
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in lists
    )


class NulCharacterMiddleware:
    """A NUL character in the address, a form or a header ends the request here.

    No browser sends one, and PostgreSQL refuses every string that holds one
    (an error, so a 500, wherever it reaches a query). In the path it names no
    page (404); in the query string, the form, a file's name or a header it is a
    bad request (400). Outermost, so it covers every page, the admin included.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            self._activate_language(request)
            raise Http404
        if self._bad(request):
            self._activate_language(request)
            raise BadRequest("NUL character in the request")
        return self.get_response(request)

    def _bad(self, request: HttpRequest) -> bool:
        headers = (
            (key, [str(value)])
            for key, value in request.META.items()
            if key.startswith("HTTP_")
        )
        if _has_nul(headers) or _has_nul(request.GET.lists()):
            return True
        if request.method != "POST":
            return False
        # Django parses only form bodies; a body of any other type reaches no
        # field and is left to the view that reads it.
        files = (
            (key, [upload.name or "" for upload in uploads])
            for key, uploads in request.FILES.lists()
        )
        return _has_nul(request.POST.lists()) or _has_nul(files)

    def _activate_language(self, request: HttpRequest) -> None:
        # Before the session: the error page in the visitor's chosen language.
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        languages = dict(settings.LANGUAGES)
        translation.activate(cookie if cookie in languages else settings.LANGUAGE_CODE)


class LanguageMiddleware(LocaleMiddleware):
    """Russian unless the member (profile) or the visitor (cookie) chose otherwise.

    Django's LocaleMiddleware would follow the browser's Accept-Language; a
    Russian teacher on an English-language computer should still get Russian.
    """

    def process_request(self, request: HttpRequest) -> None:
        languages = dict(settings.LANGUAGES)
        profile = _profile(request)
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if profile is not None and profile.language in languages:
            language = profile.language
        elif cookie in languages:
            language = cookie
        else:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class TimezoneMiddleware:
    """Show times in the member's time zone (Moscow for visitors)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        profile = _profile(request)
        if profile is not None and profile.time_zone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(profile.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


def trace_without_member(request: HttpRequest) -> None:
    """Keep this request's trace, if it is kept, without its member: a write
    no moderator may tie to a member (a ballot in a poll with secret
    voters). The address and browser stay for abuse checks."""
    request._trace_without_member = True


class TraceMiddleware:
    """Keep the address and browser of every accepted write (a POST that did not fail).

    Only for abuse checks by moderators (several accounts behind one
    address); deleted after ``MODERATION_TRACE_DAYS`` by a nightly task.
    A view may keep its member off (``trace_without_member``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method == "POST" and response.status_code < 400:
            from allauth.account.adapter import get_adapter
            from django.core.exceptions import PermissionDenied

            from community.services import trace_record

            match = getattr(request, "resolver_match", None)
            try:
                address = get_adapter(request).get_client_ip(request)
            except PermissionDenied:
                address = None
            anonymous = getattr(request, "_trace_without_member", False)
            trace_record(
                user=None if anonymous else getattr(request, "user", None),
                action=match.view_name if match else request.path,
                ip_address=address,
                user_agent=request.headers.get("user-agent", ""),
            )
        return response


class ParticipationMiddleware:
    """A suspended or banned member who tries to write is told why and until when."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        from django.template.response import TemplateResponse

        from community.sanctions import ParticipationRestricted, restriction_in_force

        if not isinstance(exception, ParticipationRestricted):
            return None
        restriction = restriction_in_force(exception.user)
        if getattr(request, "htmx", False):
            from community.htmx import refusal

            # A button htmx posted: the reason under the button, not a page.
            return refusal(
                request,
                gettext("You cannot write for now"),
                status=403,
                restriction=restriction,
            )
        response = TemplateResponse(
            request,
            "community/restricted.html",
            {"restriction": restriction},
            status=403,
        )
        return response.render()


def _page_with_cards(status: int) -> bool:
    """A page whose placeholders become cards: a success, or a page sent
    again with the member's error (a form re-rendered with 400, a 403 or 404
    page); never a redirect, nor the server's error page (which must ask the
    database for nothing)."""
    return 200 <= status < 300 or 400 <= status < 500


class EmbedCardsMiddleware:
    """Embedded links' placeholders become cards in every page sent
    (``community.embeds.embeds_fill``): one query for the page's previews,
    nothing unless the page holds one. Inside the visitors' page cache, so
    the pages it keeps hold the cards (a fetched preview moves them on)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not _page_with_cards(response.status_code)
            or getattr(response, "streaming", False)
            or not response.get("Content-Type", "").startswith("text/html")
        ):
            return response
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        if EMBED_SLOT.encode() not in response.content:
            return response
        charset = response.charset
        response.content = embeds_fill(response.content.decode(charset)).encode(charset)
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response
