"""Master-class proposals approved or returned in one click from the inbox."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from community.models import Notification
from masterclasses import kinds
from masterclasses.models import MasterClass
from masterclasses.tests.factories import MasterClassFactory

pytestmark = pytest.mark.django_db

QUEUE = "masterclass_proposals"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _proposal(**fields) -> MasterClass:
    return MasterClassFactory(status=MasterClass.Status.PROPOSED, **fields)


def _decide(client: Client, masterclass: MasterClass, **data):
    return client.post(reverse("inbox_decide", args=[QUEUE, masterclass.pk]), data)


def test_the_admin_inbox_leads_to_the_proposals_queue(moderator):
    _proposal()

    page = _client(moderator).get(reverse("admin:index")).content.decode()

    assert f'href="{reverse("inbox_queue", args=[QUEUE])}"' in page


def test_the_queue_lists_each_proposal_with_its_buttons(moderator):
    waiting = _proposal(title="Дроби без страха")
    MasterClassFactory(title="Уже опубликован")

    page = _client(moderator).get(reverse("inbox_queue", args=[QUEUE]))

    text = page.content.decode()
    assert page.status_code == 200
    assert "Дроби без страха" in text
    assert "Уже опубликован" not in text
    assert reverse("inbox_decide", args=[QUEUE, waiting.pk]) in text
    assert 'name="reason"' in text
    assert "required" in text


def test_one_click_publishes_a_proposal_and_tells_its_host(moderator):
    masterclass = _proposal()
    client = _client(moderator)

    response = _decide(client, masterclass, decision="approve")

    assert response.status_code == 302
    assert response.url == reverse("inbox_queue", args=[QUEUE])
    masterclass.refresh_from_db()
    assert masterclass.status == MasterClass.Status.PUBLISHED
    assert Notification.objects.filter(
        recipient=masterclass.host, kind=kinds.APPROVED
    ).exists()
    page = client.get(response.url).content.decode()
    assert "Опубликовано" in page


def test_returning_needs_a_note_which_the_host_gets(moderator):
    masterclass = _proposal()
    client = _client(moderator)

    refused = _decide(client, masterclass, decision="reject", reason="  ")
    masterclass.refresh_from_db()
    assert refused.status_code == 302
    assert masterclass.status == MasterClass.Status.PROPOSED

    _decide(client, masterclass, decision="reject", reason="Уточните время")
    masterclass.refresh_from_db()
    assert masterclass.status == MasterClass.Status.DRAFT
    assert masterclass.return_note == "Уточните время"
    assert Notification.objects.filter(
        recipient=masterclass.host, kind=kinds.RETURNED
    ).exists()


def test_a_double_click_publishes_once(moderator):
    masterclass = _proposal()
    client = _client(moderator)

    _decide(client, masterclass, decision="approve")
    _decide(client, masterclass, decision="approve")

    assert (
        Notification.objects.filter(
            recipient=masterclass.host, kind=kinds.APPROVED
        ).count()
        == 1
    )


def test_members_get_404_and_change_nothing():
    masterclass = _proposal()
    client = _client(UserFactory())

    assert client.get(reverse("inbox_queue", args=[QUEUE])).status_code == 404
    assert _decide(client, masterclass, decision="approve").status_code == 404
    masterclass.refresh_from_db()
    assert masterclass.status == MasterClass.Status.PROPOSED


def test_the_queue_keeps_a_fixed_number_of_queries(
    moderator, django_assert_max_num_queries
):
    for _ in range(30):
        _proposal()
    client = _client(moderator)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("inbox_queue", args=[QUEUE]))

    assert response.content.decode().count('value="approve"') == 25
