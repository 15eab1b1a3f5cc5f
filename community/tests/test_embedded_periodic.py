"""The embedded default runs beat's schedule in its web process.

Without Redis there is no beat, yet topic views a GET notes in the cache must
reach the lists. `make run` starts runserver with DJANGO_EMBEDDED_PERIODIC,
and its process runs ``CELERY_BEAT_SCHEDULE`` in a thread
(``community.periodic``); the GET itself still writes nothing.
"""

import os
import re
import shutil
import subprocess
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import translation

from community import periodic
from forums.models import Topic
from forums.tests.factories import SectionFactory, TopicFactory

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
VIEWS = 27


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if WRITE.match(q["sql"])]


def _views_in_list(section) -> str:
    with translation.override("ru"):
        page = Client().get(section.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ru")
    assert page.status_code == 200
    found = re.search(r"(\d+) просмотр", page.content.decode())
    assert found, "the list shows no view count"
    return found.group(1)


@pytest.mark.django_db
def test_views_reach_the_list_when_the_schedule_runs_and_the_gets_wrote_nothing():
    section = SectionFactory()
    topic = TopicFactory(section=section)
    visitor = Client()

    with CaptureQueriesContext(connection) as queries:
        for _ in range(VIEWS):
            assert visitor.get(topic.get_absolute_url()).status_code == 200

    assert _writes(queries) == []
    assert Topic.objects.get(pk=topic.pk).view_count == 0
    jobs = periodic.PeriodicJobs(settings.CELERY_BEAT_SCHEDULE, now=0.0)
    # Not yet a minute: nothing is due.
    assert jobs.run_due(59.0) == []

    ran = jobs.run_due(61.0)

    assert "topic-views" in ran
    assert "visits" not in ran  # every 2 minutes
    assert Topic.objects.get(pk=topic.pk).view_count == VIEWS
    assert _views_in_list(section) == str(VIEWS)
    # The next minute finds nothing left to add.
    jobs.run_due(122.0)
    assert Topic.objects.get(pk=topic.pk).view_count == VIEWS


@pytest.mark.django_db
def test_a_failing_job_is_logged_and_the_others_still_run(caplog):
    topic = TopicFactory()
    Client().get(topic.get_absolute_url())
    jobs = periodic.PeriodicJobs(
        {
            "broken": {"task": "community.tests.no_such_task", "schedule": 1.0},
            "topic-views": {
                "task": "forums.tasks.topic_views_flush_task",
                "schedule": 1.0,
            },
        },
        now=0.0,
    )

    assert jobs.run_due(1.0) == ["broken", "topic-views"]
    assert "periodic job broken failed" in caplog.text
    assert Topic.objects.get(pk=topic.pk).view_count == 1


@pytest.mark.django_db(transaction=True)
def test_the_first_request_starts_the_thread_that_writes_the_views(vocabulary):
    if settings.REDIS_URL:
        pytest.skip("with Redis, Celery beat runs the schedule")
    topic = TopicFactory()
    for _ in range(3):
        Client().get(topic.get_absolute_url())
    schedule = {
        "topic-views": {"task": "forums.tasks.topic_views_flush_task", "schedule": 0.2}
    }
    try:
        with override_settings(CELERY_BEAT_SCHEDULE=schedule):
            # As the first request of runserver's process does.
            periodic.start_on_first_request(sender=None)
            assert periodic.periodic_start() is False  # once per process
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                if Topic.objects.get(pk=topic.pk).view_count == 3:
                    break
                time.sleep(0.1)
    finally:
        periodic.periodic_stop()

    assert Topic.objects.get(pk=topic.pk).view_count == 3


@override_settings(REDIS_URL="redis://127.0.0.1:6379/0")
def test_with_redis_beat_runs_the_schedule_not_the_web_process():
    assert periodic.periodic_start() is False


def test_make_run_runs_the_periodic_jobs_in_the_server_process():
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SITE_URL"}
    make = shutil.which("make")
    assert make, "make is one of the README's two commands"
    planned = subprocess.run(  # noqa: S603 - the project's own Makefile
        [make, "-n", "run"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()

    (serve,) = [line for line in planned if "runserver" in line]
    (seed,) = [line for line in planned if "seed_demo" in line]
    assert "DJANGO_EMBEDDED_PERIODIC=1 " in serve
    assert "DJANGO_EMBEDDED_PERIODIC" not in seed
