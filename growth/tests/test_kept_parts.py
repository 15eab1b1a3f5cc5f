"""A plan's page keeps its items and criteria rendered (``growth.fragments``):
each write that changes what they show renews them, and the owner's
controls (forms with her CSRF token) are put in per request, never kept."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from growth import services
from growth.models import Evidence
from growth.tests.helpers import (
    make_evidence,
    make_item,
    make_mentor,
    make_own_evidence,
    make_plan,
)

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def shown(client, plan) -> str:
    response = client.get(plan.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def criteria_of(page: str) -> str:
    start = page.index('aria-labelledby="criteria-heading"')
    return page[start : page.index("</table>", start)]


def test_the_kept_criteria_are_shown_again():
    plan = make_plan()
    owner = signed_in(plan.owner)
    before = criteria_of(shown(owner, plan))
    # Written around the services: the kept criteria do not see it.
    make_evidence(plan.owner, "course_certificate", count=3)

    assert criteria_of(shown(owner, plan)) == before


def test_an_items_change_and_its_done_mark_renew_its_row():
    plan = make_plan()
    item = make_item(plan, "Открытый урок")
    owner = signed_in(plan.owner)
    assert "Открытый урок" in shown(owner, plan)

    services.item_update(
        item,
        actor=plan.owner,
        title="Открытый урок в 7 классе",
        url="",
        competency=None,
        due_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    assert "Открытый урок в 7 классе" in shown(owner, plan)
    services.item_done(item, actor=plan.owner, done=True)

    page = shown(owner, plan)
    assert 'name="done" value="0"' in page  # «Not done yet» now
    assert "ui-badge ui-badge-success" in page


def test_her_own_evidence_and_its_confirmation_renew_the_criteria():
    mentorship = make_mentor(make_plan())
    plan = mentorship.plan
    owner = signed_in(plan.owner)
    before = criteria_of(shown(owner, plan))

    evidence = make_own_evidence(plan.owner)
    added = criteria_of(shown(owner, plan))
    assert added != before  # «(+1 not confirmed)»
    services.own_evidence_confirm(evidence, actor=mentorship.mentor, plan=plan)

    assert criteria_of(shown(owner, plan)) not in (before, added)


def test_her_evidence_gathered_again_renews_the_criteria():
    plan = make_plan()
    make_evidence(plan.owner, "course_certificate", count=3)
    owner = signed_in(plan.owner)
    before = criteria_of(shown(owner, plan))

    services.evidence_refresh(plan.owner.pk)  # nothing attained: rows gone

    assert not Evidence.objects.filter(owner=plan.owner).exists()
    assert criteria_of(shown(owner, plan)) != before


def test_the_owners_controls_are_hers_alone():
    mentorship = make_mentor(make_plan())
    plan = mentorship.plan
    item = make_item(plan, "Статья в сборник")
    done = reverse("growth:item_done", args=[plan.pk, item.pk])

    mentor_page = shown(signed_in(mentorship.mentor), plan)
    owner_page = shown(signed_in(plan.owner), plan)

    assert "Статья в сборник" in mentor_page
    assert done not in mentor_page
    assert done in owner_page
    assert owner_page.count('name="csrfmiddlewaretoken"') >= 2
