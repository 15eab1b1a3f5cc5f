"""Database lookups that Django leaves to each backend, made the same on all."""

from django.core.exceptions import EmptyResultSet
from django.db.models import ForeignKey, IntegerField, Lookup
from django.db.models.lookups import In


class IntegerIn(In):
    """``__in`` on an integer column: a value outside the column's range
    matches nothing, as Django's ``exact`` already does.

    SQLite raises OverflowError for such a value (PostgreSQL compares it):
    ``?subjects=99999999999999999999`` on a form of model choices was a 500.
    """

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


class Ids(frozenset):
    """Integer keys for ``__any_of``: a set, so that the ORM passes it on
    whole instead of preparing every key on its own."""


class AnyOf(Lookup):
    """``column__any_of=Ids(keys)``: the row's key is one of many integers.

    ``__in`` prepares each value through the field (about 10 µs a key: 2 ms
    for a fan-out's 200 members, several times a task); this checks they are
    integers and sends them as one array (``= ANY(%s)``) on PostgreSQL, as
    ``IN (...)`` elsewhere.
    """

    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        if not isinstance(self.rhs, Ids):
            raise TypeError("__any_of takes Ids(...)")
        return sorted(int(key) for key in self.rhs)

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        keys = self.rhs
        if not keys:
            raise EmptyResultSet
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, keys]
        return f"{lhs} IN ({', '.join(['%s'] * len(keys))})", [*lhs_params, *keys]


def lookups_register() -> None:
    """Called once from ``CommunityConfig.ready()``."""
    IntegerField.register_lookup(IntegerIn)
    IntegerField.register_lookup(AnyOf)
    ForeignKey.register_lookup(AnyOf)
