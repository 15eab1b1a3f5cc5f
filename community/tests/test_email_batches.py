"""Notification e-mails go out in batches: one task, one SMTP session and
three queries for many letters, each letter still sent exactly once."""

import datetime
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UserFactory
from community import claims, services
from community.lookups import Ids
from community.models import Notification
from community.tests.races import needs_postgresql, together
from forums.kinds import MENTION

pytestmark = pytest.mark.django_db

MEMBERS = 60


def _owed(django_capture_on_commit_callbacks, count: int = MEMBERS):
    """Notifications of ``count`` members, each owed an e-mail; the tasks
    their commit would enqueue are returned, not run."""
    members = UserFactory.create_batch(count)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notify_many(recipients=members, kind=MENTION, url="/x/", group=False)
    return members, callbacks


def test_a_fanout_enqueues_one_task_for_its_letters(django_capture_on_commit_callbacks):
    _members, callbacks = _owed(django_capture_on_commit_callbacks)

    with mock.patch("community.tasks.notification_emails_task.delay") as delay:
        for callback in callbacks:
            callback()

    assert delay.call_count == 1
    (ids,), _kwargs = delay.call_args
    assert sorted(ids) == sorted(Notification.objects.values_list("pk", flat=True))


def test_more_letters_than_a_batch_take_more_tasks(
    django_capture_on_commit_callbacks, settings
):
    with mock.patch.object(services, "EMAIL_BATCH", 25):
        _members, callbacks = _owed(django_capture_on_commit_callbacks)
        with mock.patch("community.tasks.notification_emails_task.delay") as delay:
            for callback in callbacks:
                callback()

    assert [len(call.args[0]) for call in delay.call_args_list] == [25, 25, 10]


def test_a_batch_sends_every_letter_once_in_three_queries(
    django_capture_on_commit_callbacks,
):
    members, _callbacks = _owed(django_capture_on_commit_callbacks)
    ids = list(Notification.objects.values_list("pk", flat=True))

    with CaptureQueriesContext(connection) as queries:
        sent = services.notification_emails_send(notification_ids=ids)

    # The claim, the rows with both members' profiles, the mark: three.
    assert len(queries) == 3
    assert sent == MEMBERS
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        member.email for member in members
    )
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    # A second run (a task delivered twice) sends nothing.
    assert services.notification_emails_send(notification_ids=ids) == 0
    assert len(mail.outbox) == MEMBERS


def test_smtp_failing_midway_keeps_what_was_sent_and_retries_only_the_rest(
    django_capture_on_commit_callbacks,
):
    _owed(django_capture_on_commit_callbacks, count=5)
    ids = sorted(Notification.objects.values_list("pk", flat=True))
    original = services.email_send
    calls = []

    def third_fails(**kwargs):
        calls.append(kwargs["to"])
        if len(calls) == 3:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return original(**kwargs)

    with (
        mock.patch.object(services, "email_send", third_fails),
        pytest.raises(smtplib.SMTPServerDisconnected, match="unexpectedly"),
    ):
        services.notification_emails_send(notification_ids=ids)

    emailed = Notification.objects.filter(emailed_at__isnull=False)
    assert sorted(emailed.values_list("pk", flat=True)) == ids[:2]
    given_back = Notification.objects.filter(pk__in=ids[2:])
    assert not given_back.filter(email_claimed_at__isnull=False).exists()
    # No longer queued: the sweep leaves them to the task's own retry.
    later = timezone.now() + datetime.timedelta(hours=2)
    assert services.notification_emails_sweep(now=later) == 0

    # The retry sends the three left, not the two sent.
    assert services.notification_emails_send(notification_ids=ids) == 3
    assert len(mail.outbox) == 5


def test_claim_take_many_takes_free_and_stale_rows_only(
    django_capture_on_commit_callbacks,
):
    _owed(django_capture_on_commit_callbacks, count=3)
    free, stale, live = Notification.objects.order_by("pk")
    Notification.objects.filter(pk=stale.pk).update(
        email_claimed_at=claims.claim_cutoff() - datetime.timedelta(seconds=1)
    )
    Notification.objects.filter(pk=live.pk).update(email_claimed_at=timezone.now())

    claimed_at, taken = claims.claim_take_many(
        Notification,
        pks=[free.pk, stale.pk, live.pk],
        field="email_claimed_at",
        ready=services._EMAIL_OWED,
    )

    assert sorted(taken) == sorted([free.pk, stale.pk])
    assert set(
        Notification.objects.filter(email_claimed_at=claimed_at).values_list(
            "pk", flat=True
        )
    ) == {free.pk, stale.pk}


@pytest.mark.django_db(transaction=True)
def test_two_runs_of_one_batch_at_once_send_each_letter_once():
    needs_postgresql()
    members = UserFactory.create_batch(MEMBERS)
    with mock.patch("community.tasks.notification_emails_task.delay"):
        services.notify_many(recipients=members, kind=MENTION, url="/x/", group=False)
    ids = list(Notification.objects.values_list("pk", flat=True))

    raised = together(
        [lambda: services.notification_emails_send(notification_ids=ids)] * 4
    )

    assert raised == [None] * 4
    assert len(mail.outbox) == MEMBERS
    assert len({message.to[0] for message in mail.outbox}) == MEMBERS


def test_any_of_matches_the_keys_given_and_nothing_for_none():
    members = UserFactory.create_batch(3)
    keys = Ids(member.pk for member in members[:2])

    assert set(User.objects.filter(pk__any_of=keys).values_list("pk", flat=True)) == {
        member.pk for member in members[:2]
    }
    assert not User.objects.filter(pk__any_of=Ids()).exists()
    with pytest.raises(TypeError):
        list(User.objects.filter(pk__any_of=[members[0].pk]))
