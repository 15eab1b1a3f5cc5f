"""Upcoming master-classes as RSS and Atom."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from accounts.tests.factories import UserFactory
from community.models import Subject
from community.tests.feed_parsing import parse_atom, parse_rss
from masterclasses.models import MasterClass
from masterclasses.tests.factories import MasterClassFactory

pytestmark = pytest.mark.django_db

FEEDS = (
    ("masterclasses:feed_rss", parse_rss),
    ("masterclasses:feed_atom", parse_atom),
)


def test_upcoming_ones_soonest_first_with_time_and_excerpt(settings):
    settings.SITE_URL = "https://kollegi.example"
    later = MasterClassFactory(
        title="Позже",
        starts_at=timezone.now() + datetime.timedelta(days=10),
        ends_at=timezone.now() + datetime.timedelta(days=10, hours=1),
    )
    sooner = MasterClassFactory(title="Скоро")
    sooner.tags.set(["дроби"])
    Profile.objects.filter(user=sooner.host).update(display_name="Иван Петров")

    for name, parse in FEEDS:
        feed = parse(Client().get(reverse(name)))
        assert feed.titles == ["Скоро", "Позже"]
        item = feed.items[0]
        assert item.link == f"https://kollegi.example/masterclasses/{sooner.pk}/"
        assert "Покажу, как объяснять дроби." in item.description
        assert "<strong>" not in item.description
        assert str(timezone.localtime(sooner.starts_at).year) in item.description
        assert len(item.description) <= 200
        assert item.author == "Иван Петров"
        assert item.categories == ["дроби"]
    assert later.pk


def test_drafts_proposals_cancelled_hidden_and_past_ones_stay_out():
    MasterClassFactory(title="Открытый")
    for status in (
        MasterClass.Status.DRAFT,
        MasterClass.Status.PROPOSED,
        MasterClass.Status.CANCELLED,
    ):
        MasterClassFactory(title=f"Статус {status}", status=status)
    MasterClassFactory(title="Скрытый", is_hidden=True)
    MasterClassFactory(
        title="Прошедший",
        status=MasterClass.Status.FINISHED,
        starts_at=timezone.now() - datetime.timedelta(days=3),
        ends_at=timezone.now() - datetime.timedelta(days=3, hours=-1),
    )

    for name, parse in FEEDS:
        assert parse(Client().get(reverse(name))).titles == ["Открытый"]


def test_thirty_with_a_fixed_number_of_queries(django_assert_max_num_queries):
    subject = Subject.objects.get(slug="mathematics")
    hosts = UserFactory.create_batch(5)
    start = timezone.now() + datetime.timedelta(days=1)
    masterclasses = MasterClass.objects.bulk_create(
        MasterClass(
            host=hosts[index % 5],
            title=f"Мастер-класс {index}",
            description="Описание",
            description_html="<p>Описание</p>",
            subject=subject,
            format=MasterClass.Format.ONLINE,
            starts_at=start + datetime.timedelta(hours=index),
            ends_at=start + datetime.timedelta(hours=index, minutes=90),
            time_zone="Europe/Moscow",
            status=MasterClass.Status.PUBLISHED,
        )
        for index in range(55)
    )
    for masterclass in masterclasses:
        masterclass.tags.set(["общий"])

    for name, parse in FEEDS:
        with django_assert_max_num_queries(3):
            response = Client().get(reverse(name))
        feed = parse(response)
        assert len(feed.items) == 30
        assert feed.items[0].title == "Мастер-класс 0"
        assert all(item.categories == ["общий"] for item in feed.items)


def test_list_offers_the_feed():
    content = Client().get(reverse("masterclasses:list")).content.decode()

    head, body = content.split("<body", 1)
    assert 'type="application/rss+xml"' in head
    assert f'href="{reverse("masterclasses:feed_rss")}"' in head
    assert f'href="{reverse("masterclasses:feed_atom")}"' in head
    assert f'href="{reverse("masterclasses:feed_rss")}"' in body
