"""Account settings: notifications, data export, deletion."""

from django.http import Http404, HttpRequest, HttpResponse


def settings_notifications(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404  # placeholder: not built yet


def settings_account(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404  # placeholder: not built yet


def account_export(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404  # placeholder: not built yet


def account_delete(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404  # placeholder: not built yet
