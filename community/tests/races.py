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


def at_once(requests: list[Callable[[], HttpResponse]]) -> list[int]:
    """Run the requests in parallel threads released at one barrier; their
    status codes, in order (an exception outside the view counts as 500)."""
    barrier = threading.Barrier(len(requests))
    statuses: list[int] = [0] * len(requests)

    def attempt(index: int, request: Callable[[], HttpResponse]) -> None:
        try:
            barrier.wait(timeout=30)
            statuses[index] = request().status_code
        except Exception:  # counted as a server error below
            statuses[index] = 500
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=attempt, args=(index, request))
        for index, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses
