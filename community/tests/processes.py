"""Command lines of the real processes the integration tests start."""

import sys


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
