"""What conversations tell the moderators' side and the account's: reports, data.

Private by consent: staff read no conversation nobody reported. A
participant reports a message (key "message"); the report is named «Message
no. N» — never its text nor the conversation's subject — and the moderators
who may resolve it read the message and a few around it only on the report's
context page (``views_moderation.report_context``), which puts each opening
on record in the audit log. The member's messages are in their data export
and their conversations are let go of when the account is deleted
(``conversations.account_data``).

This module reaches the services only inside the functions it registers.
"""

from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# The report kind's key (the report form's address: /report/message/<pk>/).
REPORT_KEY = "message"
# The audit log's code for a moderator's reading of a report's context.
CONTEXT_OPENED = "message_context_opened"


def messages_visible_to(user) -> QuerySet:
    """The text messages ``user`` may read as a participant: all of a
    conversation they take part in (ACTIVE, a REQUEST waiting for them), up
    to ``visible_until`` of one they left, were removed from or answered by
    ignoring or reporting it. Deleted messages (no text) are not listed;
    nobody else's, whatever their role on the site."""
    from conversations.models import Message, Participant

    if not (user.is_authenticated and user.is_active):
        return Message.objects.none()
    reads = Participant.objects.filter(
        conversation_id=OuterRef("conversation_id"), user_id=user.pk
    ).filter(Q(visible_until__isnull=True) | Q(visible_until__gte=OuterRef("number")))
    return Message.objects.filter(
        Exists(reads), kind=Message.Kind.TEXT, deleted_at__isnull=True
    )


def message_title(message: Model) -> str:
    """How the reporter and the moderators see a reported message named: its
    number only (no text, no subject)."""
    return gettext("Message no. %(number)d") % {"number": message.number}


def report_context_url(report: Model) -> str:
    """Where a moderator reads a reported message in its context."""
    return reverse("conversations:report_context", args=[report.pk])


def _hide(message, moderator, reason: str):
    from conversations import services

    return services.message_hide(message=message, moderator=moderator, reason=reason)


def _hide_by_reports(message, hidden: bool):
    from conversations import services

    return services.message_hide_by_reports(message, hidden)


def register() -> None:
    register_privacy()
    register_reports()
    register_audit_actions()
    register_account_data()


def register_privacy() -> None:
    """Staff lists name no conversation or message by its title."""
    from community.privacy import private_model_register
    from conversations.models import Conversation, Message

    private_model_register(Conversation)
    private_model_register(Message)


def register_reports() -> None:
    from community.reports import reportable_register
    from conversations.models import Message

    reportable_register(
        Message,
        key=REPORT_KEY,
        label=_("Message"),
        visible_to=messages_visible_to,
        owner_id=lambda message: message.author_id,
        hide=_hide,
        auto_hide=_hide_by_reports,
        title=message_title,
        context_url=report_context_url,
    )


def register_audit_actions() -> None:
    from community.notifications import audit_actions_register

    audit_actions_register(
        {CONTEXT_OPENED: _("conversation around a reported message read")}
    )


def register_account_data() -> None:
    from accounts.account_data import account_data_register
    from conversations import account_data

    account_data_register(
        key="conversations",
        export=account_data.member_export,
        erase=account_data.member_erase,
    )
