"""Helpers more than one of the services' modules needs (private)."""

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from community import services as community
from community.audience import Audience, member_of
from masterclasses import kinds
from masterclasses.models import MasterClass, Registration


def _audience_check(audience: str, group_id: int | None) -> None:
    """An audience of ``community.audience``; a group's needs its group."""
    if audience not in Audience.values:
        raise ValidationError(
            _("Unknown audience: %(audience)s.") % {"audience": audience},
            code="audience",
        )
    if audience == Audience.GROUP and group_id is None:
        raise ValidationError(
            _("Only a community's meeting can be for its members."), code="audience"
        )


def _promote(masterclass: MasterClass) -> list[Registration]:
    """Fill free seats from the waitlist, first come first served (row locked).

    A community's meeting for its members skips those who left it since
    (they keep their place, and are told nothing)."""
    waiting = Registration.objects.filter(
        masterclass=masterclass, status=Registration.Status.WAITLISTED
    )
    if masterclass.audience == Audience.GROUP:
        waiting = waiting.filter(member_of(masterclass.group_id, user_field="user"))
    masterclass.refresh_from_db(
        fields=["registered_count", "waitlist_count", "capacity"]
    )
    promoted = []
    while (
        masterclass.capacity is None
        or masterclass.registered_count < masterclass.capacity
    ):
        first = waiting.select_for_update().order_by("queued_at", "pk").first()
        if first is None:
            break
        first.status = Registration.Status.REGISTERED
        first.promoted_at = timezone.now()
        first.save(update_fields=["status", "promoted_at"])
        masterclass.registered_count += 1
        masterclass.waitlist_count -= 1
        MasterClass.objects.filter(pk=masterclass.pk).update(
            registered_count=F("registered_count") + 1,
            waitlist_count=F("waitlist_count") - 1,
        )
        community.notify(
            recipient=first.user,
            kind=kinds.PROMOTED,
            target=masterclass,
            target_title=masterclass.title,
            url=masterclass.get_absolute_url(),
            group=False,
        )
        promoted.append(first)
    return promoted
