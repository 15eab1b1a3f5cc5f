"""The personal calendar address: shown without a write, replaced on request."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory
from masterclasses import services
from masterclasses.models import CalendarFeed
from masterclasses.tests.factories import MasterClassFactory

pytestmark = pytest.mark.django_db

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _address(client: Client) -> str:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("masterclasses:mine"))
    assert [q["sql"] for q in queries if WRITE.match(q["sql"])] == []
    return page.context["feed_url"]


def test_the_page_shows_a_working_address_without_writing():
    member = UserFactory()
    services.register(masterclass=MasterClassFactory(title="Мой"), user=member)
    client = _client(member)

    address = _address(client)

    assert address == _address(client)  # the same each time
    assert not CalendarFeed.objects.filter(user=member).exists()
    response = Client().get(address)
    assert response.status_code == 200
    assert "Мой" in response.content.decode()


def test_a_new_address_replaces_the_shown_one():
    member = UserFactory()
    client = _client(member)
    shown = _address(client)

    client.post(reverse("masterclasses:mine"))
    new = _address(client)

    assert new != shown
    assert Client().get(shown).status_code == 404
    assert Client().get(new).status_code == 200


def test_a_forged_or_closed_address_opens_nothing():
    member = UserFactory()
    address = _address(_client(member))
    token = address.rsplit("/", 1)[1].removesuffix(".ics")
    _user_id, _sep, signature = token.partition(".")
    other = UserFactory()
    forged = reverse("masterclasses:feed", args=[f"{other.pk}.{signature}"])

    assert Client().get(forged).status_code == 404
    User.objects.filter(pk=member.pk).update(is_active=False)
    assert Client().get(address).status_code == 404
