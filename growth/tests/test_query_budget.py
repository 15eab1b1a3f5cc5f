"""«Мой путь» keeps to ten queries over more than a page of rows: her plans
and those she mentors, a plan's page, its gaps and its evidence for the
owner, a public plan for a visitor, the member and their unread counts
included (``query_budget``)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from circles.tests.factories import CommunityFactory
from community.tests.query_budget import MANY, signed_in, within_budget
from courses.tests.authoring_helpers import course_published
from growth.models import Mentorship, OwnEvidence, Plan, Target
from growth.tests.helpers import (
    make_evidence,
    make_item,
    make_member,
    make_mentor,
    make_own_evidence,
    make_plan,
    notification_kinds_registered,
    target,
)
from growth.tests.test_pages_plan import _items_bulk
from masterclasses.tests.factories import MasterClassFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _kinds(monkeypatch):
    notification_kinds_registered(monkeypatch)


@pytest.fixture
def busy_plan():
    """A plan with a mentor, 55 items (20 done), 55 pieces of each kind of
    evidence, her own evidence, and suggestions for its gaps."""
    plan = make_plan(make_member())
    make_mentor(plan)
    _items_bulk(plan, MANY, done=20)
    for source in ("course_certificate", "masterclass_certificate", "badge"):
        make_evidence(plan.owner, source, count=MANY, verify_url="/certificates/x/")
    OwnEvidence.objects.bulk_create(
        OwnEvidence(
            owner=plan.owner,
            kind=OwnEvidence.Kind.TALK,
            title=f"Своё {index}",
            link="https://school.example/",
            happened_on=timezone.localdate(),
            competency_code="R.2",
        )
        for index in range(MANY)
    )
    make_own_evidence(plan.owner)
    for index in range(2):
        course_published(title=f"Конкурс {index}", tags=["конкурс"])
        MasterClassFactory().tags.add("конкурс", "урок")
        CommunityFactory().tags.add("конкурс")
    return plan


def test_her_plans_and_those_she_mentors_keep_their_budget(
    settings, django_assert_max_num_queries
):
    member = make_member()
    make_plan(member)
    plans = Plan.objects.bulk_create(
        Plan(
            owner=make_member(subjects=()),
            target=target(),
            target_code=Target.Code.HIGHEST,
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate() + datetime.timedelta(days=1000),
        )
        for _ in range(MANY)
    )
    Mentorship.objects.bulk_create(
        Mentorship(plan=plan, mentor=member, status=Mentorship.Status.ACTIVE)
        for plan in plans
    )
    client = signed_in(settings, member)

    for params in ({}, {"list": "mentored"}):
        within_budget(
            client, reverse("growth:index"), django_assert_max_num_queries, **params
        )


@pytest.mark.parametrize("page", ["plan", "plan-3", "gaps", "evidence", "own"])
def test_a_plan_s_pages_keep_their_budget_for_its_owner(
    busy_plan, settings, django_assert_max_num_queries, page
):
    url, params = {
        "plan": (busy_plan.get_absolute_url(), {}),
        "plan-3": (busy_plan.get_absolute_url(), {"page": 3}),
        "gaps": (reverse("growth:gaps", args=[busy_plan.pk]), {}),
        "evidence": (reverse("growth:evidence", args=[busy_plan.pk]), {}),
        "own": (
            reverse("growth:evidence", args=[busy_plan.pk]),
            {"list": "own", "page": 2},
        ),
    }[page]
    client = signed_in(settings, busy_plan.owner)

    within_budget(client, url, django_assert_max_num_queries, **params)


def test_a_public_plan_keeps_its_budget_for_a_visitor(
    settings, django_assert_max_num_queries
):
    plan = make_plan(visibility=Plan.Visibility.PUBLIC)
    _items_bulk(plan, MANY, done=MANY - 5)
    for index in range(3):
        make_item(plan, f"Ещё шаг {index}")

    response = within_budget(
        signed_in(settings), plan.get_absolute_url(), django_assert_max_num_queries
    )

    assert response.context["page_obj"].paginator.count == MANY - 5
