"""Requests of signed-in members keep their visit times current."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from accounts import services


class VisitMiddleware:
    """Touch the member's visit: in the cache, so a GET writes no row.

    ``accounts.tasks.visits_flush_task`` (beat) writes it to the ``User`` row.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            services.visit_touch(user=user)
        return self.get_response(request)
