"""Following, blocking and bookmarks."""

from django.http import Http404, HttpRequest, HttpResponse


def blocked_list(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404  # placeholder: not built yet


def bookmark_list(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404  # placeholder: not built yet


def bookmark_toggle(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404  # placeholder: not built yet


def follow_toggle(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404  # placeholder: not built yet


def block_toggle(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404  # placeholder: not built yet


def follower_list(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404  # placeholder: not built yet


def following_list(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404  # placeholder: not built yet
