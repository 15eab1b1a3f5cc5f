"""Seats and the waitlist: registering, giving a seat back, where one stands."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from community import services as community
from community.sanctions import participation_check
from masterclasses import kinds
from masterclasses.changes import registrations_changed
from masterclasses.models import MasterClass, Registration
from masterclasses.permissions import can_register
from masterclasses.services._common import _promote


def registration_window_error(masterclass: MasterClass, now=None) -> str:
    """Why registering is closed now, or "" when it is open."""
    now = now or timezone.now()
    if masterclass.registration_opens_at and now < masterclass.registration_opens_at:
        return _("Registration has not opened yet.")
    closes = masterclass.registration_closes_at or masterclass.ends_at
    if now >= closes:
        return _("Registration is closed.")
    return ""


@transaction.atomic
def register(*, masterclass: MasterClass, user) -> Registration:
    """Take a seat, or a place on the waitlist when the seats are gone.

    The master-class's row is locked, so that parallel requests never give
    more seats than there are. Raises ValidationError: outside the window,
    already registered or waiting, a host, not published.
    """
    participation_check(user)
    masterclass = MasterClass.objects.select_for_update().get(pk=masterclass.pk)
    if not can_register(user, masterclass):
        raise ValidationError(
            _("Registration is not possible for this master-class."), code="closed"
        )
    error = registration_window_error(masterclass)
    if error:
        raise ValidationError(error, code="window")
    now = timezone.now()
    existing = Registration.objects.filter(masterclass=masterclass, user=user).first()
    if existing is not None and existing.status != Registration.Status.CANCELLED:
        raise ValidationError(
            _("You are already registered.")
            if existing.status == Registration.Status.REGISTERED
            else _("You are already on the waitlist."),
            code="twice",
        )
    full = (
        masterclass.capacity is not None
        and masterclass.registered_count >= masterclass.capacity
    )
    status = Registration.Status.WAITLISTED if full else Registration.Status.REGISTERED
    registration = existing or Registration(masterclass=masterclass, user=user)
    registration.status = status
    registration.queued_at = now
    registration.cancelled_at = None
    registration.save()
    counter = "waitlist_count" if full else "registered_count"
    MasterClass.objects.filter(pk=masterclass.pk).update(**{counter: F(counter) + 1})
    community.notify(
        recipient=user,
        kind=kinds.WAITLISTED if full else kinds.REGISTERED,
        target=masterclass,
        target_title=masterclass.title,
        url=masterclass.get_absolute_url(),
        group=False,
    )
    registrations_changed(masterclass)
    return registration


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != Registration.Status.WAITLISTED:
        return None
    return (
        Registration.objects.filter(
            masterclass_id=registration.masterclass_id,
            status=Registration.Status.WAITLISTED,
            queued_at__lt=registration.queued_at,
        ).count()
        + 1
    )


@transaction.atomic
def registration_cancel(*, masterclass: MasterClass, user) -> Registration:
    """Give the seat back (the first waiting colleague gets it), or stop waiting."""
    masterclass = MasterClass.objects.select_for_update().get(pk=masterclass.pk)
    registration = (
        Registration.objects.select_for_update()
        .filter(masterclass=masterclass, user=user)
        .exclude(status=Registration.Status.CANCELLED)
        .first()
    )
    if registration is None:
        raise ValidationError(_("You are not registered."), code="not_registered")
    if timezone.now() >= masterclass.ends_at:
        raise ValidationError(_("The master-class is over."), code="over")
    counter = (
        "registered_count"
        if registration.status == Registration.Status.REGISTERED
        else "waitlist_count"
    )
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    MasterClass.objects.filter(pk=masterclass.pk).update(**{counter: F(counter) - 1})
    if (
        counter == "registered_count"
        and masterclass.status == MasterClass.Status.PUBLISHED
    ):
        _promote(masterclass)
    registrations_changed(masterclass)
    return registration
