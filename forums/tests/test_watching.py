"""Watching sections, and the forums' section in the digests."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from community.digests import digest_contents
from community.models import Notification
from forums import kinds, services
from forums.models import SectionWatch
from forums.tests.factories import PostFactory, SectionFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_section_watchers_hear_of_new_topics(
    member, django_capture_on_commit_callbacks
):
    section = SectionFactory()
    services.section_watch_set(user=member, section=section, watching=True)
    author = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        services.topic_create(
            section=section, author=author, title="Новая тема", body="x"
        )
        services.topic_create(
            section=SectionFactory(), author=author, title="Чужая", body="x"
        )

    note = Notification.objects.get(recipient=member)
    assert note.kind == kinds.NEW_TOPIC
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


def _tag(name: str):
    from taggit.models import Tag

    return Tag.objects.get_or_create(name=name, defaults={"slug": name})[0]


def test_tag_watchers_hear_of_new_topics_once_in_any_section(
    member, django_capture_on_commit_callbacks
):
    services.tag_watch_set(user=member, tag=_tag("дроби"), watching=True)
    services.tag_watch_set(user=member, tag=_tag("5 класс"), watching=True)
    author = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        services.topic_create(
            section=SectionFactory(),
            author=author,
            title="Дроби в пятом",
            body="x",
            tags=["дроби", "5 класс"],
        )
        services.topic_create(
            section=SectionFactory(), author=author, title="Без меток", body="x"
        )
        services.topic_create(
            section=SectionFactory(),
            author=member,
            title="Своя",
            body="x",
            tags=["дроби"],
        )

    # (Their own topic may earn them a badge: only the forum's notifications.)
    note = Notification.objects.get(recipient=member, kind__startswith="forum_")
    assert note.kind == kinds.NEW_TAGGED
    assert note.target_title == "Дроби в пятом"


def test_section_and_tag_watcher_gets_one_notification(
    member, django_capture_on_commit_callbacks
):
    section = SectionFactory()
    services.section_watch_set(user=member, section=section, watching=True)
    services.tag_watch_set(user=member, tag=_tag("дроби"), watching=True)

    with django_capture_on_commit_callbacks(execute=True):
        services.topic_create(
            section=section, author=UserFactory(), title="Т", body="x", tags=["дроби"]
        )

    assert Notification.objects.filter(recipient=member).count() == 1


@pytest.mark.premoderation
def test_tag_watchers_hear_of_a_premoderated_topic_when_it_is_approved(
    member, moderator, django_capture_on_commit_callbacks
):
    services.tag_watch_set(user=member, tag=_tag("дроби"), watching=True)
    with django_capture_on_commit_callbacks(execute=True):
        topic = services.topic_create(
            section=SectionFactory(),
            author=UserFactory(),
            title="Т",
            body="x",
            tags=["дроби"],
        )
    assert not Notification.objects.filter(recipient=member).exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.post_approve(post=topic.posts.get(), moderator=moderator)

    assert Notification.objects.get(recipient=member).kind == kinds.NEW_TAGGED


def test_tag_watch_stops(member, django_capture_on_commit_callbacks):
    tag = _tag("дроби")
    services.tag_watch_set(user=member, tag=tag, watching=True)
    services.tag_watch_set(user=member, tag=tag, watching=False)

    with django_capture_on_commit_callbacks(execute=True):
        services.topic_create(
            section=SectionFactory(), author=UserFactory(), title="Т", body="x",
            tags=["дроби"],
        )  # fmt: skip

    assert not Notification.objects.filter(recipient=member).exists()


def test_tag_page_lists_tagged_topics_and_toggles_watching(member_client, member):
    from forums.models import TagWatch

    tagged = TopicFactory(title="С меткой")
    tagged.tags.add("дроби")
    TopicFactory(title="Без метки")
    hidden = TopicFactory(title="Скрытая", is_hidden=True)
    hidden.tags.add("дроби")
    tag = _tag("дроби")
    url = reverse("forums:tag", args=[tag.slug])

    page = member_client.get(url).content.decode()
    member_client.post(reverse("forums:tag_watch", args=[tag.slug]), {"watch": "1"})

    assert "С меткой" in page
    assert "Без метки" not in page
    assert "Скрытая" not in page
    assert TagWatch.objects.filter(user=member, tag=tag).exists()
    assert Client().get(reverse("forums:tag", args=["нет-такой"])).status_code == 404


def test_topic_page_links_its_tags(client):
    topic = TopicFactory()
    topic.tags.add("дроби")

    page = client.get(topic.get_absolute_url()).content.decode()

    assert reverse("forums:tag", args=[_tag("дроби").slug]) in page


def test_tag_page_keeps_fixed_queries(member_client, django_assert_max_num_queries):
    for topic in TopicFactory.create_batch(55):
        topic.tags.add("дроби")

    with django_assert_max_num_queries(10):
        response = member_client.get(reverse("forums:tag", args=["дроби"]))

    assert len(response.context["page_obj"]) == 20
