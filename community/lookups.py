"""Database lookups that Django leaves to each backend, made the same on all."""

from django.db.models import IntegerField
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


def lookups_register() -> None:
    """Called once from ``CommunityConfig.ready()``."""
    IntegerField.register_lookup(IntegerIn)
