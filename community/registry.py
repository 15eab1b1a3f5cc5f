"""A registry filled in ``AppConfig.ready()``: entries by key, duplicates noted.

A key registered twice with a different entry is a mistake in some app's
``ready()`` (two apps chose the same name, or a copied line kept its key). It
is not raised at once: the later entry replaces the earlier one, as before,
and ``community.checks`` reports every such key when ``manage.py check``,
``runserver`` or ``migrate`` runs — all the registries' problems in one list
that names them, rather than a traceback from the first app that imports.
"""

from collections.abc import Hashable
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Registry(dict[K, V]):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Keys registered again with another entry, in the order it happened.
        self.duplicates: list[K] = []

    def register(self, key: K, entry: V) -> None:
        """Add ``entry`` under ``key``; the same entry again changes nothing."""
        if key in self and self[key] != entry:
            self.duplicates.append(key)
        self[key] = entry

    def copy(self) -> "Registry[K, V]":
        copied = Registry(self)
        copied.duplicates = list(self.duplicates)
        return copied
