"""A plan's history: every act of the owner and of her mentor, the mentor's
marked, newest first, paginated; for the owner and the active mentor only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from growth import services
from growth.models import Mentorship, Plan, PlanEvent
from growth.tests.helpers import (
    make_item,
    make_member,
    make_mentor,
    make_own_evidence,
    make_plan,
)

pytestmark = pytest.mark.django_db

MANY = 55
# A page's budget: 10 queries, the session and the member included.
BUDGET = 10


def history_url(plan: Plan) -> str:
    return reverse("growth:history", args=[plan.pk])


def rows(response) -> list[tuple[str, bool]]:
    return [(event.action, event.by_mentor) for event in response.context["page_obj"]]


def test_every_mentor_action_is_in_the_history_marked(client):
    plan = make_plan()
    mentorship = make_mentor(plan)
    mentor = mentorship.mentor
    evidence = make_own_evidence(plan.owner, title="Открытый урок")
    client.force_login(mentor)
    client.post(reverse("growth:comment_add", args=[plan.pk]), {"body": "Хорошо."})
    services.own_evidence_confirm(evidence, actor=mentor, plan=plan)
    client.post(reverse("growth:mentoring_leave", args=[mentorship.pk]))

    client.force_login(plan.owner)
    response = client.get(history_url(plan))
    assert response.status_code == 200
    actions = rows(response)
    for action in (
        PlanEvent.Action.MENTOR_ACCEPTED,
        PlanEvent.Action.COMMENTED,
        PlanEvent.Action.EVIDENCE_CONFIRMED,
        PlanEvent.Action.MENTOR_LEFT,
    ):
        assert (action, True) in actions, action
    assert (PlanEvent.Action.CREATED, False) in actions
    assert (PlanEvent.Action.MENTOR_INVITED, False) in actions
    page = response.content.decode()
    assert page.count(f">{gettext('mentor')}<") >= 4
    assert mentor.profile.shown_name in page
    assert gettext("evidence confirmed").capitalize() in page


def test_owner_removing_the_mentor_is_in_the_history_unmarked(client):
    plan = make_plan()
    mentorship = make_mentor(plan)
    client.force_login(plan.owner)
    client.post(
        reverse("growth:mentor", args=[plan.pk]), {"remove": str(mentorship.pk)}
    )
    response = client.get(history_url(plan))
    assert rows(response)[0] == (PlanEvent.Action.MENTOR_REMOVED, False)
    assert mentorship.mentor.profile.shown_name in response.content.decode()


def test_history_shows_to_the_mentor_while_mentoring(client):
    plan = make_plan()
    make_item(plan, title="Курс по оцениванию")
    mentorship = make_mentor(plan)
    client.force_login(mentorship.mentor)
    response = client.get(history_url(plan))
    assert response.status_code == 200
    assert "Курс по оцениванию" in response.content.decode()


def test_history_is_a_404_for_others(client):
    plan = make_plan(visibility=Plan.Visibility.PUBLIC)
    invited = make_mentor(plan, accept=False)
    client.force_login(invited.mentor)
    assert client.get(history_url(plan)).status_code == 404
    client.force_login(make_member())
    assert client.get(history_url(plan)).status_code == 404
    client.logout()
    assert client.get(history_url(plan)).status_code == 302


def test_history_is_paginated_within_budget(client, django_assert_max_num_queries):
    plan = make_plan()
    mentorship = make_mentor(plan)
    PlanEvent.objects.bulk_create(
        PlanEvent(
            plan=plan,
            actor=mentorship.mentor if number % 2 else plan.owner,
            by_mentor=bool(number % 2),
            action=PlanEvent.Action.COMMENTED,
        )
        for number in range(MANY)
    )
    client.force_login(plan.owner)
    with django_assert_max_num_queries(BUDGET):
        response = client.get(history_url(plan))
    page = response.context["page_obj"]
    assert page.paginator.count == MANY + 3  # made, invited, accepted
    assert len(page.object_list) < page.paginator.count
    last = client.get(history_url(plan), {"page": page.paginator.num_pages})
    assert rows(last)[-1] == (PlanEvent.Action.CREATED, False)


def test_history_of_a_deleted_actor_still_shows(client):
    plan = make_plan()
    PlanEvent.objects.create(plan=plan, actor=None, action=PlanEvent.Action.COMMENTED)
    client.force_login(plan.owner)
    response = client.get(history_url(plan))
    assert response.status_code == 200
    assert gettext("deleted member") in response.content.decode()


def test_a_deleted_mentor_s_name_is_nowhere_in_the_history(client):
    from accounts.services.account import account_delete

    plan = make_plan()
    mentor = make_member()
    mentor.profile.display_name = "Анна Секретова"
    mentor.profile.save(update_fields=["display_name"])
    mentorship = make_mentor(plan, mentor)
    services.comment_add(plan, actor=mentor, body="Хороший план.")
    services.mentor_remove(mentorship, actor=plan.owner)
    Mentorship.objects.filter(pk=mentorship.pk).update(
        invited_at=timezone.now() - datetime.timedelta(days=2)
    )
    make_mentor(plan, mentor)  # invited again, another day
    username = mentor.get_username()
    # Her name is in no line's detail: who acted is the line's actor.
    assert not PlanEvent.objects.filter(detail__contains="Секретова").exists()

    account_delete(user=mentor)

    client.force_login(plan.owner)
    page = client.get(history_url(plan)).content.decode()
    assert "Секретова" not in page
    assert username not in page
    assert escape(gettext("deleted member")) in page
    assert not PlanEvent.objects.filter(detail__contains="Секретова").exists()


def test_history_on_a_phone_needs_no_sideways_scrolling(client):
    # No scrolling region: the when and who columns are for 576 px and
    # wider, and repeated under each «what» for a phone.
    plan = make_plan()
    mentor = make_mentor(plan).mentor
    client.force_login(plan.owner)
    page = client.get(history_url(plan)).content.decode()
    assert "table-responsive" not in page
    assert 'tabindex="0"' not in page
    assert page.count('class="d-sm-none') == 3  # made, invited, accepted
    # Her name: as who accepted (twice), never in a detail.
    assert page.count(escape(mentor.profile.shown_name)) == 2
    assert f'aria-current="page" href="{history_url(plan)}"' in page
