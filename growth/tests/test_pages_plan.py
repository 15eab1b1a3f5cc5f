"""«Мой путь»'s pages of plans: her plans and those she mentors, a new plan,
a plan's page (criteria, progress, items), editing and closing it.

Who may: a plan is seen whole by its owner and her active mentor; a public
plan shows anyone its target and the items done, nothing else; a private
one is a 404 to others, as if missing. The mentor sees but never changes
(403). Bad input comes back with its messages and the text kept (400).
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from growth import selectors
from growth.models import Evidence, Mentorship, Plan, PlanItem, Target
from growth.tests.helpers import (
    fresh,
    make_evidence,
    make_item,
    make_member,
    make_mentor,
    make_own_evidence,
    make_plan,
    notification_kinds_registered,
    target,
)

pytestmark = pytest.mark.django_db

MANY = 55
# A page's budget: 10 queries, besides the session, the member and their
# unread counts.
BUDGET = 13
ANONYMOUS_BUDGET = 10


@pytest.fixture(autouse=True)
def _kinds(monkeypatch):
    notification_kinds_registered(monkeypatch)


def _login(client, user=None):
    user = user or make_member()
    client.force_login(user)
    return user


def _public_plan(**fields):
    plan = make_plan(visibility=Plan.Visibility.PUBLIC, **fields)
    done = make_item(plan, "Курс «Формирующее оценивание»")
    from growth import services

    services.item_done(done, actor=plan.owner, done=True)
    make_item(plan, "Открытый урок в марте")
    return fresh(plan)


def _items_bulk(plan, count: int, *, done: int = 0) -> None:
    """``count`` items written at once (the first ``done`` of them done), the
    plan's counters kept as the services keep them."""
    now = timezone.now()
    competency = plan.target.criteria.first().competencies.first()
    PlanItem.objects.bulk_create(
        [
            PlanItem(
                plan=plan,
                kind=PlanItem.Kind.OWN,
                title=f"Шаг {index}",
                url=f"/materials/{index}/",
                competency=competency,
                due_on=timezone.localdate() + datetime.timedelta(days=index),
                done_at=now if index < done else None,
                position=index + 1,
            )
            for index in range(count)
        ]
    )
    Plan.objects.filter(pk=plan.pk).update(items_count=count, items_done=done)


# --- Her plans ------------------------------------------------------------------------


def test_index_needs_a_login(client):
    response = client.get(reverse("growth:index"))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_index_offers_a_target_to_a_member_without_plans(client):
    _login(client)

    response = client.get(reverse("growth:index"))

    assert response.status_code == 200
    assert reverse("growth:create") in response.content.decode()


def test_index_lists_her_plans_and_those_she_mentors_not_others(client):
    member = _login(client)
    mine = make_plan(member, code=Target.Code.HIGHEST)
    other = make_plan(code=Target.Code.METHODIST)
    mentored = make_plan(code=Target.Code.FIRST)
    make_mentor(mentored, member)
    invited = make_plan(code=Target.Code.MENTOR)
    invitation = make_mentor(invited, member, accept=False)

    response = client.get(reverse("growth:index"))

    page = response.content.decode()
    assert mine.get_absolute_url() in page
    assert mentored.get_absolute_url() in page
    assert mentored.owner.profile.shown_name in page
    assert reverse("growth:mentoring_answer", args=[invitation.pk]) in page
    assert other.get_absolute_url() not in page


def test_index_keeps_its_budget_with_many_plans_mentored(
    client, django_assert_max_num_queries
):
    member = _login(client)
    make_plan(member)
    plans = Plan.objects.bulk_create(
        [
            Plan(
                owner=make_member(subjects=()),
                target=target(),
                target_code=Target.Code.HIGHEST,
                starts_on=timezone.localdate(),
                ends_on=timezone.localdate() + datetime.timedelta(days=1000),
            )
            for _ in range(MANY)
        ]
    )
    Mentorship.objects.bulk_create(
        [
            Mentorship(plan=plan, mentor=member, status=Mentorship.Status.ACTIVE)
            for plan in plans
        ]
    )

    with django_assert_max_num_queries(BUDGET):
        response = client.get(reverse("growth:index"))
    with django_assert_max_num_queries(BUDGET):
        whole = client.get(reverse("growth:index"), {"list": "mentored"})

    assert response.status_code == 200
    assert reverse("growth:index") + "?list=mentored" not in response.content.decode()
    assert "?list=mentored" in response.content.decode()
    assert whole.status_code == 200
    assert whole.context["page_obj"].paginator.count == MANY


# --- A new plan -----------------------------------------------------------------------


def test_create_shows_the_current_targets_with_their_descriptions(client):
    _login(client)

    response = client.get(reverse("growth:create"))

    page = response.content.decode()
    assert response.status_code == 200
    for code in Target.Code.values:
        found = target(code)
        assert found.title in page
        assert f'value="{found.pk}"' in page
    assert target().description[:40] in page
    assert 'type="radio"' in page


