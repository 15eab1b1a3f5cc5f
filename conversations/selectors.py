"""Reads for the inbox: the member's own conversations, never anyone else's.

A row of the inbox is the member's ``Participant`` in a conversation, read
with the conversation, the last message they may read (its number, time and
author) and the other participants: three queries for a page whatever its
length (the page, the others, the requests' count beside the tabs), plus one
cache read for how far the member has read lately (``inbox_mark_new``). The
rows are kept rendered (``fragments.inbox_rows``): the others' names and
pictures are read (``users_of``, one query) only for rows rendered afresh.
"""

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce

from conversations.models import Message, Participant

# What a row shows of a member: a name and a picture
# (``accounts/partials/_avatar.html``).
PROFILE_FIELDS = ("user", "display_name", "avatar", "is_hidden", "deleted_at")

TABS = ("inbox", "requests", "archived")

# A participant who left or was removed keeps the conversation in their lists
# (they read what they could); one who ignored or reported a request does not.
LISTED = (
    Participant.Status.ACTIVE,
    Participant.Status.LEFT,
    Participant.Status.REMOVED,
)


def _text_matches(field: str, query: str) -> Q:
    """Case-insensitive containment that holds for Cyrillic on SQLite too.

    SQLite's LIKE folds only ASCII letters, so the usual spellings of the
    query are tried as well; PostgreSQL's icontains needs none of them.
    """
    condition = Q(**{f"{field}__icontains": query})
    for variant in {query.lower(), query.capitalize(), query.upper()}:
        condition |= Q(**{f"{field}__contains": variant})
    return condition


def _tab_filter(tab: str) -> Q:
    if tab == "requests":
        return Q(status=Participant.Status.REQUEST)
    return Q(status__in=LISTED, is_archived=tab == "archived")


def _readable_messages(query: str) -> QuerySet[Message]:
    """Messages holding ``query`` that the outer row's participant may read:
    text, neither deleted nor hidden, up to the last one they see."""
    return Message.objects.filter(
        _text_matches("body", query),
        conversation_id=OuterRef("conversation_id"),
        number__lte=OuterRef("shown_number"),
        kind=Message.Kind.TEXT,
        deleted_at__isnull=True,
        is_hidden=False,
    )


def inbox(*, user, tab: str = "inbox", query: str = "") -> QuerySet[Participant]:
    """The member's conversations in ``tab``, the latest first.

    "inbox": those they take part in or have left, not archived; "archived":
    those they archived; "requests": first messages waiting for their
    answer. ``query`` keeps those whose subject, or a message they may read,
    holds it. Each row (a ``Participant``) carries ``conversation``,
    ``shown_number`` (the last message the member may read), ``last_at``
    and ``last_author_id`` (that message's time and author), and
    ``conversation.others`` (the other participants, by ``user_id``: a row
    rendered afresh reads their names and pictures with ``users_of``).
    An unknown tab is the inbox.
    """
    if tab not in TABS:
        tab = "inbox"
    last = Message.objects.filter(
        conversation_id=OuterRef("conversation_id"), number=OuterRef("shown_number")
    )
    rows = (
        Participant.objects.filter(_tab_filter(tab), user=user)
        .select_related("conversation")
        .annotate(
            # A member who left reads up to ``visible_until``, not what came since.
            shown_number=Coalesce("visible_until", "conversation__last_number"),
            # Ordered by what the member could see: when they left, not
            # when the others last wrote.
            moved_at=Case(
                When(
                    visible_until__isnull=False,
                    then=Coalesce("left_at", "conversation__last_message_at"),
                ),
                default=F("conversation__last_message_at"),
            ),
        )
        .annotate(
            last_at=Subquery(last.values("created_at")[:1]),
            last_author_id=Subquery(last.values("author_id")[:1]),
        )
        .prefetch_related(
            Prefetch(
                "conversation__participants",
                # Everyone the conversation had: a request ignored reads to
                # its sender as one still waiting. Who they are: their names
                # and pictures are read only for the rows rendered afresh
                # (``users_of``).
                queryset=Participant.objects.exclude(user=user)
                .only("conversation", "user", "joined_at")
                .order_by("joined_at", "pk"),
                to_attr="others",
            )
        )
        .order_by(F("moved_at").desc(nulls_last=True), "-conversation_id")
    )
    query = (query or "").strip()
    if query:
        rows = rows.filter(
            _text_matches("conversation__subject", query)
            | Exists(_readable_messages(query))
        )
    return rows


def inbox_mark_new(rows) -> None:
    """Set ``new_count`` (messages the member has not read yet) and
    ``last_author`` (the last message's author's ``Participant`` among the
    others, None for the member or a deleted account) on each row of a page.

    How far a member has read is noted in the cache before a task writes it
    (``services.reads``): both are read, in one cache round trip.
    """
    from conversations.services.reads import pending_numbers

    rows = list(rows)
    pending = pending_numbers([row.pk for row in rows]) if rows else {}
    for row in rows:
        read = max(row.read_number, pending.get(row.pk, 0))
        row.new_count = max((row.shown_number or 0) - read, 0)
        row.last_author = next(
            (
                other
                for other in row.conversation.others
                if other.user_id == row.last_author_id
            ),
            None,
        )


def users_of(user_ids) -> dict:
    """The members a row shows (name, picture), by pk, with their profiles:
    read when a row is rendered to be kept (``fragments.inbox_rows``), after
    the versions of their cards."""
    if not user_ids:
        return {}
    return {
        user.pk: user
        for user in get_user_model()
        .objects.filter(pk__in=user_ids)
        .select_related("profile")
        .only(*(f"profile__{name}" for name in PROFILE_FIELDS))
    }


def request_count(*, user) -> int:
    """How many requests wait for the member's answer (one COUNT query)."""
    return Participant.objects.filter(
        user=user, status=Participant.Status.REQUEST
    ).count()
