"""Visit times: what "new since my last visit" counts from."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import User
from accounts.tasks import visits_flush_task
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _at(user, minutes_ago: float) -> None:
    """The member's last request was so long ago (in the row; nothing in the cache)."""
    visits_flush_task()
    moment = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    User.objects.filter(pk=user.pk).update(last_seen_at=moment)
    cache.clear()
    user.refresh_from_db()


def test_first_visit_has_no_previous_one():
    user = UserFactory()

    services.visit_touch(user=user)
    visits_flush_task()

    user.refresh_from_db()
    assert user.last_seen_at is not None
    assert user.previous_visit_at is None


def test_reading_on_moves_only_last_seen_and_not_on_every_request():
    user = UserFactory()
    _at(user, minutes_ago=5)
    seen_before = user.last_seen_at

    services.visit_touch(user=user)
    visits_flush_task()
    user.refresh_from_db()
    moved = user.last_seen_at
    services.visit_touch(user=user)  # a moment later: nothing is written
    visits_flush_task()
    user.refresh_from_db()

    assert moved > seen_before
    assert user.last_seen_at == moved
    assert user.previous_visit_at is None


def test_a_pause_starts_a_new_visit_from_where_the_last_ended():
    user = UserFactory()
    _at(user, minutes_ago=45)
    ended = user.last_seen_at

    services.visit_touch(user=user)
    visits_flush_task()

    user.refresh_from_db()
    assert user.previous_visit_at == ended
    assert user.last_seen_at > ended


def test_requests_and_logins_touch_the_visit(client):
    user = UserFactory()
    _at(user, minutes_ago=90)
    ended = user.last_seen_at

    client.force_login(user)
    visits_flush_task()
    user.refresh_from_db()
    assert user.previous_visit_at == ended

    _at(user, minutes_ago=3)
    client.get(reverse("home"))
    visits_flush_task()
    user.refresh_from_db()
    assert user.last_seen_at > timezone.now() - datetime.timedelta(minutes=1)


def test_anonymous_requests_write_nothing():
    with CaptureQueriesContext(connection) as queries:
        Client().get(reverse("forums:index"))

    assert not [query for query in queries if "UPDATE" in query["sql"].upper()]
