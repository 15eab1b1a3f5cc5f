"""Members' blogs."""

from django.http import Http404, HttpRequest, HttpResponse


def post_create(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404  # placeholder: not built yet


def post_list(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404  # placeholder: not built yet


def post_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404  # placeholder: not built yet


def post_edit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404  # placeholder: not built yet


def post_publish(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404  # placeholder: not built yet


def post_comments_toggle(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404  # placeholder: not built yet


def post_delete(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404  # placeholder: not built yet


def comment_create(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404  # placeholder: not built yet


def comment_delete(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404  # placeholder: not built yet
