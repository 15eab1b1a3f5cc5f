"""The public vote: on only while the jury judges, for members past
``CONTESTS_VOTER_MIN_DAYS``, never for one's own entry, one vote per
nomination (a double submit answers as one), the count kept, the request's
trace kept as for every accepted write."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from community.models import RequestTrace
from contests.models import Contest, Entry, PublicVote
from contests.permissions import can_vote_publicly
from contests.services import contests as contest_services
from contests.services import entries as services
from contests.tests.helpers_contests import (
    contest_open,
    entry_of,
    moved_to,
    veteran,
)

pytestmark = pytest.mark.django_db


def _judging(public_vote: bool = True, nominations: int = 1):
    """A contest in its judging window with ``nominations`` nominations and
    two entries in each."""
    contest = contest_open(public_vote=public_vote)
    for number in range(1, nominations):
        contest_services.nomination_add(
            contest=contest,
            editor=contest.organiser,
            title=f"Номинация {number + 1}",
            criteria=["Идея"],
        )
    entries = [
        entry_of(contest, nomination=nomination, title=f"{nomination.title} {index}")
        for nomination in contest.nominations.order_by("position")
        for index in (1, 2)
    ]
    moved_to(contest, "judging")
    return contest, entries


def _votes(entry: Entry) -> int:
    return Entry.objects.get(pk=entry.pk).vote_count


def test_a_members_vote_is_counted():
    _contest, (entry, _other) = _judging()
    voter = veteran()

    vote = services.public_vote_cast(entry=entry, voter=voter)

    assert (vote.entry, vote.voter, vote.nomination) == (entry, voter, entry.nomination)
    assert _votes(entry) == 1


def test_a_second_vote_for_the_same_entry_answers_the_first():
    _contest, (entry, _other) = _judging()
    voter = veteran()
    first = services.public_vote_cast(entry=entry, voter=voter)

    again = services.public_vote_cast(entry=entry, voter=voter)

    assert again.pk == first.pk
    assert PublicVote.objects.count() == 1
    assert _votes(entry) == 1


def test_one_vote_per_nomination():
    _contest, (entry, other, third, _fourth) = _judging(nominations=2)
    voter = veteran()
    services.public_vote_cast(entry=entry, voter=voter)

    with pytest.raises(ValidationError) as caught:
        services.public_vote_cast(entry=other, voter=voter)
    services.public_vote_cast(entry=third, voter=voter)

    assert caught.value.code == "voted"
    assert _votes(other) == 0
    assert _votes(third) == 1


def test_no_vote_without_a_public_vote():
    _contest, (entry, _other) = _judging(public_vote=False)

    with pytest.raises(ValidationError) as caught:
        services.public_vote_cast(entry=entry, voter=veteran())

    assert caught.value.code == "off"


@pytest.mark.parametrize("phase", ["open", "over"])
def test_the_vote_is_on_only_while_the_jury_judges(phase):
    contest, (entry, _other) = _judging()
    moved_to(contest, phase)

    with pytest.raises(ValidationError) as caught:
        services.public_vote_cast(entry=entry, voter=veteran())

    assert caught.value.code == "closed"


def test_no_vote_after_the_results_or_in_a_hidden_contest():
    contest, (entry, other) = _judging()
    Contest.objects.filter(pk=contest.pk).update(is_hidden=True)
    with pytest.raises(ValidationError) as hidden:
        services.public_vote_cast(entry=entry, voter=veteran())
    Contest.objects.filter(pk=contest.pk).update(
        is_hidden=False, status=Contest.Status.FINISHED
    )
    with pytest.raises(ValidationError) as frozen:
        services.public_vote_cast(entry=other, voter=veteran())

    assert hidden.value.code == "closed"
    assert frozen.value.code == "closed"


def test_only_members_past_the_days_vote(settings):
    settings.CONTESTS_VOTER_MIN_DAYS = 30
    _contest, (entry, _other) = _judging()
    newcomer = UserFactory(date_joined=timezone.now() - datetime.timedelta(days=29))
    just_in_time = UserFactory(date_joined=timezone.now() - datetime.timedelta(days=30))

    with pytest.raises(ValidationError) as caught:
        services.public_vote_cast(entry=entry, voter=newcomer)
    services.public_vote_cast(entry=entry, voter=just_in_time)

    assert caught.value.code == "new_member"
    assert "30" in caught.value.messages[0]
    assert not can_vote_publicly(newcomer, Entry.objects.get(pk=entry.pk))


def test_no_vote_for_ones_own_entry():
    contest = contest_open(public_vote=True)
    author = veteran()
    colleague = veteran()
    entry = entry_of(contest, author=author, coauthors=[colleague])
    moved_to(contest, "judging")

    for user in (author, colleague):
        with pytest.raises(ValidationError) as caught:
            services.public_vote_cast(entry=entry, voter=user)
        assert caught.value.code == "own"


def test_no_vote_for_a_withdrawn_disqualified_or_hidden_entry():
    contest, (entry, other) = _judging()
    Entry.objects.filter(pk=entry.pk).update(
        status=Entry.Status.DISQUALIFIED, disqualified_reason="Плагиат"
    )
    Entry.objects.filter(pk=other.pk).update(is_hidden=True)

    for item in (entry, other):
        with pytest.raises(ValidationError) as caught:
            services.public_vote_cast(entry=item, voter=veteran())
        assert caught.value.code == "status"
    assert contest.public_vote


# --- Through the page --------------------------------------------------------------


def test_a_vote_from_the_page_keeps_the_requests_trace(client):
    contest, (entry, _other) = _judging()
    voter = veteran()
    client.force_login(voter)

    response = client.post(
        reverse("contests:vote", args=[contest.slug, entry.pk]),
        HTTP_USER_AGENT="Учительский браузер",
        REMOTE_ADDR="203.0.113.7",
    )

    assert response.status_code == 302
    assert response["Location"] == entry.get_absolute_url()
    trace = RequestTrace.objects.get(user=voter)
    assert trace.action == "contests:vote"
    assert trace.user_agent == "Учительский браузер"
    assert _votes(entry) == 1


def test_a_double_submit_from_the_page_answers_as_once(client):
    contest, (entry, _other) = _judging()
    client.force_login(veteran())
    url = reverse("contests:vote", args=[contest.slug, entry.pk])

    statuses = [client.post(url).status_code for _ in range(2)]

    assert statuses == [302, 302]
    assert _votes(entry) == 1


def test_a_second_vote_in_the_nomination_is_a_409_with_the_reason(client):
    contest, (entry, other) = _judging()
    client.force_login(veteran())
    client.post(reverse("contests:vote", args=[contest.slug, entry.pk]))

    response = client.post(reverse("contests:vote", args=[contest.slug, other.pk]))

    assert response.status_code == 409
    assert "один голос в номинации" in response.content.decode().lower()
    assert _votes(other) == 0


def test_a_new_member_is_refused_on_the_page(client):
    contest, (entry, _other) = _judging()
    client.force_login(UserFactory())

    response = client.post(reverse("contests:vote", args=[contest.slug, entry.pk]))

    assert response.status_code == 400
    assert not RequestTrace.objects.filter(action="contests:vote").exists()


def test_a_vote_returns_to_the_list_it_came_from_and_nowhere_else(client):
    contest, (entry, _other) = _judging()
    client.force_login(veteran())

    inside = client.post(
        reverse("contests:vote", args=[contest.slug, entry.pk]),
        {"next": contest.get_absolute_url() + "?page=1"},
    )
    outside = client.post(
        reverse("contests:vote", args=[contest.slug, entry.pk]),
        {"next": "https://evil.example/"},
    )

    assert inside["Location"] == contest.get_absolute_url() + "?page=1"
    assert outside["Location"] == entry.get_absolute_url()


def test_visitors_are_sent_to_log_in(client):
    contest, (entry, _other) = _judging()

    response = client.post(reverse("contests:vote", args=[contest.slug, entry.pk]))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert _votes(entry) == 0


def test_the_organiser_does_not_vote_in_her_own_contest():
    contest, (entry, _other) = _judging()
    organiser = type(contest.organiser).objects.get(pk=contest.organiser_id)
    type(organiser).objects.filter(pk=organiser.pk).update(
        date_joined=timezone.now() - datetime.timedelta(days=90)
    )
    organiser.refresh_from_db()

    with pytest.raises(ValidationError) as caught:
        services.public_vote_cast(entry=entry, voter=organiser)

    assert caught.value.code == "organiser"
    assert not can_vote_publicly(organiser, Entry.objects.get(pk=entry.pk))
