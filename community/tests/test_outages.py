"""Services that go away: Redis, the broker, the database.

Redis away (cache and broker at a port where nothing listens) costs speed,
not pages: visitors' pages render from the database, members sign in, read
and write, and a side effect the broker did not take waits in the outbox
until the sweep sends it. The database away is a translated 503 with
``Retry-After``; a bug stays a 500.
"""

import copy
import fnmatch
import time
from contextlib import contextmanager

import pytest
import redis
from django.conf import settings
from django.core import mail
from django.db import connections
from django.test import Client, override_settings
from django.urls import path, reverse
from django.utils import timezone

from accounts.tests.factories import PASSWORD, UserFactory
from community import cache as community_cache
from community import outbox
from community.celery import app as celery_app
from community.models import OutboxTask
from forums import services as forums
from forums.models import Post
from forums.tests.factories import TopicFactory

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: connections are refused at once.
DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture(autouse=True)
def _no_premoderation(settings):
    settings.MODERATION_PREMODERATED_POSTS = 0


@pytest.fixture
def redis_down():
    """The cache (and the sessions it holds) as in production, on a dead Redis."""
    dead = {**settings.REDIS_CACHE, "LOCATION": DEAD_REDIS}
    # Each test finds Redis away itself (no pause left by an earlier test).
    community_cache._paused_until.clear()
    community_cache._writes_dropped.clear()
    # Changing CACHES resets django.core.cache.caches (setting_changed signal).
    with override_settings(
        CACHES={**settings.CACHES, "default": dead},
        REDIS_URL=DEAD_REDIS,
        SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
    ):
        yield


def _reset_publisher() -> None:
    # The app keeps its broker connection pool once made: drop it.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """Tasks go to a broker that refuses connections; back to eager afterwards."""
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.broker_url)
    conf.task_always_eager = False
    conf.broker_url = DEAD_REDIS
    _reset_publisher()
    outbox._broker_paused_until = 0.0  # each test finds the broker away itself

    def back() -> None:
        conf.task_always_eager, conf.broker_url = saved
        _reset_publisher()
        outbox._broker_paused_until = 0.0

    try:
        yield back
    finally:
        back()


@pytest.fixture
def cache_state():
    """No pause and no dropped write left over, before or after the test."""
    community_cache._paused_until.clear()
    community_cache._writes_dropped.clear()
    yield
    community_cache._paused_until.clear()
    community_cache._writes_dropped.clear()


def _later(monkeypatch, seconds: float) -> None:
    """The monotonic clock moves ``seconds`` on: pauses run out."""
    real = time.monotonic
    monkeypatch.setattr(time, "monotonic", lambda: real() + seconds)


def _refused(*args, **kwargs):
    raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:6379.")


class FakeRedis:
    """What the cache needs of redis-py's client, kept in a dict; while
    ``down``, every command is refused as by a stopped Redis."""

    data: dict = {}
    down = False

    def __init__(self, **kwargs) -> None:
        pass

    def _command(self) -> None:
        if FakeRedis.down:
            _refused()

    def set(self, key, value, nx=False, px=None, xx=False) -> bool:
        self._command()
        FakeRedis.data[key] = value
        return True

    def get(self, key):
        self._command()
        return FakeRedis.data.get(key)

    def delete(self, *keys) -> int:
        self._command()
        return sum(FakeRedis.data.pop(key, None) is not None for key in keys)

    def scan_iter(self, match, count=None) -> list:
        self._command()
        return [key for key in list(FakeRedis.data) if fnmatch.fnmatchcase(key, match)]

    def pipeline(self) -> "FakeRedis":
        return self

    def execute(self) -> list:
        return []


@pytest.fixture
def fake_redis_cache(cache_state):
    FakeRedis.data, FakeRedis.down = {}, False
    return community_cache.RedisCache(
        "redis://fake.invalid:6379/0",
        {
            "KEY_PREFIX": "kollegi",
            "OPTIONS": {"REDIS_CLIENT_CLASS": f"{__name__}.FakeRedis"},
        },
    )


def _visitor() -> Client:
    # Errors answered by handler500 come back as responses, as for a browser.
    return Client(raise_request_exception=False)


# --- The cache -------------------------------------------------------------------


def test_cache_with_redis_down_answers_as_an_empty_cache(redis_down):
    from django.core.cache import cache

    assert cache.answering()
    cache.set("a", 1)
    # Found away: left alone for a while, every call answering at once.
    assert not cache.answering()
    assert cache.get("a") is None
    assert cache.get("a", "missing") == "missing"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("a", 1) is True  # allauth's rate-limit lock waits for this
    assert cache.get_or_set("c", lambda: 3) == 3
    with pytest.raises(ValueError, match="missing"):
        cache.incr("a")