def test_create_makes_a_private_plan_for_three_years(client):
    owner = _login(client)

    response = client.post(
        reverse("growth:create"),
        {"target": target().pk, "visibility": "private"},
    )

    plan = Plan.objects.get(owner=owner)
    assert response.status_code == 302
    assert response["Location"] == plan.get_absolute_url()
    assert plan.target == target()
    assert plan.visibility == Plan.Visibility.PRIVATE
    assert plan.starts_on == timezone.localdate()
    assert (plan.ends_on - plan.starts_on).days >= 365 * 3


def test_create_twice_for_one_target_opens_the_plan_she_has(client):
    owner = _login(client)
    data = {"target": target().pk, "visibility": "private"}
    client.post(reverse("growth:create"), data)

    response = client.post(reverse("growth:create"), data)

    plan = Plan.objects.get(owner=owner)
    assert response.status_code == 302
    assert response["Location"] == plan.get_absolute_url()


def test_create_without_a_target_says_so_and_keeps_the_dates(client):
    owner = _login(client)

    response = client.post(
        reverse("growth:create"),
        {"visibility": "public", "starts_on": "2031-09-01"},
    )

    assert response.status_code == 400
    assert not Plan.objects.filter(owner=owner).exists()
    assert response.context["form"].errors["target"]
    assert 'value="2031-09-01"' in response.content.decode()


