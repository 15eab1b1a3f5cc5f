"""The portfolio: a member's record of work on the site."""

from django.http import Http404, HttpRequest, HttpResponse


def portfolio(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404  # placeholder: not built yet


def portfolio_print(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404  # placeholder: not built yet
