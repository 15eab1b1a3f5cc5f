"""Who takes part in a conversation: members added by the owner, leaving,
removal, and each member's own mute and archive.

A member who leaves or is removed keeps what they could read
(``Participant.visible_until``: the event that tells the others) and reads
nothing new; the others see the event in its place. Each step is taken under
the conversation's row lock, so a double click is one step.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from community.standing import participation_check
from conversations import changes
from conversations.models import Conversation, Message, Participant
from conversations.permissions import (
    can_add_members,
    can_remove_member,
    needs_request,
    participant_forget,
    participant_of,
    write_refusals,
)
from conversations.services._common import (
    _active_ids,
    _max_members_check,
    _refused,
    message_append,
    participant_add,
)

__all__ = [
    "conversation_archive",
    "conversation_leave",
    "conversation_mute",
    "member_remove",
    "members_add",
]


@transaction.atomic
def members_add(*, conversation: Conversation, by, users: list) -> list[Participant]:
    """The owner adds members (never to a consultation question); each is
    shown to the others as an event ("X was added").

    A member who follows ``by`` (or any, when ``by`` is staff) takes part at
    once; for the others it waits as a request. Members already in it are
    left as they are; one who left or was removed comes back. Raises
    ParticipationRestricted, PermissionDenied unless
    ``permissions.can_add_members``, ValidationError "refused" (naming the
    member and why) or "too_many".
    """
    participation_check(by)
    if not can_add_members(by, participant_of(by, conversation)):
        raise PermissionDenied
    Conversation.objects.select_for_update().only("pk").get(pk=conversation.pk)
    present = set(
        Participant.objects.filter(
            conversation=conversation, status__in=Participant.SHOWN
        ).values_list("user_id", flat=True)
    )
    new = [
        user
        for user in {user.pk: user for user in users}.values()
        if user.pk not in present
    ]
    if not new:
        return []
    _max_members_check(len(present) + len(new))
    refusals = write_refusals(by, new)
    for user in new:
        if code := refusals[user.pk]:
            raise _refused(user, code)
    added = []
    for user in new:
        status = (
            Participant.Status.REQUEST
            if needs_request(by, user)
            else Participant.Status.ACTIVE
        )
        participant = participant_add(
            conversation=conversation, user=user, status=status, added_by=by
        )
        added.append(participant)
        event = message_append(
            conversation=conversation,
            author=by,
            kind=Message.Kind.JOINED,
            event_user=user,
        )
        changes.message_posted(event, _active_ids(conversation, but=by))
    return added


def _depart(
    conversation: Conversation, participant: Participant, *, status: str, by
) -> None:
    """The participant leaves (or is removed): an event the others see, and
    they read up to it and nothing after."""
    left = status == Participant.Status.LEFT
    kind = Message.Kind.LEFT if left else Message.Kind.REMOVED
    event = message_append(
        conversation=conversation,
        author=by,
        kind=kind,
        event_user=participant.user if kind == Message.Kind.REMOVED else None,
    )
    participant.status = status
    # One who ignored or reported a request reads no more than they did.
    participant.visible_until = min(
        event.number, participant.visible_until or event.number
    )
    participant.left_at = timezone.now()
    participant.save(update_fields=["status", "visible_until", "left_at"])
    participant_forget(conversation)
    changes.message_posted(event, _active_ids(conversation))
    changes.participants_changed(conversation, [participant.user_id])


def _owner_hand_on(conversation: Conversation, leaving: Participant) -> None:
    """The owner left a group: the member who joined first of those still in
    it owns it now (adds and removes members)."""
    heir = (
        Participant.objects.filter(
            conversation=conversation, status=Participant.Status.ACTIVE
        )
        .exclude(pk=leaving.pk)
        .order_by("joined_at", "pk")
        .first()
    )
    leaving.role = Participant.Role.MEMBER
    leaving.save(update_fields=["role"])
    if heir is None:
        return
    heir.role = Participant.Role.OWNER
    heir.save(update_fields=["role"])
    conversation.owner_id = heir.user_id
    conversation.save(update_fields=["owner"])


@transaction.atomic
def conversation_leave(*, conversation: Conversation, user) -> None:
    """``user`` leaves: the others see "X left", and ``user`` keeps what they
    could read and reads nothing new. An owner's group passes to the member
    who joined first. Leaving twice is leaving once; a suspended or banned
    member may leave too."""
    participant = participant_of(user, conversation)
    if participant is None or participant.status != Participant.Status.ACTIVE:
        return
    Conversation.objects.select_for_update().only("pk").get(pk=conversation.pk)
    participant.refresh_from_db(fields=["status", "role"])
    if participant.status != Participant.Status.ACTIVE:
        return
    if conversation.is_question:
        from conversations.services import lines

        # Its expert gives the question back; its asker withdraws it.
        if lines.question_leave(conversation=conversation, user=user):
            return
    if participant.role == Participant.Role.OWNER and not conversation.is_question:
        _owner_hand_on(conversation, participant)
    _depart(conversation, participant, status=Participant.Status.LEFT, by=user)


@transaction.atomic
def member_remove(*, conversation: Conversation, by, user) -> None:
    """The owner removes a member: the others see "X was removed", and the
    member keeps what they could read and reads nothing new. Twice is once.

    Raises ParticipationRestricted, PermissionDenied unless
    ``permissions.can_remove_member``.
    """
    participation_check(by)
    Conversation.objects.select_for_update().only("pk").get(pk=conversation.pk)
    participant_forget(conversation)
    other = Participant.objects.filter(conversation=conversation, user=user).first()
    if other is not None and other.status in (
        Participant.Status.REMOVED,
        Participant.Status.LEFT,
    ):
        return
    if other is None or not can_remove_member(
        by, participant_of(by, conversation), other
    ):
        raise PermissionDenied
    other.user = user
    _depart(conversation, other, status=Participant.Status.REMOVED, by=by)


@transaction.atomic
def conversation_mute(*, participant: Participant, muted: bool) -> Participant:
    """The member mutes the conversation (no notification of its messages,
    not counted as unread) or unmutes it; the state asked for, so twice is
    once."""
    if participant.is_muted != muted:
        participant.is_muted = muted
        participant.save(update_fields=["is_muted"])
        changes.reads_changed([participant.user_id])
    return participant


def conversation_archive(*, participant: Participant, archived: bool) -> Participant:
    """The member moves the conversation to the archive (out of their inbox's
    list until a new message brings it back) or out of it; the state asked
    for, so twice is once."""
    if participant.is_archived != archived:
        participant.is_archived = archived
        participant.save(update_fields=["is_archived"])
    return participant
