"""Claims left behind by a dead worker: taken over once stale, never sent twice.

A worker killed (SIGKILL, the hard time limit) between taking a row and
finishing its work leaves the row as these tests make it: claimed before the
cutoff, not done. The redelivered task, the beat's sweep, the command and the
admin's "send again" take it over; a fresh claim (its worker may be alive) is
left alone.
"""

import datetime
import io
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts
from accounts.models import NotificationSetting
from accounts.tests.factories import BlogPostFactory, UserFactory
from community import claims, digests, recognition, services
from community.models import BadgeAward, DigestLog, Notification
from community.tasks import (
    badges_evaluate_task,
    badges_nightly_task,
    digest_send_task,
    digests_send_due_task,
    notification_email_task,
    notification_emails_sweep_task,
)

pytestmark = pytest.mark.django_db
Kind = NotificationSetting.Kind


def _stale() -> datetime.datetime:
    """A claim time before the cutoff: its worker is dead by now."""
    return claims.claim_cutoff() - datetime.timedelta(seconds=1)


def _fresh() -> datetime.datetime:
    """A claim time within the task time limit: its worker may be alive."""
    return timezone.now() - datetime.timedelta(seconds=30)


# --- the cutoff, in one place ----------------------------------------------------


def test_claim_cutoff_follows_the_celery_hard_time_limit(settings):
    now = timezone.now()
    settings.CELERY_TASK_TIME_LIMIT = 600

    assert (
        claims.claim_cutoff(now)
        == now - datetime.timedelta(seconds=600) - claims.CLAIM_MARGIN
    )
    assert claims.claim_expired(now - datetime.timedelta(seconds=600), now)
    assert not claims.claim_expired(now - datetime.timedelta(seconds=599), now)


def test_claim_take_lets_one_of_two_takers_win():
    member = _reader()
    log = _left_pending(member, claimed_at=_stale())

    first = claims.claim_take(
        DigestLog, pk=log.pk, field="claimed_at", ready=_pending()
    )
    second = claims.claim_take(
        DigestLog, pk=log.pk, field="claimed_at", ready=_pending()
    )

    assert first is not None
    assert second is None
    log.refresh_from_db()
    assert log.claimed_at == first


# --- digests -----------------------------------------------------------------------


def _reader():
    user = UserFactory(last_login=timezone.now())
    accounts.notification_settings_update(
        user=user, choices={Kind.REPLIES: "digest"}, digest_frequency="daily"
    )
    post = BlogPostFactory(author=user)
    accounts.comment_create(post=post, author=UserFactory(), body="Спасибо!")
    return user


def _today(user) -> datetime.date:
    return digests.period_start_for(
        period="daily", now=timezone.now(), time_zone=user.profile.time_zone
    )


def _left_pending(user, *, claimed_at: datetime.datetime) -> DigestLog:
    """The row as a worker killed while sending leaves it."""
    return DigestLog.objects.create(
        recipient=user, period="daily", period_start=_today(user), claimed_at=claimed_at
    )


def _pending():
    from django.db.models import Q

    return Q(status=DigestLog.Status.PENDING)


def _sent_once(user) -> None:
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    log = DigestLog.objects.get(recipient=user)
    assert log.status == DigestLog.Status.SENT
    assert log.notification_count == 1


def test_digest_left_pending_by_a_dead_worker_is_sent_by_the_redelivered_task():
    member = _reader()
    _left_pending(member, claimed_at=_stale())

    digest_send_task.delay(member.pk, "daily", _today(member).isoformat())
    digest_send_task.delay(member.pk, "daily", _today(member).isoformat())

    _sent_once(member)


def test_digest_left_pending_by_a_dead_worker_is_sent_by_the_hourly_sweep():
    member = _reader()
    _left_pending(member, claimed_at=_stale())

    digests_send_due_task.delay()
    digests_send_due_task.delay()

    _sent_once(member)


def test_digest_left_pending_long_ago_is_not_sent_out_of_the_blue():
    member = _reader()
    _left_pending(member, claimed_at=timezone.now() - datetime.timedelta(days=2))

    assert digests.digests_stale() == []


def test_digest_left_pending_by_a_dead_worker_is_sent_by_send_digests_everyone():
    member = _reader()
    _left_pending(member, claimed_at=_stale())

    call_command("send_digests", "--everyone", stdout=io.StringIO())
    call_command("send_digests", "--everyone", stdout=io.StringIO())

    _sent_once(member)


def test_digest_left_pending_by_a_dead_worker_is_sent_by_the_admins_send_again(
    client,
):
    member = _reader()
    log = _left_pending(member, claimed_at=_stale())
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post(
        reverse("admin:community_digestlog_changelist"),
        {"action": "send_again", "_selected_action": [log.pk]},
    )

    assert response.status_code == 302
    _sent_once(member)


def test_digest_claimed_by_a_live_worker_is_left_alone(client):
    member = _reader()
    log = _left_pending(member, claimed_at=_fresh())
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    digest_send_task.delay(member.pk, "daily", _today(member).isoformat())
    digests_send_due_task.delay()
    call_command("send_digests", "--everyone", stdout=io.StringIO())
    client.post(
        reverse("admin:community_digestlog_changelist"),
        {"action": "send_again", "_selected_action": [log.pk]},
    )

    assert mail.outbox == []
    log.refresh_from_db()
    assert log.status == DigestLog.Status.PENDING


