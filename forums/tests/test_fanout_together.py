"""Replies written meanwhile are told to a topic's watchers together.

Under load a reply's fan-out finds several replies of its topic that no
watcher has heard of yet; it tells of all of them at once and theirs find
nothing left, with every watcher's line counting exactly the replies that are
news to them.
"""

import pytest

from accounts.tests.factories import UserFactory
from community.models import Notification
from forums import kinds, services
from forums.models import Post
from forums.tasks import topic_fanout_task
from forums.tests.factories import TopicFactory

pytestmark = pytest.mark.django_db


def _count(user, kind: str = kinds.REPLY) -> int:
    return sum(
        Notification.objects.filter(recipient=user, kind=kind).values_list(
            "count", flat=True
        )
    )


def _write(django_capture_on_commit_callbacks, topic, author, body, **kwargs):
    """A reply whose fan-out is held back: returns the post and its fan-out."""
    with django_capture_on_commit_callbacks() as callbacks:
        post = services.post_create(topic=topic, author=author, body=body, **kwargs)
    return post, callbacks


def test_one_fanout_tells_of_every_reply_waiting_and_the_others_tell_nobody(
    django_capture_on_commit_callbacks,
):
    topic = TopicFactory()
    watchers = UserFactory.create_batch(3)
    for user in watchers:
        services.topic_watch_set(user=user, topic=topic, watching=True)
    writers = UserFactory.create_batch(3)
    held = [
        _write(django_capture_on_commit_callbacks, topic, writer, f"Ответ {n}")
        for n, writer in enumerate(writers)
    ]

    for callback in held[0][1]:
        callback()  # the first reply's fan-out runs first

    assert [_count(user) for user in watchers] == [3, 3, 3]
    line = Notification.objects.get(recipient=watchers[0], kind=kinds.REPLY)
    assert line.actor == writers[-1]  # the latest reply's author and address
    assert line.url == held[-1][0].get_absolute_url()
    replies = Post.objects.filter(topic=topic, number__gt=1)
    assert not replies.filter(notified_at__isnull=True).exists()
    forum = Notification.objects.filter(kind__startswith="forum_")
    rows = forum.count()
    for _post, callbacks in held[1:]:
        for callback in callbacks:
            callback()
    # Theirs found nothing left: no line added, no count moved.
    assert forum.count() == rows
    assert [_count(user) for user in watchers] == [3, 3, 3]


def test_writers_who_watch_count_only_the_others_replies(
    django_capture_on_commit_callbacks,
):
    topic = TopicFactory()
    writers = UserFactory.create_batch(3)
    held = [
        _write(django_capture_on_commit_callbacks, topic, writer, f"Ответ {n}")
        for n, writer in enumerate(writers)
    ]  # writing a reply makes its author a watcher

    for callback in held[1][1]:
        callback()

    # Each hears of the two replies that are not theirs.
    assert [_count(writer) for writer in writers] == [2, 2, 2]
    first = Notification.objects.get(recipient=writers[0], kind=kinds.REPLY)
    assert first.actor == writers[2]
    last = Notification.objects.get(recipient=writers[2], kind=kinds.REPLY)
    assert last.actor == writers[1]  # the latest reply that is news to them
    assert last.url == held[1][0].get_absolute_url()


def test_a_member_mentioned_or_quoted_in_a_reply_told_together_hears_it_once(
    member, django_capture_on_commit_callbacks
):
    topic = TopicFactory()
    marina = UserFactory(username="marina")
    quoted_author = UserFactory()
    watcher = UserFactory()
    for user in (marina, quoted_author, watcher):
        services.topic_watch_set(user=user, topic=topic, watching=True)
    old = services.post_create(topic=topic, author=quoted_author, body="Как у вас?")
    _first, first_fanout = _write(
        django_capture_on_commit_callbacks, topic, member, "Сначала я"
    )
    second, second_fanout = _write(
        django_capture_on_commit_callbacks,
        topic,
        UserFactory(),
        "@marina, посмотрите",
        quoted=old,
    )

    for callback in [*first_fanout, *second_fanout]:
        callback()

    # The second reply reached them as a mention and a quote, not as news.
    assert _count(marina, kinds.MENTION) == 1
    assert _count(quoted_author, kinds.QUOTE) == 1
    # Counted: the replies that are news to each (the quoted post, written
    # in the test's transaction, waited for its watchers too).
    assert _count(marina) == 2
    assert _count(quoted_author) == 1
    assert _count(watcher) == 3
    assert second.quoted == old


def test_a_reply_hidden_before_the_watchers_hear_is_not_counted(
    member, moderator, django_capture_on_commit_callbacks
):
    topic = TopicFactory()
    watcher = UserFactory()
    services.topic_watch_set(user=watcher, topic=topic, watching=True)
    _first, first_fanout = _write(
        django_capture_on_commit_callbacks, topic, member, "1"
    )
    second, _second_fanout = _write(
        django_capture_on_commit_callbacks, topic, UserFactory(), "2"
    )
    Post.objects.filter(pk=second.pk).update(is_hidden=True)

    for callback in first_fanout:
        callback()

    assert _count(watcher) == 1


def test_one_fanout_waits_per_topic_and_the_next_reply_asks_again(
    member, monkeypatch, django_capture_on_commit_callbacks
):
    topic = TopicFactory()
    other = TopicFactory()
    watcher = UserFactory()
    services.topic_watch_set(user=watcher, topic=topic, watching=True)
    queued = []
    monkeypatch.setattr(
        topic_fanout_task,
        "apply_async",
        lambda args, countdown=None: queued.append((args, countdown)),
    )

    for body in ("Раз", "Два"):
        with django_capture_on_commit_callbacks(execute=True):
            services.post_create(topic=topic, author=member, body=body)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(topic=other, author=member, body="Другая тема")

    # One waits for the topic (a second later), one for the other topic.
    assert queued == [((topic.pk,), services.FANOUT_DELAY), ((other.pk,), 1)]
    services.topic_fanout_run(topic_id=topic.pk)
    assert _count(watcher) == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(topic=topic, author=member, body="Три")
    assert queued[-1] == ((topic.pk,), services.FANOUT_DELAY)
