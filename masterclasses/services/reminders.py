"""Reminders a day and an hour before, each sent once."""

import datetime

from django.db import transaction
from django.db.models import OuterRef, Q
from django.utils import timezone

from community import services as community
from community.audience import Audience, member_of
from masterclasses import kinds
from masterclasses.models import MasterClass, Registration

REMIND_DAY = datetime.timedelta(hours=24)

REMIND_HOUR = datetime.timedelta(hours=1)


def _still_reads() -> Q:
    """Registrations whose member may still read the master-class: a
    community's meeting for its members reminds only those still in it (a
    subquery, asked when the reminders run)."""
    return Q(masterclass__audience__in=[Audience.EVERYONE, Audience.MEMBERS]) | (
        Q(masterclass__audience=Audience.GROUP)
        & member_of(OuterRef("masterclass__group_id"), user_field="user")
    )


def reminders_run(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """E-mail reminders a day and an hour before; each once per registration.

    A conditional update claims the registration before the reminder is
    sent, so a beat task that runs twice sends nothing twice. Those who left
    the community of a meeting for its members are not reminded. Returns
    (day reminders, hour reminders).
    """
    now = now or timezone.now()
    sent = {"reminded_day_at": 0, "reminded_hour_at": 0}
    windows = [
        ("reminded_day_at", now + REMIND_HOUR, now + REMIND_DAY, kinds.REMINDER_DAY),
        ("reminded_hour_at", now, now + REMIND_HOUR, kinds.REMINDER_HOUR),
    ]
    for field, after, until, kind in windows:
        due = Registration.objects.filter(
            _still_reads(),
            status=Registration.Status.REGISTERED,
            masterclass__status=MasterClass.Status.PUBLISHED,
            masterclass__is_hidden=False,
            masterclass__starts_at__gt=after,
            masterclass__starts_at__lte=until,
            **{f"{field}__isnull": True},
        ).select_related("user", "masterclass")
        for registration in due:
            with transaction.atomic():
                claimed = Registration.objects.filter(
                    pk=registration.pk, **{f"{field}__isnull": True}
                ).update(**{field: now})
                if not claimed:
                    continue
                sent[field] += 1
                masterclass = registration.masterclass
                community.notify(
                    recipient=registration.user,
                    kind=kind,
                    target=masterclass,
                    target_title=masterclass.title,
                    url=masterclass.get_absolute_url(),
                    group=False,
                )
    return sent["reminded_day_at"], sent["reminded_hour_at"]