def test_a_run_that_outlived_its_claim_does_not_send(settings):
    settings.CELERY_TASK_TIME_LIMIT = 0  # every claim is already too old to use
    member = _reader()

    result = digests.digest_send(
        user=member, language="ru", period="daily", period_start=_today(member)
    )

    assert result is None
    assert mail.outbox == []
    assert DigestLog.objects.get(recipient=member).status == DigestLog.Status.PENDING


# --- e-mails of notifications (reminders, releases, certificates, replies ...) ----


def _email_owed(user) -> Notification:
    """A notification whose e-mail was queued; its task never ran (the tests
    run no after-commit callbacks, as when the worker died before enqueueing)."""
    accounts.notification_settings_update(
        user=user, choices={Kind.FOLLOWERS: "email"}, digest_frequency="never"
    )
    accounts.follow_create(follower=UserFactory(), followee=user)
    notification = Notification.objects.get(recipient=user)
    assert notification.email_queued_at is not None
    return notification


def _age(notification: Notification, **fields: datetime.datetime) -> None:
    Notification.objects.filter(pk=notification.pk).update(**fields)


def test_notification_email_whose_task_was_lost_is_sent_once_by_the_sweep(member):
    notification = _email_owed(member)
    _age(notification, email_queued_at=_stale())

    notification_emails_sweep_task.delay()
    notification_emails_sweep_task.delay()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_notification_email_claimed_by_a_dead_task_is_taken_over_once(member):
    notification = _email_owed(member)
    _age(notification, email_queued_at=_stale(), email_claimed_at=_stale())

    notification_email_task.delay(notification.pk)  # the redelivered task
    notification_emails_sweep_task.delay()
    notification_email_task.delay(notification.pk)

    assert len(mail.outbox) == 1


def test_notification_email_claimed_by_a_live_task_is_left_alone(member):
    notification = _email_owed(member)
    _age(notification, email_queued_at=_stale(), email_claimed_at=_fresh())

    notification_emails_sweep_task.delay()
    notification_email_task.delay(notification.pk)

    assert mail.outbox == []


def test_notification_email_refused_by_smtp_is_left_to_its_retries(member):
    """A failed send is the task's to retry (its backoff, its limit): the sweep
    does not start another chain of retries every five minutes."""
    notification = _email_owed(member)
    with (
        mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages",
            side_effect=smtplib.SMTPRecipientsRefused({member.email: (550, b"no")}),
        ),
        pytest.raises(smtplib.SMTPRecipientsRefused),
    ):
        services.notification_email_send(notification_id=notification.pk)

    later = timezone.now() + datetime.timedelta(hours=2)
    assert services.notification_emails_sweep(now=later) == 0
    # The task's own retry still sends it.
    assert services.notification_email_send(notification_id=notification.pk)
    assert len(mail.outbox) == 1


def test_notification_email_just_queued_is_not_swept(member):
    _email_owed(member)

    assert services.notification_emails_sweep() == 0
    assert mail.outbox == []


def test_notification_read_or_digested_meanwhile_is_not_emailed(member):
    notification = _email_owed(member)
    _age(notification, email_queued_at=_stale(), digested_at=timezone.now())

    notification_emails_sweep_task.delay()
    notification_email_task.delay(notification.pk)

    assert mail.outbox == []


# --- badges --------------------------------------------------------------------------


def _award_left_untold(user, *, awarded_at: datetime.datetime) -> BadgeAward:
    """An award a worker made and was killed before telling the member."""
    badge = recognition.badges_sync()["first-follower"]
    return BadgeAward.objects.create(
        badge=badge, user=user, occurrence=1, awarded_at=awarded_at
    )


def _badge_notifications(user) -> int:
    return Notification.objects.filter(
        recipient=user, kind=recognition.BADGE_AWARDED
    ).count()


def test_badge_awarded_by_a_dead_worker_is_told_once_by_the_redelivered_task():
    member = UserFactory()
    accounts.follow_create(follower=UserFactory(), followee=member)
    award = _award_left_untold(member, awarded_at=_stale())

    badges_evaluate_task.delay([member.pk])
    badges_evaluate_task.delay([member.pk])

    assert _badge_notifications(member) == 1
    award.refresh_from_db()
    assert award.notified_at is not None
    assert BadgeAward.objects.filter(user=member).count() == 1


def test_badge_awarded_by_a_dead_worker_is_told_once_by_the_nightly_run():
    member = UserFactory()
    accounts.follow_create(follower=UserFactory(), followee=member)
    _award_left_untold(member, awarded_at=_stale())

    badges_nightly_task.delay()
    badges_nightly_task.delay()

    assert _badge_notifications(member) == 1


def test_badge_being_awarded_by_a_live_worker_is_not_told_by_another():
    member = UserFactory()
    accounts.follow_create(follower=UserFactory(), followee=member)
    _award_left_untold(member, awarded_at=_fresh())

    badges_evaluate_task.delay([member.pk])

    assert _badge_notifications(member) == 0


def test_badge_revoked_before_it_was_told_is_not_told():
    member = UserFactory()
    award = _award_left_untold(member, awarded_at=_stale())
    BadgeAward.objects.filter(pk=award.pk).update(revoked_at=timezone.now())

    badges_nightly_task.delay()

    assert _badge_notifications(member) == 0


def test_badge_award_and_its_notification_are_recorded_together():
    member = UserFactory()
    accounts.follow_create(follower=UserFactory(), followee=member)

    recognition.badges_evaluate(user_ids=[member.pk])
    recognition.badges_evaluate(user_ids=[member.pk])

    award = BadgeAward.objects.get(user=member, badge__key="first-follower")
    assert award.notified_at is not None
    assert _badge_notifications(member) == 1
