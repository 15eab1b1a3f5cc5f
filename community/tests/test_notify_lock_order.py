"""Writers of notification rows take them in one order, newest first: a
fan-out adding to a group's lines and an e-mail run claiming or marking the
same lines wait for each other, never deadlock (PostgreSQL only).

Each test holds one line in the test's own transaction, lines up the two
writers behind it in a chosen order, then lets go: the order in which they
take the other line decides whether one waits for the other or both wait
forever (PostgreSQL then ends one with "deadlock detected")."""

import threading
import time
from collections.abc import Callable

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, connections, transaction

from accounts import services as accounts
from accounts.models import NotificationSetting
from accounts.tests.factories import UserFactory
from community import services
from community.models import Notification
from community.tests.races import needs_postgresql
from forums import kinds
from forums import services as forums
from forums.tests.factories import PostFactory, TopicFactory

pytestmark = pytest.mark.django_db(transaction=True)

_sending = threading.Event()


class HeldBackend(EmailBackend):
    """Outbound e-mail that waits until the test lets it go: the e-mail run
    stands between its claim and its marks meanwhile."""

    def send_messages(self, messages):
        _sending.wait(timeout=30)
        return super().send_messages(messages)


def _started(call: Callable[[], object]) -> tuple[threading.Thread, list]:
    """Run ``call`` in a thread on its own connection; what it raised, if
    anything, lands in the list."""
    raised: list = []

    def run() -> None:
        try:
            call()
        except Exception as error:  # reported to the test
            raised.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, raised


def _waiting_for_locks(count: int) -> None:
    """Return once ``count`` other sessions wait for a lock."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            # Within a transaction the statistics are read once: again here.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                "current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0] >= count:
                return
        time.sleep(0.05)
    pytest.fail(f"{count} sessions never waited for a lock")


def _on_the_site(*users) -> None:
    for user in users:
        accounts.notification_settings_update(
            user=user,
            choices={NotificationSetting.Kind.REPLIES: "site"},
            digest_frequency="weekly",
        )


def _line(user, topic) -> int:
    """An unread "new replies" line of the member about the topic."""
    services.notify_many(
        recipients=[user], kind=kinds.REPLY, target=topic, url="/", actor=None
    )
    return Notification.objects.get(recipient=user, kind=kinds.REPLY).pk


def test_a_fanout_telling_watchers_in_several_lines_waits_for_an_email_run(
    vocabulary,
):
    needs_postgresql()
    topic = TopicFactory()
    reader, writer, other = UserFactory.create_batch(3)
    _on_the_site(reader, writer, other)
    for user in (reader, writer, other):
        forums.topic_watch_set(user=user, topic=topic, watching=True)
    older, newer = _line(reader, topic), _line(writer, topic)
    # Two replies nobody was told about: the reader's line counts both, the
    # writer's only the other's, in a second notify_many.
    PostFactory(topic=topic, author=writer, notified_at=None)
    PostFactory(topic=topic, author=other, notified_at=None)

    with transaction.atomic():
        Notification.objects.select_for_update().get(pk=newer)
        # The e-mail run's claim waits first for the newer line...
        run, run_raised = _started(
            lambda: services.notification_emails_send(notification_ids=[older, newer])
        )
        _waiting_for_locks(1)
        # ...the fan-out next, holding none of the topic's lines meanwhile:
        # it takes them all, newest first, before its first notify_many.
        fanout, fanout_raised = _started(lambda: forums.topic_fanout(topic_id=topic.pk))
        _waiting_for_locks(2)
    run.join(timeout=30)
    fanout.join(timeout=30)

    assert run_raised == []
    assert fanout_raised == []
    assert len(mail.outbox) == 2
    counts = dict(
        Notification.objects.filter(
            kind=kinds.REPLY, recipient__in=[reader, writer, other]
        ).values_list("recipient_id", "count")
    )
    assert counts == {reader.pk: 3, writer.pk: 2, other.pk: 1}


def test_an_email_run_marks_its_lines_in_the_order_a_fanout_takes_them(
    settings, vocabulary
):
    needs_postgresql()
    settings.EMAIL_BACKEND = f"{__name__}.HeldBackend"
    _sending.clear()
    topic = TopicFactory()
    first, second = UserFactory.create_batch(2)
    _on_the_site(first, second)
    older, newer = _line(first, topic), _line(second, topic)
    run, run_raised = _started(
        lambda: services.notification_emails_send(notification_ids=[older, newer])
    )
    # The run has claimed both lines and is sending.
    deadline = time.monotonic() + 20
    while Notification.objects.filter(email_claimed_at__isnull=False).count() < 2:
        assert time.monotonic() < deadline, "the e-mail run never claimed"
        time.sleep(0.05)

    with transaction.atomic():
        Notification.objects.select_for_update().get(pk=newer)
        # The fan-out waits first for the newer line, holding none...
        fanout, fanout_raised = _started(
            lambda: services.notify_many(
                recipients=[first, second],
                kind=kinds.REPLY,
                target=topic,
                url="/",
                actor=None,
            )
        )
        _waiting_for_locks(1)
        # ...then the run's mark "e-mailed": it must not take the older line
        # before the newer one, which the fan-out gets first.
        _sending.set()
        _waiting_for_locks(2)
    fanout.join(timeout=30)
    run.join(timeout=30)

    assert fanout_raised == []
    assert run_raised == []
    assert len(mail.outbox) == 2
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    assert set(Notification.objects.values_list("count", flat=True)) == {2}
