"""How far each participant has read, without a write on GET.

The conversation's page notes the last message the member saw
(``read_note``): in the cache, the participant marked pending through
``community.pending``; a task writes the positions to
``Participant.read_number`` (``reads_flush``: beat «conversation-reads»,
every minute, and enqueued after a page when a worker runs the tasks).
Until then the pages read the cached position too (``pending_numbers``).
A position only moves forward, so a late or repeated write changes nothing.
The member's own message moves their position at once, in the POST that
sends it (``_common.message_append``).
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When

from community import pending
from conversations import changes
from conversations.models import Participant

logger = logging.getLogger(__name__)

__all__ = ["pending_numbers", "read_note", "reads_flush"]

READS = "conversations.reads"
# The position kept in the cache outlives any pause of beat.
READ_KEPT = 7 * 24 * 60 * 60
# While a flush asked for waits in the queue, pages ask for none.
FLUSH_ASKED_KEY = "conversations-reads:flush-asked"
FLUSH_ASKED_FOR = 10


def _read_key(participant_id: int) -> str:
    return f"conversations-read:{participant_id}"


def read_note(*, participant: Participant, number: int) -> None:
    """Note that the member has seen the conversation up to message
    ``number``: in the cache, never in the database (a GET calls it).

    Never backwards: a number at or below the written or noted position is
    not noted. Capped at what the member may read (``visible_until``). When
    tasks go to a worker, asks for ``tasks.reads_flush_task`` after commit
    (once while one waits); run eagerly, the beat writes it instead, so the
    page writes nothing. A cache that is not answering loses the position
    (logged), never the page.
    """
    if participant.visible_until is not None:
        number = min(number, participant.visible_until)
    if number <= participant.read_number:
        return
    key = _read_key(participant.pk)
    try:
        noted = cache.get(key)
        if noted is not None and noted >= number:
            return
        cache.set(key, number, READ_KEPT)
    except Exception:
        logger.exception("conversation reads: the cache is not answering")
        return
    pending.mark(READS, participant.pk)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return
    try:
        asked = cache.add(FLUSH_ASKED_KEY, 1, FLUSH_ASKED_FOR)
    except Exception:
        asked = False
    if asked:
        from conversations.tasks import reads_flush_task

        transaction.on_commit(reads_flush_task.delay)


def pending_numbers(participant_ids) -> dict[int, int]:
    """The positions noted in the cache and not written yet, by participant
    id (one cache read); a participant with none is left out."""
    ids = list(participant_ids)
    if not ids:
        return {}
    try:
        kept = cache.get_many([_read_key(pk) for pk in ids])
    except Exception:
        logger.warning("conversation reads: the cache is not answering")
        return {}
    return {pk: kept[_read_key(pk)] for pk in ids if _read_key(pk) in kept}


def _reads_write(participant_ids: list[int]) -> None:
    seen = pending_numbers(participant_ids)
    if not seen:
        return
    number = Case(
        *(When(pk=pk, then=Value(read)) for pk, read in seen.items()),
        output_field=IntegerField(),
    )
    with transaction.atomic():
        # Never backwards: a row already as far is left alone.
        moving = Participant.objects.filter(pk__in=seen, read_number__lt=number)
        user_ids = list(moving.values_list("user_id", flat=True))
        if not user_ids:
            return
        # One UPDATE for the batch.
        moving.update(read_number=number)
        changes.reads_changed(user_ids)


def reads_flush() -> int:
    """Write the read positions noted in the cache to the participants' rows
    (one UPDATE per batch), and move the unread counts of the members whose
    position moved (``changes.reads_changed``).

    Safe twice: a row already as far is not written again, and a position
    noted while this runs is written by the next run. Returns how many
    participants were looked at.
    """
    try:
        cache.delete(FLUSH_ASKED_KEY)
    except Exception:
        logger.warning("conversation reads: the cache is not answering")
    return pending.flush(READS, _reads_write)
