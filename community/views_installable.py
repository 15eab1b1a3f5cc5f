"""The installable site: the manifest, the service worker and the offline page
(``community.installable``)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET

from community import installable


@require_GET
def manifest_webmanifest(request: HttpRequest) -> HttpResponse:
    with translation.override(installable.language_of(request)):
        data = installable.manifest()
    return JsonResponse(data, content_type="application/manifest+json")


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    # At the root, so that its scope is the whole site. The browser asks again
    # at every visit (no-cache): a new worker is installed the day it changes.
    response = HttpResponse(
        installable.worker_script(),
        content_type="application/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """What the worker shows for a page it cannot fetch and did not keep."""
    language = installable.language_of(request)
    with translation.override(language):
        response = render(
            request,
            "offline.html",
            {
                "offline_lists": installable.offline_lists(),
                "offline_max_pages": settings.OFFLINE_MAX_PAGES,
            },
        )
    response["Content-Language"] = language
    return response
