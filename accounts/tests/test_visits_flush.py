"""Visit times: noted in the cache by requests, written to the rows by beat."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services import members
from accounts.tasks import visits_flush_task
from accounts.tests.factories import UserFactory
from community import pending
from forums.models import Topic
from forums.tests.factories import TopicFactory

pytestmark = pytest.mark.django_db

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def _ago(minutes: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=minutes)


def _signed_in_away(minutes: float) -> tuple[User, Client, datetime.datetime]:
    """A member whose last request was ``minutes`` ago, with a signed-in client."""
    user = UserFactory()
    client = Client()
    client.force_login(user)
    visits_flush_task()
    ended = _ago(minutes)
    User.objects.filter(pk=user.pk).update(last_seen_at=ended, previous_visit_at=None)
    cache.clear()
    return user, client, ended


def test_a_request_after_a_pause_writes_nothing_until_the_task_runs():
    user, client, ended = _signed_in_away(minutes=45)

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("forums:index"))

    assert [q["sql"] for q in queries if WRITE.match(q["sql"])] == []
    user.refresh_from_db()
    assert (user.last_seen_at, user.previous_visit_at) == (ended, None)

    assert visits_flush_task() == 1
    user.refresh_from_db()
    assert user.previous_visit_at == ended
    assert user.last_seen_at > _ago(1)


def test_new_since_my_last_visit_counts_from_the_visit_before_it_is_written():
    _user, client, _ended = _signed_in_away(minutes=45)
    fresh = TopicFactory(title="После прошлого визита")
    old = TopicFactory(title="До прошлого визита")
    Topic.objects.filter(pk=fresh.pk).update(last_post_at=_ago(20))
    Topic.objects.filter(pk=old.pk).update(last_post_at=_ago(120))

    response = client.get(reverse("forums:new"))
    again = client.get(reverse("forums:new"))  # the next request, still unwritten

    for page in (response, again):
        assert [t.title for t in page.context["page_obj"]] == ["После прошлого визита"]


def test_the_task_twice_writes_once_and_never_goes_back_in_time():
    user, client, ended = _signed_in_away(minutes=45)
    client.get(reverse("home"))
    visits_flush_task()
    user.refresh_from_db()
    written = (user.last_seen_at, user.previous_visit_at)
    # A stale visit in the cache (older than the row) is marked again.
    cache.set(f"visit:{user.pk}", (ended, None), 60)
    pending.mark(members.VISITS, user.pk)

    assert visits_flush_task() == 1
    assert visits_flush_task() == 0
    user.refresh_from_db()
    assert (user.last_seen_at, user.previous_visit_at) == written


def test_login_starts_the_visit_in_the_cache_and_the_task_writes_it():
    user = UserFactory()
    User.objects.filter(pk=user.pk).update(last_seen_at=_ago(90))
    user.refresh_from_db()
    ended = user.last_seen_at

    Client().force_login(user)
    user.refresh_from_db()
    assert user.previous_visit_at is None

    visits_flush_task()
    user.refresh_from_db()
    assert user.previous_visit_at == ended
    assert user.last_seen_at > _ago(1)
