"""A member's choices for messages: who may write to them, read receipts."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from conversations import changes
from conversations.models import MessageSettings, WhoMayWrite

__all__ = ["message_settings_set"]


@transaction.atomic
def message_settings_set(
    *, user, who_may_write: str, read_receipts: bool
) -> MessageSettings:
    """Keep the member's choices (a suspended or banned member may too).

    Raises ValidationError(code="choice") for a ``who_may_write`` not among
    ``WhoMayWrite``.
    """
    if who_may_write not in WhoMayWrite.values:
        raise ValidationError(_("Choose who may write to you."), code="choice")
    choices, _created = MessageSettings.objects.update_or_create(
        user=user,
        defaults={"who_may_write": who_may_write, "read_receipts": bool(read_receipts)},
    )
    changes.settings_changed(user)
    return choices
