"""Who hears of a published post is told after commit, once each."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from taggit.models import Tag

from accounts.tests.factories import FollowFactory, UserFactory
from community import claims
from community.models import ActivityEvent, Notification
from community.notifications import feed_interests
from community.selectors import feed_for_user
from community.tests.races import needs_postgresql, together
from forums import kinds, services
from forums.models import Post, Topic
from forums.tasks import post_published_fanout_task, topic_fanout_task
from forums.tests.factories import PostFactory, SectionFactory, TopicFactory

pytestmark = pytest.mark.django_db


def _watched_topic(watchers: int = 2) -> tuple[Topic, list]:
    topic = TopicFactory()
    users = UserFactory.create_batch(watchers)
    for user in users:
        services.topic_watch_set(user=user, topic=topic, watching=True)
    return topic, users


def _told(user) -> list[tuple[str, int]]:
    """The member's forum notifications (a first post may also earn a badge)."""
    return list(
        Notification.objects.filter(
            recipient=user, kind__startswith="forum_"
        ).values_list("kind", "count")
    )


def test_post_create_tells_watchers_only_after_commit(
    member, django_capture_on_commit_callbacks
):
    topic, (watcher, _other) = _watched_topic()

    with django_capture_on_commit_callbacks() as callbacks:
        services.post_create(topic=topic, author=member, body="Ответ")
        # The topic is still locked here: nobody has been told yet.
        assert not Notification.objects.exists()
    for callback in callbacks:
        callback()

    assert _told(watcher) == [(kinds.REPLY, 1)]


def test_reply_tells_each_watcher_mentioned_quoted_and_follower_once(
    member, django_capture_on_commit_callbacks
):
    topic, (watcher, other) = _watched_topic()
    mentioned = UserFactory(username="marina")
    quoted = PostFactory(topic=topic)
    for user in (mentioned, quoted.author):  # watching too: one notification each
        services.topic_watch_set(user=user, topic=topic, watching=True)
    follower = FollowFactory(followee=member).follower

    with django_capture_on_commit_callbacks(execute=True):
        post = services.post_create(
            topic=topic, author=member, body="> да\n\n@marina, смотри", quoted=quoted
        )

    assert _told(watcher) == [(kinds.REPLY, 1)]
    assert _told(other) == [(kinds.REPLY, 1)]
    assert _told(mentioned) == [(kinds.MENTION, 1)]
    assert _told(quoted.author) == [(kinds.QUOTE, 1)]
    assert _told(member) == []
    followed, subjects = feed_interests(follower)
    feed = feed_for_user(user=follower, followed_ids=followed, subject_ids=subjects)
    assert [event.target_id for event in feed] == [post.pk]


def test_fanout_delivered_twice_tells_once(member, django_capture_on_commit_callbacks):
    topic, (watcher, _other) = _watched_topic()
    with django_capture_on_commit_callbacks(execute=True):
        post = services.post_create(topic=topic, author=member, body="@nobody ответ")

    post_published_fanout_task.delay(post.pk, None)  # a redelivered task
    topic_fanout_task.delay(topic.pk)
    services.post_published_fanout(post=post)

    assert _told(watcher) == [(kinds.REPLY, 1)]
    assert Post.objects.get(pk=post.pk).notified_at is not None
    assert ActivityEvent.objects.filter(target_id=post.pk).count() == 1


def _reply_then_fail(topic: Topic, author) -> None:
    with transaction.atomic():
        services.post_create(topic=topic, author=author, body="Ответ")
        raise RuntimeError("the request failed after the reply")


def test_a_rolled_back_reply_tells_nobody(member, django_capture_on_commit_callbacks):
    topic, _watchers = _watched_topic()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        _reply_then_fail(topic, member)

    assert callbacks == []
    assert not Notification.objects.exists()
    assert not Post.objects.filter(topic=topic, number=2).exists()


def test_a_reply_removed_before_the_task_runs_tells_nobody(
    member, django_capture_on_commit_callbacks
):
    topic, _watchers = _watched_topic()
    with django_capture_on_commit_callbacks() as callbacks:
        post = services.post_create(topic=topic, author=member, body="Ой, не туда")
    services.post_delete(post=post, actor=member)

    for callback in callbacks:
        callback()

    assert not Notification.objects.exists()


def test_new_topic_tells_section_and_tag_watchers_once_each(
    member, django_capture_on_commit_callbacks
):
    section = SectionFactory()
    fractions = Tag.objects.create(name="дроби", slug="drobi")
    fifth = Tag.objects.create(name="5 класс", slug="5-klass")
    section_watcher, both, two_tags, mentioned = UserFactory.create_batch(4)
    services.section_watch_set(user=section_watcher, section=section, watching=True)
    services.section_watch_set(user=both, section=section, watching=True)
    for tag in (fractions, fifth):
        services.tag_watch_set(user=both, tag=tag, watching=True)
        services.tag_watch_set(user=two_tags, tag=tag, watching=True)

    with django_capture_on_commit_callbacks() as callbacks:
        topic = services.topic_create(
            section=section,
            author=member,
            title="Дроби в пятом",
            body=f"@{mentioned.username}, ваше мнение?",
            tags=["дроби", "5 класс"],
        )
        assert not Notification.objects.exists()
    for callback in callbacks:
        callback()
    post_published_fanout_task.delay(topic.posts.get().pk, None)  # again

    assert _told(section_watcher) == [(kinds.NEW_TOPIC, 1)]
    assert _told(both) == [(kinds.NEW_TOPIC, 1)]
    # The first of their tags by name.
    assert Notification.objects.get(recipient=two_tags).target == fifth
    assert _told(mentioned) == [(kinds.MENTION, 1)]
    assert _told(member) == []


