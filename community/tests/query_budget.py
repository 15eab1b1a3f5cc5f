"""A main page's query budget, measured as a busy worker serves it.

Each app's ``tests/test_query_budget.py`` loads its main pages over lists
longer than a page (55 rows and more) for a visitor and for members, and
holds each to ``BUDGET`` SQL queries.

Measured the way ``community/tests/test_page_budgets.py`` measures: the
session rides in a signed cookie (production reads it from Redis, no SQL),
the worker has served the page once (its process-wide caches, such as the
content types, are warm), and the shared caches are empty (the page cache,
kept counts and fragments hide no query).
"""

from django.core.cache import cache, caches
from django.http import HttpResponse
from django.test import Client

BUDGET = 10
MANY = 55


def signed_in(settings, user=None) -> Client:
    """A client for ``user`` (a visitor without one) whose session makes no
    query of its own."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def within_budget(
    client: Client, url: str, django_assert_max_num_queries, **params
) -> HttpResponse:
    """GET ``url`` within ``BUDGET`` queries, as a worker that has served it
    once but whose shared caches are empty; the page must answer 200."""
    client.get(url, params)  # the worker's own caches warm
    cache.clear()
    caches["fragments"].clear()
    with django_assert_max_num_queries(BUDGET, info=url):
        response = client.get(url, params)
    assert response.status_code == 200, url
    return response
