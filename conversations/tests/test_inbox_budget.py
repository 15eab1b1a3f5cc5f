"""The inbox's page budget, and the header's count of unread messages, which
costs no query of its own."""

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from conversations.models import Participant
from conversations.services._common import (
    conversation_open,
    message_append,
    participant_add,
)

pytestmark = pytest.mark.django_db

INBOX = reverse("conversations:inbox")


def _fill(member, count: int = 56) -> None:
    """``count`` conversations of every shape: one to one and groups of
    five, some left, muted, unread, and requests waiting."""
    colleagues = UserFactory.create_batch(6)
    for number in range(count):
        owner = colleagues[number % len(colleagues)]
        conversation = conversation_open(owner=owner, subject=f"Тема {number}")
        others = [member] if number % 3 else [member, *colleagues[:4]]
        for other in others:
            if other == owner:
                continue
            participant_add(
                conversation=conversation,
                user=other,
                status=Participant.Status.REQUEST
                if number % 11 == 0
                else Participant.Status.ACTIVE,
                added_by=owner,
            )
        for body in ("Здравствуйте", "олимпиада в пятницу"):
            message_append(conversation=conversation, author=owner, body=body)
        fields = {}
        if number % 5 == 0:
            fields.update(
                status=Participant.Status.LEFT, visible_until=1, left_at=timezone.now()
            )
        if number % 7 == 0:
            fields["is_muted"] = True
        if fields:
            Participant.objects.filter(conversation=conversation, user=member).update(
                **fields
            )


@pytest.mark.parametrize(
    "query",
    [{}, {"tab": "requests"}, {"tab": "archived"}, {"q": "олимпиада"}, {"page": 2}],
    ids=["inbox", "requests", "archived", "search", "page-2"],
)
def test_inbox_page_within_the_budget(
    member_client, member, django_assert_max_num_queries, query
):
    _fill(member)
    Participant.objects.filter(user=member, conversation__subject="Тема 4").update(
        is_archived=True
    )
    cache.clear()

    with django_assert_max_num_queries(10):
        response = member_client.get(INBOX, query)

    assert response.status_code == 200
    assert len(response.context["page_obj"]) > 0


def _page_queries(client) -> list[str]:
    cache.clear()
    caches["fragments"].clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("notifications")).status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_header_count_of_unread_messages_costs_no_query_of_its_own(
    member_client, member
):
    without = _page_queries(member_client)
    _fill(member, count=12)
    with_unread = _page_queries(member_client)

    assert len(with_unread) == len(without)
    # The messages' count is read in the notifications' own query.
    counting = [sql for sql in with_unread if "conversations_participant" in sql]
    assert counting
    assert all("community_notification" in sql for sql in counting)
