"""Closing a master-class that has ended and issuing its certificates, once."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community import services as community
from community.recognition import badges_check
from masterclasses import kinds
from masterclasses.changes import masterclass_finished
from masterclasses.models import Certificate, MasterClass, Registration
from masterclasses.permissions import can_moderate_masterclasses, is_host


def _participants(masterclass: MasterClass, *statuses: str):
    return (
        Registration.objects.filter(masterclass=masterclass, status__in=statuses)
        .select_related("user")
        .order_by("pk")
    )


def _certificate(masterclass: MasterClass, user, kind: str) -> Certificate | None:
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                masterclass=masterclass,
                user=user,
                kind=kind,
                number=f"tmp-{user.pk}-{masterclass.pk}-{kind}"[:20],
                holder_name=user.profile.shown_name,
            )
    except IntegrityError:
        return None  # issued already (a second run)
    certificate.number = f"МК-{certificate.issued_at:%Y}-{certificate.pk:06d}"
    certificate.save(update_fields=["number"])
    community.notify(
        recipient=user,
        kind=kinds.CERTIFICATE,
        target=certificate,
        target_title=masterclass.title,
        url=certificate.get_absolute_url(),
        group=False,
    )
    return certificate


@transaction.atomic
def masterclass_finish(*, masterclass: MasterClass, actor=None) -> list[Certificate]:
    """Close a master-class that has ended and issue its certificates, once.

    Attendees get one of participation, hosts one of conducting. Running it
    again issues only what is missing.
    """
    if actor is not None and not (
        is_host(actor, masterclass) or can_moderate_masterclasses(actor)
    ):
        raise PermissionDenied
    masterclass = MasterClass.objects.select_for_update().get(pk=masterclass.pk)
    if masterclass.status not in (
        MasterClass.Status.PUBLISHED,
        MasterClass.Status.FINISHED,
    ):
        raise ValidationError(
            _("Only a held master-class can be finished."), code="status"
        )
    if timezone.now() < masterclass.ends_at:
        raise ValidationError(_("The master-class has not ended yet."), code="early")
    if masterclass.status != MasterClass.Status.FINISHED:
        masterclass.status = MasterClass.Status.FINISHED
        masterclass.save(update_fields=["status", "updated_at"])
    issued = []
    attendees = _participants(masterclass, Registration.Status.REGISTERED).filter(
        attended=True
    )
    for registration in attendees.select_related("user__profile"):
        issued.append(
            _certificate(masterclass, registration.user, Certificate.Kind.PARTICIPATION)
        )
    for host in [masterclass.host, *masterclass.cohosts.all()]:
        issued.append(_certificate(masterclass, host, Certificate.Kind.CONDUCTING))
        badges_check(user=host)
    for registration in attendees:
        badges_check(user=registration.user)
    masterclass_finished(masterclass)
    return [certificate for certificate in issued if certificate is not None]


def masterclasses_finish_due(*, now: datetime.datetime | None = None) -> int:
    """Beat: finish every published master-class that ended an hour ago or more."""
    now = now or timezone.now()
    due = MasterClass.objects.filter(
        status=MasterClass.Status.PUBLISHED,
        ends_at__lte=now - datetime.timedelta(hours=1),
    )
    count = 0
    for masterclass in due:
        masterclass_finish(masterclass=masterclass)
        count += 1
    return count
