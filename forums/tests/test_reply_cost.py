"""What a reply costs: its request, and the work it leaves for after commit."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import FollowFactory, UserFactory
from community import recognition
from community.models import ActivityEvent, BadgeAward, Notification, SearchEntry
from community.services import activity_record, notification_email_send
from forums import kinds, services
from forums.tests.factories import TopicFactory

pytestmark = pytest.mark.django_db


def _watched_topic(watchers: int):
    topic = TopicFactory()
    for user in UserFactory.create_batch(watchers):
        services.topic_watch_set(user=user, topic=topic, watching=True)
    return topic


def _reply(client, topic, body: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("forums:reply", args=[topic.pk]), {"body": body, "quoted": ""}
        )
    assert response.status_code == 302
    return [query["sql"] for query in queries.captured_queries]


def test_reply_request_builds_nothing_of_the_topic_page(member_client, member):
    topic = _watched_topic(3)
    services.post_create(topic=topic, author=member, body="Первый")

    queries = _reply(member_client, topic, "Второй")

    # Neither the member's read position nor anything else the page shows.
    assert not [sql for sql in queries if "forums_topicread" in sql]


def test_reply_request_numbers_the_post_from_the_last_one_read(member_client, member):
    topic = _watched_topic(3)
    services.post_create(topic=topic, author=member, body="Первый")

    queries = _reply(member_client, topic, "Второй")

    # The last post (for a double submit) gives the number: no MAX() besides.
    assert not [sql for sql in queries if 'MAX("forums_post"."number")' in sql]
    assert list(topic.posts.order_by("number").values_list("number", flat=True)) == [
        1,
        2,
        3,
    ]


def test_reply_error_page_still_shows_the_topic(member_client, member):
    topic = _watched_topic(1)

    response = member_client.post(
        reverse("forums:reply", args=[topic.pk]), {"body": " ", "quoted": ""}
    )

    assert response.status_code == 400
    assert topic.title in response.content.decode()


def test_reply_evaluates_only_the_posts_badges_once_earned(
    member, django_capture_on_commit_callbacks
):
    topic = _watched_topic(1)
    # Followed, but not yet told: only the nightly run (or a follow) awards it.
    FollowFactory(followee=member)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(topic=topic, author=member, body="Первый")
    assert set(
        BadgeAward.objects.filter(user=member).values_list("badge__key", flat=True)
    ) >= {"first-post"}

    with CaptureQueriesContext(connection) as queries:
        recognition.badges_evaluate(
            user_ids=[member.pk], measures=[kinds.POSTS_MEASURE]
        )

    # The badges, those held, those untold: no measure is counted, the
    # member already holds the one badge a reply can earn.
    assert len(queries.captured_queries) == 3


def test_reply_evaluation_still_awards_a_first_post(
    member, django_capture_on_commit_callbacks
):
    topic = _watched_topic(1)

    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(topic=topic, author=member, body="Первый")

    assert list(
        BadgeAward.objects.filter(user=member).values_list("badge__key", flat=True)
    ) == ["first-post"]


def test_badges_evaluate_without_measures_asks_every_rule(member):
    FollowFactory(followee=member)

    recognition.badges_evaluate(user_ids=[member.pk])

    assert BadgeAward.objects.filter(user=member, badge__key="first-follower").exists()


def test_notification_email_reads_names_and_language_with_the_row(
    member, django_capture_on_commit_callbacks, mailoutbox
):
    topic = _watched_topic(1)
    watcher = topic.watches.exclude(user=member).get().user
    with django_capture_on_commit_callbacks(execute=False):
        post = services.post_create(topic=topic, author=member, body="Ответ")
    services.post_published_fanout(post=post)
    notification = Notification.objects.get(recipient=watcher, kind=kinds.REPLY)

    with CaptureQueriesContext(connection) as queries:
        assert notification_email_send(notification_id=notification.pk)

    # The row with both members' profiles, the claim, the mark: three.
    assert len(queries.captured_queries) == 3
    assert len(mailoutbox) == 1
    assert member.profile.display_name in mailoutbox[0].body


def test_reply_while_its_evaluation_waits_in_the_queue_asks_for_none_more(
    member, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from community.tasks import badges_evaluate_task

    topic = _watched_topic(1)
    # An evaluation of the member's posts is queued, not yet run.
    cache.add(recognition._pending_key(member.pk, [kinds.POSTS_MEASURE]), 1)

    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(topic=topic, author=member, body="Первый")
    assert not BadgeAward.objects.filter(user=member).exists()

    # The queued one runs: it counts the reply written meanwhile.
    badges_evaluate_task.delay([member.pk], [kinds.POSTS_MEASURE])
    assert list(
        BadgeAward.objects.filter(user=member).values_list("badge__key", flat=True)
    ) == ["first-post"]
    # And the next action asks again.
    assert cache.add(recognition._pending_key(member.pk, [kinds.POSTS_MEASURE]), 1)


def test_reply_request_writes_each_row_in_one_statement(member_client, member):
    # An established member: no newcomers' hourly limits to count.
    member.date_joined = timezone.now() - datetime.timedelta(days=400)
    member.save(update_fields=["date_joined"])
    topic = _watched_topic(3)
    services.post_create(topic=topic, author=member, body="Первый")

    queries = _reply(member_client, topic, "Второй")

    # The author's watch is one INSERT: no read first, no savepoint, no
    # DELETE (the one savepoint is the reply's own transaction, inside the
    # test's). The search entry and the feed's event come with the topic's
    # fan-out, outside the request (``test_a_burst_is_indexed_in_one_statement``).
    assert len([sql for sql in queries if sql.startswith("SAVEPOINT")]) <= 1
    assert not [sql for sql in queries if sql.startswith("DELETE")]
    touching = [sql for sql in queries if '"forums_topicwatch"' in sql]
    assert len(touching) == 1, touching
    assert touching[0].startswith("INSERT"), touching
    for table in ("community_searchentry", "community_activityevent"):
        assert not [sql for sql in queries if f'"{table}"' in sql], table
    # (The session is read from the database where the cache missed it.)
    statements = [
        sql
        for sql in queries
        if not sql.startswith(("SAVEPOINT", "RELEASE", "BEGIN"))
        and '"django_session"' not in sql
    ]
    assert len(statements) <= 9, statements


def test_a_burst_is_indexed_in_one_statement():
    topic = _watched_topic(3)
    replies = [
        services.post_create(topic=topic, author=UserFactory(), body=f"Ответ {n}")
        for n in range(5)
    ]
    assert not SearchEntry.objects.filter(kind="posts").exists()

    with CaptureQueriesContext(connection) as fanout:
        services.topic_fanout(topic_id=topic.pk)

    # The five replies' entries: one INSERT; each its feed event.
    touching = [q["sql"] for q in fanout if '"community_searchentry"' in q["sql"]]
    assert len(touching) == 1, touching
    assert touching[0].startswith("INSERT")
    assert set(
        SearchEntry.objects.filter(kind="posts").values_list("target_id", flat=True)
    ) == {reply.pk for reply in replies}
    assert ActivityEvent.objects.filter(kind=kinds.REPLY_ACTIVITY).count() == 5


def test_a_reply_hidden_before_its_fanout_is_never_indexed(moderator):
    topic = TopicFactory()
    reply = services.post_create(topic=topic, author=UserFactory(), body="Спам")
    services.post_hide(post=reply, moderator=moderator, reason="спам")

    services.topic_fanout(topic_id=topic.pk)

    assert not SearchEntry.objects.filter(kind="posts").exists()
    assert not ActivityEvent.objects.filter(kind=kinds.REPLY_ACTIVITY).exists()


def test_a_second_record_of_one_action_keeps_one_event(member):
    topic = TopicFactory()
    post = services.post_create(topic=topic, author=member, body="Ответ")
    services.topic_fanout(topic_id=topic.pk)  # the reply's feed entry comes with it

    activity_record(
        actor=member, kind=kinds.REPLY_ACTIVITY, target=post, title="x", url="/x/"
    )

    assert ActivityEvent.objects.filter(kind=kinds.REPLY_ACTIVITY).count() == 1
    assert ActivityEvent.objects.get(kind=kinds.REPLY_ACTIVITY).title == topic.title
