"""Conversations for tests, made through the services' own building blocks
(``services._common``), so numbering and counters hold as in the site.

- ``ConversationFactory(owner=..., subject=...)``: a conversation with its
  owner as the one ACTIVE participant and no message;
- ``conversation_with(owner, *members, messages=0, status=ACTIVE, ...)``:
  the owner and members, and ``messages`` text messages by the owner
  (members' read positions stay at 0: everything is unread for them);
- ``message_in(conversation, author, body=...)``: one more message;
- ``follows(follower, followee)``: a follow, so ``followee`` writes to
  ``follower`` without a request;
- ``EstablishedUserFactory``: a member past the new-member period.
"""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import Follow
from accounts.tests.factories import UserFactory
from conversations.models import Conversation, Message, Participant
from conversations.services._common import (
    conversation_open,
    message_append,
    participant_add,
)


class EstablishedUserFactory(UserFactory):
    """A member past the new-member period (no daily limit)."""

    date_joined = factory.LazyFunction(
        lambda: timezone.now() - datetime.timedelta(days=90)
    )


class ConversationFactory(DjangoModelFactory):
    """A conversation with its owner as its one (ACTIVE, OWNER) participant."""

    class Meta:
        model = Conversation

    owner = factory.SubFactory(EstablishedUserFactory)
    subject = factory.Sequence(lambda n: f"Об уроке № {n + 1}")
    is_sensitive = False
    is_question = False

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return conversation_open(
            owner=kwargs["owner"],
            subject=kwargs["subject"],
            is_sensitive=kwargs["is_sensitive"],
            is_question=kwargs["is_question"],
        )


def follows(follower, followee) -> Follow:
    """``follower`` follows ``followee``: ``followee`` writes to them
    without a request."""
    return Follow.objects.get_or_create(follower=follower, followee=followee)[0]


def message_in(conversation: Conversation, author, body: str = "Добрый день!"):
    """One more text message (numbered, counters kept; nobody told)."""
    return message_append(conversation=conversation, author=author, body=body)


def conversation_with(
    owner=None,
    *members,
    messages: int = 0,
    status: str = Participant.Status.ACTIVE,
    subject: str = "О проверке контрольных",
    is_sensitive: bool = False,
) -> Conversation:
    """A conversation of ``owner`` (made when None) with ``members`` in
    ``status`` (added by the owner), then ``messages`` text messages by the
    owner."""
    owner = owner or EstablishedUserFactory()
    conversation = conversation_open(
        owner=owner, subject=subject, is_sensitive=is_sensitive
    )
    for member in members:
        participant_add(
            conversation=conversation, user=member, status=status, added_by=owner
        )
    for number in range(messages):
        message_in(conversation, owner, f"Сообщение № {number + 1}")
    return conversation


def participant(conversation: Conversation, user) -> Participant:
    return Participant.objects.get(conversation=conversation, user=user)


def messages_of(conversation: Conversation) -> list[Message]:
    return list(Message.objects.filter(conversation=conversation).order_by("number"))
