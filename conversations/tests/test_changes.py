"""What follows a write in conversations is said in ``conversations/changes.py``.

Every public service that writes calls one of its change functions (or is
listed below with the reason it need not), and no other conversations module
moves a cache, the index or the feed itself. Nothing of a conversation is
searched, in the feed or kept for visitors: what follows is members' unread
counts and the fan-out of a message.
"""

import pytest

from community.selectors import unread_counts
from community.tests.writes import (
    app_modules,
    app_services,
    cache_mechanisms_used,
    unannounced_writes,
)
from conversations import services
from conversations.tests.factories import (
    EstablishedUserFactory,
    conversation_with,
    follows,
    participant,
)

EXEMPT = {
    "message_append": "numbers a message; its callers say what follows "
    "(changes.message_posted), knowing whom it is for",
    "conversation_archive": "a member's own state: the tabs of their own inbox, "
    "counted by nothing",
    "message_fanout": "only tells members: notify_many moves their unread counts",
    "reads_flush": "its 'delete' is the cache's flag, no row; the rows are "
    "written by _reads_write (handed to community.pending.flush), which calls "
    "changes.reads_changed",
}


def test_every_writing_service_calls_a_change_function():
    assert (
        unannounced_writes(
            app_services("conversations"),
            changes={"conversations.changes"},
            exempt=EXEMPT,
        )
        == {}
    )


def test_only_the_change_functions_move_caches_the_index_and_the_feed():
    used = cache_mechanisms_used(app_modules("conversations"))

    assert set(used) <= {"conversations.changes"}, used


# --- What follows --------------------------------------------------------------


@pytest.fixture
def pair(db):
    owner, member = EstablishedUserFactory.create_batch(2)
    return conversation_with(owner, member), owner, member


def _messages(user) -> int:
    return unread_counts(user=user)["messages"]


def test_a_message_moves_the_counts_its_recipients_saw(pair):
    conversation, owner, member = pair
    assert _messages(member) == 0  # counted and kept

    services.message_send(conversation=conversation, author=owner, body="Привет")

    assert _messages(member) == 1


def test_muting_moves_the_members_count(pair):
    conversation, owner, member = pair
    services.message_send(conversation=conversation, author=owner, body="Привет")
    assert _messages(member) == 1

    services.conversation_mute(
        participant=participant(conversation, member), muted=True
    )

    assert _messages(member) == 0


def test_leaving_moves_the_members_count(pair):
    conversation, owner, member = pair
    services.message_send(conversation=conversation, author=owner, body="Привет")
    assert _messages(member) == 1

    services.conversation_leave(conversation=conversation, user=member)

    assert _messages(member) == 0


def test_an_accepted_request_moves_the_members_count(db):
    sender, recipient = EstablishedUserFactory.create_batch(2)
    conversation = services.conversation_start(
        sender=sender, recipients=[recipient], subject="Тема", body="Текст"
    )
    assert _messages(recipient) == 0

    services.request_accept(participant=participant(conversation, recipient))

    assert _messages(recipient) == 1


def test_a_text_message_is_told_after_commit_an_event_is_not(
    pair, django_capture_on_commit_callbacks
):
    from community.models import Notification

    conversation, owner, member = pair
    third = EstablishedUserFactory()
    follows(third, owner)  # added at once, not as a request
    services.members_add(conversation=conversation, by=owner, users=[third])
    assert not Notification.objects.exists()  # the join event: nobody told

    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(conversation=conversation, author=owner, body="Раз")
        assert not Notification.objects.exists()  # not before the commit
    with django_capture_on_commit_callbacks(execute=True):
        services.conversation_leave(conversation=conversation, user=member)

    assert Notification.objects.filter(recipient=member).count() == 1
    assert Notification.objects.get(recipient=third).count == 1
