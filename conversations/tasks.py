"""Conversations' tasks: the fan-out of a message, read positions, lines."""

from celery import shared_task
from django.db import DatabaseError


@shared_task
def reads_flush_task() -> int:
    """Beat, every minute: read positions noted on GET, written."""
    from conversations.services import reads

    return reads.reads_flush()


@shared_task
def line_deadlines_task() -> tuple[int, int]:
    """Beat, every 15 minutes: reminders before a question's deadline and
    releases after it, each once."""
    from conversations.services import lines

    return lines.line_deadlines_run()


@shared_task(
    # A deadlock or a lost connection rolls the notices back (and releases
    # the claim): retried.
    autoretry_for=(DatabaseError,),
    retry_backoff=5,
    max_retries=5,
    acks_late=True,
    ignore_result=True,
)
def message_fanout_task(message_id: int) -> int:
    """After a text message's commit: its conversation's participants told
    (``services.message_fanout``; safe twice)."""
    from conversations.services import fanout

    return fanout.message_fanout(message_id)


@shared_task
def message_fanouts_sweep_task() -> int:
    """Beat, every 5 minutes: messages whose fan-out was lost, enqueued again."""
    from conversations.services import fanout

    return fanout.message_fanouts_sweep()
