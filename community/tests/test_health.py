"""/healthz: 200 while database, cache and broker answer, else 503 naming the dead."""

from datetime import datetime

import pytest
from django.db import OperationalError, connection
from django.test import override_settings
from django.utils.cache import get_max_age

from community import services
from community.celery import app as celery_app

pytestmark = pytest.mark.django_db

HEALTH_URL = "/healthz"
# Nothing listens on port 1: connections are refused at once.
DEAD_REDIS = "redis://127.0.0.1:1/0"


def test_healthz_all_up_is_ok(client):
    response = client.get(HEALTH_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    report = response.json()
    assert report["status"] == "ok"
    assert report["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}
    assert report["down"] == []


def test_healthz_is_never_cached(client):
    response = client.get(HEALTH_URL)

    cache_control = response["Cache-Control"]
    assert "no-cache" in cache_control
    assert "no-store" in cache_control
    assert get_max_age(response) == 0


def test_healthz_post_is_not_allowed(client):
    assert client.post(HEALTH_URL).status_code == 405


def test_healthz_cache_down_is_503_naming_cache(client):
    dead_cache = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 0.2,
                "SOCKET_TIMEOUT": 0.2,
            },
        }
    }
    # Changing CACHES resets django.core.cache.caches (setting_changed signal);
    # the context manager restores the working cache before the test's teardown.
    with override_settings(CACHES=dead_cache):
        response = client.get(HEALTH_URL)

    assert response.status_code == 503
    report = response.json()
    assert report["status"] == "down"
    assert report["down"] == ["cache"]
    assert report["checks"]["cache"] == "down"
    assert report["checks"]["database"] == "ok"


@pytest.fixture
def broker_down():
    """Tasks go to a broker that refuses connections, as in production without Redis."""
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.broker_url)
    conf.task_always_eager = False
    conf.broker_url = DEAD_REDIS
    try:
        yield
    finally:
        conf.task_always_eager, conf.broker_url = saved


def test_healthz_broker_down_is_503_naming_broker(client, broker_down):
    response = client.get(HEALTH_URL)

    assert response.status_code == 503
    report = response.json()
    assert report["down"] == ["broker"]
    assert report["checks"]["broker"] == "down"
    assert report["tasks"] == "broker"


def test_healthz_reports_eager_tasks_when_no_broker_is_used(client):
    assert client.get(HEALTH_URL).json()["tasks"] == "eager"


def _database_refuses(execute, sql, params, many, context):
    raise OperationalError("connection to server at 127.0.0.1 refused")


def test_healthz_database_down_is_503_naming_database(client):
    # Every query fails at the driver boundary, as when PostgreSQL is gone.
    with connection.execute_wrapper(_database_refuses):
        response = client.get(HEALTH_URL)

    assert response.status_code == 503
    report = response.json()
    assert report["down"] == ["database"]
    assert report["checks"]["database"] == "down"
    assert "worker_last_seen" not in report


def test_healthz_worker_never_seen_is_null(client):
    assert client.get(HEALTH_URL).json()["worker_last_seen"] is None


def test_healthz_reports_worker_last_seen_after_heartbeat(client):
    heartbeat = services.heartbeat_record(name="worker")

    report = client.get(HEALTH_URL).json()

    assert datetime.fromisoformat(report["worker_last_seen"]) == heartbeat.seen_at


def test_healthz_ignores_heartbeats_of_other_processes(client):
    services.heartbeat_record(name="beat")

    assert client.get(HEALTH_URL).json()["worker_last_seen"] is None
