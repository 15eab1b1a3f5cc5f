"""Reminders and certificates when a worker dies: each e-mail once, never lost.

The claim on a registration (``reminded_*_at``) and on a certificate commit
in one transaction with the notification, so a worker killed before the
commit leaves nothing behind and the next beat run claims again. What a dead
worker can leave is the e-mail: queued after the commit, its task lost or
killed. The sweep sends it once its claim is stale, and only once.
"""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from accounts import services as accounts
from accounts.models import NotificationSetting
from community import claims
from community import services as community
from community.models import Notification
from community.tasks import notification_email_task
from masterclasses import kinds, services
from masterclasses.models import Registration
from masterclasses.tests.factories import MasterClassFactory

pytestmark = pytest.mark.django_db


def _in(**kwargs) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(**kwargs)


def _later() -> datetime.datetime:
    """When every worker that was running now is dead (the claim cutoff passed)."""
    return (
        timezone.now()
        + claims.claim_lifetime()
        + claims.CLAIM_MARGIN
        + datetime.timedelta(seconds=1)
    )


def _reminded(member, kind: str) -> Notification:
    """A reminder claimed and recorded; its e-mail's task never ran (these
    tests run no after-commit callbacks: the worker died before enqueueing)."""
    masterclass = MasterClassFactory(starts_at=_in(hours=30), ends_at=_in(hours=31))
    services.register(masterclass=masterclass, user=member)
    if kind == kinds.REMINDER_DAY:
        when = masterclass.starts_at - datetime.timedelta(hours=23)
    else:
        when = masterclass.starts_at - datetime.timedelta(minutes=50)
    assert sum(services.reminders_run(now=when)) == 1
    assert mail.outbox == []
    return Notification.objects.get(recipient=member, kind=kind)


@pytest.mark.parametrize("kind", [kinds.REMINDER_DAY, kinds.REMINDER_HOUR])
def test_reminder_whose_email_task_was_lost_is_emailed_once_by_the_sweep(member, kind):
    _reminded(member, kind)

    assert community.notification_emails_sweep(now=_later()) == 1
    assert community.notification_emails_sweep(now=_later()) == 0

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]


@pytest.mark.parametrize("kind", [kinds.REMINDER_DAY, kinds.REMINDER_HOUR])
def test_reminder_email_claimed_by_a_dead_task_is_sent_once(member, kind):
    notification = _reminded(member, kind)
    Notification.objects.filter(pk=notification.pk).update(
        email_claimed_at=claims.claim_cutoff() - datetime.timedelta(seconds=1)
    )

    notification_email_task.delay(notification.pk)  # redelivered
    notification_email_task.delay(notification.pk)
    community.notification_emails_sweep(now=_later())

    assert len(mail.outbox) == 1


def test_reminder_email_of_a_live_task_is_not_sent_again(member):
    notification = _reminded(member, kinds.REMINDER_DAY)
    Notification.objects.filter(pk=notification.pk).update(
        email_claimed_at=timezone.now()
    )

    assert community.notification_emails_sweep() == 0
    notification_email_task.delay(notification.pk)

    assert mail.outbox == []


def test_certificate_whose_email_task_was_lost_is_emailed_once_by_the_sweep(member):
    accounts.notification_settings_update(
        user=member,
        choices={NotificationSetting.Kind.MASTERCLASSES: "email"},
        digest_frequency="never",
    )
    masterclass = MasterClassFactory(starts_at=_in(hours=-3), ends_at=_in(hours=-2))
    Registration.objects.create(
        masterclass=masterclass, user=member, status="registered", attended=True
    )
    services.masterclasses_finish_due()
    notification = Notification.objects.get(recipient=member, kind=kinds.CERTIFICATE)
    assert notification.email_queued_at is not None

    assert community.notification_emails_sweep() == 0  # its task may still come
    community.notification_emails_sweep(now=_later())
    services.masterclasses_finish_due()
    community.notification_emails_sweep(now=_later())

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    assert member.certificates.count() == 1
