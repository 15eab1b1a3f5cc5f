"""Profiles, the member directory and profile settings."""

from django.http import Http404, HttpRequest, HttpResponse


def directory(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404  # placeholder: not built yet


def settings_profile(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404  # placeholder: not built yet


def avatar_upload(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404  # placeholder: not built yet


def avatar_remove(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404  # placeholder: not built yet


def settings_privacy(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404  # placeholder: not built yet


def profile_detail(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404  # placeholder: not built yet
