from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts import services as account_services
from community import services
from community.health import health_report
from community.markdown import MAX_LENGTH, render_markdown


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "community/home.html")


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The state of the database, cache and broker: 200 when all answer, else 503."""
    report = health_report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a member's choice is kept in the profile."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest(_("This language is not offered."))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    if request.user.is_authenticated:
        account_services.profile_set_language(user=request.user, language=language)
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
    return response


@require_POST
@login_required
def markdown_preview(request: HttpRequest) -> HttpResponse:
    """markdownx's live preview, through the same renderer as saved texts."""
    content = request.POST.get("content", "")
    if len(content) > MAX_LENGTH:
        return HttpResponseBadRequest(_("The text is too long to preview."))
    return HttpResponse(render_markdown(content))


@require_POST
@login_required
def markdown_image_upload(request: HttpRequest) -> JsonResponse:
    """markdownx's image upload: JPEG or PNG, checked and re-encoded, 2 MB at most."""
    upload = request.FILES.get("image")
    if upload is None:
        return JsonResponse({"image": [_("Choose a picture to upload.")]}, status=400)
    try:
        url = services.markdown_image_store(upload=upload)
    except ValidationError as error:
        return JsonResponse({"image": error.messages}, status=400)
    return JsonResponse({"image_code": f"![]({url})"})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
