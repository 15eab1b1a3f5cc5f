"""The inbox's waiting items, approved or rejected in one click on their own page."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts import services as accounts
from accounts.roles import EXPERTS
from accounts.tests.factories import UserFactory
from forums import services as forums
from forums.models import ModerationLog, Post, Section, Topic
from forums.tests.factories import SectionFactory, TopicFactory

pytestmark = [pytest.mark.django_db]

QUEUE = "forum_premoderation"


@pytest.fixture(autouse=True)
def _premoderation(settings):
    settings.MODERATION_PREMODERATED_POSTS = 2


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _queue_url() -> str:
    return reverse("inbox_queue", args=[QUEUE])


def _decide_url(post: Post) -> str:
    return reverse("inbox_decide", args=[QUEUE, post.pk])


def _held_reply(body: str = "Жду проверки") -> Post:
    post = forums.post_create(topic=TopicFactory(), author=UserFactory(), body=body)
    assert post.is_pending
    return post


def test_the_admin_inbox_leads_to_the_queue(moderator):
    _held_reply()

    page = _client(moderator).get(reverse("admin:index")).content.decode()

    assert f'href="{_queue_url()}"' in page


def test_the_queue_lists_each_held_post_with_its_two_buttons(moderator):
    reply = _held_reply("Первый ответ новичка")
    topic = forums.topic_create(
        section=SectionFactory(), author=UserFactory(), title="Новая тема", body="Я"
    )

    response = _client(moderator).get(_queue_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert "Первый ответ новичка" in page
    assert "Новая тема" in page
    opening = topic.posts.get()
    for post in (reply, opening):
        assert page.count(f'action="{_decide_url(post)}"') == 2
    assert 'value="approve"' in page
    assert 'value="reject"' in page
    assert "Одобрить" in page
    assert "Отклонить" in page
    assert "csrfmiddlewaretoken" in page


def test_one_click_approves_and_comes_back_with_a_message(moderator):
    post = _held_reply()

    response = _client(moderator).post(
        _decide_url(post), {"decision": "approve"}, follow=True
    )

    assert response.redirect_chain[-1][0] == _queue_url()
    assert "Опубликовано" in response.content.decode()
    assert not Post.objects.get(pk=post.pk).is_pending
    assert Topic.objects.get(pk=post.topic_id).reply_count == 1
    assert ModerationLog.objects.get().action == "approve"


def test_one_click_approves_a_held_topic(moderator):
    topic = forums.topic_create(
        section=SectionFactory(), author=UserFactory(), title="Тема", body="Текст"
    )

    _client(moderator).post(_decide_url(topic.posts.get()), {"decision": "approve"})

    topic.refresh_from_db()
    assert not topic.is_pending
    assert Section.objects.get(pk=topic.section_id).topic_count == 1


def test_one_click_rejects_with_the_reason(moderator):
    post = _held_reply()

    response = _client(moderator).post(
        _decide_url(post), {"decision": "reject", "reason": "реклама"}, follow=True
    )

    post.refresh_from_db()
    assert (post.is_pending, post.is_hidden) == (False, True)
    assert ModerationLog.objects.get().reason == "реклама"
    assert "Отклонено" in response.content.decode()


@pytest.mark.parametrize("who", ["member", "expert", "anonymous"])
def test_others_get_404_and_change_nothing(who):
    post = _held_reply()
    if who == "anonymous":
        client = Client()
    else:
        user = UserFactory()
        if who == "expert":
            accounts.user_grant_role(user=user, role=EXPERTS)
        client = _client(user)

    page = client.get(_queue_url())
    decided = client.post(_decide_url(post), {"decision": "approve"})

    if who == "anonymous":  # asked to sign in first
        assert page.status_code == decided.status_code == 302
    else:
        assert page.status_code == decided.status_code == 404
    assert Post.objects.get(pk=post.pk).is_pending


def test_unknown_queues_and_decisions_are_404(moderator):
    post = _held_reply()
    client = _client(moderator)

    assert client.get(reverse("inbox_queue", args=["reports"])).status_code == 404
    assert client.post(_decide_url(post), {"decision": "maybe"}).status_code == 404
    assert client.post(reverse("inbox_decide", args=[QUEUE, 999999])).status_code == (
        404
    )
    assert client.get(_decide_url(post)).status_code == 405


def test_a_double_approve_counts_once(moderator):
    post = _held_reply()
    # Two requests, each with the post as it was read before either decided.
    first, second = Post.objects.get(pk=post.pk), Post.objects.get(pk=post.pk)

    forums.post_approve(post=first, moderator=moderator)
    forums.post_approve(post=second, moderator=moderator)
    # The section counts it with the topic's fan-out: once, however often.
    forums.topic_fanout(topic_id=post.topic_id)
    forums.topic_fanout(topic_id=post.topic_id)

    topic = Topic.objects.get(pk=post.topic_id)
    assert topic.reply_count == 1
    assert Section.objects.get(pk=topic.section_id).post_count == 1
    assert ModerationLog.objects.count() == 1


def test_a_double_click_in_the_queue_publishes_once(moderator):
    post = _held_reply()
    client = _client(moderator)

    client.post(_decide_url(post), {"decision": "approve"})
    again = client.post(_decide_url(post), {"decision": "reject"}, follow=True)

    assert "уже решил другой модератор" in again.content.decode()
    post.refresh_from_db()
    assert (post.is_pending, post.is_hidden) == (False, False)
    assert Topic.objects.get(pk=post.topic_id).reply_count == 1


def test_the_queue_keeps_a_fixed_number_of_queries(
    moderator, django_assert_max_num_queries
):
    for n in range(30):
        _held_reply(f"Ответ {n}")
    client = _client(moderator)

    with django_assert_max_num_queries(12):
        response = client.get(_queue_url())

    assert response.status_code == 200
    assert response.content.decode().count('value="approve"') == 25


@pytest.mark.django_db(transaction=True)
def test_parallel_approvals_publish_and_count_once(moderator, vocabulary):
    from community.tests.races import at_once, client_for, needs_postgresql

    needs_postgresql()
    post = _held_reply()
    clients = [client_for(moderator) for _ in range(4)]

    statuses = at_once(
        [
            lambda client=client: client.post(
                _decide_url(post), {"decision": "approve"}
            )
            for client in clients
        ]
    )

    assert statuses == [302] * 4
    topic = Topic.objects.get(pk=post.topic_id)
    assert topic.reply_count == 1
    assert Section.objects.get(pk=topic.section_id).post_count == 1
    assert ModerationLog.objects.filter(action="approve").count() == 1
