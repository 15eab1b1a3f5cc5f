"""Message requests: nothing reaches the member until they accept; accept
tells the sender, ignore is silent, a report keeps the sender away for 30
days (``conversations.services.requests``)."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from community.models import Notification, Report
from community.selectors import unread_counts
from conversations import kinds, services
from conversations.models import Message, Participant
from conversations.permissions import write_refusal
from conversations.tests.factories import EstablishedUserFactory, participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_waiting(django_capture_on_commit_callbacks):
    """A stranger's first message waiting for ``recipient``, told as it would
    be (after-commit work run)."""
    sender, recipient = EstablishedUserFactory.create_batch(2)
    with django_capture_on_commit_callbacks(execute=True):
        conversation = services.conversation_start(
            sender=sender, recipients=[recipient], subject="Привет", body="Знакомство"
        )
        services.message_send(conversation=conversation, author=sender, body="Ещё")
    return conversation, sender, recipient


def test_a_request_reaches_no_notification_email_or_unread_count(request_waiting):
    conversation, _sender, recipient = request_waiting

    assert participant(conversation, recipient).status == Participant.Status.REQUEST
    assert not Notification.objects.filter(recipient=recipient).exists()
    assert mail.outbox == []
    assert unread_counts(user=recipient)["messages"] == 0


def test_accepting_tells_the_sender_and_counts_the_conversation(
    request_waiting, django_capture_on_commit_callbacks
):
    conversation, sender, recipient = request_waiting

    with django_capture_on_commit_callbacks(execute=True):
        services.request_accept(participant=participant(conversation, recipient))
        services.request_accept(participant=participant(conversation, recipient))

    mine = participant(conversation, recipient)
    assert mine.status == Participant.Status.ACTIVE
    assert mine.answered_at is not None
    told = Notification.objects.get(kind=kinds.REQUEST_ACCEPTED)
    assert (told.recipient, told.actor) == (sender, recipient)
    assert unread_counts(user=recipient)["messages"] == 1


def test_after_accepting_new_messages_are_told(
    request_waiting, django_capture_on_commit_callbacks
):
    conversation, sender, recipient = request_waiting
    services.request_accept(participant=participant(conversation, recipient))

    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(conversation=conversation, author=sender, body="Рад!")

    assert Notification.objects.filter(recipient=recipient, kind=kinds.MESSAGE).exists()


def test_ignoring_is_silent_and_closes_what_the_member_reads(
    request_waiting, django_capture_on_commit_callbacks
):
    conversation, sender, recipient = request_waiting

    with django_capture_on_commit_callbacks(execute=True):
        services.request_ignore(participant=participant(conversation, recipient))
        services.message_send(conversation=conversation, author=sender, body="Алло?")

    mine = participant(conversation, recipient)
    assert mine.status == Participant.Status.IGNORED
    assert mine.visible_until == 2
    assert not Notification.objects.exists()
    assert mail.outbox == []
    # The sender sees nothing different: they may write on.
    assert write_refusal(sender, recipient) == ""


def test_reporting_files_a_report_and_keeps_the_sender_away_for_30_days(
    request_waiting, settings
):
    settings.CONVERSATIONS_REPORTED_REQUEST_DAYS = 30
    conversation, sender, recipient = request_waiting

    services.request_report(
        participant=participant(conversation, recipient), reason=Report.Reason.SPAM
    )

    first = Message.objects.get(conversation=conversation, number=1)
    report = Report.objects.get()
    assert (report.reporter, report.target_id) == (recipient, first.pk)
    assert report.target_type == ContentType.objects.get_for_model(Message)
    mine = participant(conversation, recipient)
    assert mine.status == Participant.Status.REPORTED
    assert write_refusal(sender, recipient) == "reported"
    with pytest.raises(ValidationError) as refused:
        services.conversation_start(
            sender=sender, recipients=[recipient], subject="Снова", body="Ну пожалуйста"
        )
    assert refused.value.params["reason"] == "reported"
    # Others may still write; after 30 days the sender may too.
    assert write_refusal(EstablishedUserFactory(), recipient) == ""
    Participant.objects.filter(pk=mine.pk).update(
        request_reported_at=timezone.now() - datetime.timedelta(days=31)
    )
    assert write_refusal(sender, recipient) == ""


def test_removing_the_reporter_does_not_shorten_the_30_days(request_waiting):
    """The sender removes the member who reported the request: the row is
    no longer a reported request, the 30 days hold all the same."""
    conversation, sender, recipient = request_waiting
    services.request_report(
        participant=participant(conversation, recipient), reason="spam"
    )
    services.member_remove(conversation=conversation, by=sender, user=recipient)

    assert participant(conversation, recipient).status == Participant.Status.REMOVED
    assert write_refusal(sender, recipient) == "reported"


def test_a_report_needs_a_reason(request_waiting):
    conversation, _sender, recipient = request_waiting

    with pytest.raises(ValidationError):
        services.request_report(
            participant=participant(conversation, recipient), reason="bogus"
        )

    assert participant(conversation, recipient).status == Participant.Status.REQUEST


def test_a_removed_ignorer_reads_no_further_and_the_sender_sees_a_member(
    request_waiting,
):
    """An ignored request looks like one still waiting: the owner may remove
    the member as any other, and the removal shows them nothing new."""
    conversation, sender, recipient = request_waiting
    row = Participant.objects.get(conversation=conversation, user=recipient)
    services.request_ignore(participant=row)
    seen = Participant.objects.get(pk=row.pk).visible_until
    services.message_send(conversation=conversation, author=sender, body="Ещё вопрос")
    services.member_remove(conversation=conversation, by=sender, user=recipient)

    row.refresh_from_db()
    assert row.status == Participant.Status.REMOVED
    assert row.visible_until == seen
