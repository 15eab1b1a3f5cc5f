"""Celery tasks of accounts: thin wrappers around services."""

from celery import shared_task

from accounts import services


@shared_task(ignore_result=True)
def visits_flush_task() -> int:
    """Every 2 minutes, by beat: members' visit times from the cache to their rows."""
    return services.visits_flush()
