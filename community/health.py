"""What /healthz checks: every service a request or a task depends on."""

import logging
from datetime import datetime

from django.core.cache import cache
from django.db import connection
from django.utils.crypto import get_random_string

from community.celery import app as celery_app
from community.models import Heartbeat

logger = logging.getLogger(__name__)


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("health: database is down")
        return False


def cache_ok() -> bool:
    key = "healthz:" + get_random_string(8)
    try:
        cache.set(key, "1", timeout=5)
        answer = cache.get(key)
        cache.delete(key)
    except Exception:
        logger.exception("health: cache is down")
        return False
    return answer == "1"


def broker_ok() -> bool:
    """True when the broker accepts a connection (always, when tasks run eagerly)."""
    if celery_app.conf.task_always_eager:
        return True
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception:
        logger.exception("health: broker is down")
        return False
    return True


def worker_last_seen() -> datetime | None:
    beat = Heartbeat.objects.filter(name="worker").only("seen_at").first()
    return beat.seen_at if beat else None


def health_report() -> dict:
    checks = {
        "database": database_ok(),
        "cache": cache_ok(),
        "broker": broker_ok(),
    }
    down = sorted(name for name, ok in checks.items() if not ok)
    report: dict = {
        "status": "ok" if not down else "down",
        "checks": {name: "ok" if ok else "down" for name, ok in checks.items()},
        "down": down,
        "tasks": "eager" if celery_app.conf.task_always_eager else "broker",
    }
    if checks["database"]:
        seen = worker_last_seen()
        report["worker_last_seen"] = seen.isoformat() if seen else None
    return report
