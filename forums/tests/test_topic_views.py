"""Topic views: counted in the cache by the page, written by a beat task."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from forums import selectors, services
from forums.models import Topic
from forums.services import reading
from forums.tasks import topic_views_flush_task
from forums.tests.factories import TopicFactory

pytestmark = pytest.mark.django_db


def _views(topic: Topic) -> int:
    topic.refresh_from_db()
    return topic.view_count


def test_the_page_counts_in_the_cache_and_shows_the_waiting_views(member_client):
    topic = TopicFactory()
    Topic.objects.filter(pk=topic.pk).update(view_count=10)

    member_client.get(topic.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        response = member_client.get(topic.get_absolute_url())

    assert not [q for q in queries if 'forums_topic" SET' in q["sql"]]
    assert _views(topic) == 10
    assert response.context["view_count"] == 12
    assert "12 " in response.content.decode()


def test_the_task_adds_each_view_exactly_once_even_run_twice():
    first, second = TopicFactory(), TopicFactory()
    for _ in range(3):
        services.topic_view_count(topic=first)
    services.topic_view_count(topic=second)

    assert topic_views_flush_task() == 4
    assert topic_views_flush_task() == 0

    assert (_views(first), _views(second)) == (3, 1)
    assert selectors.topic_views(topic=first) == 3


def test_views_counted_while_the_task_writes_are_not_lost(monkeypatch):
    topic = TopicFactory()
    services.topic_view_count(topic=topic)
    services.topic_view_count(topic=topic)
    write = reading._topic_views_write

    def write_while_viewed(counts):
        write(counts)
        services.topic_view_count(topic=topic)  # between the read and the decrement

    monkeypatch.setattr(reading, "_topic_views_write", write_while_viewed)
    topic_views_flush_task()
    monkeypatch.undo()

    assert _views(topic) == 2
    assert selectors.topic_views(topic=topic) == 3
    topic_views_flush_task()
    assert _views(topic) == 3


def test_one_update_per_distinct_count():
    topics = TopicFactory.create_batch(4)
    for topic, views in zip(topics, (1, 1, 1, 2), strict=True):
        for _ in range(views):
            services.topic_view_count(topic=topic)

    with CaptureQueriesContext(connection) as queries:
        topic_views_flush_task()

    updates = [q for q in queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 2
    assert [_views(topic) for topic in topics] == [1, 1, 1, 2]


def test_a_visitor_served_from_the_page_cache_is_counted_too():
    topic = TopicFactory()
    visitor = Client()

    first = visitor.get(topic.get_absolute_url())
    again = visitor.get(topic.get_absolute_url())
    topic_views_flush_task()

    assert first["X-Page-Cache"] == "miss"
    assert again["X-Page-Cache"] == "hit"
    assert _views(topic) == 2
