"""Who hears of a message, what its e-mail carries, and the header's unread
counts."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import RequestFactory

from community.context_processors import site
from community.models import Notification
from community.selectors import notification_unread_count, unread_counts
from conversations import kinds, services
from conversations.models import Participant
from conversations.services._common import participant_add
from conversations.tests.factories import (
    ConversationFactory,
    EstablishedUserFactory,
    conversation_with,
    message_in,
    participant,
)

pytestmark = pytest.mark.django_db


def _send(conversation, author, body, capture):
    with capture(execute=True):
        return services.message_send(
            conversation=conversation, author=author, body=body
        )


def _told(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kinds.MESSAGE))


# --- The fan-out ----------------------------------------------------------------


def test_a_message_is_told_to_active_unmuted_participants_but_the_author(
    django_capture_on_commit_callbacks,
):
    owner, active, muted, waiting, leaver = EstablishedUserFactory.create_batch(5)
    conversation = conversation_with(owner, active, muted, leaver)
    participant_add(
        conversation=conversation, user=waiting, status=Participant.Status.REQUEST
    )
    services.conversation_mute(participant=participant(conversation, muted), muted=True)
    services.conversation_leave(conversation=conversation, user=leaver)

    message = _send(
        conversation, owner, "Собрание в пятницу", django_capture_on_commit_callbacks
    )

    [notice] = _told(active)
    assert notice.actor == owner
    assert notice.url == message.get_absolute_url()
    assert notice.target_title == conversation.subject
    for silent in (owner, muted, waiting, leaver):
        assert _told(silent) == []


def test_messages_are_grouped_per_conversation(django_capture_on_commit_callbacks):
    owner, member = EstablishedUserFactory.create_batch(2)
    conversation = conversation_with(owner, member)
    other = conversation_with(owner, member, subject="Другое")

    for body in ("Раз", "Два", "Три"):
        _send(conversation, owner, body, django_capture_on_commit_callbacks)
    _send(other, owner, "Четыре", django_capture_on_commit_callbacks)

    counts = sorted(notice.count for notice in _told(member))
    assert counts == [1, 3]


def test_the_fanout_run_twice_tells_nobody_twice(django_capture_on_commit_callbacks):
    owner, member = EstablishedUserFactory.create_batch(2)
    conversation = conversation_with(owner, member)
    message = _send(conversation, owner, "Раз", django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.message_fanout(message.pk) == 0
        cache.clear()  # nothing of the claim is in the cache: the row says
        assert services.message_fanout(message.pk) == 0

    [notice] = _told(member)
    assert notice.count == 1
    assert len(mail.outbox) == 1


def test_events_and_deleted_messages_are_told_to_nobody(
    django_capture_on_commit_callbacks,
):
    owner, member, leaver = EstablishedUserFactory.create_batch(3)
    conversation = conversation_with(owner, member, leaver)
    with django_capture_on_commit_callbacks(execute=True):
        services.conversation_leave(conversation=conversation, user=leaver)
        message = services.message_send(
            conversation=conversation, author=owner, body="Ой"
        )
        services.message_delete(message=message, user=owner)

    assert _told(member) == []


# --- The e-mail -----------------------------------------------------------------


def test_the_email_says_who_wrote_links_and_carries_the_text(
    django_capture_on_commit_callbacks,
):
    owner, member = EstablishedUserFactory.create_batch(2)
    conversation = conversation_with(owner, member, subject="Контрольная по физике")

    message = _send(
        conversation,
        owner,
        "Проверьте **задачу 3**",
        django_capture_on_commit_callbacks,
    )

    [letter] = mail.outbox
    assert letter.to == [member.email]
    assert owner.profile.display_name in letter.body
    assert "Контрольная по физике" in letter.subject
    assert "Проверьте **задачу 3**" in letter.body
    assert message.get_absolute_url() in letter.body
    html = letter.alternatives[0][0]
    assert "Проверьте **задачу 3**" in html


def test_the_email_text_is_cut_at_500_characters(django_capture_on_commit_callbacks):
    owner, member = EstablishedUserFactory.create_batch(2)
    conversation = conversation_with(owner, member)

    _send(conversation, owner, "слово " * 200, django_capture_on_commit_callbacks)

    [letter] = mail.outbox
    assert "слово " * 80 in letter.body
    assert "слово " * 90 not in letter.body


@pytest.mark.parametrize("flag", ["is_sensitive", "is_question"])
def test_a_sensitive_conversation_or_a_question_emails_no_text_nor_subject(
    flag, django_capture_on_commit_callbacks
):
    owner, member = EstablishedUserFactory.create_batch(2)
    conversation = ConversationFactory(
        owner=owner, subject="Диагноз ученика", **{flag: True}
    )
    participant_add(
        conversation=conversation, user=member, status=Participant.Status.ACTIVE
    )

    message = _send(
        conversation, owner, "Тайные подробности", django_capture_on_commit_callbacks
    )

    [letter] = mail.outbox
    for part in (letter.subject, letter.body, letter.alternatives[0][0]):
        assert "Тайные подробности" not in part
        assert "Диагноз ученика" not in part
    assert owner.profile.display_name in letter.body
    assert message.get_absolute_url() in letter.body
    [notice] = _told(member)
    assert "Диагноз" not in notice.target_title


# --- Unread counts --------------------------------------------------------------


def test_unread_counts_are_one_query_on_a_miss_none_on_a_hit(
    django_assert_num_queries,
):
    owner, member = EstablishedUserFactory.create_batch(2)
    conversation_with(owner, member, messages=1)
    conversation_with(owner, member, messages=2)
    cache.clear()

    with django_assert_num_queries(1):
        counts = unread_counts(user=member)
    with django_assert_num_queries(0):
        assert unread_counts(user=member) == counts
        assert notification_unread_count(user=member) == 0
    assert counts == {"notifications": 0, "messages": 2}


def test_muted_requests_and_read_conversations_do_not_count():
    owner, member = EstablishedUserFactory.create_batch(2)
    muted = conversation_with(owner, member, messages=1)
    conversation_with(owner, member, messages=1, status=Participant.Status.REQUEST)
    read = conversation_with(owner, member, messages=1)
    counted = conversation_with(owner, member, messages=1)
    services.conversation_mute(participant=participant(muted, member), muted=True)
    services.read_note(participant=participant(read, member), number=1)
    services.reads_flush()

    assert unread_counts(user=member)["messages"] == 1
    services.message_send(conversation=counted, author=member, body="Прочитала")
    assert unread_counts(user=member)["messages"] == 0


def test_a_new_message_moves_the_recipients_count():
    owner, member = EstablishedUserFactory.create_batch(2)
    conversation = conversation_with(owner, member)
    assert unread_counts(user=member)["messages"] == 0

    services.message_send(conversation=conversation, author=owner, body="Новое")

    assert unread_counts(user=member)["messages"] == 1
    assert unread_counts(user=owner)["messages"] == 0


def test_the_context_processor_gives_unread_messages_lazily(
    django_assert_num_queries,
):
    owner, member = EstablishedUserFactory.create_batch(2)
    conversation_with(owner, member, messages=1)
    cache.clear()
    request = RequestFactory().get("/")
    request.user = member

    with django_assert_num_queries(0):
        context = site(request)
    with django_assert_num_queries(1):
        assert context["unread_messages"] == 1
        assert context["unread_notifications"] == 0


def test_an_anonymous_visitor_gets_no_counts():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    assert "unread_messages" not in site(request)


def test_a_dead_workers_claim_goes_stale_and_the_sweep_tells_once(
    django_capture_on_commit_callbacks,
):
    """A worker killed after claiming a message's fan-out told nobody: once
    its claim is stale the sweep enqueues the message and the members hear
    of it once; a fresh claim is left to its holder."""
    import datetime

    from django.utils import timezone

    from community.claims import claim_cutoff
    from conversations.models import Message

    owner, member = EstablishedUserFactory.create_batch(2)
    conversation = conversation_with(owner, member)
    with django_capture_on_commit_callbacks(execute=False):
        message = services.message_send(
            conversation=conversation, author=owner, body="Раз"
        )
    now = timezone.now()
    stale = claim_cutoff(now) - datetime.timedelta(seconds=1)
    Message.objects.filter(pk=message.pk).update(
        fanout_claimed_at=now, created_at=stale
    )
    assert services.message_fanouts_sweep(now=now) == 0  # held by a live worker
    assert _told(member) == []

    Message.objects.filter(pk=message.pk).update(fanout_claimed_at=stale)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.message_fanouts_sweep(now=now) == 1
        assert services.message_fanouts_sweep(now=now) == 0

    [notice] = _told(member)
    assert notice.count == 1


@pytest.mark.parametrize(
    ("delivery", "stored", "emailed"),
    [("email", True, 1), ("digest", True, 1), ("site", True, 0), ("off", False, 0)],
)
def test_a_message_follows_the_members_choice_and_is_urgent(
    delivery, stored, emailed, django_capture_on_commit_callbacks
):
    """The message kind obeys the member's switch for messages; chosen for
    the digest, it is e-mailed at once all the same (urgent)."""
    from accounts.models import NotificationSetting

    owner, member = EstablishedUserFactory.create_batch(2)
    NotificationSetting.objects.create(
        user=member, kind=NotificationSetting.Kind.MESSAGES, delivery=delivery
    )
    conversation = conversation_with(owner, member)

    _send(conversation, owner, "Раз", django_capture_on_commit_callbacks)

    assert bool(_told(member)) is stored
    assert len(mail.outbox) == emailed


def test_an_event_in_an_archived_conversation_is_not_counted_unread(
    django_capture_on_commit_callbacks,
):
    """The archive keeps what an event ("X left") brings: the header counts
    no conversation the member cannot see in the inbox; a message brings it
    back, and counts."""
    owner, member, leaver = EstablishedUserFactory.create_batch(3)
    conversation = conversation_with(owner, member, leaver)
    services.conversation_archive(
        participant=participant(conversation, member), archived=True
    )
    services.conversation_leave(conversation=conversation, user=leaver)
    assert unread_counts(user=member)["messages"] == 0

    _send(conversation, owner, "Вернёмся к делу", django_capture_on_commit_callbacks)
    assert unread_counts(user=member)["messages"] == 1


def test_the_letter_quotes_nothing_to_one_who_left_before_it_went(
    django_capture_on_commit_callbacks,
):
    """Told while taking part, gone when the letter goes: the letter quotes
    no message (the newest may be one written after they left)."""
    from conversations.hooks import message_email_text

    owner, stayer, leaver = EstablishedUserFactory.create_batch(3)
    conversation = conversation_with(owner, stayer, leaver)
    with django_capture_on_commit_callbacks(execute=False):
        message = services.message_send(
            conversation=conversation, author=owner, body="Раз"
        )
        services.message_fanout(message.pk)
    services.conversation_leave(conversation=conversation, user=leaver)
    message_in(conversation, owner, "После ухода")

    [gone] = _told(leaver)
    [kept] = _told(stayer)
    assert message_email_text([gone, kept]) == {kept.pk: "После ухода"}
