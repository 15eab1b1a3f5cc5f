"""«Мой путь»'s background work: thin, one service call each, safe twice."""

import logging

from celery import shared_task
from django.db import DatabaseError, transaction

logger = logging.getLogger(__name__)


@shared_task(
    # A deadlock or a lost connection rolls a member back: retried (a refresh
    # is safe twice).
    autoretry_for=(DatabaseError,),
    retry_backoff=5,
    max_retries=5,
    acks_late=True,
    ignore_result=True,
)
def evidence_refresh_task(user_ids: list[int]) -> int:
    """The computed evidence of these members gathered again; members who
    never made a plan are left out (theirs is gathered when they make one).
    Returns how many rows changed."""
    from growth.models import Plan
    from growth.services import evidence

    owners = sorted(
        set(
            Plan.objects.filter(owner_id__in=list(user_ids)).values_list(
                "owner_id", flat=True
            )
        )
    )
    return sum(evidence.evidence_refresh(user_id) for user_id in owners)


@shared_task(ignore_result=True)
def evidence_refresh_all_task() -> int:
    """Beat, nightly: the evidence of every owner of an active plan gathered
    again — the backstop for a change whose refresh task was lost."""
    from growth.models import Plan
    from growth.services import evidence

    owners = sorted(set(Plan.objects.active().values_list("owner_id", flat=True)))
    changed = 0
    for user_id in owners:
        try:
            changed += evidence.evidence_refresh(user_id)
        except DatabaseError:  # one member's trouble stops no one else's
            logger.exception("evidence of member %s not refreshed", user_id)
    return changed


@shared_task
def reminders_task() -> tuple[int, int]:
    """Beat, daily: plan items due soon and professional development due,
    each told once."""
    from growth.services import reminders

    return reminders.items_due_remind(), reminders.development_due_remind()


def attainments_changed(member_ids) -> None:
    """The ``community.attainments`` listener (``kinds.ATTAINMENTS_LISTENER``):
    rows counted as evidence of these members were saved or deleted; their
    evidence is gathered again by a task after commit."""
    ids = sorted({int(pk) for pk in member_ids})
    if ids:
        transaction.on_commit(lambda: evidence_refresh_task.delay(ids))
