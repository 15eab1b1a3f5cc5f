"""Command lines and environments of the real processes the integration
tests start."""

import os
import sys
from urllib.parse import quote


def celery_worker_command(*extra: str) -> list[str]:
    """One Celery worker in the foreground: a single solo process, no chatter
    with other workers, warnings only; ``extra`` adds options (a queue)."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "community",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=WARNING",
        *extra,
    ]


def service_env(**overrides: str) -> dict[str, str]:
    """The environment of a process on this test's services: the PostgreSQL
    database the test itself reads, this pytest worker's Redis database under
    this run's prefix (``settings.test``: its queues, no other run's), the
    development settings with debug off; ``overrides`` last (``EMAIL_URL``)."""
    from django.conf import settings
    from django.db import connection

    db = connection.settings_dict
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "PYTEST_XDIST_WORKER", "EMAIL_URL"}
    }
    password = quote(db["PASSWORD"] or "", safe="")
    env.update(
        DATABASE_URL=(
            f"postgres://{db['USER']}:{password}@{db['HOST'] or '127.0.0.1'}"
            f":{db['PORT'] or 5432}/{db['NAME']}"
        ),
        REDIS_URL=settings.CELERY_BROKER_URL,
        DJANGO_REDIS_PREFIX=settings.REDIS_PREFIX,
        DJANGO_SETTINGS_MODULE="community.settings.local",
        DJANGO_DEBUG="false",
        **overrides,
    )
    return env
