"""«Войти в жюри» on a contest's page: offered to exactly those for whom
``permissions_judging.can_join_jury`` holds (an expert of its subject, not
on the jury, before judging ends), read with the contest so that the page
keeps its budget of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from contests.models import Contest, Judge
from contests.permissions_judging import can_join_jury
from contests.tests.helpers_contests import (
    contest_open,
    expert,
    finished,
    moderator,
    moved_to,
    teacher_of,
    veteran,
)
from contests.tests.test_contests_pages import BUDGET, _many_entries

pytestmark = pytest.mark.django_db


def _offered(client, user, contest: Contest) -> bool:
    client.force_login(user)
    page = client.get(contest.get_absolute_url())
    assert page.status_code == 200
    return reverse("contests:jury_join", args=[contest.slug]) in page.content.decode()


def test_an_expert_of_the_subject_is_offered_a_seat_on_the_jury(client):
    contest = contest_open()
    member = expert()

    assert _offered(client, member, contest)
    response = client.post(reverse("contests:jury_join", args=[contest.slug]))

    assert response.status_code == 302
    assert Judge.objects.filter(contest=contest, user=member).exists()
    assert not _offered(client, member, contest)


def test_the_seat_is_offered_exactly_when_can_join_jury_holds(client):
    contest = contest_open()
    judge = expert()
    Judge.objects.create(contest=contest, user=judge)
    superuser = teacher_of()
    superuser.is_superuser = True
    superuser.save(update_fields=["is_superuser"])
    viewers = {
        "expert": expert(),
        "expert of another subject": expert("physics"),
        "teacher of the subject": teacher_of(),
        "member": UserFactory(),
        "judge": judge,
        "moderator": moderator(),
        "superuser teaching the subject": superuser,
    }
    for phase in ("open", "judging", "over"):
        moved_to(contest, phase)
        for name, user in viewers.items():
            assert _offered(client, user, contest) == can_join_jury(user, contest), (
                phase,
                name,
            )
    assert not can_join_jury(viewers["expert"], contest)  # judging is over
    moved_to(contest, "judging")
    assert _offered(client, viewers["expert"], contest)
    finished(contest)
    assert not _offered(client, viewers["expert"], contest)


def test_an_expert_veteran_in_a_public_vote_keeps_the_pages_budget(client):
    contest = contest_open(public_vote=True)
    _many_entries(contest)
    moved_to(contest, "judging")
    member = expert()
    member.date_joined = veteran().date_joined
    member.save(update_fields=["date_joined"])
    client.force_login(member)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(contest.get_absolute_url(), {"page": 2})

    assert response.status_code == 200
    assert reverse("contests:jury_join", args=[contest.slug]) in (
        response.content.decode()
    )
    assert len(queries.captured_queries) <= BUDGET
