"""Who may do what in conversations: named predicates, and who may write to whom.

What a member may not see is a 404: a conversation is seen only by its
participants (``participant_of``), whatever their role on the site; staff
read only what a participant reported (``hooks_moderation``).

``write_refusal`` is the one rule of who may start a conversation with whom
(or add whom to one); the compose page shows its reason, the services raise
it. Staff always may, except to themselves or to a closed account.
"""

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Block, Follow
from community.standing import is_restricted
from conversations.models import (
    Conversation,
    Message,
    MessageSettings,
    Participant,
    WhoMayWrite,
)

# Why someone cannot be written to, by ``write_refusal``'s codes.
WRITE_REFUSALS: dict[str, Promise] = {
    "self": _("You cannot write to yourself."),
    "inactive": _("This account is closed."),
    "blocked": _("One of you has blocked the other."),
    "restricted": _("Your account may not write at the moment."),
    "nobody": _("This member does not accept messages."),
    "not_colleague": _(
        "This member accepts messages only from colleagues: people they follow, "
        "of their school or of their communities."
    ),
    # Said without the report, which its reporter's sender is never told of.
    "reported": _("This member does not take new conversations from you now."),
}

# Where a participant's memo is kept on the conversation object.
_MEMO = "_participants_memo"


def _is_member(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_staff(user) -> bool:
    """Staff (the staff flag or a superuser) may write to anyone."""
    return bool(user.is_staff or user.is_superuser)


def message_settings_of(user) -> MessageSettings:
    """The member's choices; the defaults (unsaved) when they made none."""
    try:
        return MessageSettings.objects.get(user_id=user.pk)
    except MessageSettings.DoesNotExist:
        return MessageSettings(user_id=user.pk)


def write_refusal(user, other) -> str:
    """Why ``user`` may not start a conversation with ``other`` (or add them
    to one): a key of ``WRITE_REFUSALS``, or "" when they may.

    In this order: "self", "inactive" (a closed or deleted account); staff
    may from here on; "blocked" (a block either way), "restricted" (``user``
    is suspended or banned), "nobody" and "not_colleague" (``other``'s
    ``MessageSettings.who_may_write``; colleagues are people ``other``
    follows, of their school — the same non-empty ``Profile.school_key`` —
    or of a community of theirs), "reported" (``other`` reported a request
    of ``user``'s within CONVERSATIONS_REPORTED_REQUEST_DAYS). At most one
    query.
    """
    return write_refusals(user, [other])[other.pk]


def write_refusals(user, others) -> dict[int, str]:
    """``write_refusal`` for several members at once, by their ids: one
    query for all (none for oneself, closed accounts or a staff sender)."""
    found: dict[int, str] = {}
    asked = []
    for other in others:
        if user.pk == other.pk:
            found[other.pk] = "self"
        elif not other.is_active or not _is_member(user):
            found[other.pk] = "inactive"
        # Staff always may: a member's choice does not shut out the site's team.
        elif is_staff(user):
            found[other.pk] = ""
        else:
            asked.append(other)
    if asked:
        read = _refusals_read(user, [other.pk for other in asked])
        found.update(read)
    return found


def _refusals_read(user, other_ids: list[int]) -> dict[int, str]:
    """What decides whether ``user`` may write to each of ``other_ids``, read
    in one query (an EXISTS or a subquery per rule), and the answers."""
    from django.contrib.auth import get_user_model

    from accounts.models import Profile
    from circles.models import Membership

    since = timezone.now() - datetime.timedelta(
        days=settings.CONVERSATIONS_REPORTED_REQUEST_DAYS
    )
    my_school = Profile.objects.filter(user_id=user.pk).values("school_key")[:1]
    rows = (
        get_user_model()
        .objects.filter(pk__in=other_ids)
        .annotate(
            _blocked=Exists(
                Block.objects.filter(
                    Q(blocker_id=user.pk, blocked_id=OuterRef("pk"))
                    | Q(blocker_id=OuterRef("pk"), blocked_id=user.pk)
                )
            ),
            _choice=Subquery(
                MessageSettings.objects.filter(user_id=OuterRef("pk")).values(
                    "who_may_write"
                )[:1]
            ),
            _follows=Exists(
                Follow.objects.filter(follower_id=OuterRef("pk"), followee_id=user.pk)
            ),
            _schoolmate=Exists(
                Profile.objects.filter(
                    user_id=OuterRef("pk"), school_key=Subquery(my_school)
                ).exclude(school_key="")
            ),
            _fellow=Exists(
                Membership.objects.filter(
                    user_id=OuterRef("pk"),
                    community_id__in=Membership.objects.filter(user_id=user.pk).values(
                        "community_id"
                    ),
                )
            ),
            _reported=Exists(
                Participant.objects.filter(
                    user_id=OuterRef("pk"),
                    added_by_id=user.pk,
                    request_reported_at__gte=since,
                )
            ),
        )
        .values_list(
            "pk",
            "_blocked",
            "_choice",
            "_follows",
            "_schoolmate",
            "_fellow",
            "_reported",
        )
    )
    restricted = is_restricted(user)
    answers = dict.fromkeys(other_ids, "inactive")
    for pk, blocked, choice, follows, schoolmate, fellow, reported in rows:
        choice = choice or WhoMayWrite.EVERYONE
        if blocked:
            answers[pk] = "blocked"
        elif restricted:
            answers[pk] = "restricted"
        elif choice == WhoMayWrite.NOBODY:
            answers[pk] = "nobody"
        elif choice == WhoMayWrite.COLLEAGUES and not (follows or schoolmate or fellow):
            answers[pk] = "not_colleague"
        elif reported:
            answers[pk] = "reported"
        else:
            answers[pk] = ""
    return answers


def can_write_to(user, other) -> bool:
    # Whoever ``write_refusal`` finds no reason against.
    return write_refusal(user, other) == ""


def needs_request(sender, recipient) -> bool:
    """A first message from ``sender`` waits as a request for ``recipient``:
    the recipient does not follow the sender, and the sender is not staff."""
    if is_staff(sender):
        return False
    return not Follow.objects.filter(
        follower_id=recipient.pk, followee_id=sender.pk
    ).exists()


def participant_of(user, conversation: Conversation) -> Participant | None:
    """The member's row in the conversation, or None; one query, kept on the
    conversation object for the request (``participant_forget`` drops it)."""
    if not _is_member(user):
        return None
    memo = conversation.__dict__.setdefault(_MEMO, {})
    if user.pk not in memo:
        participant = Participant.objects.filter(
            conversation_id=conversation.pk, user_id=user.pk
        ).first()
        if participant is not None:
            participant.conversation = conversation
        memo[user.pk] = participant
    return memo[user.pk]


def participant_forget(conversation: Conversation) -> None:
    """Drop the kept rows after a write changed them."""
    conversation.__dict__.pop(_MEMO, None)


def can_view_conversation(user, participant: Participant | None) -> bool:
    # Its participants only, in whatever status (a left one reads what they
    # could); nobody else, staff included.
    return (
        participant is not None and _is_member(user) and participant.user_id == user.pk
    )


def can_read_message(participant: Participant | None, message: Message) -> bool:
    # A participant reads the messages of their conversation up to
    # ``visible_until`` when it is set (they left, were removed, or answered
    # a request by ignoring or reporting it).
    if participant is None or participant.conversation_id != message.conversation_id:
        return False
    return participant.visible_until is None or message.number <= (
        participant.visible_until
    )


def can_post(user, participant: Participant | None) -> bool:
    # An ACTIVE participant who is not suspended or banned; a request's
    # recipient answers it first.
    return (
        can_view_conversation(user, participant)
        and participant.status == Participant.Status.ACTIVE
        and not is_restricted(user)
    )


def can_edit_message(user, message: Message) -> bool:
    # Its author, a text message not deleted, while not suspended or banned.
    return (
        _is_member(user)
        and message.author_id == user.pk
        and message.kind == Message.Kind.TEXT
        and message.deleted_at is None
        and not is_restricted(user)
    )


def can_moderate_messages(user) -> bool:
    # Site moderators (they resolve reports) and superusers, on a reported
    # message only: no page lists conversations for them.
    return _is_member(user) and (
        user.is_superuser
        # Moderators are staff: members pay no permission query here.
        or (user.is_staff and user.has_perm("community.change_report"))
    )


def can_add_members(user, participant: Participant | None) -> bool:
    # The owner, in the conversation; never in a consultation question.
    return (
        can_post(user, participant)
        and participant.role == Participant.Role.OWNER
        and not participant.conversation.is_question
    )


def can_remove_member(
    user, participant: Participant | None, other: Participant
) -> bool:
    # The owner, of another participant still in the conversation as the
    # owner sees it (an ignored request too: the sender is never told).
    return (
        can_add_members(user, participant)
        and other.conversation_id == participant.conversation_id
        and other.user_id != user.pk
        and other.status in Participant.SHOWN
    )
