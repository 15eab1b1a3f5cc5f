"""New materials as RSS and Atom."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from accounts.tests.factories import UserFactory
from community.models import Subject
from community.tests.feed_parsing import parse_atom, parse_rss
from materials.models import Licence, Material
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db

FEEDS = (("materials:feed_rss", parse_rss), ("materials:feed_atom", parse_atom))


def test_published_materials_with_summary_author_and_tags(settings):
    settings.SITE_URL = "https://kollegi.example"
    material = MaterialFactory(title="Дроби в 5 классе", summary="Конспект & задания")
    material.tags.set(["дроби"])
    Profile.objects.filter(user=material.author).update(display_name="Ольга Петрова")

    for name, parse in FEEDS:
        feed = parse(Client().get(reverse(name)))
        [item] = feed.items
        assert item.title == "Дроби в 5 классе"
        assert item.link == f"https://kollegi.example/materials/{material.pk}/"
        # Plain text, escaped for readers that take it as HTML.
        assert item.description == "Конспект &amp; задания"
        assert item.author == "Ольга Петрова"
        assert item.categories == ["дроби"]
        assert item.published
        assert feed.link == "https://kollegi.example/materials/"


def test_drafts_and_hidden_materials_stay_out():
    MaterialFactory(title="Опубликованный")
    MaterialFactory(title="Черновик", status=Material.Status.DRAFT, published_at=None)
    MaterialFactory(title="Скрытый", is_hidden=True)

    for name, parse in FEEDS:
        assert parse(Client().get(reverse(name))).titles == ["Опубликованный"]


def test_newest_thirty_with_a_fixed_number_of_queries(django_assert_max_num_queries):
    subject = Subject.objects.get(slug="mathematics")
    authors = UserFactory.create_batch(5)
    start = timezone.now() - datetime.timedelta(days=100)
    materials = Material.objects.bulk_create(
        Material(
            author=authors[index % 5],
            title=f"Материал {index}",
            summary="Кратко",
            subject=subject,
            kind=Material.Kind.WORKSHEET,
            licence=Licence.CC_BY,
            status=Material.Status.PUBLISHED,
            published_at=start + datetime.timedelta(hours=index),
        )
        for index in range(55)
    )
    for material in materials:
        material.tags.set(["общий", f"тег-{material.pk % 3}"])

    for name, parse in FEEDS:
        with django_assert_max_num_queries(3):
            response = Client().get(reverse(name))
        feed = parse(response)
        assert len(feed.items) == 30
        assert feed.items[0].title == "Материал 54"
        assert all("общий" in item.categories for item in feed.items)


def test_catalogue_offers_the_feed():
    content = Client().get(reverse("materials:catalogue")).content.decode()

    head, body = content.split("<body", 1)
    assert 'type="application/rss+xml"' in head
    assert f'href="{reverse("materials:feed_rss")}"' in head
    assert f'href="{reverse("materials:feed_atom")}"' in head
    assert f'href="{reverse("materials:feed_rss")}"' in body
