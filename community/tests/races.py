"""Requests that arrive at once: each from its own client, thread and database
connection, all released together at one barrier (PostgreSQL only: SQLite
serialises every write by itself)."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections
from django.http import HttpResponse
from django.test import Client


def needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every write by itself")


def client_for(user) -> Client:
    """A signed-in client that answers a failing view with its error page (a
    500), as the site does, instead of raising in the thread."""
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def together(calls: list[Callable[[], object]]) -> list[Exception | None]:
    """Run the calls in parallel threads released at one barrier, each on its
    own database connection; what each raised (None when it returned), in
    order."""
    barrier = threading.Barrier(len(calls))
    raised: list[Exception | None] = [None] * len(calls)

    def attempt(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            call()
        except Exception as error:  # reported to the caller
            raised[index] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=attempt, args=(index, call))
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return raised


def at_once(requests: list[Callable[[], HttpResponse]]) -> list[int]:
    """Run the requests in parallel threads released at one barrier; their
    status codes, in order (an exception outside the view counts as 500)."""
    statuses: list[int] = [0] * len(requests)

    def status_of(index: int, request: Callable[[], HttpResponse]) -> None:
        statuses[index] = request().status_code

    raised = together(
        [
            lambda index=index, request=request: status_of(index, request)
            for index, request in enumerate(requests)
        ]
    )
    return [
        500 if error is not None else status
        for status, error in zip(statuses, raised, strict=True)
    ]
