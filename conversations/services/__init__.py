"""Every write to conversations.

A package, one module per concern; the names below are its interface, so
callers write ``from conversations import services; services.message_send(...)``:
``conversations`` (starting one, its messages), ``members`` (adding,
leaving, removal, a member's mute and archive), ``moderation`` (a
moderator's hide), ``requests`` (a request accepted, ignored, reported),
``reads`` (read positions noted on GET, written by beat), ``settings`` (who
may write to a member), ``fanout`` (who hears of a message, run by a task)
and ``lines`` (consultation lines). ``_common`` holds the three writes the
others are made of (``conversation_open``, ``participant_add``,
``message_append``). The notification kinds come from
``conversations.kinds``, never from ``hooks``.
"""

from conversations.services._common import (
    conversation_open,
    message_append,
    participant_add,
)
from conversations.services.conversations import (
    conversation_start,
    message_delete,
    message_edit,
    message_send,
)
from conversations.services.fanout import message_fanout, message_fanouts_sweep
from conversations.services.members import (
    conversation_archive,
    conversation_leave,
    conversation_mute,
    member_remove,
    members_add,
)
from conversations.services.moderation import message_hide, message_hide_by_reports
from conversations.services.reads import pending_numbers, read_note, reads_flush
from conversations.services.requests import (
    request_accept,
    request_ignore,
    request_report,
)
from conversations.services.settings import message_settings_set

__all__ = [
    "conversation_archive",
    "conversation_leave",
    "conversation_mute",
    "conversation_open",
    "conversation_start",
    "member_remove",
    "members_add",
    "message_append",
    "message_delete",
    "message_edit",
    "message_fanout",
    "message_fanouts_sweep",
    "message_hide",
    "message_hide_by_reports",
    "message_send",
    "message_settings_set",
    "participant_add",
    "pending_numbers",
    "read_note",
    "reads_flush",
    "request_accept",
    "request_ignore",
    "request_report",
]
