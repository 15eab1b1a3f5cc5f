"""A conversation's messages and the inbox's rows are kept rendered
(``conversations.fragments``): each write that changes what they show
renews them, what is the viewer's own (new marks, controls, a request,
muted) is put in per request, and a participant who left never reads what
came after through what others' pages kept."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.services import profile_update
from conversations import services
from conversations.models import Message
from conversations.services.moderation import message_hide
from conversations.tests.factories import (
    EstablishedUserFactory,
    conversation_with,
    message_in,
    participant,
)

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(client, conversation) -> str:
    response = client.get(conversation.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def inbox(client) -> str:
    response = client.get(reverse("conversations:inbox"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def pair():
    owner, member = EstablishedUserFactory.create_batch(2)
    conversation = conversation_with(owner, member)
    return conversation, owner, member


def test_the_kept_messages_are_shown_again(pair):
    conversation, owner, member = pair
    sent = message_in(conversation, owner, "Первый вариант")
    reader = signed_in(member)
    assert "Первый вариант" in page(reader, conversation)
    # Written around the services: the kept page does not see it.
    Message.objects.filter(pk=sent.pk).update(body_html="<p>Другой</p>")

    assert "Первый вариант" in page(reader, conversation)


def test_an_edit_renews_the_kept_messages(pair):
    conversation, owner, member = pair
    sent = message_in(conversation, owner, "Первый вариант")
    reader = signed_in(member)
    assert "Первый вариант" in page(reader, conversation)

    services.message_edit(message=sent, editor=owner, body="Исправленный текст")

    shown = page(reader, conversation)
    assert "Исправленный текст" in shown
    assert "Первый вариант" not in shown


def test_a_deletion_renews_the_kept_messages(pair):
    conversation, owner, member = pair
    sent = message_in(conversation, owner, "Удалю это")
    reader = signed_in(member)
    assert "Удалю это" in page(reader, conversation)

    services.message_delete(message=sent, user=owner)

    assert "Удалю это" not in page(reader, conversation)


def test_hiding_renews_the_kept_messages(pair, moderator):
    conversation, owner, member = pair
    sent = message_in(conversation, owner, "Спорный текст")
    reader = signed_in(member)
    assert "Спорный текст" in page(reader, conversation)

    message_hide(message=sent, moderator=moderator, reason="жалоба")

    assert "Спорный текст" not in page(reader, conversation)


def test_a_new_message_renews_the_page_and_the_inbox(pair):
    conversation, owner, member = pair
    message_in(conversation, owner, "Первое")
    reader = signed_in(member)
    assert "Первое" in page(reader, conversation)
    poster = f", </span>{owner.profile.shown_name}</span>"
    assert poster in inbox(reader)  # the last message's author

    services.message_send(conversation=conversation, author=member, body="Второе")

    assert "Второе" in page(reader, conversation)
    assert poster not in inbox(reader)  # the member's own now


def test_a_new_name_renews_the_page_and_the_inbox(pair):
    conversation, owner, member = pair
    message_in(conversation, owner, "Первое")
    reader = signed_in(member)
    assert "Ирина Первая" not in page(reader, conversation)
    assert "Ирина Первая" not in inbox(reader)

    profile_update(profile=owner.profile, display_name="Ирина Первая")

    assert "Ирина Первая" in page(reader, conversation)
    assert "Ирина Первая" in inbox(reader)


def test_the_viewers_own_marks_and_controls_are_put_in_per_request(pair):
    conversation, owner, member = pair
    sent = message_in(conversation, owner, "Текст")
    edit = reverse("conversations:edit", args=[sent.pk])
    report = reverse("report", args=["message", sent.pk])

    theirs = page(signed_in(member), conversation)
    mine = page(signed_in(owner), conversation)

    assert report in theirs
    assert edit not in theirs
    assert '<span class="ui-badge ui-badge-primary">' in theirs  # new to them
    assert edit in mine
    assert report not in mine
    assert "csrfmiddlewaretoken" in mine
    assert '<span class="ui-badge ui-badge-primary">' not in mine


def test_the_inbox_rows_read_marks_and_muting_are_the_members_own(pair):
    conversation, owner, member = pair
    message_in(conversation, owner, "Текст")
    reader = signed_in(member)
    assert "ui-row-unread" in inbox(reader)
    assert "ui-row-unread" not in inbox(signed_in(owner))

    services.conversation_mute(
        participant=participant(conversation, member), muted=True
    )
    services.read_note(participant=participant(conversation, member), number=1)

    shown = inbox(reader)
    assert "ui-row-unread" not in shown
    assert "bell-slash" in shown


def test_who_left_never_reads_what_came_after_through_a_kept_page(pair):
    conversation, owner, member = pair
    third = EstablishedUserFactory()
    services.members_add(conversation=conversation, by=owner, users=[third])
    message_in(conversation, owner, "До ухода")
    services.conversation_leave(conversation=conversation, user=member)
    services.message_send(conversation=conversation, author=owner, body="После ухода")
    assert "После ухода" in page(signed_in(third), conversation)

    shown = page(signed_in(member), conversation)

    assert "До ухода" in shown
    assert "После ухода" not in shown
