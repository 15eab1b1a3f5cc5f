"""Conversations: starting one, writing, editing, deleting, members coming
and going, mute and archive (``conversations.services``: ``conversations``,
``members``, ``moderation``)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Block
from accounts.tests.factories import UserFactory
from community.standing import ParticipationRestricted
from conversations import services
from conversations.models import Conversation, Message, Participant
from conversations.permissions import can_read_message
from conversations.tests.factories import (
    EstablishedUserFactory,
    conversation_with,
    follows,
    message_in,
    messages_of,
    participant,
)

pytestmark = pytest.mark.django_db


def _start(sender, *recipients, body="Здравствуйте!", **kwargs):
    return services.conversation_start(
        sender=sender,
        recipients=list(recipients),
        subject=kwargs.pop("subject", "Олимпиада"),
        body=body,
        **kwargs,
    )


def _restricted(user):
    user.restricted_until = timezone.now() + datetime.timedelta(days=3)
    user.save(update_fields=["restricted_until"])
    return user


# --- Starting -------------------------------------------------------------------


def test_conversation_start_makes_followers_active_and_strangers_requests():
    sender, follower, stranger = EstablishedUserFactory.create_batch(3)
    follows(follower, sender)

    conversation = _start(sender, follower, stranger)

    assert participant(conversation, sender).role == Participant.Role.OWNER
    assert participant(conversation, follower).status == Participant.Status.ACTIVE
    assert participant(conversation, stranger).status == Participant.Status.REQUEST
    assert participant(conversation, stranger).added_by == sender
    [first] = messages_of(conversation)
    assert (first.number, first.author, first.kind) == (1, sender, Message.Kind.TEXT)
    assert "<p>Здравствуйте!</p>" in first.body_html
    assert conversation.last_number == 1
    # The sender has read their own message.
    assert participant(conversation, sender).read_number == 1
    assert participant(conversation, follower).read_number == 0


def test_conversation_start_from_staff_is_never_a_request():
    staff = EstablishedUserFactory(is_staff=True)
    stranger = UserFactory()

    conversation = _start(staff, stranger)

    assert participant(conversation, stranger).status == Participant.Status.ACTIVE


@pytest.mark.parametrize(
    ("arrange", "code"),
    [
        (lambda s, o: Block.objects.create(blocker=o, blocked=s), "blocked"),
        (lambda s, o: Block.objects.create(blocker=s, blocked=o), "blocked"),
        (
            lambda s, o: services.message_settings_set(
                user=o, who_may_write="nobody", read_receipts=True
            ),
            "nobody",
        ),
        (
            lambda s, o: services.message_settings_set(
                user=o, who_may_write="colleagues", read_receipts=True
            ),
            "not_colleague",
        ),
    ],
)
def test_conversation_start_refuses_naming_the_member_and_the_reason(arrange, code):
    sender, other = EstablishedUserFactory(), UserFactory()
    arrange(sender, other)

    with pytest.raises(ValidationError) as refused:
        _start(sender, other)

    assert refused.value.code == "refused"
    assert refused.value.params["reason"] == code
    assert other.profile.display_name in refused.value.messages[0]
    assert not Conversation.objects.exists()


def test_conversation_start_refuses_oneself_and_a_closed_account():
    sender, closed = EstablishedUserFactory(), UserFactory(is_active=False)
    for recipient, code in ((sender, "self"), (closed, "inactive")):
        with pytest.raises(ValidationError) as refused:
            _start(sender, recipient)
        assert refused.value.params["reason"] == code


def test_conversation_start_by_a_suspended_member_is_refused():
    sender = _restricted(EstablishedUserFactory())

    with pytest.raises(ParticipationRestricted):
        _start(sender, UserFactory())

    assert not Conversation.objects.exists()


def test_a_new_member_starts_at_most_five_conversations_a_day(settings):
    settings.MODERATION_NEW_MEMBER_CONVERSATIONS_PER_DAY = 5
    newcomer = UserFactory()  # joined today
    for _number in range(5):
        _start(newcomer, UserFactory())

    with pytest.raises(ValidationError) as refused:
        _start(newcomer, UserFactory())

    assert refused.value.code == "rate"
    assert "5" in refused.value.messages[0]
    assert Conversation.objects.filter(owner=newcomer).count() == 5


def test_an_established_member_has_no_daily_limit(settings):
    settings.MODERATION_NEW_MEMBER_CONVERSATIONS_PER_DAY = 1
    member = EstablishedUserFactory()

    _start(member, UserFactory())
    _start(member, UserFactory())

    assert Conversation.objects.filter(owner=member).count() == 2


def test_a_conversation_holds_at_most_the_maximum_of_members(settings):
    settings.CONVERSATIONS_MAX_MEMBERS = 3
    sender = EstablishedUserFactory()

    with pytest.raises(ValidationError) as refused:
        _start(sender, *UserFactory.create_batch(3))
    assert refused.value.code == "too_many"

    conversation = _start(sender, *UserFactory.create_batch(2))
    with pytest.raises(ValidationError) as refused:
        services.members_add(
            conversation=conversation, by=sender, users=[UserFactory()]
        )
    assert refused.value.code == "too_many"


def test_conversation_start_without_text_or_subject_is_refused():
    sender = EstablishedUserFactory()
    with pytest.raises(ValidationError) as empty:
        _start(sender, UserFactory(), body="   ")
    with pytest.raises(ValidationError) as subject:
        _start(sender, UserFactory(), subject=" ")
    assert (empty.value.code, subject.value.code) == ("empty", "subject")


# --- Writing --------------------------------------------------------------------


def test_messages_are_numbered_without_gaps_events_included():
    owner, member, third = EstablishedUserFactory.create_batch(3)
    conversation = conversation_with(owner, member, third, messages=2)

    services.message_send(conversation=conversation, author=member, body="Три")
    services.conversation_leave(conversation=conversation, user=third)
    services.message_send(conversation=conversation, author=owner, body="Пять")

    numbers = [message.number for message in messages_of(conversation)]
    assert numbers == [1, 2, 3, 4, 5]
    assert Conversation.objects.get(pk=conversation.pk).last_number == 5


def test_a_double_submit_is_one_message():
    owner, member = EstablishedUserFactory.create_batch(2)
    conversation = conversation_with(owner, member)

    first = services.message_send(conversation=conversation, author=member, body="Да")
    again = services.message_send(conversation=conversation, author=member, body="Да")

    assert first == again
    assert Message.objects.filter(conversation=conversation).count() == 1


def test_message_send_refuses_a_request_recipient_and_an_outsider():
    owner, waiting, outsider = EstablishedUserFactory.create_batch(3)
    conversation = conversation_with(owner, waiting, status=Participant.Status.REQUEST)

    for author in (waiting, outsider):
        with pytest.raises(PermissionDenied):
            services.message_send(conversation=conversation, author=author, body="Hi")


def test_message_send_refuses_a_suspended_member():
    owner, member = EstablishedUserFactory.create_batch(2)
    conversation = conversation_with(owner, member)
    _restricted(member)

    with pytest.raises(ParticipationRestricted):
        services.message_send(conversation=conversation, author=member, body="Hi")


def test_a_block_closes_a_one_to_one_conversation_both_ways():
    owner, member = EstablishedUserFactory.create_batch(2)
    conversation = conversation_with(owner, member)
    Block.objects.create(blocker=member, blocked=owner)

    for author in (owner, member):
        with pytest.raises(ValidationError) as refused:
            services.message_send(
                conversation=Conversation.objects.get(pk=conversation.pk),
                author=author,
                body="Hi",
            )
        assert refused.value.code == "blocked"


def test_a_new_message_reopens_the_conversation_for_those_who_archived_it():
    owner, member = EstablishedUserFactory.create_batch(2)
    conversation = conversation_with(owner, member)
    services.conversation_archive(
        participant=participant(conversation, member), archived=True
    )
    assert participant(conversation, member).is_archived

    services.message_send(conversation=conversation, author=owner, body="Новости")

    assert not participant(conversation, member).is_archived


# --- Edit and delete ------------------------------------------------------------


def test_the_author_edits_a_message_and_it_is_marked_edited():
    owner, member = EstablishedUserFactory.create_batch(2)
    conversation = conversation_with(owner, member)
    message = message_in(conversation, owner, "Было")

    services.message_edit(message=message, editor=owner, body="Стало **так**")

    message.refresh_from_db()
    assert message.edited_at is not None
    assert "<strong>так</strong>" in message.body_html
    with pytest.raises(PermissionDenied):
        services.message_edit(message=message, editor=member, body="Чужое")


def test_a_deleted_message_leaves_a_placeholder_and_cannot_be_edited():
    owner, member = EstablishedUserFactory.create_batch(2)
    conversation = conversation_with(owner, member)
    message = message_in(conversation, owner, "Секрет")

    with pytest.raises(PermissionDenied):
        services.message_delete(message=message, user=member)
    services.message_delete(message=message, user=owner)
    services.message_delete(message=message, user=owner)  # twice is once

    message.refresh_from_db()
    assert (message.body, message.body_html, message.number) == ("", "", 1)
    assert message.deleted_at is not None
    with pytest.raises(PermissionDenied):
        services.message_edit(message=message, editor=owner, body="Снова")


def test_an_event_cannot_be_edited_or_deleted():
    owner, member = EstablishedUserFactory.create_batch(2)
    conversation = conversation_with(owner, member)
    services.conversation_leave(conversation=conversation, user=member)
    event = messages_of(conversation)[-1]

    with pytest.raises(PermissionDenied):
        services.message_delete(message=event, user=member)


# --- Members --------------------------------------------------------------------


def test_members_add_by_the_owner_shows_an_event_and_requests_strangers():
    owner, member, friend, stranger = EstablishedUserFactory.create_batch(4)
    follows(friend, owner)
    conversation = conversation_with(owner, member, messages=1)

    added = services.members_add(
        conversation=conversation, by=owner, users=[friend, stranger, member]
    )

    assert {p.user for p in added} == {friend, stranger}
    assert participant(conversation, friend).status == Participant.Status.ACTIVE
    assert participant(conversation, stranger).status == Participant.Status.REQUEST
    events = messages_of(conversation)[1:]
    assert [(e.kind, e.event_user) for e in events] == [
        (Message.Kind.JOINED, friend),
        (Message.Kind.JOINED, stranger),
    ]


def test_only_the_owner_adds_and_removes_members():
    owner, member, other = EstablishedUserFactory.create_batch(3)
    conversation = conversation_with(owner, member, other)

    with pytest.raises(PermissionDenied):
        services.members_add(
            conversation=conversation, by=member, users=[UserFactory()]
        )
    with pytest.raises(PermissionDenied):
        services.member_remove(conversation=conversation, by=member, user=other)


def test_members_add_applies_who_may_write():
    owner, member, blocker = EstablishedUserFactory.create_batch(3)
    conversation = conversation_with(owner, member)
    Block.objects.create(blocker=blocker, blocked=owner)

    with pytest.raises(ValidationError) as refused:
        services.members_add(conversation=conversation, by=owner, users=[blocker])

    assert refused.value.params["reason"] == "blocked"


def test_who_left_reads_nothing_new_and_those_who_stay_see_the_event():
    owner, member, leaver = EstablishedUserFactory.create_batch(3)
    conversation = conversation_with(owner, member, leaver, messages=2)

    services.conversation_leave(conversation=conversation, user=leaver)
    services.conversation_leave(conversation=conversation, user=leaver)  # once
    later = services.message_send(conversation=conversation, author=owner, body="Ещё")

    gone = participant(conversation, leaver)
    assert gone.status == Participant.Status.LEFT
    assert gone.visible_until == 3
    event = Message.objects.get(conversation=conversation, number=3)
    assert (event.kind, event.author) == (Message.Kind.LEFT, leaver)
    assert can_read_message(participant(conversation, member), event)
    assert can_read_message(gone, event)
    assert not can_read_message(gone, later)
    with pytest.raises(PermissionDenied):
        services.message_send(conversation=conversation, author=leaver, body="Я тут")


def test_a_removed_member_reads_nothing_new():
    owner, member = EstablishedUserFactory.create_batch(2)
    conversation = conversation_with(owner, member, messages=1)

    services.member_remove(conversation=conversation, by=owner, user=member)
    later = services.message_send(conversation=conversation, author=owner, body="Ещё")

    gone = participant(conversation, member)
    assert gone.status == Participant.Status.REMOVED
    event = Message.objects.get(conversation=conversation, number=2)
    assert (event.kind, event.event_user) == (Message.Kind.REMOVED, member)
    assert can_read_message(gone, event)
    assert not can_read_message(gone, later)


def test_a_member_added_again_reads_on():
    owner, member = EstablishedUserFactory.create_batch(2)
    follows(member, owner)
    conversation = conversation_with(owner, member, messages=1)
    services.member_remove(conversation=conversation, by=owner, user=member)

    services.members_add(conversation=conversation, by=owner, users=[member])

    back = participant(conversation, member)
    assert (back.status, back.visible_until) == (Participant.Status.ACTIVE, None)


def test_an_owner_who_leaves_hands_the_group_to_the_first_member():
    owner, first, second = EstablishedUserFactory.create_batch(3)
    conversation = conversation_with(owner, first, second)

    services.conversation_leave(conversation=conversation, user=owner)

    assert participant(conversation, first).role == Participant.Role.OWNER
    assert participant(conversation, owner).role == Participant.Role.MEMBER
    assert Conversation.objects.get(pk=conversation.pk).owner == first


# --- Mute and archive -----------------------------------------------------------


def test_mute_and_archive_set_the_state_asked_for():
    owner, member = EstablishedUserFactory.create_batch(2)
    conversation = conversation_with(owner, member)
    mine = participant(conversation, member)

    for _twice in range(2):
        services.conversation_mute(participant=mine, muted=True)
        services.conversation_archive(participant=mine, archived=True)

    mine.refresh_from_db()
    assert (mine.is_muted, mine.is_archived) == (True, True)
    services.conversation_mute(participant=mine, muted=False)
    mine.refresh_from_db()
    assert not mine.is_muted


# --- Moderation -----------------------------------------------------------------


def test_only_a_site_moderator_hides_a_message_and_it_is_on_record():
    from community.models import AuditEntry

    owner, member = EstablishedUserFactory.create_batch(2)
    conversation = conversation_with(owner, member)
    message = message_in(conversation, owner, "Грубость")
    superuser = UserFactory(is_staff=True, is_superuser=True)

    with pytest.raises(PermissionDenied):
        services.message_hide(message=message, moderator=member, reason="")
    services.message_hide(message=message, moderator=superuser, reason="rude")

    message.refresh_from_db()
    assert message.is_hidden
    assert AuditEntry.objects.filter(action="conversation_message_hide").count() == 1


def test_staff_write_on_through_a_block():
    """Staff may start a conversation with a member who blocked them, and
    go on writing in it: a block does not close staff's channel."""
    from accounts.models import Block

    staff = EstablishedUserFactory(is_staff=True)
    member = EstablishedUserFactory()
    Block.objects.create(blocker=member, blocked=staff)
    conversation = _start(staff, member)

    message = services.message_send(
        conversation=conversation, author=staff, body="Второе сообщение"
    )

    assert message.number == 2


def test_the_refusal_after_a_report_does_not_name_it():
    """Its sender is never told of a report: the reason says only that the
    member takes no new conversation from them now."""
    from django.utils import translation

    from conversations.permissions import WRITE_REFUSALS

    for language in ("ru", "en"):
        with translation.override(language):
            said = str(WRITE_REFUSALS["reported"]).lower()
        for word in ("report", "жалоб", "пожал"):
            assert word not in said
