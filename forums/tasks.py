"""Celery tasks of the forums: thin wrappers around services."""

from celery import shared_task

from forums import services


@shared_task(ignore_result=True)
def topic_views_flush_task() -> int:
    """Every minute, by beat: topic views from the cache into the database."""
    return services.topic_views_flush()
