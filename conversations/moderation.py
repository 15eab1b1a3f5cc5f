"""What a moderator reads of a conversation: a reported message and a few around it.

Staff read no conversation nobody reported. A report on a message lets those
who may resolve it (``community.reports.can_resolve_report``) read the message
with the nearest ones — up to ``CONTEXT_BEFORE`` before it and
``CONTEXT_AFTER`` after it, never past what the reporter could read — and
each such reading is put on record in the audit log
(``report_context_open``), with the reader and the report.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from community.models import Report
from community.reports import can_resolve_report, reportable_for_model
from community.services import audit
from conversations.hooks_moderation import CONTEXT_OPENED
from conversations.models import Message, Participant

# The messages shown around a reported one: the nearest, at most five.
CONTEXT_BEFORE = 3
CONTEXT_AFTER = 2


def reported_message(report: Report) -> Message | None:
    """The message a report is about (with its conversation), or None when
    the report is about something else or the message is gone."""
    if report.target_type.model_class() is not Message:
        return None
    return (
        Message.objects.select_related("conversation")
        .filter(pk=report.target_id)
        .first()
    )


def can_read_report_context(user, report: Report, message: Message | None) -> bool:
    # Those who may resolve the report: the site's moderators.
    return message is not None and can_resolve_report(
        user, reportable_for_model(Message), message
    )


def messages_around(message: Message, *, reporter_id: int | None) -> list[Message]:
    """The reported message and the nearest ones of its conversation, by
    number: up to CONTEXT_BEFORE before and CONTEXT_AFTER after (fewer at
    either end), none the reporter could not read (past the ``visible_until``
    of one who left or answered a request). Authors' profiles joined."""
    last = message.number + CONTEXT_AFTER
    visible_until = (
        Participant.objects.filter(
            conversation_id=message.conversation_id, user_id=reporter_id
        )
        .values_list("visible_until", flat=True)
        .first()
    )
    if visible_until is not None:
        last = max(message.number, min(last, visible_until))
    return list(
        Message.objects.filter(
            conversation_id=message.conversation_id,
            number__gte=message.number - CONTEXT_BEFORE,
            number__lte=last,
        )
        .select_related("author__profile", "event_user__profile")
        .order_by("number")
    )


@transaction.atomic
def report_context_open(*, report: Report, moderator) -> list[Message]:
    """Read a reported message in its context, on record: one audit entry
    ("message_context_opened", the report as its target) per reading.

    Raises PermissionDenied unless ``moderator`` may resolve the report, and
    for a report about no message (or one gone).
    """
    message = reported_message(report)
    if not can_read_report_context(moderator, report, message):
        raise PermissionDenied
    audit(
        actor=moderator,
        action=CONTEXT_OPENED,
        target=report,
        reason=f"message {message.pk}",
    )
    return messages_around(message, reporter_id=report.reporter_id)
