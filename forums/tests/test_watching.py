"""Watching sections, and the forums' section in the digests."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from community.digests import digest_contents
from community.models import Notification
from forums import hooks, services
from forums.models import SectionWatch
from forums.tests.factories import PostFactory, SectionFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_section_watchers_hear_of_new_topics(member):
    section = SectionFactory()
    services.section_watch_set(user=member, section=section, watching=True)
    author = UserFactory()

    services.topic_create(section=section, author=author, title="Новая тема", body="x")
    services.topic_create(
        section=SectionFactory(), author=author, title="Чужая", body="x"
    )

    note = Notification.objects.get(recipient=member)
    assert note.kind == hooks.NEW_TOPIC
    assert note.target_title == "Новая тема"


def test_section_watch_view_toggles(member_client, member):
    section = SectionFactory()
    url = reverse("forums:section_watch", args=[section.slug])

    member_client.post(url, {"watch": "1"})
    assert SectionWatch.objects.filter(user=member, section=section).exists()
    assert member_client.get(section.get_absolute_url()).context["is_watching"]
    member_client.post(url, {"watch": "0"})
    assert not SectionWatch.objects.exists()
    assert Client().post(url, {"watch": "1"}).status_code == 302
    assert not SectionWatch.objects.exists()


def test_topic_watch_view_toggles(member_client, member):
    topic = TopicFactory()
    url = reverse("forums:topic_watch", args=[topic.pk])

    member_client.post(url, {"watch": "1"})
    assert member_client.get(topic.get_absolute_url()).context["is_watching"]
    member_client.post(url, {"watch": "0"})
    assert not member_client.get(topic.get_absolute_url()).context["is_watching"]


def test_hot_topics_section_in_the_digest(member):
    since = timezone.now() - datetime.timedelta(days=1)
    busy, quiet = TopicFactory(title="Горячая"), TopicFactory(title="Тихая")
    for number in range(2, 6):
        PostFactory(topic=busy, number=number)
    PostFactory(topic=quiet, number=2)
    TopicFactory(title="Скрытая", is_hidden=True)

    content = digest_contents(users=[member], since=since)[member.pk]

    titles = {
        section.key: [item.title for item in items]
        for section, items in content.sections
    }
    assert titles["hot_topics"][:2] == ["Горячая", "Тихая"]
    assert "Скрытая" not in titles["hot_topics"]


def test_no_hot_topics_without_fresh_posts(member):
    TopicFactory()

    content = digest_contents(users=[member], since=timezone.now())[member.pk]

    assert "hot_topics" not in [section.key for section, _items in content.sections]
