"""Who may write to whom, and who may see and do what in a conversation."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Block
from accounts.tests.factories import UserFactory
from circles.tests.factories import CommunityFactory, MembershipFactory
from conversations import permissions, services
from conversations.models import Message, Participant
from conversations.permissions import (
    WRITE_REFUSALS,
    can_add_members,
    can_edit_message,
    can_post,
    can_read_message,
    can_remove_member,
    can_view_conversation,
    can_write_to,
    needs_request,
    participant_of,
    write_refusal,
)
from conversations.tests.factories import (
    ConversationFactory,
    EstablishedUserFactory,
    conversation_with,
    follows,
    message_in,
    participant,
)

pytestmark = pytest.mark.django_db


def _choose(user, who: str) -> None:
    services.message_settings_set(user=user, who_may_write=who, read_receipts=True)


def test_every_refusal_code_has_a_translated_reason():
    assert set(WRITE_REFUSALS) == {
        "self",
        "inactive",
        "blocked",
        "restricted",
        "nobody",
        "not_colleague",
        "reported",
    }


def test_anyone_may_write_by_default():
    sender, other = UserFactory.create_batch(2)
    assert write_refusal(sender, other) == ""
    assert can_write_to(sender, other)


def test_oneself_and_a_closed_account_are_refused_even_to_staff():
    staff = UserFactory(is_staff=True)
    closed = UserFactory(is_active=False)
    assert write_refusal(staff, staff) == "self"
    assert write_refusal(staff, closed) == "inactive"


def test_a_block_refuses_both_ways():
    one, other = UserFactory.create_batch(2)
    Block.objects.create(blocker=one, blocked=other)
    assert write_refusal(one, other) == "blocked"
    assert write_refusal(other, one) == "blocked"


def test_a_suspended_member_may_not_write():
    sender = UserFactory(restricted_until=timezone.now() + datetime.timedelta(days=1))
    assert write_refusal(sender, UserFactory()) == "restricted"


def test_nobody_refuses_everyone_but_staff():
    other = UserFactory()
    _choose(other, "nobody")
    assert write_refusal(UserFactory(), other) == "nobody"
    assert write_refusal(UserFactory(is_staff=True), other) == ""
    assert write_refusal(UserFactory(is_superuser=True), other) == ""


def test_staff_may_write_through_a_block():
    staff, other = UserFactory(is_staff=True), UserFactory()
    Block.objects.create(blocker=other, blocked=staff)
    assert write_refusal(staff, other) == ""


def test_colleagues_only_lets_in_followed_same_school_and_community_members():
    other = UserFactory()
    _choose(other, "colleagues")
    stranger, followed, schoolmate, fellow = UserFactory.create_batch(4)
    follows(other, followed)
    schoolmate.profile.school = other.profile.school
    schoolmate.profile.save(update_fields=["school"])
    community = CommunityFactory()
    MembershipFactory(community=community, user=other)
    MembershipFactory(community=community, user=fellow)

    assert write_refusal(stranger, other) == "not_colleague"
    assert write_refusal(followed, other) == ""
    assert write_refusal(schoolmate, other) == ""
    assert write_refusal(fellow, other) == ""


def test_an_empty_school_makes_no_colleagues():
    other, sender = UserFactory.create_batch(2)
    _choose(other, "colleagues")
    for user in (other, sender):
        user.profile.school = ""
        user.profile.save(update_fields=["school"])
    assert write_refusal(sender, other) == "not_colleague"


def test_a_request_is_needed_unless_the_recipient_follows_or_the_sender_is_staff():
    sender, recipient = UserFactory.create_batch(2)
    assert needs_request(sender, recipient)
    follows(sender, recipient)  # the other way round: still a request
    assert needs_request(sender, recipient)
    follows(recipient, sender)
    assert not needs_request(sender, recipient)
    assert not needs_request(UserFactory(is_staff=True), UserFactory())


def test_participant_of_is_one_query_kept_on_the_conversation(
    django_assert_num_queries,
):
    owner, outsider = EstablishedUserFactory.create_batch(2)
    conversation = ConversationFactory(owner=owner)

    with django_assert_num_queries(2):
        assert participant_of(owner, conversation).role == Participant.Role.OWNER
        assert participant_of(owner, conversation) is participant_of(
            owner, conversation
        )
        assert participant_of(outsider, conversation) is None
        assert participant_of(outsider, conversation) is None


def test_only_participants_view_a_conversation_staff_included():
    owner = EstablishedUserFactory()
    conversation = ConversationFactory(owner=owner)
    superuser = UserFactory(is_staff=True, is_superuser=True)

    assert can_view_conversation(owner, participant_of(owner, conversation))
    assert not can_view_conversation(superuser, participant_of(superuser, conversation))
    # Another member's row is not theirs to view through.
    assert not can_view_conversation(superuser, participant_of(owner, conversation))


def test_can_read_message_stops_at_visible_until():
    owner, member = EstablishedUserFactory.create_batch(2)
    conversation = conversation_with(owner, member, messages=3)
    Participant.objects.filter(user=member).update(visible_until=2)
    mine = participant(conversation, member)
    messages = list(
        Message.objects.filter(conversation=conversation).order_by("number")
    )

    assert [can_read_message(mine, m) for m in messages] == [True, True, False]
    assert not can_read_message(None, messages[0])


def test_can_post_only_active_and_not_restricted():
    owner, waiting = EstablishedUserFactory.create_batch(2)
    conversation = conversation_with(owner, waiting, status=Participant.Status.REQUEST)

    assert can_post(owner, participant_of(owner, conversation))
    assert not can_post(waiting, participant_of(waiting, conversation))
    owner.restricted_until = timezone.now() + datetime.timedelta(days=1)
    assert not can_post(owner, participant_of(owner, conversation))


def test_can_edit_message_only_the_author_a_text_not_deleted():
    owner, member = EstablishedUserFactory.create_batch(2)
    conversation = conversation_with(owner, member)
    message = message_in(conversation, owner)

    assert can_edit_message(owner, message)
    assert not can_edit_message(member, message)
    message.deleted_at = timezone.now()
    assert not can_edit_message(owner, message)


def test_members_are_managed_by_the_owner_never_in_a_question():
    owner, member = EstablishedUserFactory.create_batch(2)
    conversation = conversation_with(owner, member)
    mine, theirs = (
        participant_of(owner, conversation),
        participant_of(member, conversation),
    )

    assert can_add_members(owner, mine)
    assert not can_add_members(member, theirs)
    assert can_remove_member(owner, mine, theirs)
    assert not can_remove_member(owner, mine, mine)
    assert not can_remove_member(member, theirs, mine)

    question = ConversationFactory(owner=owner, is_question=True)
    assert not can_add_members(owner, participant_of(owner, question))


def test_site_moderators_moderate_messages():
    from django.contrib.auth.models import Permission

    moderator = UserFactory(is_staff=True)
    moderator.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="community", codename="change_report"
        )
    )
    moderator = type(moderator).objects.get(pk=moderator.pk)

    assert permissions.can_moderate_messages(moderator)
    assert not permissions.can_moderate_messages(UserFactory(is_staff=True))
    assert not permissions.can_moderate_messages(UserFactory())


def test_write_refusals_reads_many_members_in_one_query(django_assert_num_queries):
    sender = UserFactory()
    others = UserFactory.create_batch(5)
    Block.objects.create(blocker=others[0], blocked=sender)
    _choose(others[1], "nobody")
    _choose(others[2], "colleagues")
    others = [type(sender).objects.get(pk=other.pk) for other in others]

    with django_assert_num_queries(1):
        found = permissions.write_refusals(sender, [*others, sender])

    assert found == {
        others[0].pk: "blocked",
        others[1].pk: "nobody",
        others[2].pk: "not_colleague",
        others[3].pk: "",
        others[4].pk: "",
        sender.pk: "self",
    }
