"""Review reminders and releases when a worker dies: each e-mail once, never lost.

``review_deadlines_run`` claims an assignment (``reminded_at``, or the status
moved to expired) in one transaction with the notification, so a worker killed
before the commit leaves nothing and the next hourly run claims again. What a
dead worker can leave is the e-mail, queued after the commit: the sweep sends
it once its claim is stale, and only once.
"""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from accounts import services as accounts
from accounts.tests.factories import UserFactory
from community import claims
from community import services as community
from community.models import Notification, Subject
from community.tasks import notification_email_task
from materials import kinds, services
from materials.models import ReviewAssignment
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db


def _later() -> datetime.datetime:
    """When every worker that was running now is dead (the claim cutoff passed)."""
    return (
        timezone.now()
        + claims.claim_lifetime()
        + claims.CLAIM_MARGIN
        + datetime.timedelta(seconds=1)
    )


def _assignment() -> ReviewAssignment:
    reviewer = UserFactory()
    reviewer.profile.subjects.set([Subject.objects.get(slug="mathematics")])
    reviewer = accounts.user_grant_role(user=reviewer, role=accounts.EXPERTS)
    material = MaterialFactory()
    round_ = services.review_request(material=material, author=material.author)
    return services.review_take(round_=round_, reviewer=reviewer)


def _deadline_passed(kind: str, settings) -> ReviewAssignment:
    """The hourly run reminded or released the reviewer; the e-mail's task
    never ran (no after-commit callbacks here: the worker died first)."""
    settings.MATERIALS_REVIEW_DAYS = 14
    settings.MATERIALS_REVIEW_REMINDER_DAYS = 3
    assignment = _assignment()
    # The request and the assignment were read on the site: no e-mail owed.
    Notification.objects.update(read_at=timezone.now())
    days = 12 if kind == kinds.REVIEW_REMINDER else 15
    reminded, expired = services.review_deadlines_run(
        now=timezone.now() + datetime.timedelta(days=days)
    )
    assert (reminded, expired) == ((1, 0) if kind == kinds.REVIEW_REMINDER else (0, 1))
    assert mail.outbox == []
    return assignment


@pytest.mark.parametrize("kind", [kinds.REVIEW_REMINDER, kinds.REVIEW_EXPIRED])
def test_review_email_whose_task_was_lost_is_sent_once_by_the_sweep(kind, settings):
    assignment = _deadline_passed(kind, settings)

    assert community.notification_emails_sweep() == 0  # its task may still come
    community.notification_emails_sweep(now=_later())
    community.notification_emails_sweep(now=_later())

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [assignment.reviewer.email]
    notification = Notification.objects.get(recipient=assignment.reviewer, kind=kind)
    assert notification.emailed_at is not None


@pytest.mark.parametrize("kind", [kinds.REVIEW_REMINDER, kinds.REVIEW_EXPIRED])
def test_review_email_claimed_by_a_dead_task_is_sent_once(kind, settings):
    assignment = _deadline_passed(kind, settings)
    notification = Notification.objects.get(recipient=assignment.reviewer, kind=kind)
    Notification.objects.filter(pk=notification.pk).update(
        email_claimed_at=claims.claim_cutoff() - datetime.timedelta(seconds=1)
    )

    notification_email_task.delay(notification.pk)  # redelivered
    notification_email_task.delay(notification.pk)
    community.notification_emails_sweep(now=_later())

    assert len(mail.outbox) == 1


def test_review_email_of_a_live_task_is_not_sent_again(settings):
    assignment = _deadline_passed(kinds.REVIEW_EXPIRED, settings)
    notification = Notification.objects.get(
        recipient=assignment.reviewer, kind=kinds.REVIEW_EXPIRED
    )
    Notification.objects.filter(pk=notification.pk).update(
        email_claimed_at=timezone.now()
    )

    notification_email_task.delay(notification.pk)
    community.notification_emails_sweep()

    assert mail.outbox == []
