"""Reads for the conversation page: the conversation as its participant sees
it, a page of its messages by number, its participants and how far they read.

A page is a range of message numbers (numbers run 1.. without gaps), read by
an index range, not an OFFSET. A participant who left, was removed or
answered a request by ignoring or reporting it reads up to
``Participant.visible_until``: the page counts only that far.

The page costs a fixed number of queries whatever its length: the
conversation, the viewer's row, the participants with their profiles and
message settings, the messages with their authors' and events' profiles, the
authors' featured badges (and a question's row for a consultation question).
Read positions not yet written by the task come from the cache
(``services.reads.pending_numbers``), one round trip.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page
from django.db.models import Prefetch
from django.http import Http404

from community.models import BadgeAward
from community.paging import CountedPaginator
from conversations.models import (
    Conversation,
    Message,
    MessageSettings,
    Participant,
    Question,
)
from conversations.permissions import (
    can_read_message,
    can_view_conversation,
    participant_of,
)
from conversations.services import reads

# Fewer than this many participants make a one-to-one conversation: read
# receipts are for groups.
GROUP_SIZE = 3
# A participant as the page reads them: their row, the address of their
# profile, their name and picture (``accounts/partials/_avatar.html``) and
# whether they show read receipts.
PARTICIPANT_FIELDS = (
    *(field.name for field in Participant._meta.concrete_fields),
    "user__username",
    "user__profile__user",
    "user__profile__display_name",
    "user__profile__avatar",
    "user__profile__is_hidden",
    "user__profile__deleted_at",
    "user__message_settings__read_receipts",
)


def per_page() -> int:
    return settings.CONVERSATIONS_MESSAGES_PER_PAGE


def conversation_get(*, pk: int, user) -> tuple[Conversation, Participant]:
    """The conversation and the member's row in it; a 404 for anyone who is
    not a participant (staff included) and for a missing one alike."""
    conversation = Conversation.objects.filter(pk=pk).first()
    if conversation is None:
        raise Http404
    participant = participant_of(user, conversation)
    if not can_view_conversation(user, participant):
        raise Http404
    return conversation, participant


def message_get(*, pk: int, user) -> tuple[Message, Participant]:
    """A message and the member's row in its conversation; a 404 unless the
    member may read it (a message after they left is as missing)."""
    message = Message.objects.select_related("conversation").filter(pk=pk).first()
    if message is None:
        raise Http404
    participant = participant_of(user, message.conversation)
    if not can_view_conversation(user, participant) or not can_read_message(
        participant, message
    ):
        raise Http404
    return message, participant


def readable_count(participant: Participant) -> int:
    """How many messages the participant reads: all of them, or up to
    ``visible_until``."""
    last = participant.conversation.last_number
    if participant.visible_until is not None:
        return min(last, participant.visible_until)
    return last


def page_of_number(number: int) -> int:
    return max(number - 1, 0) // per_page() + 1


def message_url(message: Message) -> str:
    """Where a message is shown: its page of the conversation, at its anchor."""
    page = page_of_number(message.number)
    suffix = f"?page={page}" if page > 1 else ""
    return f"{message.conversation.get_absolute_url()}{suffix}#m-{message.number}"


class _NumberedPaginator(CountedPaginator):
    """Messages are numbered 1..count: a page is a range of numbers (its
    ``object_list``); ``messages_for_page`` reads the rows."""

    def page(self, number) -> Page:
        number = self.validate_number(number)
        first = (number - 1) * self.per_page
        last = min(first + self.per_page, self.count)
        return self._get_page(range(first + 1, last + 1), number, self)


def message_page_get(*, participant: Participant, page_number, read_to: int) -> Page:
    """The page asked for (``?page=``; a bad or too large number gives the
    first or the last page); without one, the page of the first message the
    participant has not read, else the last page."""
    count = readable_count(participant)
    paginator = _NumberedPaginator((), per_page(), count=count)
    if page_number in (None, ""):
        page_number = (
            page_of_number(read_to + 1) if read_to < count else paginator.num_pages
        )
    elif page_number == "last":
        page_number = paginator.num_pages
    return paginator.get_page(page_number)


def messages_for_page(*, conversation: Conversation, page: Page) -> list[Message]:
    """The messages of a page, in order, with their authors' profiles and the
    badges they chose to show, and the profile of whom an event is about."""
    numbers = page.object_list
    if not numbers:
        return []
    featured = BadgeAward.objects.filter(
        is_featured=True, revoked_at__isnull=True
    ).select_related("badge")
    return list(
        Message.objects.filter(
            conversation=conversation, number__gte=numbers[0], number__lte=numbers[-1]
        )
        .select_related("author__profile", "event_user__profile")
        .prefetch_related(
            Prefetch(
                "author__badge_awards", queryset=featured, to_attr="featured_badges"
            )
        )
        .order_by("number")
    )


def participants_of(*, conversation: Conversation) -> list[Participant]:
    """Every participant with their profile and message settings, the owner
    first, then in the order they joined."""
    rows = list(
        Participant.objects.filter(conversation=conversation)
        .select_related("user__profile", "user__message_settings")
        # What the page shows of them: the whole rows were most of its cost.
        .only(*PARTICIPANT_FIELDS)
        .order_by("joined_at", "pk")
    )
    rows.sort(key=lambda row: row.role != Participant.Role.OWNER)
    for row in rows:
        row.conversation = conversation
    return rows


def shows_receipts(participant: Participant) -> bool:
    """Others may see how far the participant read: they did not turn read
    receipts off (no settings row: on)."""
    try:
        return participant.user.message_settings.read_receipts
    except MessageSettings.DoesNotExist:
        return True


@dataclass
class PageReads:
    """How far each participant read (the cache's pending positions merged
    with the rows), and who read the conversation's newest message."""

    positions: dict[int, int] = field(default_factory=dict)  # participant pk
    readers_of_last: list[Participant] = field(default_factory=list)


