"""A post held for a moderator: who is held, and what its author and others see."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts import services as accounts
from accounts.roles import EXPERTS
from accounts.tests.factories import UserFactory
from forums import services
from forums.models import Post, Topic
from forums.tests.factories import SectionFactory, TopicFactory

pytestmark = [pytest.mark.django_db, pytest.mark.premoderation]

HELD_MARK = "ждёт проверки модератором"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_experts_staff_and_moderators_are_never_held(moderator):
    expert = accounts.user_grant_role(user=UserFactory(), role=EXPERTS)
    staff = UserFactory(is_staff=True)
    section = SectionFactory()
    section_moderator = UserFactory()
    section.moderators.add(section_moderator)
    topic = TopicFactory(section=section)

    for writer in (expert, staff, moderator, section_moderator):
        reply = services.post_create(topic=topic, author=writer, body=f"Я {writer.pk}")
        opened = services.topic_create(
            section=section, author=writer, title=f"Тема {writer.pk}", body="Текст"
        )
        assert not reply.is_pending, writer
        assert not opened.is_pending, writer

    newcomer_reply = services.post_create(
        topic=topic, author=UserFactory(), body="Новенькая"
    )
    assert newcomer_reply.is_pending


def test_an_expert_replying_through_the_page_is_published_at_once():
    expert = accounts.user_grant_role(user=UserFactory(), role=EXPERTS)
    topic = TopicFactory()

    response = _client(expert).post(
        reverse("forums:reply", args=[topic.pk]), {"body": "Совет эксперта"}
    )

    assert response.status_code == 302
    assert not Post.objects.get(body="Совет эксперта").is_pending
    other = _client(UserFactory()).get(topic.get_absolute_url()).content.decode()
    assert "Совет эксперта" in other


def test_the_author_sees_a_held_reply_in_place_marked_and_others_do_not():
    topic = TopicFactory()
    newcomer = UserFactory()

    response = _client(newcomer).post(
        reverse("forums:reply", args=[topic.pk]), {"body": "Мой первый ответ"},
        follow=True,
    )  # fmt: skip

    page = response.content.decode()
    post = Post.objects.get(body="Мой первый ответ")
    assert post.is_pending
    assert "Первые сообщения новых участников проверяет модератор" in page
    article = page[page.index(f'id="post-{post.number}"') :]
    article = article[: article.index("</article>")]
    assert "Мой первый ответ" in article
    assert HELD_MARK in article
    assert "видно только вам" in page

    colleague = _client(UserFactory())
    assert (
        "Мой первый ответ"
        not in colleague.get(topic.get_absolute_url()).content.decode()
    )
    assert colleague.get(post.get_absolute_url()).status_code == 404
    assert _client(newcomer).get(post.get_absolute_url()).status_code == 302


def test_a_held_topic_opens_for_its_author_marked_and_is_404_for_others():
    newcomer = UserFactory()
    section = SectionFactory()

    response = _client(newcomer).post(
        reverse("forums:topic_create", args=[section.slug]),
        {"title": "Мой вопрос", "kind": "question", "body": "Как быть?"},
        follow=True,
    )

    topic = Topic.objects.get(title="Мой вопрос")
    page = response.content.decode()
    assert topic.is_pending
    assert response.status_code == 200
    heading = page[page.index("<h1") : page.index("</h1>")]
    assert HELD_MARK in heading
    assert "Тема ждёт модератора" in page
    assert "Как быть?" in page
    assert _client(UserFactory()).get(topic.get_absolute_url()).status_code == 404
    assert Client().get(topic.get_absolute_url()).status_code == 404
