"""Fixtures of the community layer's tests: an SMTP server that fails on demand."""

import smtplib

import pytest
from django.core.mail.backends.locmem import EmailBackend

from community.celery import app


class FlakySMTPBackend(EmailBackend):
    """The locmem outbox behind an SMTP server that drops the first `failures` sends."""

    failures = 0
    attempts = 0

    def send_messages(self, messages):
        type(self).attempts += 1
        if type(self).attempts <= type(self).failures:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def smtp_failing(settings):
    """Returns a function setting how many sends fail before SMTP recovers."""
    settings.EMAIL_BACKEND = "community.tests.conftest.FlakySMTPBackend"
    FlakySMTPBackend.attempts = 0

    def fail(times: int) -> None:
        FlakySMTPBackend.failures = times

    yield fail
    FlakySMTPBackend.failures = FlakySMTPBackend.attempts = 0


@pytest.fixture
def eager_errors_kept_in_result():
    """Errors of eagerly run tasks stay in the result, as a worker would record them."""
    saved = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    try:
        yield
    finally:
        app.conf.task_eager_propagates = saved
