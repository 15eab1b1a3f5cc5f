"""Addresses and browsers of writes: kept for abuse checks, deleted on time."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import RequestTrace
from forums.tests.factories import TopicFactory

pytestmark = pytest.mark.django_db


def test_an_accepted_write_keeps_address_and_browser(member_client, member):
    topic = TopicFactory()

    member_client.post(
        reverse("forums:reply", args=[topic.pk]),
        {"body": "Ответ"},
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="Mozilla/5.0 (школьный компьютер)",
    )

    trace = RequestTrace.objects.get()
    assert (trace.user, trace.action) == (member, "forums:reply")
    assert trace.ip_address == "203.0.113.7"
    assert "школьный" in trace.user_agent


def test_reads_and_refused_writes_keep_nothing(member_client):
    topic = TopicFactory(is_locked=True)

    member_client.get(topic.get_absolute_url())
    member_client.post(reverse("forums:reply", args=[topic.pk]), {"body": "Ответ"})

    assert not RequestTrace.objects.exists()


def test_behind_a_proxy_the_teachers_address_is_kept(member_client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    topic = TopicFactory()

    member_client.post(
        reverse("forums:reply", args=[topic.pk]),
        {"body": "Ответ"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.4",
    )

    assert RequestTrace.objects.get().ip_address == "198.51.100.4"


def test_purge_deletes_traces_older_than_the_retention(settings, member):
    settings.MODERATION_TRACE_DAYS = 30
    now = timezone.now()
    old = services.trace_record(
        user=member, action="x", ip_address="192.0.2.1", user_agent="a"
    )
    RequestTrace.objects.filter(pk=old.pk).update(
        created_at=now - datetime.timedelta(days=31)
    )
    recent = services.trace_record(
        user=member, action="x", ip_address="192.0.2.2", user_agent="b"
    )

    assert services.traces_purge(now=now) == 1
    assert list(RequestTrace.objects.all()) == [recent]


def test_beat_runs_the_purge_every_night():
    entry = next(
        item
        for item in settings.CELERY_BEAT_SCHEDULE.values()
        if item["task"] == "community.tasks.traces_purge_task"
    )
    assert entry["schedule"] <= 60 * 60 * 24
