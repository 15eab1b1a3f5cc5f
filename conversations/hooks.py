"""What conversations tell the community layer: kinds, reports, recognition.

The keys come from ``conversations.kinds`` (which imports nothing), so the
services never import this module. Consultation lines register theirs in
``hooks_lines``, moderation in ``hooks_moderation``.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from conversations.kinds import MESSAGE, PREFERENCE, REQUEST_ACCEPTED

# The key of the header's count of unread conversations (``unread_messages``).
UNREAD_MESSAGES = "messages"
# How many characters of a message its e-mail quotes.
EMAIL_TEXT_LENGTH = 500


def register() -> None:
    from community.notifications import notification_kind_register

    # Grouped per conversation (the services notify with the conversation as
    # the target): "3 new messages in …". Urgent: a colleague waits for an
    # answer, a digest would come too late.
    notification_kind_register(
        key=MESSAGE,
        preference=PREFERENCE,
        one=_("%(actor)s wrote in «%(target)s»"),
        many=_("%(count)s new messages in «%(target)s»"),
        urgent=True,
        email_text=message_email_text,
        # A push names neither the conversation nor its text.
        push_line=ngettext_lazy("New message", "%(count)s new messages", "count"),
    )
    notification_kind_register(
        key=REQUEST_ACCEPTED,
        preference=PREFERENCE,
        one=_("%(actor)s accepted your message «%(target)s»"),
        many=_("%(count)s of your messages were accepted"),
    )
    register_audit_actions()
    register_unread()


def register_unread() -> None:
    """The header's «Сообщения» count (``unread_messages``): conversations
    in which the member is ACTIVE, not muted, and has read less than the
    last message. Requests, muted, left conversations are not counted."""
    from community.notifications import unread_source_register

    unread_source_register(UNREAD_MESSAGES, unread_conversations)


def unread_conversations(user):
    """The member's participations the «Сообщения» count counts."""
    from django.db.models import F

    from conversations.models import Participant

    # Not the archive: an event ("X left") does not bring a conversation
    # back from it, a message does (and counts then).
    return Participant.objects.filter(
        user_id=user.pk,
        status=Participant.Status.ACTIVE,
        is_muted=False,
        is_archived=False,
        read_number__lt=F("conversation__last_number"),
    )


def register_audit_actions() -> None:
    from community.notifications import audit_actions_register

    audit_actions_register(
        {
            "conversation_message_hide": _("message hidden"),
            "conversation_message_restore": _("message shown again"),
        }
    )


def message_email_text(notifications: list) -> dict[int, str]:
    """The text each MESSAGE notification's e-mail quotes: the newest text
    message of its conversation (the first ``EMAIL_TEXT_LENGTH`` characters,
    plain) — none for a sensitive conversation or a consultation question,
    none when that message was deleted or hidden, and none for a member no
    longer taking part when the letter goes (who left meanwhile reads
    nothing new, in a letter neither).

    Two queries for the batch (the newest text message of each conversation
    named; who still takes part), whatever its size.
    """
    from django.db.models import OuterRef, Subquery

    from conversations.models import Conversation, Message, Participant

    conversation_ids = {n.target_id for n in notifications if n.target_id}
    if not conversation_ids:
        return {}
    newest = Message.objects.filter(
        conversation_id=OuterRef("pk"), kind=Message.Kind.TEXT
    ).order_by("-number")
    rows = Conversation.objects.filter(
        pk__in=conversation_ids, is_sensitive=False, is_question=False
    ).annotate(
        text=Subquery(newest.values("body")[:1]),
        text_deleted=Subquery(newest.values("deleted_at")[:1]),
        text_hidden=Subquery(newest.values("is_hidden")[:1]),
    )
    texts = {
        row.pk: _plain(row.text)
        for row in rows.only("pk")
        if row.text and row.text_deleted is None and not row.text_hidden
    }
    if not texts:
        return {}
    taking_part = set(
        Participant.objects.filter(
            conversation_id__in=texts,
            user_id__in={n.recipient_id for n in notifications},
            status=Participant.Status.ACTIVE,
        ).values_list("conversation_id", "user_id")
    )
    return {
        notification.pk: texts[notification.target_id]
        for notification in notifications
        if notification.target_id in texts
        and (notification.target_id, notification.recipient_id) in taking_part
    }


def _plain(body: str) -> str:
    """A message as plain text: what the member wrote (Markdown is read as
    written), cut at ``EMAIL_TEXT_LENGTH`` characters on a word."""
    body = body.strip()
    if len(body) <= EMAIL_TEXT_LENGTH:
        return body
    cut = body[:EMAIL_TEXT_LENGTH].rsplit(maxsplit=1)[0]
    return cut + "…"
