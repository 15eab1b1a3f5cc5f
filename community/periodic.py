"""The beat schedule, run inside the web process of the embedded default.

Production runs one Celery beat that enqueues ``CELERY_BEAT_SCHEDULE``'s tasks
on Redis. The embedded default (`make run`: no Redis, Celery eager) has no
beat, yet its pages need what beat does: the topic views and visit times that
GET requests note in the cache (``community.pending``) must reach the lists,
reminders and digests must go out, sweeps must run.

Here a daemon thread runs each entry of the schedule in-process, on its
interval (the first run one interval after the start, as beat does). It lives
in the web process itself, not beside it: the embedded cache is the process's
local memory, so the views a GET noted exist nowhere else. (A cache shared
between processes without a server would not do: Django's file cache has no
atomic ``incr``/``add``, so views and allauth's rate-limit locks would be
lost in races; the database cache writes a row on a GET.)

It starts with the first request the process serves, and only when
``EMBEDDED_PERIODIC`` is on (``DJANGO_EMBEDDED_PERIODIC=1``, set by
`make run` for ``runserver``) and there is no Redis (with Redis, beat does
it). runserver's autoreloader watches files in a parent process that serves
no request, so only the serving process runs the jobs; the thread is a
daemon and ends with the process (Ctrl+C). Requests still write nothing: the
thread writes, through the same tasks and services as beat's.
"""

import logging
import threading
import time
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# How often the thread looks for due jobs, in seconds.
TICK = 1.0

_lock = threading.Lock()
_thread: threading.Thread | None = None
_stop = threading.Event()


def _interval(schedule: Any) -> float | None:
    """Seconds between runs; None for a schedule object (e.g. ``crontab``)."""
    if isinstance(schedule, int | float):
        return float(schedule)
    if isinstance(schedule, timedelta):
        return schedule.total_seconds()
    return None


class PeriodicJobs:
    """The entries of a beat schedule and when each last ran."""

    def __init__(self, schedule: Mapping[str, dict], *, now: float) -> None:
        self.schedule = dict(schedule)
        self.last_run = dict.fromkeys(self.schedule, now)
        self.last_run_at = dict.fromkeys(self.schedule, timezone.now())

    def due(self, now: float) -> list[str]:
        """The names of the entries whose time has come at ``now`` (monotonic)."""
        names = []
        for name, entry in self.schedule.items():
            every = _interval(entry["schedule"])
            if every is not None:
                if now - self.last_run[name] >= every:
                    names.append(name)
            elif entry["schedule"].is_due(self.last_run_at[name]).is_due:
                names.append(name)
        return names

    def run_due(self, now: float) -> list[str]:
        """Run every entry due at ``now``, one after the other; returns their
        names. A job that fails is logged and runs again at its next time."""
        ran = self.due(now)
        for name in ran:
            entry = self.schedule[name]
            self.last_run[name] = now
            self.last_run_at[name] = timezone.now()
            try:
                # Called as a function, as beat's worker would run it: in
                # this thread, without a worker's log line every minute; a
                # retry raises here and waits for the next time.
                task = import_string(entry["task"])
                task(*entry.get("args", ()), **entry.get("kwargs", {}))
            except Exception:
                logger.exception("periodic job %s failed", name)
        return ran


def _loop(jobs: PeriodicJobs, stop: threading.Event, tick: float) -> None:
    while not stop.wait(tick):
        # As around a request: a connection past its age or broken is not kept.
        close_old_connections()
        try:
            jobs.run_due(time.monotonic())
        finally:
            close_old_connections()


def periodic_start(*, tick: float = TICK) -> bool:
    """Start the thread once per process; returns whether this call started it.

    Nothing starts with Redis configured: there, beat runs the schedule.
    """
    global _thread
    if settings.REDIS_URL:
        logger.warning("periodic jobs: REDIS_URL is set, Celery beat runs them")
        return False
    with _lock:
        if _thread is not None and _thread.is_alive():
            return False
        _stop.clear()
        jobs = PeriodicJobs(settings.CELERY_BEAT_SCHEDULE, now=time.monotonic())
        _thread = threading.Thread(
            target=_loop, args=(jobs, _stop, tick), name="periodic", daemon=True
        )
        _thread.start()
    logger.info("periodic jobs: %s, in this process", ", ".join(jobs.schedule))
    return True


def periodic_stop(timeout: float = 10.0) -> None:
    """Stop the thread (tests; the process's end stops it anyway)."""
    global _thread
    with _lock:
        thread, _thread = _thread, None
    _stop.set()
    if thread is not None:
        thread.join(timeout)


def start_on_first_request(**kwargs: Any) -> None:
    """``request_started`` receiver: the serving process starts the jobs."""
    from django.core.signals import request_started

    request_started.disconnect(start_on_first_request)
    periodic_start()
