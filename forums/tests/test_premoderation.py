"""A safe space: newcomers' first posts wait for a moderator; newcomers write slower."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from community.models import ActivityEvent, Notification
from forums import services
from forums.models import ModerationLog, Post, Section, Topic
from forums.tests.factories import SectionFactory, TopicFactory

pytestmark = [pytest.mark.django_db, pytest.mark.premoderation]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_newcomers_topic_waits_and_is_seen_by_author_and_moderators(moderator):
    newcomer = UserFactory()
    section = SectionFactory()

    topic = services.topic_create(
        section=section, author=newcomer, title="Т", body="Текст"
    )

    assert topic.is_pending
    assert topic.posts.get().is_pending
    assert Section.objects.get(pk=section.pk).topic_count == 0
    assert not ActivityEvent.objects.exists()
    assert client_for(newcomer).get(topic.get_absolute_url()).status_code == 200
    assert client_for(UserFactory()).get(topic.get_absolute_url()).status_code == 404
    assert client_for(moderator).get(topic.get_absolute_url()).status_code == 200
    listed = Client().get(section.get_absolute_url()).context["page_obj"]
    assert list(listed) == []


def test_approving_publishes_counts_and_notifies(moderator):
    newcomer = UserFactory()
    topic = services.topic_create(
        section=SectionFactory(), author=newcomer, title="Т", body="Текст"
    )

    services.post_approve(post=topic.posts.get(), moderator=moderator)

    topic.refresh_from_db()
    assert not topic.is_pending
    assert topic.section.topic_count == 1
    assert ActivityEvent.objects.filter(actor=newcomer).exists()
    assert ModerationLog.objects.get().action == "approve"


def test_a_newcomers_reply_waits_without_notifying(
    moderator, django_capture_on_commit_callbacks
):
    author = UserFactory(is_staff=True)  # staff write straight away
    topic = services.topic_create(
        section=SectionFactory(), author=author, title="Т", body="x"
    )
    newcomer = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        reply = services.post_create(
            topic=topic, author=newcomer, body=f"@{author.username} привет"
        )

    assert reply.is_pending
    assert Topic.objects.get(pk=topic.pk).reply_count == 0
    assert not Notification.objects.filter(recipient=author).exists()
    page = Client().get(topic.get_absolute_url()).content.decode()
    assert "привет" not in page

    with django_capture_on_commit_callbacks(execute=True):
        services.post_approve(post=reply, moderator=moderator)

    assert Topic.objects.get(pk=topic.pk).reply_count == 1
    assert Notification.objects.filter(recipient=author, kind="forum_mention").exists()
    assert "привет" in Client().get(topic.get_absolute_url()).content.decode()


def test_after_two_approved_posts_a_member_writes_freely(moderator):
    member = UserFactory()
    topic = TopicFactory()
    for text in ("Первый", "Второй"):
        services.post_approve(
            post=services.post_create(topic=topic, author=member, body=text),
            moderator=moderator,
        )

    third = services.post_create(topic=topic, author=member, body="Третий")

    assert not third.is_pending


def test_rejecting_hides_the_post_and_logs_the_reason(moderator, member):
    post = services.post_create(topic=TopicFactory(), author=UserFactory(), body="Спам")

    services.post_reject(post=post, moderator=moderator, reason="реклама")

    post.refresh_from_db()
    assert (post.is_pending, post.is_hidden) == (False, True)
    assert ModerationLog.objects.get().reason == "реклама"
    with pytest.raises(PermissionDenied):
        services.post_approve(post=post, moderator=member)


def test_the_queue_in_admin_approves_through_the_service(moderator):
    post = services.post_create(topic=TopicFactory(), author=UserFactory(), body="Жду")
    client = client_for(moderator)

    queue = client.get(
        reverse("admin:forums_post_changelist"), {"is_pending__exact": "1"}
    )
    assert list(queue.context["cl"].result_list) == [post]
    client.post(
        reverse("admin:forums_post_changelist"),
        {"action": "approve", "_selected_action": [post.pk]},
    )

    assert not Post.objects.get(pk=post.pk).is_pending
    assert ModerationLog.objects.get().action == "approve"


def test_review_view_for_moderators_only(moderator, member):
    post = services.post_create(topic=TopicFactory(), author=UserFactory(), body="Жду")
    url = reverse("forums:post_review", args=[post.pk])

    assert client_for(member).post(url, {"decision": "approve"}).status_code == 403
    assert client_for(moderator).post(url, {"decision": "approve"}).status_code == 302
    assert not Post.objects.get(pk=post.pk).is_pending


def test_new_members_are_rate_limited_with_text_kept():
    newcomer = UserFactory()
    section = SectionFactory()
    for n in range(3):
        services.topic_create(section=section, author=newcomer, title=f"Т{n}", body="x")

    with pytest.raises(ValidationError) as error:
        services.topic_create(section=section, author=newcomer, title="Т4", body="x")
    assert error.value.code == "rate"

    response = client_for(newcomer).post(
        reverse("forums:topic_create", args=[section.slug]),
        {"title": "Ещё одна", "kind": "discussion", "body": "Мой текст"},
    )
    assert response.status_code == 429
    assert "Мой текст" in response.content.decode()


def test_members_of_long_standing_are_not_rate_limited():
    old = UserFactory(date_joined=timezone.now() - datetime.timedelta(days=30))
    section = SectionFactory()

    for n in range(5):
        services.topic_create(section=section, author=old, title=f"Т{n}", body="x")

    assert Topic.objects.filter(author=old).count() == 5