def test_an_approved_reply_tells_watchers_after_commit_once(
    settings, moderator, django_capture_on_commit_callbacks
):
    settings.MODERATION_PREMODERATED_POSTS = 2
    topic, (watcher, _other) = _watched_topic()
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.post_create(topic=topic, author=UserFactory(), body="Я новый")
    assert reply.is_pending
    post_published_fanout_task.delay(reply.pk, None)  # waiting: not claimed
    assert not Notification.objects.exists()

    with django_capture_on_commit_callbacks() as callbacks:
        services.post_approve(post=reply, moderator=moderator)
        assert not Notification.objects.exists()
    for callback in callbacks:
        callback()
    services.post_approve(post=reply, moderator=moderator)  # a second click

    assert _told(watcher) == [(kinds.REPLY, 1)]


def test_fanout_queries_do_not_grow_with_the_watchers(
    member, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    few, _users = _watched_topic(watchers=3)
    many, _users = _watched_topic(watchers=60)
    with django_capture_on_commit_callbacks() as callbacks:
        small = services.post_create(topic=few, author=member, body="Ответ")
        large = services.post_create(topic=many, author=member, body="Ответ")
    assert callbacks

    with django_assert_max_num_queries(20):
        services.post_published_fanout(post=small)
    with django_assert_max_num_queries(20):
        services.post_published_fanout(post=large)

    assert Notification.objects.filter(kind=kinds.REPLY).count() == 63


@pytest.mark.django_db(transaction=True)
def test_concurrent_replies_are_numbered_without_gaps_and_told_once(vocabulary):
    needs_postgresql()
    topic = TopicFactory()
    watchers = UserFactory.create_batch(20)
    for user in watchers:
        services.topic_watch_set(user=user, topic=topic, watching=True)
    writers = UserFactory.create_batch(16)
    # Committed at once; each fan-out task runs (eagerly) after its commit, at
    # the same time as the other threads' fan-outs.
    errors = together(
        [
            lambda user=user: services.post_create(
                topic=topic, author=user, body=f"Ответ {user.pk}"
            )
            for user in writers
        ]
    )

    assert errors == [None] * len(writers)
    numbers = list(topic.posts.order_by("number").values_list("number", flat=True))
    assert numbers == list(range(1, 18))
    assert set(topic.posts.values_list("author_id", flat=True)) >= {
        user.pk for user in writers
    }
    assert Topic.objects.get(pk=topic.pk).reply_count == 16
    assert not Post.objects.filter(topic=topic, number__gt=1, notified_at=None).exists()
    for watcher in watchers:
        # One line, "16 new replies", however the fan-outs interleaved.
        assert _told(watcher) == [(kinds.REPLY, 16)]


@pytest.mark.django_db(transaction=True)
def test_concurrent_fanouts_in_one_topic_group_into_one_line(vocabulary):
    needs_postgresql()
    topic, watchers = _watched_topic(watchers=20)
    # Nobody told yet.
    replies = PostFactory.create_batch(12, topic=topic, notified_at=None)
    errors = together(
        [
            lambda post=post: services.post_published_fanout(post=post)
            for post in replies
        ]
    )

    assert errors == [None] * len(replies)
    for watcher in watchers:
        assert _told(watcher) == [(kinds.REPLY, 12)]


def test_a_post_whose_fanout_task_was_lost_is_told_once_by_the_sweep(member):
    topic, (watcher, other) = _watched_topic()
    # No after-commit callback runs: the task was lost with its worker.
    post = services.post_create(topic=topic, author=member, body="Ответ")
    fresh = services.post_create(topic=topic, author=member, body="Ещё ответ")
    stale = claims.claim_cutoff() - datetime.timedelta(seconds=1)
    Post.objects.filter(pk=post.pk).update(created_at=stale)
    assert not Notification.objects.filter(kind=kinds.REPLY).exists()

    assert services.post_fanouts_sweep() == 1  # not the fresh one: its task may run
    assert services.post_fanouts_sweep() == 0
    later = timezone.now() + datetime.timedelta(days=2)
    assert services.post_fanouts_sweep(now=later) == 0  # past the horizon

    # The topic's fan-out tells of both replies waiting in it at once; the
    # fresh one's own task, when it runs, finds nothing left to tell.
    assert _told(watcher) == [(kinds.REPLY, 2)]
    assert _told(other) == [(kinds.REPLY, 2)]
    assert Post.objects.get(pk=post.pk).notified_at is not None
    assert Post.objects.get(pk=fresh.pk).notified_at is not None
    assert services.post_published_fanout(post=fresh) == 0
    assert _told(watcher) == [(kinds.REPLY, 2)]
