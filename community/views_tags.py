"""A tag's page across the network, and the suggestions of tag inputs."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from taggit.models import Tag

from community import tags

# Suggestions change slowly: a short while in the browser's cache is fine.
SUGGEST_MAX_AGE = 60


def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=slug)
    context = tags.tag_page(
        tag=tag,
        user=request.user,
        kind=request.GET.get("kind"),
        page=request.GET.get("page"),
    )
    return render(request, "community/tag_detail.html", context)


@require_GET
@cache_control(max_age=SUGGEST_MAX_AGE, public=True)
def tag_suggest(request: HttpRequest) -> JsonResponse:
    """``{"tags": [...]}``: existing tags for the last part of ``q``."""
    return JsonResponse({"tags": tags.tag_suggestions(query=request.GET.get("q", ""))})
