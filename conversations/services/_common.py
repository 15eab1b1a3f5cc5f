"""The three writes every other conversations service is made of.

``conversation_open`` makes a conversation with its owner, ``participant_add``
puts a member in it (or back in it), ``message_append`` numbers and stores a
message or an event. They check no rule and tell nobody: the services that
call them (``conversations``, ``requests``, consultation ``lines``) check who
may do what first and say what follows through ``conversations.changes``.

Numbering: a message takes ``Conversation.last_number + 1`` under the
conversation's row lock (``select_for_update``), so two messages sent at once
are numbered one after the other, without a gap or a repeat; the unique
(conversation, number) constraint stands behind it.
"""

from allauth.account.utils import user_display
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from community.markdown import render_markdown
from conversations import changes
from conversations.models import Conversation, Message, Participant
from conversations.permissions import WRITE_REFUSALS, participant_forget

# Message.body's own limit, said in the service too (forms check it first).
BODY_MAX_LENGTH = 20_000


def notice_title(conversation: Conversation) -> str:
    """How notices and e-mails name the conversation: its subject, or only
    what it is when no text of it may leave the site (a sensitive
    conversation, a consultation question)."""
    if conversation.is_question:
        return _("Consultation line question")
    if conversation.is_sensitive:
        return _("Private conversation")
    return conversation.subject


def body_check(body: str) -> str:
    """The text of a message as it will be stored; raises ValidationError
    (code "empty" or "too_long")."""
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise ValidationError(_("Write a message first."), code="empty")
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationError(
            _("A message may hold at most %(limit)d characters.")
            % {"limit": BODY_MAX_LENGTH},
            code="too_long",
        )
    return body


@transaction.atomic
def conversation_open(
    *, owner, subject: str, is_sensitive: bool = False, is_question: bool = False
) -> Conversation:
    """A new conversation with ``owner`` as its one participant (role OWNER,
    ACTIVE). No message yet, nobody told."""
    conversation = Conversation.objects.create(
        subject=(subject or "").strip()[:200],
        owner=owner,
        is_sensitive=is_sensitive,
        is_question=is_question,
    )
    participant_add(
        conversation=conversation,
        user=owner,
        status=Participant.Status.ACTIVE,
        role=Participant.Role.OWNER,
    )
    return conversation


def participant_add(
    *,
    conversation: Conversation,
    user,
    status: str,
    added_by=None,
    role: str = Participant.Role.MEMBER,
) -> Participant:
    """Put ``user`` in the conversation with ``status``.

    One who left or was removed comes back: the status given, reading the
    conversation as it goes on again (``visible_until`` None). Anyone else
    already in it keeps their row as it is (a double click adds once).
    """
    participant, created = Participant.objects.get_or_create(
        conversation=conversation,
        user=user,
        defaults={"status": status, "role": role, "added_by": added_by},
    )
    if not created and participant.status in (
        Participant.Status.LEFT,
        Participant.Status.REMOVED,
    ):
        participant.status = status
        participant.visible_until = None
        participant.left_at = None
        participant.added_by = added_by
        participant.is_archived = False
        participant.save(
            update_fields=[
                "status",
                "visible_until",
                "left_at",
                "added_by",
                "is_archived",
            ]
        )
    participant_forget(conversation)
    changes.participants_changed(conversation, [user.pk])
    return participant


@transaction.atomic
def message_append(
    *,
    conversation: Conversation,
    author,
    body: str = "",
    kind: str = Message.Kind.TEXT,
    event_user=None,
) -> Message:
    """Number and store a message (``kind`` TEXT: ``body`` checked and
    rendered once through the one Markdown renderer) or an event (no body).

    Locks the conversation's row: the number is ``last_number + 1``; the
    conversation's ``last_number`` and ``last_message_at`` move, and the
    caller's object with them. The author's own read position moves to the
    new number. A TEXT message reopens the conversation for every ACTIVE
    participant who archived it. Raises ValidationError ("empty",
    "too_long") for a TEXT message without text. Tells nobody: the caller
    calls ``changes.message_posted``.
    """
    if kind == Message.Kind.TEXT:
        body = body_check(body)
        body_html = render_markdown(body)
    else:
        body, body_html = "", ""
    locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
    number = locked.last_number + 1
    now = timezone.now()
    message = Message.objects.create(
        conversation=conversation,
        number=number,
        kind=kind,
        author=author,
        event_user=event_user,
        body=body,
        body_html=body_html,
    )
    Conversation.objects.filter(pk=conversation.pk).update(
        last_number=number, last_message_at=now
    )
    conversation.last_number = number
    conversation.last_message_at = now
    if author is not None:
        Participant.objects.filter(
            conversation=conversation, user=author, read_number__lt=number
        ).update(read_number=number)
    if kind == Message.Kind.TEXT:
        Participant.objects.filter(
            conversation=conversation,
            status=Participant.Status.ACTIVE,
            is_archived=True,
        ).update(is_archived=False)
    participant_forget(conversation)
    return message


# --- Helpers of the services' modules (private) ---------------------------------


def _refused(user, code: str) -> ValidationError:
    return ValidationError(
        _("You cannot write to %(name)s. %(reason)s")
        % {"name": user_display(user), "reason": WRITE_REFUSALS[code]},
        code="refused",
        params={"user": user.pk, "reason": code},
    )


def _max_members_check(count: int) -> None:
    limit = settings.CONVERSATIONS_MAX_MEMBERS
    if count > limit:
        raise ValidationError(
            ngettext(
                "A conversation may have at most %(limit)d member.",
                "A conversation may have at most %(limit)d members.",
                limit,
            )
            % {"limit": limit},
            code="too_many",
        )


def _active_ids(conversation: Conversation, *, but=None) -> list[int]:
    """The ACTIVE participants' ids (``but`` a member left out)."""
    ids = Participant.objects.filter(
        conversation=conversation, status=Participant.Status.ACTIVE
    ).values_list("user_id", flat=True)
    if but is not None:
        ids = ids.exclude(user_id=but.pk)
    return list(ids)
