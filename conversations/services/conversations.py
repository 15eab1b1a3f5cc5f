"""Conversations and their messages: starting one, writing, editing,
deleting (members coming and going are ``members``'; a moderator's hide,
``moderation``'s).

Who may start a conversation with whom is ``permissions.write_refusal``;
a first message to someone who does not follow the sender waits as a request
(``requests`` answers it). Every message is numbered by ``_common.message_append``
under the conversation's row lock; what follows is ``changes``'.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Block
from community.limits import is_new_member
from community.standing import participation_check
from conversations import changes
from conversations.models import Conversation, Message, Participant
from conversations.permissions import (
    can_edit_message,
    can_post,
    is_staff,
    needs_request,
    participant_of,
    write_refusals,
)
from conversations.services._common import (
    _active_ids,
    _max_members_check,
    _refused,
    body_check,
    conversation_open,
    message_append,
    participant_add,
)

__all__ = [
    "conversation_start",
    "message_delete",
    "message_edit",
    "message_send",
]

# The same text sent again by its author within this time is the first
# message (a double click), not a second one.
DOUBLE_SUBMIT_WINDOW = datetime.timedelta(seconds=30)
DAY = datetime.timedelta(days=1)


def _daily_limit_check(sender) -> None:
    """New members start at most MODERATION_NEW_MEMBER_CONVERSATIONS_PER_DAY
    conversations a day (questions to a line are not counted)."""
    if not is_new_member(sender):
        return
    limit = settings.MODERATION_NEW_MEMBER_CONVERSATIONS_PER_DAY
    started = Conversation.objects.filter(
        owner=sender, is_question=False, created_at__gte=timezone.now() - DAY
    ).count()
    if started >= limit:
        raise ValidationError(
            ngettext(
                "New members may start %(limit)d conversation a day; "
                "please try again tomorrow.",
                "New members may start %(limit)d conversations a day; "
                "please try again tomorrow.",
                limit,
            )
            % {"limit": limit},
            code="rate",
        )


def _subject_check(subject: str) -> str:
    subject = (subject or "").replace("\x00", "").strip()
    if not subject:
        raise ValidationError(_("Give the conversation a subject."), code="subject")
    if len(subject) > 200:
        raise ValidationError(
            _("A subject may hold at most %(limit)d characters.") % {"limit": 200},
            code="subject",
        )
    return subject


@transaction.atomic
def conversation_start(
    *,
    sender,
    recipients: list,
    subject: str,
    body: str,
    is_sensitive: bool = False,
) -> Conversation:
    """Start a conversation of ``sender`` with ``recipients`` and its first
    message.

    Recipients who follow the sender (all of them when the sender is staff)
    take part at once and are told; for the others it waits as a request
    (``Participant.Status.REQUEST``), told to nobody and counted nowhere
    until they accept it. Raises ParticipationRestricted for a suspended or
    banned sender; ValidationError with code "refused" naming the first
    recipient ``permissions.write_refusals`` refuses and why, "no_recipients",
    "too_many" (more than CONVERSATIONS_MAX_MEMBERS with the sender), "rate"
    (a new member's daily limit), "subject", "empty" or "too_long".
    """
    participation_check(sender)
    unique = list({user.pk: user for user in recipients}.values())
    if not unique:
        raise ValidationError(_("Choose whom to write to."), code="no_recipients")
    _max_members_check(len(unique) + (0 if sender in unique else 1))
    refusals = write_refusals(sender, unique)
    for user in unique:
        if code := refusals[user.pk]:
            raise _refused(user, code)
    subject = _subject_check(subject)
    body = body_check(body)
    _daily_limit_check(sender)
    conversation = conversation_open(
        owner=sender, subject=subject, is_sensitive=is_sensitive
    )
    active = []
    for user in unique:
        status = (
            Participant.Status.REQUEST
            if needs_request(sender, user)
            else Participant.Status.ACTIVE
        )
        participant_add(
            conversation=conversation, user=user, status=status, added_by=sender
        )
        if status == Participant.Status.ACTIVE:
            active.append(user.pk)
    message = message_append(conversation=conversation, author=sender, body=body)
    changes.message_posted(message, active)
    return conversation


def _channel_closed(conversation: Conversation, author) -> bool:
    """Every other participant is blocked by the author or blocks them: a
    block closes the channel both ways (in a group, the others still read);
    staff always may write, as they may start (``permissions.write_refusal``)."""
    if is_staff(author):
        return False
    others = set(
        Participant.objects.filter(conversation=conversation)
        .exclude(user_id=author.pk)
        .values_list("user_id", flat=True)
    )
    if not others:
        return False
    blocked = set(
        Block.objects.filter(
            Q(blocker_id=author.pk, blocked_id__in=others)
            | Q(blocked_id=author.pk, blocker_id__in=others)
        ).values_list("blocker_id", "blocked_id")
    )
    closed = {a if a != author.pk else b for a, b in blocked}
    return others <= closed


@transaction.atomic
def message_send(*, conversation: Conversation, author, body: str) -> Message:
    """``author`` writes in the conversation (a double submit of the same
    text returns the first message).

    The ACTIVE participants but the author are told (not muted ones, never a
    request's recipient); an archived conversation comes back to their inbox;
    the author's read position moves to the message. In a consultation
    question, the line hears of it (``lines.question_message_posted``).
    Raises ParticipationRestricted for a suspended or banned author,
    PermissionDenied unless ``permissions.can_post``, ValidationError with
    code "blocked" when a block closes the conversation, "empty" or
    "too_long".
    """
    participation_check(author)
    participant = participant_of(author, conversation)
    if not can_post(author, participant):
        raise PermissionDenied
    body = body_check(body)
    # Taken before the double-submit check, so two clicks are seen in turn;
    # message_append takes the same lock again (a no-op).
    Conversation.objects.select_for_update().only("pk").get(pk=conversation.pk)
    last = (
        Message.objects.filter(conversation=conversation)
        .order_by("-number")
        .only("pk", "author_id", "body", "created_at", "kind", "number")
        .first()
    )
    if (
        last is not None
        and last.author_id == author.pk
        and last.kind == Message.Kind.TEXT
        and last.body == body
        and last.created_at >= timezone.now() - DOUBLE_SUBMIT_WINDOW
    ):
        return Message.objects.get(pk=last.pk)
    if _channel_closed(conversation, author):
        raise ValidationError(
            _("You cannot write here: one of you has blocked the other."),
            code="blocked",
        )
    message = message_append(conversation=conversation, author=author, body=body)
    changes.message_posted(message, _active_ids(conversation, but=author))
    if conversation.is_question:
        from conversations.services import lines

        lines.question_message_posted(message)
    return message


@transaction.atomic
def message_edit(*, message: Message, editor, body: str) -> Message:
    """The author changes a text message: rendered again, marked edited.

    Raises ParticipationRestricted for a suspended or banned member,
    PermissionDenied unless ``permissions.can_edit_message`` (the author, a
    text message not deleted) and the author still takes part,
    ValidationError "empty" or "too_long".
    """
    participation_check(editor)
    if not can_edit_message(editor, message) or not can_post(
        editor, participant_of(editor, message.conversation)
    ):
        raise PermissionDenied
    body = body_check(body)
    if body == message.body:
        return message
    from community.markdown import render_markdown

    message.body = body
    message.body_html = render_markdown(body)
    message.edited_at = timezone.now()
    message.save(update_fields=["body", "body_html", "edited_at"])
    changes.message_changed(message)
    return message


@transaction.atomic
def message_delete(*, message: Message, user) -> Message:
    """The author deletes a message: its text is gone, a placeholder stays
    in its place (its number too). Twice is once.

    Raises PermissionDenied for anyone but its author, or for an event.
    """
    if message.deleted_at is not None and message.author_id == user.pk:
        return message
    if not can_edit_message(user, message):
        raise PermissionDenied
    message.body = ""
    message.body_html = ""
    message.deleted_at = timezone.now()
    message.save(update_fields=["body", "body_html", "deleted_at"])
    changes.message_changed(message)
    return message
