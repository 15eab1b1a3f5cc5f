"""Tasks the broker could not take wait in the database until it answers again.

Side effects are enqueued after commit (``transaction.on_commit``), when the
request's data is already saved. A broker that is away (Redis stopped or
unreachable) used to make that ``.delay()`` raise: a 500 for a write that had
succeeded, and the e-mail or badge it owed lost. ``OutboxTask`` is the Celery
app's task class (``community.celery``), so every task enqueues through it:
when the broker refuses, the task's name and arguments become an
``OutboxTask`` row instead (the model of the same name), the request goes on,
and ``outbox_send`` (beat, every minute: ``outbox_send_task``) sends the rows
again once the broker answers.

Finding the broker away costs a publish the connect timeout and Celery's
retries (a second or two). So once a publish failed, this process sends
straight to the outbox for ``BROKER_PAUSE`` seconds, without a connection
attempt: a request enqueueing several tasks, or a task enqueueing one per
recipient, pays that once. The first publish after the pause tries the
broker again. Beat's periodic sends always try (they raise, as below).

Our tasks are safe to run twice, and ``outbox_send`` deletes a row only after
the broker took it; two sweeps never send the same row at once (a row is
claimed by one conditional UPDATE). A sweep that dies after sending and before
deleting lets the row go at ``claimed_until``: it is sent a second time.
"""

import datetime
import logging
import socket
import time
from typing import Any

from celery import Task
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What a publish raises while the broker cannot be reached.
BROKER_UNAVAILABLE = (
    KombuOperationalError,
    RedisConnectionError,
    RedisTimeoutError,
    socket.timeout,
    ConnectionError,
)
# The options worth keeping (JSON); the rest are Celery's own for this call.
KEPT_OPTIONS = ("countdown", "eta", "expires", "queue", "priority")
CLAIM = datetime.timedelta(minutes=5)
BATCH = 200
BROKER_PAUSE = 5.0
# Until when (time.monotonic()) this process sends straight to the outbox.
_broker_paused_until = 0.0


def _options_to_json(options: dict[str, Any]) -> dict[str, Any]:
    kept = {}
    for name in KEPT_OPTIONS:
        value = options.get(name)
        if isinstance(value, datetime.datetime):
            value = value.isoformat()
        if value is not None:
            kept[name] = value
    return kept


def _options_from_json(options: dict[str, Any]) -> dict[str, Any]:
    options = dict(options)
    for name in ("eta", "expires"):
        if isinstance(options.get(name), str):
            options[name] = datetime.datetime.fromisoformat(options[name])
    return options


class OutboxTask(Task):
    """A task whose enqueueing never raises for a broker that is away.

    Except beat's periodic sends: its next run sends the task again anyway,
    and beat logs and goes on. After a refusal the others go straight to the
    outbox for ``BROKER_PAUSE`` seconds.
    """

    def apply_async(self, args=None, kwargs=None, task_id=None, *more, **options):
        global _broker_paused_until
        if self.app.conf.task_always_eager:
            return super().apply_async(args, kwargs, task_id, *more, **options)
        periodic = "periodic_task_name" in (options.get("headers") or {})
        if not periodic and time.monotonic() < _broker_paused_until:
            outbox_store(name=self.name, args=args, kwargs=kwargs, options=options)
            return self.AsyncResult(task_id or "outbox")
        try:
            return super().apply_async(args, kwargs, task_id, *more, **options)
        except BROKER_UNAVAILABLE as error:
            _broker_paused_until = time.monotonic() + BROKER_PAUSE
            if periodic:
                raise  # beat's: its next run sends it anyway
            logger.warning("outbox: the broker is away, %s waits: %s", self.name, error)
            outbox_store(name=self.name, args=args, kwargs=kwargs, options=options)
            return self.AsyncResult(task_id or "outbox")


def outbox_store(
    *,
    name: str,
    args: Any = None,
    kwargs: dict[str, Any] | None = None,
    options: dict[str, Any] | None = None,
) -> None:
    """Keep a task for ``outbox_send``. Never raises: with the database away
    too, the task is lost, and the log says which (name and arguments)."""
    from community.models import OutboxTask as OutboxRow

    try:
        # A savepoint: inside a transaction, a failure here leaves it usable.
        with transaction.atomic():
            OutboxRow.objects.create(
                name=name,
                args=list(args or ()),
                kwargs=dict(kwargs or {}),
                options=_options_to_json(options or {}),
            )
    except DatabaseError:
        logger.exception("outbox: task lost: %s %r %r", name, args, kwargs)


def _claim(pk: int, claimed_until: datetime.datetime | None) -> bool:
    """Take row ``pk`` as it was seen: of two sweeps, exactly one gets it."""
    from community.models import OutboxTask as OutboxRow

    now = timezone.now()
    taken = OutboxRow.objects.filter(pk=pk, claimed_until=claimed_until)
    return bool(taken.update(claimed_until=now + CLAIM, attempts=F("attempts") + 1))


def outbox_send(*, batch: int = BATCH) -> int:
    """Send the waiting tasks, oldest first; returns how many were sent.

    A row is deleted once the broker took its task. The run stops at the first
    refusal (the broker is still away) and lets that row go for the next run;
    a task no longer known (renamed since) stays and is logged.
    """
    from community.celery import app
    from community.models import OutboxTask as OutboxRow

    now = timezone.now()
    waiting = list(
        OutboxRow.objects.filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
        ).values_list("pk", "claimed_until")[:batch]
    )
    sent = 0
    for pk, claimed_until in waiting:
        if not _claim(pk, claimed_until):
            continue  # another sweep has it
        row = OutboxRow.objects.get(pk=pk)
        task = app.tasks.get(row.name)
        if task is None:
            logger.error("outbox: unknown task %s (row %s) kept", row.name, pk)
            continue
        try:
            # Celery's own apply_async: a refusal must not store the row again.
            Task.apply_async(
                task, row.args, row.kwargs, **_options_from_json(row.options)
            )
        except BROKER_UNAVAILABLE as error:
            logger.warning("outbox: the broker is still away: %s", error)
            OutboxRow.objects.filter(pk=pk).update(claimed_until=None)
            break
        OutboxRow.objects.filter(pk=pk).delete()
        sent += 1
    return sent