def test_create_refuses_a_plan_that_ends_before_it_starts(client):
    owner = _login(client)

    response = client.post(
        reverse("growth:create"),
        {
            "target": target().pk,
            "visibility": "private",
            "starts_on": "2031-09-01",
            "ends_on": "2031-01-01",
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors["ends_on"]
    assert not Plan.objects.filter(owner=owner).exists()


def test_create_refuses_a_far_year_with_a_400_keeping_the_input(client):
    owner = _login(client)

    response = client.post(
        reverse("growth:create"),
        {
            "target": target().pk,
            "visibility": "public",
            "starts_on": "9999-06-01",
            "ends_on": "",
        },
    )

    assert response.status_code == 400
    assert not Plan.objects.filter(owner=owner).exists()
    (message,) = response.context["form"].errors["ends_on"]
    assert message == gettext(
        "A plan starts and ends within %(years)d years of today: check the year."
    ) % {"years": 10}
    page = response.content.decode()
    assert 'value="9999-06-01"' in page
    assert escape(message) in page


# --- A plan's page --------------------------------------------------------------------


def test_plan_page_shows_the_owner_criteria_progress_and_items(client):
    owner = _login(client)
    plan = make_plan(owner)
    item = make_item(plan, "Пройти курс по оцениванию")
    make_evidence(owner, "course_certificate", count=2)

    response = client.get(plan.get_absolute_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert plan.target.title in page
    for criterion in plan.target.criteria.all():
        assert criterion.title in page
    assert item.title in page
    assert reverse("growth:item_done", args=[plan.pk, item.pk]) in page
    assert reverse("growth:gaps", args=[plan.pk]) in page
    assert reverse("growth:evidence", args=[plan.pk]) in page
    assert reverse("growth:history", args=[plan.pk]) in page
    assert reverse("growth:portfolio", args=[plan.pk]) in page
    assert reverse("growth:mentor", args=[plan.pk]) in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    # The criteria are kept rendered (``growth.fragments``): what they
    # counted is in the page, and in their selector.
    states = selectors.plan_progress(plan)
    assert any(state.count >= 2 for state in states)
    assert any(state.is_gap for state in states)
    assert response.context["gaps"] == sum(1 for state in states if state.is_gap)
    assert "ui-badge ui-badge-warning" in page  # a gap


def test_plan_page_shows_the_mentor_but_no_changes(client):
    plan = make_plan()
    mentorship = make_mentor(plan)
    item = make_item(plan, "Открытый урок")
    _login(client, mentorship.mentor)

    response = client.get(plan.get_absolute_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert item.title in page
    assert reverse("growth:item_done", args=[plan.pk, item.pk]) not in page
    assert reverse("growth:item_add", args=[plan.pk]) not in page
    assert reverse("growth:plan_edit", args=[plan.pk]) not in page


@pytest.mark.parametrize("who", ["anonymous", "stranger", "invited", "former"])
def test_a_private_plan_is_a_404_to_others(client, who):
    plan = make_plan()
    if who == "stranger":
        _login(client)
    elif who == "invited":
        _login(client, make_mentor(plan, accept=False).mentor)
    elif who == "former":
        from growth import services

        mentorship = make_mentor(plan)
        services.mentor_remove(mentorship, actor=plan.owner)
        _login(client, mentorship.mentor)

    response = client.get(plan.get_absolute_url())

    assert response.status_code == 404


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_public_plan_shows_others_only_the_target_and_what_is_done(client, signed_in):
    plan = _public_plan()
    make_own_evidence(plan.owner, title="Личное свидетельство")
    if signed_in:
        _login(client)

    response = client.get(plan.get_absolute_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert plan.target.title in page
    assert "Курс «Формирующее оценивание»" in page
    assert "Открытый урок в марте" not in page
    assert "Личное свидетельство" not in page
    for criterion in plan.target.criteria.all():
        assert criterion.title not in page
    assert reverse("growth:evidence", args=[plan.pk]) not in page
    assert reverse("growth:gaps", args=[plan.pk]) not in page


def test_a_public_plan_of_a_deactivated_member_is_a_404(client):
    plan = _public_plan()
    plan.owner.is_active = False
    plan.owner.save(update_fields=["is_active"])

    response = client.get(plan.get_absolute_url())

    assert response.status_code == 404


def test_plan_page_keeps_its_budget_with_many_items_and_evidence(
    client, django_assert_max_num_queries
):
    owner = _login(client)
    plan = make_plan(owner)
    make_mentor(plan)
    _items_bulk(plan, MANY, done=20)
    for source in ("course_certificate", "masterclass_certificate", "badge"):
        make_evidence(owner, source, count=MANY)
    for index in range(3):
        make_own_evidence(owner, title=f"Своё {index}")

    with django_assert_max_num_queries(BUDGET):
        response = client.get(plan.get_absolute_url())
    with django_assert_max_num_queries(BUDGET):
        second = client.get(plan.get_absolute_url(), {"page": 3})

    assert response.status_code == 200
    assert Evidence.objects.filter(owner=owner).count() == 3 * MANY
    assert len(response.context["page_obj"].object_list) == 20
    assert "Шаг 0" in response.content.decode()
    assert second.status_code == 200
    assert len(second.context["page_obj"].object_list) == MANY - 40


def test_public_plan_page_keeps_its_budget(client, django_assert_max_num_queries):
    plan = make_plan(visibility=Plan.Visibility.PUBLIC)
    _items_bulk(plan, MANY, done=MANY - 5)

    with django_assert_max_num_queries(ANONYMOUS_BUDGET):
        response = client.get(plan.get_absolute_url())

    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == MANY - 5


# --- Editing and closing --------------------------------------------------------------


def test_plan_edit_changes_the_period_visibility_and_notes(client):
    owner = _login(client)
    plan = make_plan(owner)

    response = client.post(
        reverse("growth:plan_edit", args=[plan.pk]),
        {
            "starts_on": "2030-09-01",
            "ends_on": "2033-09-01",
            "visibility": "public",
            "note": "Аттестация весной",
        },
    )

    plan = fresh(plan)
    assert response.status_code == 302
    assert plan.starts_on == datetime.date(2030, 9, 1)
    assert plan.ends_on == datetime.date(2033, 9, 1)
    assert plan.visibility == Plan.Visibility.PUBLIC
    assert plan.note == "Аттестация весной"


def test_plan_edit_with_a_bad_period_keeps_the_text(client):
    owner = _login(client)
    plan = make_plan(owner)

    response = client.post(
        reverse("growth:plan_edit", args=[plan.pk]),
        {
            "starts_on": "2033-09-01",
            "ends_on": "2030-09-01",
            "visibility": "private",
            "note": "Мои заметки о плане",
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors["ends_on"]
    assert "Мои заметки о плане" in response.content.decode()
    assert fresh(plan).note == ""


def test_plan_edit_is_a_403_to_the_mentor_and_a_404_to_a_stranger(client):
    plan = make_plan()
    mentorship = make_mentor(plan)
    url = reverse("growth:plan_edit", args=[plan.pk])

    _login(client, mentorship.mentor)
    as_mentor = client.get(url)
    _login(client)
    as_stranger = client.get(url)

    assert as_mentor.status_code == 403
    assert as_stranger.status_code == 404


def test_plan_close_closes_it_and_keeps_it_to_read(client):
    owner = _login(client)
    plan = make_plan(owner)
    make_item(plan, "Шаг")

    response = client.post(reverse("growth:plan_close", args=[plan.pk]))
    page = client.get(plan.get_absolute_url())

    assert response.status_code == 302
    assert fresh(plan).status == Plan.Status.CLOSED
    assert page.status_code == 200
    assert reverse("growth:item_add", args=[plan.pk]) not in page.content.decode()
    assert client.get(reverse("growth:plan_edit", args=[plan.pk])).status_code == 403


def test_plan_close_takes_no_get_and_not_the_mentor(client):
    plan = make_plan()
    mentorship = make_mentor(plan)
    url = reverse("growth:plan_close", args=[plan.pk])
    _login(client, plan.owner)
    by_get = client.get(url)
    _login(client, mentorship.mentor)
    by_mentor = client.post(url)

    assert by_get.status_code == 405
    assert by_mentor.status_code == 403
    assert fresh(plan).status == Plan.Status.ACTIVE


def test_plan_edit_shows_the_service_refusal_by_its_field(client):
    owner = _login(client)
    plan = make_plan(owner)

    response = client.post(
        reverse("growth:plan_edit", args=[plan.pk]),
        {
            "starts_on": "2030-09-01",
            "ends_on": "2045-09-01",
            "visibility": "private",
            "note": "Надолго",
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors["ends_on"]
    assert fresh(plan).ends_on != datetime.date(2045, 9, 1)
