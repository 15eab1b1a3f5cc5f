"""Who hears of a new message: its fan-out, run by a task after commit.

``changes.message_posted`` enqueues ``tasks.message_fanout_task`` for every
text message. The task tells the conversation's ACTIVE, not muted
participants but the author with one ``notify_many`` of kind MESSAGE,
grouped per conversation ("3 new messages in …"). A request's recipient is
never told (not ACTIVE), nor one who left, nor a message deleted or hidden
before the task ran.

Safe twice: the message's row is claimed first (``community.claims``:
``Message.fanout_claimed_at``), the participants told and the message
marked told (``notified_at``) in one transaction, so a task delivered again
finds it done. A worker killed meanwhile rolls its notices back; its claim
goes stale and ``message_fanouts_sweep`` (beat) enqueues the message again.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from community import services as community_layer
from community.claims import SWEEP_HORIZON, claim_cutoff, claim_expired, claim_take
from conversations import kinds
from conversations.models import Message, Participant
from conversations.services._common import notice_title

__all__ = ["message_fanout", "message_fanouts_sweep"]

UNTOLD = Q(notified_at__isnull=True, kind=Message.Kind.TEXT)


def message_fanout(message_id: int) -> int:
    """Tell the participants of a text message's conversation (see the
    module); returns how many members were told."""
    claimed = claim_take(
        Message, pk=message_id, field="fanout_claimed_at", ready=UNTOLD
    )
    if claimed is None:
        return 0
    message = Message.objects.select_related("conversation", "author").get(
        pk=message_id
    )
    try:
        return _tell(message, claimed)
    except BaseException:
        # Rolled back: the claim is given back for the task's retry.
        Message.objects.filter(pk=message.pk, fanout_claimed_at=claimed).update(
            fanout_claimed_at=None
        )
        raise


def _tell(message: Message, claimed: datetime.datetime) -> int:
    conversation = message.conversation
    with transaction.atomic():
        if claim_expired(claimed):
            return 0
        told = 0
        if not (message.deleted_at or message.is_hidden):
            recipients = (
                get_user_model()
                .objects.filter(
                    pk__in=Participant.objects.filter(
                        conversation=conversation,
                        status=Participant.Status.ACTIVE,
                        is_muted=False,
                    ).values("user_id")
                )
                .exclude(pk=message.author_id)
            )
            told = community_layer.notify_many(
                recipients=recipients,
                kind=kinds.MESSAGE,
                actor=message.author,
                target=conversation,
                target_title=notice_title(conversation),
                url=message.get_absolute_url(),
                group=True,
            )
        Message.objects.filter(pk=message.pk, fanout_claimed_at=claimed).update(
            notified_at=timezone.now()
        )
    return told


def message_fanouts_sweep(*, now: datetime.datetime | None = None) -> int:
    """Enqueue again the fan-outs of text messages nobody was told about:
    written before the claim cutoff (their task was lost, or its worker
    died) and within the sweep's horizon. The claims tell each message once
    however many copies run. Returns how many were enqueued."""
    from conversations.tasks import message_fanout_task

    now = now or timezone.now()
    cutoff = claim_cutoff(now)
    untold = (
        Message.objects.filter(
            UNTOLD,
            created_at__lt=cutoff,
            created_at__gte=now - SWEEP_HORIZON,
        )
        .filter(Q(fanout_claimed_at__isnull=True) | Q(fanout_claimed_at__lt=cutoff))
        .values_list("pk", flat=True)
    )
    count = 0
    for pk in untold:
        message_fanout_task.delay(pk)
        count += 1
    return count
