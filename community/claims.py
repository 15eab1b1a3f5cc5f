"""Claims: a row taken before a side effect (an e-mail, a notification).

A worker killed while it holds a claim (SIGKILL, the hard time limit, a lost
host) never finishes it, and Celery does not always deliver its task again.
So a claim records when it was taken, and one that is older than any task may
run (``CELERY_TASK_TIME_LIMIT`` plus a margin) and not marked done may be taken
over: its holder is dead. Taking over is one conditional UPDATE, so of two
takers only one wins. The holder, in turn, does not start the side effect once
its own claim is that old (``claim_expired``), so a claim taken over is never
acted on twice.
"""

import datetime

from django.conf import settings
from django.db import connections, router
from django.db.models import Model, Q
from django.utils import timezone

from community.lookups import Ids

# Beyond the hard time limit: clocks of different hosts and an SMTP exchange
# that started just before the limit.
CLAIM_MARGIN = datetime.timedelta(minutes=1)
# Sweeps take over what went stale this recently; older work is not done late.
SWEEP_HORIZON = datetime.timedelta(days=1)


def claim_lifetime() -> datetime.timedelta:
    """How long a claim's holder may be alive: the Celery hard time limit."""
    return datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)


def claim_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """Claims taken before this moment are stale: whoever took them is dead."""
    return (now or timezone.now()) - claim_lifetime() - CLAIM_MARGIN


def claim_expired(
    claimed_at: datetime.datetime, now: datetime.datetime | None = None
) -> bool:
    """True when the holder of a claim taken at ``claimed_at`` must not act on it."""
    return (now or timezone.now()) - claimed_at >= claim_lifetime()


def claim_take(
    model: type[Model],
    *,
    pk: int,
    field: str,
    ready: Q,
    now: datetime.datetime | None = None,
    **changes: object,
) -> datetime.datetime | None:
    """Take the row's claim in ``field`` if it is free or stale; atomic.

    ``ready`` says the work is still to do (not marked done). Returns the
    claim's time (to check with ``claim_expired``), or None when another
    holder has it or the work is done. ``changes`` are written with the claim.
    """
    now = now or timezone.now()
    free = Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": claim_cutoff(now)})
    taken = model._default_manager.filter(ready & free, pk=pk).update(
        **{field: now}, **changes
    )
    return now if taken else None


def claim_take_many(
    model: type[Model],
    *,
    pks: list[int],
    field: str,
    ready: Q,
    now: datetime.datetime | None = None,
) -> tuple[datetime.datetime, list[int]]:
    """``claim_take`` for many rows in one statement (``rows_update``); atomic
    per row.

    Returns the claim's time and the keys of the rows this call took (free or
    stale, and ``ready``); of two callers at once each row goes to one.
    ``ready`` reads the row's own columns only.
    """
    now = now or timezone.now()
    free = Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": claim_cutoff(now)})
    return now, rows_update(model, pks=pks, where=ready & free, **{field: now})


def rows_update(
    model: type[Model], *, pks: list[int], where: Q | None = None, **changes: object
) -> list[int]:
    """Set ``changes`` (plain values) on the rows ``pks`` that meet ``where``,
    in one statement; the keys of the rows it changed.

    On PostgreSQL the rows are locked newest first (the highest key first),
    the order every writer of several notification rows takes them in
    (``services.notify_many`` in a group): an e-mail run marking its rows and
    a fan-out adding to them never wait for each other's rows in opposite
    orders, which is a deadlock. The conditions stay on the UPDATE itself
    (``RETURNING`` names what it changed): PostgreSQL checks them again on a
    row another transaction changed meanwhile. ``where`` reads the row's own
    columns only.
    """
    if not pks:
        return []
    using = router.db_for_write(model)
    query = model._default_manager.filter(where or Q(), pk__any_of=Ids(pks)).query
    if len(query.alias_map) != 1:
        raise ValueError("rows_update reads the row's own columns only")
    connection = connections[using]
    condition, params = query.get_compiler(using=using).compile(query.where)
    meta, quote = model._meta, connection.ops.quote_name
    # Quoted names and conditions compiled by the ORM, with their parameters.
    table, key = quote(meta.db_table), quote(meta.pk.column)
    columns = [meta.get_field(name) for name in changes]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
    values = [
        field.get_db_prep_save(value, connection)
        for field, value in zip(columns, changes.values(), strict=True)
    ]
    if connection.vendor == "postgresql":
        sql = (
            f"UPDATE {table} SET {assignments} "  # noqa: S608
            f"WHERE {key} IN (SELECT {key} FROM {table} WHERE {condition} "
            f"ORDER BY {key} DESC FOR UPDATE) AND {condition} RETURNING {key}"
        )
        params = [*params, *params]
    else:
        sql = (
            f"UPDATE {table} SET {assignments} "  # noqa: S608
            f"WHERE {condition} RETURNING {key}"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, *params])
        return [row[0] for row in cursor.fetchall()]
