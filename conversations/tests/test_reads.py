"""Read positions: a GET notes them in the cache (no row written); a task
writes them, never backwards, safe twice (``conversations.services.reads``)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.selectors import unread_counts
from conversations import services
from conversations.tests.factories import (
    EstablishedUserFactory,
    conversation_with,
    participant,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    owner, member = EstablishedUserFactory.create_batch(2)
    conversation = conversation_with(owner, member, messages=5)
    return conversation, member


def test_read_note_touches_no_database(reader):
    conversation, member = reader
    mine = participant(conversation, member)

    with CaptureQueriesContext(connection) as queries:
        services.read_note(participant=mine, number=3)

    assert len(queries) == 0
    assert participant(conversation, member).read_number == 0
    assert services.pending_numbers([mine.pk]) == {mine.pk: 3}


def test_read_note_never_goes_backwards(reader):
    conversation, member = reader
    mine = participant(conversation, member)

    services.read_note(participant=mine, number=4)
    services.read_note(participant=mine, number=2)

    assert services.pending_numbers([mine.pk]) == {mine.pk: 4}


def test_read_note_is_capped_at_what_a_departed_member_may_read(reader):
    conversation, member = reader
    services.member_remove(
        conversation=conversation, by=conversation.owner, user=member
    )
    mine = participant(conversation, member)  # visible_until: the event, 6
    services.message_send(
        conversation=conversation, author=conversation.owner, body="Позже"
    )

    services.read_note(participant=mine, number=7)

    assert services.pending_numbers([mine.pk]) == {mine.pk: 6}


def test_reads_flush_writes_moves_the_unread_count_and_is_safe_twice(reader):
    conversation, member = reader
    mine = participant(conversation, member)
    assert unread_counts(user=member)["messages"] == 1

    services.read_note(participant=mine, number=5)
    assert services.reads_flush() == 1
    assert participant(conversation, member).read_number == 5
    assert unread_counts(user=member)["messages"] == 0

    assert services.reads_flush() == 0
    assert participant(conversation, member).read_number == 5


def test_reads_flush_never_moves_a_position_back(reader):
    conversation, member = reader
    mine = participant(conversation, member)
    services.read_note(participant=mine, number=2)
    # Meanwhile the member wrote: their own message moved them to 6 at once.
    services.message_send(conversation=conversation, author=member, body="Прочла")

    services.reads_flush()

    assert participant(conversation, member).read_number == 6


def test_a_page_asks_for_a_flush_once_when_a_worker_runs_tasks(
    reader, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    conversation, member = reader
    mine = participant(conversation, member)

    with django_capture_on_commit_callbacks() as callbacks:
        services.read_note(participant=mine, number=2)
        services.read_note(participant=mine, number=3)

    assert len(callbacks) == 1


def test_run_eagerly_a_page_asks_for_no_flush(
    reader, django_capture_on_commit_callbacks
):
    conversation, member = reader

    with django_capture_on_commit_callbacks() as callbacks:
        services.read_note(participant=participant(conversation, member), number=2)

    assert callbacks == []
