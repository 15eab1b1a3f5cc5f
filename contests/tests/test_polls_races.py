"""Votes that arrive at once (PostgreSQL: each on its own connection, all
released together at a barrier): one ballot per member however many
submits, and the counts always those of the ballots."""

import pytest
from django.db.models import Count
from django.urls import reverse

from accounts.tests.factories import UserFactory
from community.tests.races import at_once, client_for, needs_postgresql, together
from contests.models import Poll, PollBallot, PollChoice
from contests.services import polls as services
from contests.tests.helpers_polls import (
    counts,
    options_of,
    poll_made,
    polls_registered,  # noqa: F401 (autouse)
)

pytestmark = pytest.mark.django_db(transaction=True)

PARALLEL = 12


@pytest.fixture(autouse=True)
def _postgresql(vocabulary):
    needs_postgresql()


def _kept_counts_match_the_ballots(poll: Poll) -> None:
    """What the page shows is what the ballots say."""
    voters, votes = counts(poll)
    assert voters == PollBallot.objects.filter(poll=poll).count()
    chosen = dict(
        PollChoice.objects.filter(ballot__poll=poll)
        .values("option_id")
        .annotate(n=Count("pk"))
        .values_list("option_id", "n")
    )
    assert votes == [chosen.get(option.pk, 0) for option in options_of(poll)]


def test_one_member_submitting_her_vote_many_times_at_once_votes_once():
    poll = poll_made()
    member = UserFactory()
    choice = {f"poll{poll.pk}-choice": str(options_of(poll)[1].pk)}
    clients = [client_for(member) for _ in range(PARALLEL)]
    url = reverse("polls:vote", args=[poll.pk])

    statuses = at_once(
        [lambda client=client: client.post(url, choice) for client in clients]
    )

    assert statuses == [302] * PARALLEL
    assert PollBallot.objects.filter(poll=poll, voter=member).count() == 1
    assert counts(poll) == (1, [0, 1, 0])
    _kept_counts_match_the_ballots(poll)


def test_many_members_voting_at_once_are_each_counted():
    poll = poll_made(kind=Poll.Kind.MULTIPLE, options=list("абв"), max_choices=2)
    members = UserFactory.create_batch(PARALLEL)
    first, second, _third = (option.pk for option in options_of(poll))

    raised = together(
        [
            lambda member=member: services.poll_vote(
                poll=poll, voter=member, option_ids=[first, second]
            )
            for member in members
        ]
    )

    assert raised == [None] * PARALLEL
    assert counts(poll) == (PARALLEL, [PARALLEL, PARALLEL, 0])
    _kept_counts_match_the_ballots(poll)


def test_two_members_and_a_double_submit_at_once():
    poll = poll_made()
    one, other = UserFactory(), UserFactory()
    yes, no, _maybe = (option.pk for option in options_of(poll))

    raised = together(
        [
            lambda: services.poll_vote(poll=poll, voter=one, option_ids=[yes]),
            lambda: services.poll_vote(poll=poll, voter=one, option_ids=[yes]),
            lambda: services.poll_vote(poll=poll, voter=other, option_ids=[no]),
            lambda: services.poll_vote(poll=poll, voter=other, option_ids=[no]),
        ]
    )

    assert raised == [None] * 4
    assert counts(poll) == (2, [1, 1, 0])
    _kept_counts_match_the_ballots(poll)


def test_one_member_changing_her_vote_at_once_keeps_one_ballot_and_right_counts():
    poll = poll_made()
    member = UserFactory()
    options = [option.pk for option in options_of(poll)]

    raised = together(
        [
            lambda pk=options[index % 3]: services.poll_vote(
                poll=poll, voter=member, option_ids=[pk]
            )
            for index in range(PARALLEL)
        ]
        + [lambda: services.poll_unvote(poll=poll, voter=member)]
    )

    assert raised == [None] * (PARALLEL + 1)
    assert PollBallot.objects.filter(poll=poll, voter=member).count() <= 1
    voters, votes = counts(poll)
    assert voters == sum(votes) <= 1
    _kept_counts_match_the_ballots(poll)
