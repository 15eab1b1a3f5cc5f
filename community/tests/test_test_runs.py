"""Two runs of the suite on one machine never meet.

`.ci/run` gives each run its own KOLLEGI_TEST_RUN; the test settings name the
run's PostgreSQL databases, cache keys and Celery broker keys (queues) after
it. Two runs share Redis's few databases, so clearing the cache (every test
does, in conftest) deletes this run's keys only, never FLUSHDB.
"""

import json
import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache

from community import cache as community_cache
from community.tests.test_outages import FakeRedis

PRINT_NAMES = """
import json
from django.conf import settings
from community.celery import app

print(json.dumps({
    "database": settings.DATABASES["default"]["NAME"],
    "cache_location": settings.CACHES["default"]["LOCATION"],
    "cache_prefix": settings.CACHES["default"]["KEY_PREFIX"],
    "broker_prefix": app.conf.broker_transport_options.get("global_keyprefix"),
}))
"""


def _names(module: str = "community.settings.test", **variables: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_")
        and key
        not in {"DATABASE_URL", "REDIS_URL", "KOLLEGI_TEST_RUN", "PYTEST_XDIST_WORKER"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE=module,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/kollegi",
        REDIS_URL="redis://127.0.0.1:6379/0",
        PYTEST_XDIST_WORKER="gw1",
        **variables,
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", PRINT_NAMES],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_each_run_names_its_databases_cache_keys_and_queues_after_itself():
    first = _names(KOLLEGI_TEST_RUN="a1b2c3d4_101")
    second = _names(KOLLEGI_TEST_RUN="e5f6a7b8_202")

    assert first == {
        "database": "kollegi_a1b2c3d4_101",  # pytest-django: test_..._gw1
        "cache_location": "redis://127.0.0.1:6379/11",
        "cache_prefix": "kollegi-test-a1b2c3d4_101",
        "broker_prefix": "kollegi-test-a1b2c3d4_101:",
    }
    for name in first:
        if name != "cache_location":  # Redis has 16 databases: shared
            assert first[name] != second[name], name
    assert _names(KOLLEGI_TEST_RUN="a1b2c3d4_101") == first


def test_a_run_id_that_is_not_a_plain_name_is_refused():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "community.settings.test",
        "KOLLEGI_TEST_RUN": "x'; DROP",
    }
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; settings.DEBUG"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode != 0
    assert "KOLLEGI_TEST_RUN" in result.stderr


def test_an_installation_sharing_redis_sets_its_own_prefix():
    names = _names("community.settings.local", DJANGO_REDIS_PREFIX="school42")

    assert names["cache_prefix"] == "school42"
    assert names["broker_prefix"] == "school42:"
    # Nothing set: the keys an existing installation has (and its queue).
    names = _names("community.settings.local")
    assert names["cache_prefix"] == "kollegi"
    assert names["broker_prefix"] is None


def test_clearing_the_cache_keeps_another_runs_keys_and_the_broker_queue():
    community_cache._paused_until.clear()
    community_cache._writes_dropped.clear()
    FakeRedis.data, FakeRedis.down = {}, False

    def run_cache(prefix: str) -> community_cache.RedisCache:
        return community_cache.RedisCache(
            "redis://fake.invalid:6379/11",
            {
                "KEY_PREFIX": prefix,
                "OPTIONS": {"REDIS_CLIENT_CLASS": f"{FakeRedis.__module__}.FakeRedis"},
            },
        )

    ours, theirs = run_cache("kollegi-test-run1"), run_cache("kollegi-test-run2")
    ours.set("limit", 1)
    theirs.set("limit", 2)
    FakeRedis.data["kollegi-test-run2:celery"] = b"a queued task"

    ours.clear()

    assert ours.get("limit") is None
    assert theirs.get("limit") == 2
    assert "kollegi-test-run2:celery" in FakeRedis.data


def test_clearing_the_real_cache_keeps_another_prefixs_keys():
    if not settings.REDIS_URL:
        pytest.skip("needs Redis (REDIS_URL)")
    other = community_cache.RedisCache(
        settings.CACHES["default"]["LOCATION"],
        {**settings.CACHES["default"], "KEY_PREFIX": f"other-run-{uuid.uuid4().hex}"},
    )
    try:
        other.set("limit", 2)
        cache.set("limit", 1)

        cache.clear()  # as conftest does around every test

        assert cache.get("limit") is None
        assert other.get("limit") == 2
    finally:
        other.delete("limit")
