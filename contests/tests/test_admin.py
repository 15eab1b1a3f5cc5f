"""Contests, polls and network projects in the admin site: the pages open for
moderators and superusers, records are only read, hiding and closing go
through the services, and no page names who voted in a poll."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from community.models import AuditEntry, SearchEntry
from contests import changes
from contests.models import (
    Contest,
    Diploma,
    Judge,
    Poll,
    PollBallot,
    PollChoice,
    Score,
)
from contests.tests import helpers_community as make

pytestmark = pytest.mark.django_db


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:contests_{model._meta.model_name}_{view}", args=args)


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", ["moderator", "superuser"])
def test_every_contests_admin_page_opens_without_an_error(role, moderator):
    user = moderator if role == "moderator" else UserFactory(is_superuser=True)
    if role == "superuser":
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    client = _client(user)
    rows = {type(obj): obj for obj in make.world()}
    registered = {
        model for model in admin.site._registry if model._meta.app_label == "contests"
    }

    assert registered == set(rows)
    for model, obj in rows.items():
        for url in (
            _url(model, "changelist"),
            _url(model, "change", obj.pk),
            _url(model, "history", obj.pk),
        ):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        response = client.get(_url(model, "add"))
        assert response.status_code in (200, 403), _url(model, "add")


def test_no_admin_lists_a_polls_ballots_or_choices():
    assert PollBallot not in admin.site._registry
    assert PollChoice not in admin.site._registry


def test_a_secret_polls_admin_page_names_no_voter(moderator):
    voter = UserFactory(profile__display_name="Тайный Голосующий")
    poll = make.poll(voters=[voter], voters_shown=False)
    client = _client(moderator)

    for url in (_url(Poll, "changelist"), _url(Poll, "change", poll.pk)):
        html = client.get(url).content.decode()
        assert "Тайный Голосующий" not in html
        assert voter.email not in html
        assert voter.username not in html


def test_a_moderator_hides_a_contest_in_the_admin_through_the_service(moderator):
    contest = make.contest(title="Реклама")
    changes.contest_changed(contest)
    assert SearchEntry.objects.filter(kind="contests", target_id=contest.pk)

    response = _client(moderator).post(
        _url(Contest, "changelist"),
        {"action": "hide_selected", "_selected_action": [contest.pk]},
    )

    contest.refresh_from_db()
    assert response.status_code == 302
    assert contest.is_hidden
    assert AuditEntry.objects.filter(action="contest_hide", actor=moderator).exists()
    assert not SearchEntry.objects.filter(kind="contests", target_id=contest.pk)


def test_a_moderator_hides_a_jury_comment_in_the_admin(moderator):
    score = make.score(make.entry(make.finished()))

    _client(moderator).post(
        _url(Score, "changelist"),
        {"action": "hide_selected", "_selected_action": [score.pk]},
    )

    score.refresh_from_db()
    assert score.is_hidden
    assert AuditEntry.objects.filter(
        action="contest_score_hide", actor=moderator
    ).exists()


def test_a_moderator_closes_a_poll_in_the_admin_through_the_service(moderator):
    poll = make.poll()

    _client(moderator).post(
        _url(Poll, "changelist"),
        {"action": "close_selected", "_selected_action": [poll.pk]},
    )

    poll.refresh_from_db()
    assert poll.closed_at is not None


def test_a_moderator_seats_an_expert_on_a_jury_through_the_service(moderator):
    contest = make.contest()
    expert = make.expert()

    response = _client(moderator).post(
        _url(Judge, "add"), {"contest": contest.pk, "user": expert.pk}
    )

    assert response.status_code == 302
    judge = Judge.objects.get(contest=contest, user=expert)
    assert judge.assigned_by == moderator


def test_a_member_who_is_no_expert_is_not_seated(moderator):
    contest = make.contest()

    response = _client(moderator).post(
        _url(Judge, "add"), {"contest": contest.pk, "user": UserFactory().pk}
    )

    assert response.status_code == 302
    assert not Judge.objects.filter(contest=contest).exists()


def test_records_are_only_read(moderator):
    client = _client(moderator)
    diploma = make.diploma(make.entry(make.finished()))

    response = client.post(_url(Diploma, "change", diploma.pk), {})

    assert response.status_code == 403


def test_the_entries_list_reads_a_fixed_number_of_queries(
    moderator, django_assert_max_num_queries
):
    contest = make.contest()
    for _ in range(55):
        make.entry(contest)
    client = _client(moderator)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:contests_entry_changelist"))

    assert response.status_code == 200
