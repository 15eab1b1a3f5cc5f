"""The Celery app and the community tasks (eager in tests, as on an embedded site)."""

import os
import smtplib
import subprocess
import sys
from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.conf import settings
from django.core import mail
from django.utils import timezone
from kombu.serialization import dumps, loads

from community.celery import app
from community.models import Heartbeat
from community.tasks import email_send_task, heartbeat_record_task
from community.tests.conftest import FlakySMTPBackend

pytestmark = pytest.mark.django_db

MESSAGE = {
    "subject": "Новый ответ в теме «ОГЭ по математике»",
    "body": "Коллега ответил вам.",
    "to": ["teacher@school.example"],
    "html": "<p>Коллега <strong>ответил</strong> вам.</p>",
}


def test_celery_app_accepts_only_json():
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_serializer == "json"
    assert app.conf.result_serializer == "json"


def test_celery_app_uses_database_scheduler_for_beat():
    assert app.conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    schedule = app.conf.beat_schedule["worker-heartbeat"]
    assert schedule["task"] == "community.tasks.heartbeat_record_task"


def test_celery_app_limits_task_time():
    assert app.conf.task_soft_time_limit > 0
    assert app.conf.task_time_limit > app.conf.task_soft_time_limit
    # An unacknowledged (acks_late) task is redelivered only after it must have died.
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    assert visibility > app.conf.task_time_limit


def test_celery_app_autodiscovers_community_tasks():
    # In a fresh process, so that nothing here has imported community.tasks yet.
    script = (
        "import sys, django; django.setup()\n"
        "from community.celery import app\n"
        "assert 'community.tasks' not in sys.modules\n"
        "app.loader.import_default_modules()\n"
        "print(sorted(name for name in app.tasks if name.startswith('community.')))\n"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env={
            "PATH": os.environ.get("PATH", ""),
            "DJANGO_SETTINGS_MODULE": "community.settings.test",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    tasks = result.stdout.strip()
    assert "'community.tasks.email_send_task'" in tasks
    assert "'community.tasks.heartbeat_record_task'" in tasks


def test_heartbeat_record_task_creates_worker_heartbeat():
    heartbeat_record_task.delay()

    heartbeat = Heartbeat.objects.get()
    assert heartbeat.name == "worker"
    assert timezone.now() - heartbeat.seen_at < timedelta(minutes=1)


def test_heartbeat_record_task_twice_updates_the_one_row():
    long_ago = timezone.now() - timedelta(days=1)
    Heartbeat.objects.create(name="worker", seen_at=long_ago)

    heartbeat_record_task.delay()
    heartbeat_record_task.delay()

    heartbeat = Heartbeat.objects.get()
    assert heartbeat.seen_at > long_ago + timedelta(hours=23)


def test_heartbeat_record_task_keeps_one_row_per_name():
    heartbeat_record_task.delay()
    heartbeat_record_task.delay(name="beat")
    heartbeat_record_task.delay()

    assert sorted(Heartbeat.objects.values_list("name", flat=True)) == [
        "beat",
        "worker",
    ]


def test_email_send_task_sends_mail_with_html_alternative():
    email_send_task.delay(**MESSAGE)

    [message] = mail.outbox
    assert message.subject == MESSAGE["subject"]
    assert message.body == MESSAGE["body"]
    assert message.to == MESSAGE["to"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert [tuple(alternative) for alternative in message.alternatives] == [
        (MESSAGE["html"], "text/html")
    ]


def test_email_send_task_without_html_sends_plain_text_only():
    email_send_task.delay(**{**MESSAGE, "html": ""})

    [message] = mail.outbox
    assert message.alternatives == []


def test_email_send_task_arguments_survive_json():
    # What the broker carries: keyword arguments serialised with the task serializer.
    kwargs = {**MESSAGE, "headers": {"List-Id": "forum.kollegi"}}
    content_type, encoding, body = dumps(kwargs, serializer=app.conf.task_serializer)

    email_send_task.apply(kwargs=loads(body, content_type, encoding))

    [message] = mail.outbox
    assert message.extra_headers == {"List-Id": "forum.kollegi"}
    assert message.subject == MESSAGE["subject"]


def test_email_send_task_retry_policy():
    assert smtplib.SMTPException in email_send_task.autoretry_for
    assert OSError in email_send_task.autoretry_for  # connection refused, timeouts
    assert email_send_task.max_retries >= 5
    assert email_send_task.retry_backoff
    assert email_send_task.retry_backoff_max >= 10 * 60
    assert email_send_task.retry_jitter is True
    assert email_send_task.acks_late is True


def test_email_send_task_smtp_failure_schedules_a_retry(smtp_failing):
    smtp_failing(1)

    # In tests errors of eager tasks propagate: the retry is raised, not lost.
    with pytest.raises(Retry) as raised:
        email_send_task.delay(**MESSAGE)

    assert isinstance(raised.value.exc, smtplib.SMTPServerDisconnected)
    assert 0 <= raised.value.when <= email_send_task.retry_backoff
    assert raised.value.sig.options["retries"] == 1
    assert raised.value.sig.kwargs == MESSAGE
    assert mail.outbox == []


def test_email_send_task_is_sent_once_smtp_recovers(
    smtp_failing, eager_errors_kept_in_result
):
    smtp_failing(2)

    # apply() runs the retries at once, without waiting for the countdown.
    result = email_send_task.apply(kwargs=MESSAGE)

    assert result.state == "SUCCESS"
    assert FlakySMTPBackend.attempts == 3
    assert len(mail.outbox) == 1


def test_email_send_task_gives_up_with_the_smtp_error_after_max_retries(
    smtp_failing, eager_errors_kept_in_result
):
    smtp_failing(100)

    result = email_send_task.apply(kwargs=MESSAGE)

    assert result.state == "FAILURE"
    assert isinstance(result.result, smtplib.SMTPServerDisconnected)
    assert FlakySMTPBackend.attempts == 1 + email_send_task.max_retries
    assert mail.outbox == []
