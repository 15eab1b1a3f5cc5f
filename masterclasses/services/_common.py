"""Helpers more than one of the services' modules needs (private)."""

from django.db.models import F
from django.utils import timezone

from community import services as community
from masterclasses import kinds
from masterclasses.models import MasterClass, Registration


def _promote(masterclass: MasterClass) -> list[Registration]:
    """Fill free seats from the waitlist, first come first served (row locked)."""
    masterclass.refresh_from_db(
        fields=["registered_count", "waitlist_count", "capacity"]
    )
    promoted = []
    while (
        masterclass.capacity is None
        or masterclass.registered_count < masterclass.capacity
    ):
        first = (
            Registration.objects.select_for_update()
            .filter(masterclass=masterclass, status=Registration.Status.WAITLISTED)
            .order_by("queued_at", "pk")
            .first()
        )
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
