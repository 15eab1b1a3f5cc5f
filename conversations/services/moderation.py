"""A site moderator's hide of a reported message, and a hide by reports.

Through ``community.hiding.hidden_set``, which writes ``is_hidden`` when it
changes, calls ``changes.message_changed`` and puts the call on record in the
audit log (``conversation_message_hide`` / ``_restore``).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from community.hiding import REPORTED, audited, hidden_set
from conversations import changes
from conversations.models import Message
from conversations.permissions import can_moderate_messages

__all__ = ["message_hide", "message_hide_by_reports"]

# The site's audit log: conversation_message_hide / _restore.
_record = audited("conversation_message")


def message_hide(
    *, message: Message, moderator, reason: str, hidden: bool = True
) -> Message:
    """A site moderator hides a reported message (or shows it again); the
    call is always put on record (``community.hiding``).

    Raises PermissionDenied for anyone but a site moderator.
    """
    if not can_moderate_messages(moderator):
        raise PermissionDenied
    with transaction.atomic():
        hidden_set(
            message,
            hidden=hidden,
            moderator=moderator,
            reason=reason,
            changed=changes.message_changed,
            record=_record,
        )
    return message


@transaction.atomic
def message_hide_by_reports(message: Message, hidden: bool = True) -> Message:
    """Reports hide a message until a moderator looks (``hidden=False``: a
    dismissed report shows it again)."""
    hidden_set(
        message,
        hidden=hidden,
        moderator=None,
        reason=REPORTED,
        changed=changes.message_changed,
        record=_record,
    )
    return message
