"""A member's conversations in their data export, and let go of with the account.

Registered with ``accounts.account_data`` (``hooks_moderation``). The export
holds the member's own messages — not the others', which are theirs — and
their message settings. Deleting the account withdraws the questions they
asked a consultation line, takes them out of every conversation and deletes
their settings; the messages they wrote stay for those who still read them,
under "deleted member" (``accounts.models.Profile.shown_name``).
"""

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from conversations import changes
from conversations.models import (
    Conversation,
    Message,
    MessageSettings,
    Participant,
    Question,
)
from conversations.permissions import message_settings_of

EXPORT_FILE = "messages.json"


def member_export(user) -> dict[str, object]:
    """``messages.json``: the member's text messages not deleted, oldest
    first (the conversation's subject, the number, when sent and edited, the
    text as written) and their message settings. Two queries."""
    messages = [
        {
            "conversation": row["conversation__subject"],
            "number": row["number"],
            "sent": row["created_at"],
            "edited": row["edited_at"],
            "body": row["body"],
        }
        for row in Message.objects.filter(
            author_id=user.pk, kind=Message.Kind.TEXT, deleted_at__isnull=True
        )
        .order_by("created_at", "pk")
        .values("conversation__subject", "number", "created_at", "edited_at", "body")
    ]
    settings = message_settings_of(user)
    return {
        EXPORT_FILE: {
            "messages": messages,
            "settings": {
                "who_may_write": settings.who_may_write,
                "read_receipts": settings.read_receipts,
            },
        }
    }


@transaction.atomic
def member_erase(user) -> None:
    """Let go of the member's conversations (called by
    ``accounts.services.account_delete`` while the account is still active).

    Questions they asked that wait or are being answered are withdrawn; they
    leave every conversation they take part in as a participant leaves
    (``services.conversation_leave``: the others see that they left, a group
    they owned passes on); a request waiting for them is closed silently
    (LEFT, reading up to the last message as it is now); their message
    settings are deleted. Their messages stay.
    """
    from conversations import services
    from conversations.services import lines

    for question in Question.objects.filter(
        asker_id=user.pk,
        status__in=[Question.Status.OPEN, Question.Status.TAKEN],
    ).select_related("conversation"):
        lines.question_withdraw(question=question, user=user)
    for participant in Participant.objects.filter(
        user_id=user.pk, status=Participant.Status.ACTIVE
    ).select_related("conversation"):
        services.conversation_leave(conversation=participant.conversation, user=user)
    waiting = list(
        Participant.objects.filter(
            user_id=user.pk, status=Participant.Status.REQUEST
        ).select_related("conversation")
    )
    if waiting:
        Participant.objects.filter(pk__in=[item.pk for item in waiting]).update(
            status=Participant.Status.LEFT,
            visible_until=Subquery(
                Conversation.objects.filter(pk=OuterRef("conversation_id")).values(
                    "last_number"
                )[:1]
            ),
            left_at=timezone.now(),
        )
        for item in waiting:
            changes.participants_changed(item.conversation, [user.pk])
    MessageSettings.objects.filter(user_id=user.pk).delete()
