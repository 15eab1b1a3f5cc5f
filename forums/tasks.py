"""Celery tasks of the forums: thin wrappers around services."""

from celery import shared_task

from forums import services


@shared_task(ignore_result=True)
def topic_views_flush_task() -> int:
    """Every minute, by beat: topic views from the cache into the database."""
    return services.topic_views_flush()


@shared_task(ignore_result=True)
def topic_read_mark_task(user_id: int, topic_id: int, number: int) -> None:
    """A member read a topic page up to post ``number`` (``topic_read_on``)."""
    from django.contrib.auth import get_user_model

    from forums.models import Topic

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    topic = Topic.objects.filter(pk=topic_id).first()
    if user is not None and topic is not None:
        services.topic_read_mark(user=user, topic=topic, number=number, read_to=None)
