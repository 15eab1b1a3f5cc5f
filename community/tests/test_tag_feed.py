"""A tag's feed: new public items under the tag from every app."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from accounts.models import BlogPost, Profile
from accounts.tests.factories import BlogPostFactory
from community.feeds import FeedEntry, tag_feed_entries
from community.tests.feed_parsing import parse_atom, parse_rss
from forums.models import Topic
from forums.tests.factories import TopicFactory
from masterclasses.models import MasterClass
from masterclasses.tests.factories import MasterClassFactory
from materials.models import Material
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db


def _urls(tag: Tag) -> tuple[tuple[str, object], ...]:
    return (
        (reverse("tag_feed_rss", args=[tag.slug]), parse_rss),
        (reverse("tag_feed_atom", args=[tag.slug]), parse_atom),
    )


def _tagged(obj, *names):
    obj.tags.set(list(names))
    return obj


def test_public_items_of_every_app_newest_first(settings):
    settings.SITE_URL = "https://kollegi.example"
    now = timezone.now()
    topic = _tagged(TopicFactory(title="Тема про дроби"), "дроби")
    Topic.objects.filter(pk=topic.pk).update(created_at=now - datetime.timedelta(1))
    _tagged(
        MaterialFactory(
            title="Материал про дроби", published_at=now - datetime.timedelta(2)
        ),
        "дроби",
    )
    masterclass = _tagged(MasterClassFactory(title="Мастер-класс про дроби"), "дроби")
    MasterClass.objects.filter(pk=masterclass.pk).update(
        created_at=now - datetime.timedelta(3)
    )
    post = _tagged(
        BlogPostFactory(title="Заметка про дроби", published_at=now), "дроби"
    )
    _tagged(TopicFactory(title="Тема про другое"), "геометрия")
    tag = Tag.objects.get(name="дроби")

    for url, parse in _urls(tag):
        feed = parse(Client().get(url))
        assert feed.titles == [
            "Заметка про дроби",
            "Тема про дроби",
            "Материал про дроби",
            "Мастер-класс про дроби",
        ]
        assert feed.items[0].link == (
            f"https://kollegi.example/u/{post.author.username}/blog/{post.slug}/"
        )
        assert all(item.categories == ["дроби"] for item in feed.items)
        assert "дроби" in feed.title
        assert feed.link == f"https://kollegi.example{reverse('tag', args=[tag.slug])}"


def test_nothing_a_visitor_may_not_see():
    names = ["дроби"]
    _tagged(TopicFactory(title="Видимая тема"), *names)
    _tagged(TopicFactory(title="Скрытая тема", is_hidden=True), *names)
    _tagged(TopicFactory(title="Тема на модерации", is_pending=True), *names)
    _tagged(
        MaterialFactory(
            title="Черновик материала", status=Material.Status.DRAFT, published_at=None
        ),
        *names,
    )
    _tagged(MaterialFactory(title="Скрытый материал", is_hidden=True), *names)
    for status in ("draft", "proposed", "cancelled"):
        _tagged(
            MasterClassFactory(title=f"Мастер-класс {status}", status=status), *names
        )
    _tagged(MasterClassFactory(title="Скрытый мастер-класс", is_hidden=True), *names)
    _tagged(
        BlogPostFactory(
            title="Черновик заметки", status=BlogPost.Status.DRAFT, published_at=None
        ),
        *names,
    )
    _tagged(BlogPostFactory(title="Скрытая заметка", is_hidden=True), *names)
    private = _tagged(BlogPostFactory(title="Заметка закрытого профиля"), *names)
    Profile.objects.filter(user=private.author).update(indexable=False)
    gone = _tagged(BlogPostFactory(title="Заметка удалённого"), *names)
    Profile.objects.filter(user=gone.author).update(deleted_at=timezone.now())
    tag = Tag.objects.get(name="дроби")

    for url, parse in _urls(tag):
        assert parse(Client().get(url)).titles == ["Видимая тема"]


def test_thirty_items_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    for index in range(15):
        _tagged(TopicFactory(title=f"Тема {index}"), "общий", f"т{index % 3}")
        _tagged(MaterialFactory(title=f"Материал {index}"), "общий")
        _tagged(MasterClassFactory(title=f"Мастер-класс {index}"), "общий")
        _tagged(BlogPostFactory(title=f"Заметка {index}"), "общий")
    tag = Tag.objects.get(name="общий")

    for url, parse in _urls(tag):
        with django_assert_max_num_queries(10):
            response = Client().get(url)
        feed = parse(response)
        assert len(feed.items) == 30
        assert all(item.author for item in feed.items)


def test_unknown_tag_is_404():
    assert Client().get("/tags/no-such-tag/feed/rss/").status_code == 404
    assert Client().get("/tags/no-such-tag/feed/atom/").status_code == 404


def test_sources_are_merged_by_date_and_cut():
    tag = Tag.objects.create(name="дроби", slug="drobi")
    now = timezone.now()
    for days in range(3):
        topic = _tagged(TopicFactory(title=f"Тема {days} дн."), "дроби")
        Topic.objects.filter(pk=topic.pk).update(
            created_at=now - datetime.timedelta(days=days)
        )
    _tagged(
        MaterialFactory(
            title="Материал", published_at=now - datetime.timedelta(hours=12)
        ),
        "дроби",
    )

    entries = tag_feed_entries(tag, limit=2)

    assert all(isinstance(entry, FeedEntry) for entry in entries)
    assert [entry.title for entry in entries] == ["Тема 0 дн.", "Материал"]


def test_tag_page_offers_the_feed():
    _tagged(TopicFactory(), "дроби")
    tag = Tag.objects.get(name="дроби")
    rss_url, atom_url = (url for url, _parse in _urls(tag))

    content = Client().get(reverse("tag", args=[tag.slug])).content.decode()

    head, body = content.split("<body", 1)
    assert 'type="application/rss+xml" title="#дроби' in head
    assert f'href="{rss_url}"' in head
    assert f'href="{atom_url}"' in head
    assert f'href="{rss_url}"' in body
