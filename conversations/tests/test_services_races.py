"""Steps that arrive at once (PostgreSQL only: SQLite takes writes in turn).

A message is numbered under its conversation's row lock, so messages sent at
once are numbered 1.. without a gap or a repeat; a request answered twice at
once is answered once.
"""

import pytest

from community.models import Notification
from community.tests.races import needs_postgresql, together
from conversations import kinds, services
from conversations.models import Conversation, Message, Participant
from conversations.tests.factories import EstablishedUserFactory, conversation_with

pytestmark = pytest.mark.django_db(transaction=True)


def test_messages_sent_at_once_are_numbered_without_gaps():
    needs_postgresql()
    owner, *members = EstablishedUserFactory.create_batch(4)
    conversation = conversation_with(owner, *members, messages=1)
    authors = [owner, *members] * 2

    errors = together(
        [
            lambda author=author, index=index: services.message_send(
                conversation=Conversation.objects.get(pk=conversation.pk),
                author=author,
                body=f"Сообщение {index}",
            )
            for index, author in enumerate(authors)
        ]
    )

    assert errors == [None] * len(authors)
    numbers = list(
        Message.objects.filter(conversation=conversation)
        .order_by("number")
        .values_list("number", flat=True)
    )
    assert numbers == list(range(1, len(authors) + 2))
    assert Conversation.objects.get(pk=conversation.pk).last_number == len(authors) + 1


def test_a_request_accepted_twice_at_once_tells_the_sender_once():
    needs_postgresql()
    sender, recipient = EstablishedUserFactory.create_batch(2)
    conversation = services.conversation_start(
        sender=sender, recipients=[recipient], subject="Тема", body="Текст"
    )
    pk = Participant.objects.get(conversation=conversation, user=recipient).pk

    errors = together(
        [
            lambda: services.request_accept(
                participant=Participant.objects.select_related(
                    "conversation", "user"
                ).get(pk=pk)
            )
            for _click in range(3)
        ]
    )

    assert errors == [None] * 3
    assert Notification.objects.filter(kind=kinds.REQUEST_ACCEPTED).count() == 1
