"""The SQLite backend reads SQLite's own parameter limit (community/sqlite)."""

import sqlite3

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_statement_parameters_are_the_databases_own_limit():
    if connection.vendor != "sqlite":
        # PostgreSQL has no limit Django batches under.
        assert connection.features.max_query_params is None
        return
    connection.ensure_connection()
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)

    assert connection.features.max_query_params == limit
    # Django's assumed 999 split a 60-member fan-out into two INSERTs.
    assert limit >= 32766
