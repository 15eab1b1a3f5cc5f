"""What follows a write in conversations: the one place that says it.

The conversations' services call these after they change a conversation,
its participants or its messages, inside their transaction, and never a
cache or a task of the community layer directly
(``conversations/tests/test_changes.py``). What a conversation feeds:

- **members' unread counts** (``community.selectors.unread_counts``, under
  the member's unread version, which ``community.changes.unread_changed``
  moves): the number of conversations in which the member is ACTIVE, not
  muted, and has read less than the last message;
- **members' notifications**: a new message is told by a fan-out task after
  commit (``tasks.message_fanout_task``), which moves the recipients' unread
  counts again through ``community.services.notify_many``.

- **a conversation's kept messages** (``fragments``, its participants'
  pages): ``MESSAGES_KEY``, moved when a message is edited, deleted, hidden
  or shown again; a new message changes the range of its page instead, and
  names and pictures are the members' cards (``community.cards``).

Nothing else holds a conversation: no search entry, no feed entry, no page
kept for visitors, so members' settings move nothing.

A consultation line's questions answered are an expert's evidence of growth
(``community.attainments``, ``conversations.attainments``): told when she
answers one and when the line is edited (its title names them).
"""

from collections.abc import Iterable

from django.db import transaction

from community.attainments import attainments_changed
from community.changes import moved, unread_changed
from conversations import attainments
from conversations.models import Conversation, Message, Participant

# The version of a conversation's kept messages (``fragments``).
MESSAGES_KEY = "conversations:messages:{}"


def message_posted(message: Message, recipient_ids: Iterable[int]) -> None:
    """A message (or an event) was numbered in its conversation.

    ``recipient_ids``: the members whose unread count it moves (its ACTIVE
    participants); the author's moves too (their read position moved to the
    message). A text message is told by ``tasks.message_fanout_task``,
    enqueued after commit (ACTIVE, not muted participants but the author;
    requests never); an event ("X left") is told to nobody.
    """
    unread_changed(
        {*recipient_ids, *([message.author_id] if message.author_id else [])}
    )
    if message.kind == Message.Kind.TEXT:
        from conversations.tasks import message_fanout_task

        pk = message.pk
        transaction.on_commit(lambda: message_fanout_task.delay(pk))


def message_changed(message: Message) -> None:
    """A message was edited, deleted by its author, hidden or shown again by
    a moderator: its conversation's kept messages (``MESSAGES_KEY``). The
    inbox reads messages afresh and nothing else keeps one (no search, no
    feed)."""
    moved(MESSAGES_KEY.format(message.conversation_id))


def participants_changed(conversation: Conversation, user_ids: Iterable[int]) -> None:
    """Members were added, came back, left or were removed (or a
    conversation was opened with its owner): the unread counts of the
    members named — a conversation enters or leaves what they count."""
    unread_changed(user_ids)


def reads_changed(user_ids: Iterable[int]) -> None:
    """Members' read positions moved (``reads_flush``), or what counts as
    unread for them changed (a conversation muted or unmuted): their unread
    counts."""
    unread_changed(user_ids)


def request_answered(participant: Participant) -> None:
    """A request was accepted (it counts in the member's inbox from now on),
    ignored or reported: the member's unread count."""
    unread_changed([participant.user_id])


def settings_changed(user) -> None:
    """A member changed who may write to them or their read receipts: read
    by every check and page afresh, nothing kept moves. Said so that a cache
    that ever keeps them is moved here."""
    return None


# --- Consultation lines (``services.lines``) -----------------------------------


def line_changed(line) -> None:
    """A consultation line was made or edited (its title, description,
    answer-within, whether it takes questions): the lists of lines, its page,
    its subject's forum section and its community's page show it, and
    visitors' pages are kept (``PUBLIC_PAGES``); the evidence of the experts
    who answered in it (its title, its link while it takes questions)."""
    from community.changes import PUBLIC_PAGES, moved

    moved(PUBLIC_PAGES)
    attainments_changed(attainments.experts_of(line))


def question_changed(question) -> None:
    """A question was taken, handed over, released or withdrawn: the line's
    queue is read afresh for its experts on every view (members' pages are
    never kept) and the participants' counts move with the conversation's
    own change functions. Said so that a cache that ever keeps the queue is
    moved here."""
    return None


def question_answered(question) -> None:
    """A question was answered: the expert's portfolio («Консультации») and
    the members of the month, which visitors' kept pages show
    (``PUBLIC_PAGES``), and the expert's evidence of growth."""
    from community.changes import PUBLIC_PAGES, moved

    moved(PUBLIC_PAGES)
    attainments_changed([question.expert_id])