def read_positions(participants: list[Participant]) -> dict[int, int]:
    """Each participant's read position by their row's pk: the row's, or
    the one noted in the cache and not yet written, whichever is further."""
    pending = reads.pending_numbers([row.pk for row in participants])
    positions = {}
    for row in participants:
        number = max(row.read_number, pending.get(row.pk, 0))
        if row.visible_until is not None:
            number = min(number, row.visible_until)
        positions[row.pk] = number
    return positions


def is_group(participants: list[Participant]) -> bool:
    return len(participants) >= GROUP_SIZE


def page_reads(
    *, viewer: Participant, participants: list[Participant], last_shown: Message | None
) -> PageReads:
    """Read positions; in a group conversation, for an ACTIVE viewer, each
    other ACTIVE participant who did not turn read receipts off carries
    ``receipt`` (how far they read; None for the rest), and ``readers_of_last``
    lists those who read ``last_shown`` when it is the conversation's newest
    message (its author left out)."""
    positions = read_positions(participants)
    shown = PageReads(positions=positions)
    receipts = is_group(participants) and viewer.status == Participant.Status.ACTIVE
    for row in participants:
        row.receipt = (
            positions[row.pk]
            if receipts
            and row.pk != viewer.pk
            and row.status == Participant.Status.ACTIVE
            and shows_receipts(row)
            else None
        )
    if last_shown is None or last_shown.number != viewer.conversation.last_number:
        return shown
    shown.readers_of_last = [
        row
        for row in participants
        if row.receipt is not None
        and row.user_id != last_shown.author_id
        and row.receipt >= last_shown.number
    ]
    return shown


def question_of(conversation: Conversation) -> Question | None:
    """A consultation question's row with its line (one query), else None."""
    if not conversation.is_question:
        return None
    return (
        Question.objects.select_related("line", "expert__profile", "asker__profile")
        .filter(conversation=conversation)
        .first()
    )
