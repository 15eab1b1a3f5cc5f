"""A forum section's new topics as RSS and Atom."""

import datetime
import html

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from community.markdown import render_markdown
from community.tests.feed_parsing import parse_atom, parse_rss
from forums.models import Post, Topic
from forums.tests.factories import PostFactory, SectionFactory, TopicFactory

pytestmark = pytest.mark.django_db


def _urls(section) -> tuple[str, str]:
    return (
        reverse("forums:section_feed_rss", args=[section.slug]),
        reverse("forums:section_feed_atom", args=[section.slug]),
    )


def test_both_formats_list_the_sections_public_topics(settings):
    settings.SITE_URL = "https://kollegi.example"
    section = SectionFactory(title="Математика")
    child = SectionFactory(title="ОГЭ", parent=section)
    topic = TopicFactory(section=section, title="Как объяснить дроби")
    Post.objects.filter(topic=topic, number=1).update(
        body_html=render_markdown("Ищу **идеи** для 5 класса.")
    )
    Profile.objects.filter(user=topic.author).update(display_name="Анна Морозова")
    topic.tags.set(["дроби", "5 класс"])
    TopicFactory(section=child, title="Тема подраздела")
    TopicFactory(title="Тема другого раздела")
    rss_url, atom_url = _urls(section)

    rss = parse_rss(Client().get(rss_url))
    atom = parse_atom(Client().get(atom_url))

    for feed in (rss, atom):
        assert sorted(feed.titles) == ["Как объяснить дроби", "Тема подраздела"]
        item = next(i for i in feed.items if i.title == "Как объяснить дроби")
        assert item.link == f"https://kollegi.example/forums/t/{topic.pk}/"
        assert html.unescape(item.description) == "Ищу идеи для 5 класса."
        assert item.author == "Анна Морозова"
        assert sorted(item.categories) == ["5 класс", "дроби"]
        assert item.published
        assert feed.link == f"https://kollegi.example{section.get_absolute_url()}"
    assert "Математика" in rss.title


def test_hidden_pending_and_merged_topics_stay_out():
    section = SectionFactory()
    TopicFactory(section=section, title="Открытая тема")
    TopicFactory(section=section, title="Скрытая тема", is_hidden=True)
    TopicFactory(section=section, title="Ждёт модератора", is_pending=True)
    target = TopicFactory(section=section, title="Куда слили")
    TopicFactory(
        section=section, title="Слитая тема", is_hidden=True, merged_into=target
    )
    rss_url, atom_url = _urls(section)

    assert sorted(parse_rss(Client().get(rss_url)).titles) == [
        "Куда слили",
        "Открытая тема",
    ]
    assert sorted(parse_atom(Client().get(atom_url)).titles) == [
        "Куда слили",
        "Открытая тема",
    ]


def test_a_removed_opening_post_gives_no_excerpt():
    section = SectionFactory()
    for flag in ("is_deleted", "is_hidden", "is_pending"):
        topic = TopicFactory(section=section, title=f"Тема {flag}")
        Post.objects.filter(topic=topic, number=1).update(
            body="Тайный текст", body_html="<p>Тайный текст</p>", **{flag: True}
        )

    content = Client().get(_urls(section)[0]).content.decode()

    assert "Тайный текст" not in content
    assert len(parse_rss(Client().get(_urls(section)[0])).items) == 3


def test_member_markup_is_text_in_the_feed_never_html():
    section = SectionFactory()
    topic = TopicFactory(section=section, title="<b>Жирная</b> тема")
    Post.objects.filter(topic=topic, number=1).update(
        body_html=render_markdown("Пишу `<script>alert(1)</script>` и <img src=x>")
    )

    for response in (Client().get(url) for url in _urls(section)):
        raw = response.content.decode()
        assert "<script" not in raw
        assert "&lt;script" not in raw  # escaped twice: text, not markup
        assert "&amp;lt;script&amp;gt;" in raw
        assert "<b>" not in raw


def test_newest_thirty_with_a_fixed_number_of_queries(django_assert_max_num_queries):
    section = SectionFactory()
    start = timezone.now() - datetime.timedelta(days=60)
    topics = TopicFactory.create_batch(55, section=section)
    for index, topic in enumerate(topics):
        Topic.objects.filter(pk=topic.pk).update(
            created_at=start + datetime.timedelta(hours=index)
        )
        topic.tags.set([f"тег-{index % 4}", "общий"])
        PostFactory(topic=topic, number=2)
    rss_url, atom_url = _urls(section)

    for url, parse in ((rss_url, parse_rss), (atom_url, parse_atom)):
        with django_assert_max_num_queries(5):
            response = Client().get(url)
        feed = parse(response)
        assert len(feed.items) == 30
        assert feed.items[0].title == topics[-1].title
        assert all(item.author for item in feed.items)
        assert all("общий" in item.categories for item in feed.items)


def test_unknown_section_is_404():
    assert Client().get("/forums/s/no-such-section/feed/rss/").status_code == 404
    assert Client().get("/forums/s/no-such-section/feed/atom/").status_code == 404


def test_section_page_offers_its_feeds():
    section = SectionFactory()
    rss_url, atom_url = _urls(section)

    content = Client().get(section.get_absolute_url()).content.decode()

    assert 'rel="alternate" type="application/rss+xml" title="' in content
    assert f'href="{rss_url}"' in content
    assert 'type="application/atom+xml" title="' in content
    assert f'href="{atom_url}"' in content
    # A visible link too, not only the one in <head>.
    body = content.split("<body", 1)[1]
    assert f'href="{rss_url}"' in body
