"""What members have read and how often topics are viewed."""

from django.db import transaction
from django.db.models import F, Max

from community import pending
from forums import selectors
from forums.models import Section, Topic, TopicRead

__all__ = [
    "forums_mark_read",
    "section_mark_read",
    "topic_read_mark",
    "topic_read_on",
    "topic_view_count",
    "topic_views_flush",
]


_UNKNOWN = object()


def topic_read_mark(*, user, topic: Topic, number: int, read_to=_UNKNOWN) -> None:
    """Remember that the member has read the topic up to post ``number``.

    Only forward: an INSERT the first time (a second tab inserting at the same
    moment wins) or an UPDATE that never moves back, so it is safe twice.
    ``read_to`` is the position the caller has already read
    (``selectors.read_position``; None: never opened); without it one query
    finds it. A page does not call this: see ``topic_read_on``.
    """
    if not user.is_authenticated:
        return
    if read_to is _UNKNOWN:
        read_to = selectors.read_position(topic=topic, user=user)
    if read_to is None:
        TopicRead.objects.bulk_create(
            [TopicRead(user=user, topic=topic, last_read_number=number)],
            ignore_conflicts=True,
        )
        read_to = 0  # or another tab's, which the UPDATE below respects
    if read_to < number:
        TopicRead.objects.filter(
            user=user, topic=topic, last_read_number__lt=number
        ).update(last_read_number=number)


def topic_read_on(*, user, topic: Topic, number: int, read_to: int | None) -> None:
    """The topic page: the member has read up to post ``number`` (``read_to``:
    how far they had read, None: never opened). When that moves the position
    forward, a task writes it after the response, so the page writes nothing;
    re-reading enqueues nothing."""
    if not user.is_authenticated or (read_to is not None and read_to >= number):
        return
    from forums.tasks import topic_read_mark_task

    user_id, topic_id = user.pk, topic.pk
    transaction.on_commit(lambda: topic_read_mark_task.delay(user_id, topic_id, number))


def topic_view_count(*, topic: Topic) -> int:
    """Count a view of the topic page, in the cache: a GET writes no row.
    Returns the views so far, this one included (as ``selectors.topic_views``).

    ``topic_views_flush`` (beat, every minute) adds the counts to
    ``Topic.view_count``.
    """
    return topic.view_count + pending.counter_add(selectors.TOPIC_VIEWS, topic.pk)


def _topic_views_write(counts: dict[int, int]) -> None:
    """One UPDATE per distinct count (most topics have one or two views a minute)."""
    by_count: dict[int, list[int]] = {}
    for pk, count in counts.items():
        by_count.setdefault(count, []).append(pk)
    with transaction.atomic():
        for count, pks in by_count.items():
            Topic.objects.filter(pk__in=pks).update(view_count=F("view_count") + count)


def topic_views_flush() -> int:
    """Add the views waiting in the cache to ``Topic.view_count``; returns how many.

    Each view is added once: a second run (or one running at the same time)
    finds nothing left, and views counted while it runs wait for the next.
    """
    return pending.counters_flush(selectors.TOPIC_VIEWS, _topic_views_write)


def _mark_topics_read(*, user, topics) -> int:
    """Mark the topics read to their last post, in a fixed number of queries."""
    tops = dict(
        topics.order_by().annotate(top=Max("posts__number")).values_list("pk", "top")
    )
    reads = list(TopicRead.objects.filter(user=user, topic_id__in=list(tops)))
    for read in reads:
        read.last_read_number = max(read.last_read_number, tops[read.topic_id] or 0)
    TopicRead.objects.bulk_update(reads, ["last_read_number"], batch_size=500)
    known = {read.topic_id for read in reads}
    TopicRead.objects.bulk_create(
        [
            TopicRead(user=user, topic_id=pk, last_read_number=top or 0)
            for pk, top in tops.items()
            if pk not in known
        ],
        batch_size=500,
        ignore_conflicts=True,  # the same member marking in two tabs
    )
    return len(tops)


def section_mark_read(*, user, section: Section) -> int:
    """Mark every topic of the section read; returns how many topics."""
    return _mark_topics_read(user=user, topics=Topic.objects.filter(section=section))


def forums_mark_read(*, user, topics) -> int:
    """Mark the given topics (say, everything new since the last visit) read."""
    return _mark_topics_read(user=user, topics=topics)
