"""The public vote submitted many times at once (PostgreSQL): one vote per
member and nomination, the count right, every answer the first one's."""

import pytest
from django.urls import reverse

from community.tests.races import at_once, client_for, needs_postgresql
from contests.models import Entry, PublicVote
from contests.tests.helpers_contests import contest_open, entry_of, moved_to, veteran

PARALLEL = 12


def _judging():
    contest = contest_open(public_vote=True)
    entries = [entry_of(contest, title=f"Работа {index}") for index in (1, 2)]
    moved_to(contest, "judging")
    return contest, entries


@pytest.mark.django_db(transaction=True)
def test_one_members_vote_submitted_at_once_counts_once(vocabulary):
    needs_postgresql()
    contest, (entry, _other) = _judging()
    voter = veteran()
    url = reverse("contests:vote", args=[contest.slug, entry.pk])
    clients = [client_for(voter) for _ in range(PARALLEL)]

    statuses = at_once([lambda client=client: client.post(url) for client in clients])

    assert statuses == [302] * PARALLEL
    assert PublicVote.objects.filter(voter=voter).count() == 1
    assert Entry.objects.get(pk=entry.pk).vote_count == 1


@pytest.mark.django_db(transaction=True)
def test_one_members_votes_for_two_entries_at_once_keep_one(vocabulary):
    needs_postgresql()
    contest, entries = _judging()
    voter = veteran()
    urls = [
        reverse("contests:vote", args=[contest.slug, entry.pk]) for entry in entries
    ]
    clients = [client_for(voter) for _ in range(PARALLEL)]

    statuses = at_once(
        [
            lambda client=client, url=urls[index % 2]: client.post(url)
            for index, client in enumerate(clients)
        ]
    )

    vote = PublicVote.objects.get(voter=voter)
    assert sorted(set(statuses)) == [302, 409]
    assert statuses.count(302) == PARALLEL // 2
    counts = {entry.pk: Entry.objects.get(pk=entry.pk).vote_count for entry in entries}
    assert counts == {entry.pk: int(entry.pk == vote.entry_id) for entry in entries}


@pytest.mark.django_db(transaction=True)
def test_many_members_voting_at_once_are_each_counted(vocabulary):
    needs_postgresql()
    contest, (entry, _other) = _judging()
    voters = [veteran() for _ in range(PARALLEL)]
    url = reverse("contests:vote", args=[contest.slug, entry.pk])
    clients = [client_for(voter) for voter in voters]

    statuses = at_once([lambda client=client: client.post(url) for client in clients])

    assert statuses == [302] * PARALLEL
    assert PublicVote.objects.filter(entry=entry).count() == PARALLEL
    assert Entry.objects.get(pk=entry.pk).vote_count == PARALLEL