def test_cache_back_after_a_dropped_delete_is_emptied_of_our_keys_only(
    fake_redis_cache, monkeypatch, caplog
):
    cache = fake_redis_cache
    cache.set("forums:generation", 1)
    FakeRedis.data["_kombu.binding.celery"] = b"the broker's"
    FakeRedis.down = True

    cache.delete("forums:generation")  # dropped: the old generation stays
    FakeRedis.down = False
    _later(monkeypatch, community_cache.PAUSE + 1)

    assert cache.get("forums:generation") is None
    assert FakeRedis.data == {"_kombu.binding.celery": b"the broker's"}
    assert "emptied after an outage" in caplog.text
    # Emptied once: what is written now stays.
    cache.set("forums:generation", 2)
    assert cache.get("forums:generation") == 2


def test_cache_back_after_an_outage_that_dropped_no_write_keeps_its_keys(
    fake_redis_cache, monkeypatch, caplog
):
    cache = fake_redis_cache
    cache.set("forums:generation", 1)
    FakeRedis.down = True

    assert cache.get("forums:generation") is None
    FakeRedis.down = False
    _later(monkeypatch, community_cache.PAUSE + 1)

    assert cache.get("forums:generation") == 1
    assert "emptied" not in caplog.text


def test_cache_still_away_when_the_pause_ends_is_emptied_when_it_answers(
    fake_redis_cache, monkeypatch
):
    cache = fake_redis_cache
    cache.set("forums:generation", 1)
    FakeRedis.down = True
    cache.set("forums:generation", 2)  # dropped
    _later(monkeypatch, community_cache.PAUSE + 1)

    assert cache.get("forums:generation") is None  # the emptying failed too
    FakeRedis.down = False
    _later(monkeypatch, community_cache.PAUSE + 1)

    assert cache.get("forums:generation") is None


def test_redis_back_after_a_dropped_delete_the_key_is_gone_and_the_broker_kept(
    cache_state, monkeypatch
):
    if not settings.REDIS_URL:
        pytest.skip("needs Redis (REDIS_URL)")
    from django.core.cache import cache
    from django_redis import get_redis_connection

    direct = get_redis_connection("default")
    direct.set("_kombu.binding.outage-test", "the broker's")
    cache.set("session", "signed in")

    with monkeypatch.context() as outage:
        # Redis stops answering: redis-py's client is refused.
        outage.setattr(redis.Redis, "execute_command", _refused)
        cache.delete("session")  # dropped
    _later(monkeypatch, community_cache.PAUSE + 1)

    try:
        assert cache.get("session") is None
        assert direct.get("_kombu.binding.outage-test") == b"the broker's"
    finally:
        direct.delete("_kombu.binding.outage-test")


def test_redis_down_a_visitors_page_renders_from_the_database(redis_down):
    topic = TopicFactory(title="Как объяснить дроби")

    home = _visitor().get(reverse("home"))
    page = _visitor().get(topic.get_absolute_url())

    assert home.status_code == 200
    assert page.status_code == 200
    assert "Как объяснить дроби" in page.content.decode()


def test_redis_down_a_member_signs_in_and_reads_a_topic(redis_down):
    member = UserFactory()
    topic = TopicFactory(title="Проектная неделя")
    browser = _visitor()

    signed_in = browser.post(
        reverse("account_login"), {"login": member.email, "password": PASSWORD}
    )
    page = browser.get(topic.get_absolute_url())

    assert signed_in.status_code == 302
    assert page.status_code == 200
    assert page.wsgi_request.user == member
    assert "Проектная неделя" in page.content.decode()


def test_redis_and_broker_down_a_reply_is_kept_and_its_email_sent_later(
    redis_down, broker_down, django_capture_on_commit_callbacks
):
    topic = TopicFactory(title="Контрольные в 5 классе")
    forums.topic_watch_set(user=topic.author, topic=topic, watching=True)
    reader = UserFactory()
    browser = _visitor()
    browser.force_login(reader)

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            reverse("forums:reply", args=[topic.pk]), {"body": "Делаем устно."}
        )

    assert response.status_code == 302
    assert Post.objects.filter(topic=topic, author=reader).exists()
    waiting = list(OutboxTask.objects.values_list("name", flat=True))
    assert waiting  # the side effects the broker did not take
    assert mail.outbox == []

    # The broker is back (tasks run in-process here): the sweep sends them.
    broker_down()
    with django_capture_on_commit_callbacks(execute=True):
        sent = outbox.outbox_send()

    assert sent == len(waiting)
    assert not OutboxTask.objects.exists()
    assert [message.to for message in mail.outbox] == [[topic.author.email]]


def test_redis_down_a_copyright_request_is_taken_uncounted(redis_down):
    from materials.models import TakedownRequest
    from materials.tests.factories import MaterialFactory

    material = MaterialFactory()
    form = {
        "name": "Правообладатель",
        "email": "rights@example.org",
        "work": "Учебник «Математика. 5 класс»",
        "details": "Рабочий лист повторяет задачи со стр. 41.",
        "confirmed": "on",
    }

    response = _visitor().post(reverse("materials:takedown", args=[material.pk]), form)

    assert response.status_code == 200
    assert TakedownRequest.objects.filter(material=material).exists()


