"""Django's SQLite backend, told how many parameters a statement may carry.

Django 5.2 assumes SQLite's old limit of 999 and splits every bulk INSERT
into batches under it: a notification row has 19 columns, so telling 60
members became two INSERTs. SQLite has allowed 32,766 since 3.32 (Debian's
build allows more); the limit is read from the open connection, as Django
6.0 does, so a fan-out is one statement whatever its size here too.
"""

import sqlite3

from django.db.backends.sqlite3 import base, features
from django.utils.functional import cached_property


class DatabaseFeatures(features.DatabaseFeatures):
    @cached_property
    def max_query_params(self) -> int:
        self.connection.ensure_connection()
        return self.connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
