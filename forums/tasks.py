"""Celery tasks of the forums: thin wrappers around services."""

from celery import shared_task
from django.db import DatabaseError

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


@shared_task(
    # A deadlock or a lost connection rolls the claim back with the rest: retried.
    autoretry_for=(DatabaseError,),
    retry_backoff=5,
    max_retries=5,
    acks_late=True,
    ignore_result=True,
)
def post_published_fanout_task(post_id: int, quoted_id: int | None = None) -> None:
    """A post was published (a task queued by an earlier release): the fan-out
    of its topic (``services.post_published_fanout``)."""
    from forums.models import Post

    post = Post.objects.filter(pk=post_id).first()
    quoted = Post.objects.filter(pk=quoted_id).first() if quoted_id else None
    if post is not None:
        services.post_published_fanout(post=post, quoted=quoted)


@shared_task(
    # A deadlock or a lost connection rolls the claims back with the rest: retried.
    autoretry_for=(DatabaseError,),
    retry_backoff=5,
    max_retries=5,
    acks_late=True,
    ignore_result=True,
)
def topic_fanout_task(topic_id: int) -> None:
    """Posts were published in a topic: tell its watchers, the mentioned members
    and the quoted authors of every post waiting (``services.topic_fanout_run``:
    once each, however often delivered)."""
    services.topic_fanout_run(topic_id=topic_id)


@shared_task(ignore_result=True)
def post_fanouts_sweep_task() -> int:
    """By beat: fan-outs of published posts whose task was lost."""
    return services.post_fanouts_sweep()


@shared_task(ignore_result=True)
def feed_record_task(section_id: int | None, topic_id: int | None = None) -> int:
    """A section became everyone's to read, or a topic moved into such a
    section: their entries back in the activity feed (safe to run twice)."""
    return services.section_feed_record(section_id=section_id, topic_id=topic_id)