def test_redis_down_healthz_still_names_the_cache(redis_down):
    response = _visitor().get("/healthz")

    assert response.status_code == 503
    assert "cache" in response.json()["down"]


# --- The outbox ------------------------------------------------------------------


def test_enqueueing_with_the_broker_down_keeps_the_task_in_the_outbox(broker_down):
    from community.tasks import email_send_task

    email_send_task.delay(to=["a@school.example"], subject="Тема", body="Текст")

    row = OutboxTask.objects.get()
    assert row.name == "community.tasks.email_send_task"
    assert row.args == []
    assert row.kwargs == {
        "to": ["a@school.example"],
        "subject": "Тема",
        "body": "Текст",
    }


def test_enqueueing_after_a_refusal_goes_straight_to_the_outbox_for_a_while(
    broker_down, monkeypatch
):
    from celery import Task

    from community.tasks import email_send_task

    publish = Task.apply_async
    attempts = []

    def counted(task, *args, **kwargs):
        attempts.append(task.name)
        return publish(task, *args, **kwargs)

    monkeypatch.setattr(Task, "apply_async", counted)
    message = {"to": ["a@school.example"], "body": "Текст"}

    email_send_task.delay(subject="Первое", **message)
    email_send_task.delay(subject="Второе", **message)

    assert len(attempts) == 1  # the second did not try the broker
    assert OutboxTask.objects.count() == 2

    _later(monkeypatch, outbox.BROKER_PAUSE + 1)
    email_send_task.delay(subject="Третье", **message)

    assert len(attempts) == 2  # the pause is over: the broker is tried again
    subjects = OutboxTask.objects.order_by("pk").values_list("kwargs", flat=True)
    assert [kwargs["subject"] for kwargs in subjects] == ["Первое", "Второе", "Третье"]


def test_beats_periodic_sends_with_the_broker_down_do_not_fill_the_outbox(
    broker_down,
):
    from kombu.exceptions import OperationalError

    from community.tasks import heartbeat_record_task

    with pytest.raises(OperationalError):
        heartbeat_record_task.apply_async(
            headers={"periodic_task_name": "worker-heartbeat"}
        )

    assert not OutboxTask.objects.exists()


def test_outbox_send_keeps_the_task_while_the_broker_is_down(broker_down):
    OutboxTask.objects.create(
        name="community.tasks.email_send_task",
        kwargs={"to": ["a@school.example"], "subject": "Тема", "body": "Текст"},
    )

    assert outbox.outbox_send() == 0

    row = OutboxTask.objects.get()
    assert row.claimed_until is None  # free for the next run
    assert row.attempts == 1


def test_outbox_send_leaves_a_task_another_sweep_has_claimed():
    OutboxTask.objects.create(
        name="community.tasks.email_send_task",
        kwargs={"to": ["a@school.example"], "subject": "Тема", "body": "Текст"},
        claimed_until=timezone.now() + outbox.CLAIM,
    )

    assert outbox.outbox_send() == 0
    assert OutboxTask.objects.count() == 1
    assert mail.outbox == []


def test_outbox_send_takes_over_the_claim_of_a_sweep_that_died():
    OutboxTask.objects.create(
        name="community.tasks.email_send_task",
        kwargs={"to": ["a@school.example"], "subject": "Тема", "body": "Текст"},
        claimed_until=timezone.now() - outbox.CLAIM,
    )

    assert outbox.outbox_send() == 1
    assert not OutboxTask.objects.exists()
    assert [message.subject for message in mail.outbox] == ["Тема"]


# --- The database ----------------------------------------------------------------


@contextmanager
def _database_unreachable(tmp_path):
    """Requests in this thread get a database that cannot be reached."""
    real = connections["default"]
    settings_dict = copy.deepcopy(real.settings_dict)
    if real.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "gone" / "db.sqlite3")
    else:
        settings_dict.update(HOST="127.0.0.1", PORT="1")
    broken = type(real)(settings_dict, "default")
    connections["default"] = broken
    try:
        yield
    finally:
        broken.close()
        connections["default"] = real


def test_database_down_a_page_is_a_503_in_russian_with_retry_after(tmp_path):
    topic = TopicFactory()

    with _database_unreachable(tmp_path):
        response = _visitor().get(topic.get_absolute_url())

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert 'lang="ru"' in response.content.decode()
    assert "Коллеги ненадолго недоступны" in response.content.decode()


def test_database_down_the_503_page_follows_the_language_cookie(tmp_path):
    topic = TopicFactory()
    browser = _visitor()
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    with _database_unreachable(tmp_path):
        response = browser.get(topic.get_absolute_url())

    assert response.status_code == 503
    assert "Kollegi is briefly unavailable" in response.content.decode()


def _broken_view(request):
    raise ZeroDivisionError("a bug, not an outage")


urlpatterns = [path("broken/", _broken_view)]
handler500 = "community.views_errors.server_error"


@pytest.mark.urls(__name__)
def test_a_bug_in_a_view_is_still_a_500():
    response = _visitor().get("/broken/")

    assert response.status_code == 500
    assert "Retry-After" not in response
