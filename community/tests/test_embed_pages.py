"""Every kind of page where members' links live shows them as cards: a forum
post, a blog post and its comments, a material, a master-class recording, a
course unit, a community's description. A topic page of many embedded links
reads their previews in one query; a visitor's kept page holds the cards and
moves on when a title arrives."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import BlogCommentFactory, BlogPostFactory, UserFactory
from circles.tests.factories import CommunityFactory
from community.changes import embeds_changed
from community.embed_providers import embed_match
from community.markdown import render_markdown
from community.models import EmbedPreview
from courses.models import Unit
from courses.tests.pages_helpers import course_with
from forums.tests.factories import PostFactory, SectionFactory, TopicFactory
from masterclasses import services as masterclasses
from masterclasses.models import MasterClass
from masterclasses.tests.factories import MasterClassFactory
from materials.tests.factories import MaterialFactory

from .test_html_valid import java_or_skip, nu_errors

pytestmark = pytest.mark.django_db

RUTUBE = "https://rutube.ru/video/0123456789abcdef0123456789abcdef/"
VK = "https://vkvideo.ru/video-22822305_456241864?hash=9f8e7d6c"
YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
DISK = "https://disk.yandex.ru/i/AbCdEf12"
CARD = re.compile(r'<figure class="k-embed[^"]*" data-embed-card')


def cards(response) -> int:
    assert response.status_code == 200
    page = response.content.decode()
    assert "k-embed-slot" not in page
    return len(CARD.findall(page))


def text_with(*links: str) -> str:
    return "Посмотрите перед уроком:\n\n" + "\n\n".join(links) + "\n\nОбсудим."


# --- Every kind of page ---------------------------------------------------------------


def test_a_forum_post_shows_its_link_as_a_card(client):
    topic = TopicFactory(opening__body=text_with(RUTUBE, VK, YOUTUBE))

    response = client.get(topic.get_absolute_url())

    assert cards(response) == 3
    assert "https://rutube.ru/play/embed/" in response.content.decode()


def test_a_blog_post_and_its_comment_show_their_links_as_cards(client):
    post = BlogPostFactory(body=text_with(VK))
    BlogCommentFactory(post=post, body=YOUTUBE)

    assert cards(client.get(post.get_absolute_url())) == 2


def test_a_materials_description_shows_its_link_as_a_card(client):
    material = MaterialFactory(description_html=render_markdown(text_with(DISK)))

    response = client.get(material.get_absolute_url())

    assert cards(response) == 1
    assert "k-embed-document" in response.content.decode()


def test_a_master_class_recording_shows_as_a_card(client):
    masterclass = MasterClassFactory(
        recording_url=RUTUBE, status=MasterClass.Status.FINISHED
    )

    response = client.get(masterclass.get_absolute_url())

    assert cards(response) == 1
    assert "Запись занятия" in response.content.decode()


def test_a_recording_no_service_knows_stays_a_link(client):
    masterclass = MasterClassFactory(
        recording_url="https://video.example.org/record",
        status=MasterClass.Status.FINISHED,
    )

    response = client.get(masterclass.get_absolute_url())

    assert cards(response) == 0
    assert 'href="https://video.example.org/record"' in response.content.decode()


def test_a_recording_saved_asks_for_its_title_and_picture(
    monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.EMBED_FETCH = True
    sent = []
    monkeypatch.setattr(
        "community.tasks.embed_previews_fetch_task",
        type("Task", (), {"delay": staticmethod(sent.append)}),
    )
    masterclass = MasterClassFactory(status=MasterClass.Status.FINISHED)

    with django_capture_on_commit_callbacks(execute=True):
        masterclasses.followup_set(
            masterclass=masterclass, host=masterclass.host, recording_url=VK
        )

    assert sent == [[[embed_match(VK).key, "vk", embed_match(VK).url]]]


def test_a_course_unit_shows_its_link_as_a_card(member_client):
    course = course_with((Unit.Kind.READING, {"body": text_with(YOUTUBE, DISK)}))
    unit = course.units.get()

    response = member_client.get(unit.get_absolute_url())

    assert cards(response) == 2


def test_a_communitys_description_shows_its_link_as_a_card(client):
    community = CommunityFactory(
        description=text_with(VK), description_html=render_markdown(text_with(VK))
    )

    assert cards(client.get(community.get_absolute_url())) == 1


def test_a_topic_sent_back_with_a_replys_error_still_shows_its_cards(member_client):
    topic = TopicFactory(opening__body=text_with(RUTUBE, VK, YOUTUBE))

    response = member_client.post(
        reverse("forums:reply", args=[topic.pk]), {"body": ""}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "k-embed-slot" not in page
    assert len(CARD.findall(page)) == 3
    assert "https://rutube.ru/play/embed/" in page


# --- What a page of many costs --------------------------------------------------------


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("signed_in", [True, False])
def test_a_topic_of_many_embedded_links_costs_one_query_more(signed_in):
    section = SectionFactory()
    authors = UserFactory.create_batch(5)
    plain, embedded, warm = TopicFactory.create_batch(
        3, section=section, author=authors[0]
    )
    for number in range(55):
        author = authors[number % 5]
        PostFactory(topic=plain, author=author, body=f"Ответ {number}: согласна.")
        PostFactory(topic=embedded, author=author, body=text_with(RUTUBE, VK))
        PostFactory(topic=warm, author=author, body=text_with(YOUTUBE))
    for url in (RUTUBE, VK):
        target = embed_match(url)
        EmbedPreview.objects.create(
            key=target.key,
            provider=target.provider,
            url=target.url,
            title="Урок",
            status=EmbedPreview.Status.FETCHED,
        )
    client = Client()
    if signed_in:
        client.force_login(UserFactory())
    client.get(warm.get_absolute_url())  # the site's own caches, kept

    without = _queries(client, plain.get_absolute_url())
    with_embeds = _queries(client, embedded.get_absolute_url())

    assert with_embeds == without + 1
    assert cards(client.get(f"{embedded.get_absolute_url()}?page=2")) == 40


# --- Visitors' kept pages -------------------------------------------------------------


def test_a_visitors_kept_page_holds_the_cards_and_moves_on_with_a_title(
    client, django_assert_num_queries
):
    topic = TopicFactory(opening__body=text_with(RUTUBE))
    first = client.get(topic.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    assert cards(first) == 1

    with django_assert_num_queries(0):
        kept = client.get(topic.get_absolute_url())
    assert kept["X-Page-Cache"] == "hit"
    assert cards(kept) == 1

    target = embed_match(RUTUBE)
    EmbedPreview.objects.create(
        key=target.key,
        provider=target.provider,
        url=target.url,
        title="Дроби на пицце",
        status=EmbedPreview.Status.FETCHED,
    )
    embeds_changed()  # as the fetch says when it is done

    fresh = client.get(topic.get_absolute_url())
    assert fresh["X-Page-Cache"] == "miss"
    assert "Дроби на пицце" in fresh.content.decode()
    assert fresh["Content-Length"] == str(len(fresh.content))


@pytest.mark.htmlcheck
def test_a_page_of_cards_is_valid_html(client, tmp_path):
    java = java_or_skip()
    topic = TopicFactory(opening__body=text_with(RUTUBE, VK, YOUTUBE, DISK))
    target = embed_match(RUTUBE)
    EmbedPreview.objects.create(
        key=target.key,
        provider=target.provider,
        url=target.url,
        title="Урок",
        thumbnail="embeds/lesson.jpg",
        status=EmbedPreview.Status.FETCHED,
    )
    response = client.get(topic.get_absolute_url())
    assert cards(response) == 4
    page = tmp_path / "topic.html"
    page.write_bytes(response.content)

    errors = nu_errors(java, [page])
    assert [(error["lastLine"], error["message"]) for error in errors] == []
