"""Reads of polls for the topic page's block, the poll's own page and its
voters.

A topic page asks ``topic_annotations`` beside the topic (one subquery in
the page's own query: the topic's poll, if any), so a topic without a poll
costs its page nothing more. A poll is read with its options and the
viewer's own choices in one query (``poll_shown``). Who voted is read only
for a poll whose voters are shown (``voter_page``); a secret poll's ballots
are never read for a page.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.paginator import Page
from django.db.models import BooleanField, Exists, OuterRef, Prefetch, Subquery, Value
from django.http import Http404

from community.paging import CountedPaginator
from contests.models import Poll, PollBallot, PollChoice, PollOption
from contests.permissions_polls import (
    can_close_poll,
    can_delete_poll,
    can_edit_poll,
    can_moderate_poll,
    can_see_poll,
    can_see_results,
    can_see_voters,
    can_vote,
    poll_is_open,
)
from forums import selectors as forums_selectors
from forums.models import Topic

# The topic page's annotation: the pk of its poll, or None.
TOPIC_POLL = "contests_poll_id"
_UNREAD = object()


@dataclass(frozen=True)
class OptionShown:
    pk: int
    text: str
    value: int | None
    # None when the viewer may not see the results.
    votes: int | None
    percent: int | None
    mine: bool


@dataclass(frozen=True)
class PollShown:
    """A poll as ``viewer`` gets it: what she chose, what she may do and
    see. The counts of the options only when she may see the results; the
    count of voters always (a secret poll's too, never their names)."""

    poll: Poll
    options: list[OptionShown]
    voted: bool
    is_open: bool
    may_vote: bool
    may_see_results: bool
    may_see_voters: bool
    may_edit: bool
    may_close: bool
    may_delete: bool
    may_moderate: bool
    # A scale's mean value, with the results.
    average: Decimal | None

    @property
    def mine(self) -> list[int]:
        return [option.pk for option in self.options if option.mine]


def topic_annotations(viewer) -> dict:
    """What the topic page's query reads beside the topic: its poll's pk."""
    return {
        TOPIC_POLL: Subquery(
            Poll.objects.filter(topic_id=OuterRef("pk")).values("pk")[:1]
        )
    }


def topic_poll_id(topic: Topic) -> int | None:
    """The pk of the topic's poll: from the page's annotation, else asked."""
    poll_id = getattr(topic, TOPIC_POLL, _UNREAD)
    if poll_id is _UNREAD:
        poll_id = (
            Poll.objects.filter(topic_id=topic.pk).values_list("pk", flat=True).first()
        )
    return poll_id


def _options(poll_id: int, viewer):
    options = PollOption.objects.filter(poll_id=poll_id).order_by("position", "pk")
    if viewer.is_authenticated:
        mine = Exists(
            PollChoice.objects.filter(option_id=OuterRef("pk"), ballot__voter=viewer)
        )
    else:
        mine = Value(False, output_field=BooleanField())
    return options.annotate(mine=mine)


def _percent(part: int, whole: int) -> int:
    if not whole:
        return 0
    return int((Decimal(100 * part) / whole).quantize(0, rounding=ROUND_HALF_UP))


def _shown(poll: Poll, options: list[PollOption], viewer) -> PollShown:
    voted = any(option.mine for option in options)
    see_results = can_see_results(viewer, poll, voted=voted)
    voters = poll.voter_count
    average = None
    if see_results and poll.kind == Poll.Kind.SCALE and voters:
        total = sum((option.value or 0) * option.vote_count for option in options)
        average = (Decimal(total) / voters).quantize(Decimal("0.1"))
    return PollShown(
        poll=poll,
        options=[
            OptionShown(
                pk=option.pk,
                text=option.text,
                value=option.value,
                votes=option.vote_count if see_results else None,
                percent=_percent(option.vote_count, voters) if see_results else None,
                mine=option.mine,
            )
            for option in options
        ],
        voted=voted,
        is_open=poll_is_open(poll),
        may_vote=can_vote(viewer, poll),
        may_see_results=see_results,
        may_see_voters=can_see_voters(viewer, poll, voted=voted),
        may_edit=can_edit_poll(viewer, poll),
        may_close=can_close_poll(viewer, poll),
        may_delete=can_delete_poll(viewer, poll),
        may_moderate=can_moderate_poll(viewer, poll),
        average=average,
    )


def poll_shown(poll: Poll, viewer) -> PollShown:
    """``poll`` (its topic and section read) for ``viewer``: its options with
    her choices in one query."""
    return _shown(poll, list(_options(poll.pk, viewer)), viewer)


def poll_shown_for_topic(topic: Topic, viewer) -> PollShown | None:
    """The topic's poll for ``viewer``, the topic read by its page: the
    options with the poll and her choices in one query, none without a poll
    (the page's annotation says so)."""
    poll_id = topic_poll_id(topic)
    if poll_id is None:
        return None
    options = list(_options(poll_id, viewer).select_related("poll"))
    if not options:  # every poll has its options; read on all the same
        poll = Poll.objects.filter(pk=poll_id).first()
        if poll is None:
            return None
    else:
        poll = options[0].poll
    poll.topic = topic
    for option in options:
        option.poll = poll
    return _shown(poll, options, viewer)


def poll_get(*, pk: int, user) -> Poll:
    """The poll ``user`` may see (whoever may read its topic), or 404."""
    poll = Poll.objects.select_related("topic__section", "author__profile").filter(
        pk=pk
    )
    poll = poll.first()
    if poll is None or not can_see_poll(user, poll):
        raise Http404
    return poll


def topic_for_poll(*, topic_pk: int, user) -> Topic:
    """The topic a poll is added to: one ``user`` may read, or 404."""
    return forums_selectors.topic_get(pk=topic_pk, user=user)


def voter_page(*, poll: Poll, page_number) -> Page:
    """A page of a poll's voters (shown polls only: the caller asks
    ``can_see_voters``), first voters first, each with the profile shown and
    the options chosen: the count is the poll's own, two queries."""
    if not poll.voters_shown:
        raise Http404
    ballots = (
        PollBallot.objects.filter(poll=poll)
        .select_related("voter__profile")
        .prefetch_related(
            Prefetch(
                "choices",
                queryset=PollChoice.objects.select_related("option").order_by(
                    "option__position", "option__pk"
                ),
            )
        )
        .order_by("created_at", "pk")
    )
    paginator = CountedPaginator(
        ballots, settings.CONTESTS_PER_PAGE, count=poll.voter_count
    )
    return paginator.get_page(page_number)
