"""Anonymous visitors' pages come from the cache until a service changes the content."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from forums import services as forums
from forums.tests.factories import SectionFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_premoderation(settings):
    settings.MODERATION_PREMODERATED_POSTS = 0


def test_a_visitors_page_is_served_from_the_cache_without_queries(
    client, django_assert_num_queries
):
    topic = TopicFactory(title="Как объяснить дроби")
    first = client.get(topic.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"

    with django_assert_num_queries(0):
        second = client.get(topic.get_absolute_url())

    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "Content-Security-Policy" in second


def test_a_service_that_changes_content_invalidates_the_pages(client, member):
    topic = TopicFactory(title="Как объяснить дроби")
    client.get(topic.get_absolute_url())

    forums.post_create(topic=topic, author=member, body="Через пиццу!")
    page = client.get(topic.get_absolute_url())

    assert page["X-Page-Cache"] == "miss"
    assert "Через пиццу!" in page.content.decode()


def test_a_reaction_changes_the_counts_visitors_see(client, member):
    topic = TopicFactory()
    reply = forums.post_create(topic=topic, author=UserFactory(), body="Ответ")
    client.get(topic.get_absolute_url())

    forums.reaction_set(post=reply, user=member, kind="thanks", on=True)

    assert client.get(topic.get_absolute_url())["X-Page-Cache"] == "miss"


def test_members_pages_are_never_cached(member_client):
    section = SectionFactory()

    member_client.get(section.get_absolute_url())
    response = member_client.get(section.get_absolute_url())

    assert "X-Page-Cache" not in response


def test_pages_that_set_a_cookie_are_not_kept(client):
    material_form = reverse("account_login")
    client.get(material_form)

    assert "X-Page-Cache" not in client.get(material_form)


def test_each_language_has_its_own_page(client):
    section = SectionFactory()
    russian = client.get(section.get_absolute_url()).content.decode()
    english_client = Client()
    english_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    english = english_client.get(section.get_absolute_url())

    assert english["X-Page-Cache"] == "miss"
    assert english.content.decode() != russian
    assert 'lang="en"' in english.content.decode()


def test_a_visitor_with_a_message_gets_a_fresh_page(client):
    section = SectionFactory()
    client.get(section.get_absolute_url())
    client.cookies["messages"] = "something"

    assert "X-Page-Cache" not in client.get(section.get_absolute_url())
