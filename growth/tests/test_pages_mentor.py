"""The mentor's pages: invited by the owner by user name, the invitation
answered by the invited colleague, removed by the owner or left by the
mentor at any time; comments by both; the mentor never edits."""

import pytest
from django.urls import resolve, reverse
from django.utils.html import escape
from django.utils.translation import gettext

from growth.models import Mentorship, OwnEvidence, Plan, PlanComment, PlanItem
from growth.tests.helpers import (
    fresh,
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


def url(name: str, *args) -> str:
    return reverse(f"growth:{name}", args=args)


@pytest.fixture
def plan():
    return make_plan()


@pytest.fixture
def mentorship(plan):
    return make_mentor(plan)


# --- Who sees the mentor's page -------------------------------------------------------


def test_mentor_page_asks_a_visitor_to_sign_in(client, plan):
    response = client.get(url("mentor", plan.pk))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("name", ["mentor", "history", "portfolio", "portfolio_pdf"])
def test_plan_pages_are_a_404_for_another_member(member_client, plan, name):
    assert member_client.get(url(name, plan.pk)).status_code == 404


def test_mentor_page_is_a_404_for_a_mentor_not_yet_accepted(client, plan):
    invited = make_mentor(plan, accept=False)
    client.force_login(invited.mentor)
    assert client.get(url("mentor", plan.pk)).status_code == 404


def test_mentor_page_is_a_404_for_readers_of_a_public_plan(member_client):
    plan = make_plan(visibility=Plan.Visibility.PUBLIC)
    assert member_client.get(url("mentor", plan.pk)).status_code == 404


def test_owner_sees_the_invite_form_without_a_mentor(client, plan):
    client.force_login(plan.owner)
    response = client.get(url("mentor", plan.pk))
    assert response.status_code == 200
    assert response.context["invite_form"] is not None
    assert 'name="username"' in response.content.decode()


# --- Inviting -------------------------------------------------------------------------


def test_owner_invites_a_mentor_by_user_name(client, plan):
    colleague = make_member(username="anna_petrova")
    client.force_login(plan.owner)
    response = client.post(url("mentor", plan.pk), {"username": "@anna_petrova"})
    assert response.status_code == 302
    mentorship = Mentorship.objects.get(plan=plan)
    assert mentorship.mentor == colleague
    assert mentorship.status == Mentorship.Status.INVITED
    page = client.get(url("mentor", plan.pk)).content.decode()
    assert colleague.profile.shown_name in page
    assert url("mentoring_answer", mentorship.pk) not in page  # hers, not the owner's


def test_invite_of_an_unknown_name_is_a_400_keeping_the_text(client, plan):
    client.force_login(plan.owner)
    response = client.post(url("mentor", plan.pk), {"username": "nobody_here"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "nobody_here" in page
    assert not Mentorship.objects.exists()


def test_a_colleague_who_blocked_her_reads_as_one_deactivated(client, plan):
    from accounts.models import Block

    blocking, inactive = make_member(), make_member()
    Block.objects.create(blocker=blocking, blocked=plan.owner)
    inactive.is_active = False
    inactive.save()
    client.force_login(plan.owner)

    errors = []
    for colleague in (blocking, inactive):
        response = client.post(url("mentor", plan.pk), {"username": colleague.username})
        assert response.status_code == 400
        (error,) = response.context["invite_form"].errors["username"]
        errors.append(error.replace(colleague.username, "*"))

    assert errors[0] == errors[1]
    assert not Mentorship.objects.exists()


def test_inviting_herself_is_refused_with_the_services_words(client, plan):
    client.force_login(plan.owner)
    response = client.post(url("mentor", plan.pk), {"username": plan.owner.username})
    assert response.status_code == 400
    assert (
        escape(gettext("You cannot be your own mentor.")) in response.content.decode()
    )
    assert response.context["invite_form"].errors["username"]
    assert not Mentorship.objects.exists()


def test_no_invite_form_while_a_mentor_stands(client, plan, mentorship):
    client.force_login(plan.owner)
    response = client.get(url("mentor", plan.pk))
    assert response.context["invite_form"] is None
    assert mentorship.mentor.profile.shown_name in response.content.decode()


def test_a_second_invitation_is_refused(client, plan, mentorship):
    make_member(username="boris")
    client.force_login(plan.owner)
    response = client.post(url("mentor", plan.pk), {"username": "boris"})
    assert response.status_code == 400
    assert (
        escape(gettext("The plan has a mentor or an invitation already."))
        in response.content.decode()
    )
    assert Mentorship.objects.filter(plan=plan).count() == 1


def test_mentor_may_not_invite_or_remove(client, plan, mentorship):
    make_member(username="boris")
    client.force_login(mentorship.mentor)
    assert client.post(url("mentor", plan.pk), {"username": "boris"}).status_code == 403
    response = client.post(url("mentor", plan.pk), {"remove": mentorship.pk})
    assert response.status_code == 403
    assert fresh(mentorship).status == Mentorship.Status.ACTIVE


# --- Answering ------------------------------------------------------------------------


@pytest.fixture
def invited(plan):
    return make_mentor(plan, accept=False)


def test_answer_page_shows_whose_plan_to_the_invited(client, plan, invited):
    client.force_login(invited.mentor)
    response = client.get(url("mentoring_answer", invited.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert plan.owner.profile.shown_name in page
    assert plan.target.title in page


def test_answer_page_is_a_404_for_anyone_else(client, plan, invited):
    client.force_login(plan.owner)
    assert client.get(url("mentoring_answer", invited.pk)).status_code == 404
    client.force_login(make_member())
    assert client.get(url("mentoring_answer", invited.pk)).status_code == 404


def test_accepting_opens_the_plan_to_the_mentor(client, plan, invited):
    client.force_login(invited.mentor)
    response = client.post(url("mentoring_answer", invited.pk), {"accept": "1"})
    assert response.status_code == 302
    assert response["Location"] == plan.get_absolute_url()
    assert fresh(invited).status == Mentorship.Status.ACTIVE
    assert client.get(url("mentor", plan.pk)).status_code == 200


def test_declining_keeps_the_plan_closed_to_her(client, plan, invited):
    client.force_login(invited.mentor)
    response = client.post(url("mentoring_answer", invited.pk), {"accept": "0"})
    assert response.status_code == 302
    assert response["Location"] == url("index")
    assert fresh(invited).status == Mentorship.Status.DECLINED
    assert client.get(url("mentor", plan.pk)).status_code == 404


def test_an_answer_without_a_choice_is_a_400(client, invited):
    client.force_login(invited.mentor)
    response = client.post(url("mentoring_answer", invited.pk), {})
    assert response.status_code == 400
    assert (
        escape(gettext("Choose whether you accept or decline."))
        in response.content.decode()
    )
    assert fresh(invited).status == Mentorship.Status.INVITED


def test_an_invitation_withdrawn_is_not_answered_again(client, plan, invited):
    client.force_login(plan.owner)
    client.post(url("mentor", plan.pk), {"remove": invited.pk})
    client.force_login(invited.mentor)
    response = client.post(url("mentoring_answer", invited.pk), {"accept": "1"})
    assert response.status_code == 302
    assert fresh(invited).status == Mentorship.Status.ENDED


# --- Removing and leaving -------------------------------------------------------------


def test_owner_removes_the_mentor_at_any_time(client, plan, mentorship):
    client.force_login(plan.owner)
    response = client.post(url("mentor", plan.pk), {"remove": mentorship.pk})
    assert response.status_code == 302
    assert fresh(mentorship).status == Mentorship.Status.ENDED
    client.force_login(mentorship.mentor)
    for name in ("plan", "mentor", "history", "portfolio"):
        assert client.get(url(name, plan.pk)).status_code == 404


def test_removing_with_a_garbled_form_is_a_400(client, plan, mentorship):
    client.force_login(plan.owner)
    response = client.post(url("mentor", plan.pk), {"remove": "x1"})
    assert response.status_code == 400
    assert fresh(mentorship).status == Mentorship.Status.ACTIVE


def test_owner_withdraws_an_invitation(client, plan, invited):
    client.force_login(plan.owner)
    page = client.get(url("mentor", plan.pk)).content.decode()
    assert gettext("Withdraw the invitation") in page
    client.post(url("mentor", plan.pk), {"remove": invited.pk})
    assert fresh(invited).status == Mentorship.Status.ENDED


def test_removing_a_mentor_already_gone_is_a_400(client, plan, mentorship):
    client.force_login(plan.owner)
    client.post(url("mentor", plan.pk), {"remove": mentorship.pk})
    response = client.post(url("mentor", plan.pk), {"remove": mentorship.pk})
    assert response.status_code == 400
    assert (
        escape(gettext("This mentor has already left the plan."))
        in response.content.decode()
    )


def test_mentor_leaves_after_a_confirmation(client, plan, mentorship):
    client.force_login(mentorship.mentor)
    page = client.get(url("mentor", plan.pk)).content.decode()
    assert url("mentoring_leave", mentorship.pk) in page
    response = client.get(url("mentoring_leave", mentorship.pk))
    assert response.status_code == 200
    assert fresh(mentorship).status == Mentorship.Status.ACTIVE  # GET writes nothing
    response = client.post(url("mentoring_leave", mentorship.pk))
    assert response.status_code == 302
    assert fresh(mentorship).status == Mentorship.Status.ENDED
    assert client.get(url("mentor", plan.pk)).status_code == 404
    assert client.get(url("mentoring_leave", mentorship.pk)).status_code == 404


def test_leave_page_is_a_404_for_the_owner(client, plan, mentorship):
    client.force_login(plan.owner)
    assert client.get(url("mentoring_leave", mentorship.pk)).status_code == 404
    assert client.post(url("mentoring_leave", mentorship.pk)).status_code == 404


# --- Comments -------------------------------------------------------------------------


def test_owner_and_mentor_comment_and_see_each_other(client, plan, mentorship):
    client.force_login(plan.owner)
    response = client.post(url("comment_add", plan.pk), {"body": "Посмотрите **план**"})
    assert response.status_code == 302
    assert response["Location"].endswith("#comments")
    client.force_login(mentorship.mentor)
    client.post(url("comment_add", plan.pk), {"body": "Добавьте открытый урок."})
    page = client.get(url("mentor", plan.pk)).content.decode()
    assert "<strong>план</strong>" in page
    assert "Добавьте открытый урок." in page
    assert PlanComment.objects.filter(plan=plan).count() == 2


def test_a_comment_is_rendered_safely(client, plan):
    client.force_login(plan.owner)
    client.post(
        url("comment_add", plan.pk),
        {"body": '<script>alert("x")</script> [ссылка](javascript:alert(1))'},
    )
    comment = PlanComment.objects.get()
    page = client.get(url("mentor", plan.pk)).content.decode()
    assert "<script>alert" not in page
    assert "javascript:alert" not in comment.body_html
    assert comment.body_html in page


def test_an_empty_comment_is_a_400(client, plan):
    client.force_login(plan.owner)
    response = client.post(url("comment_add", plan.pk), {"body": "  "})
    assert response.status_code == 400
    assert response.context["comment_form"].errors["body"]
    assert not PlanComment.objects.exists()


def test_a_comment_too_long_is_a_400_keeping_the_text(client, plan):
    client.force_login(plan.owner)
    text = "Длинный комментарий " * 300
    response = client.post(url("comment_add", plan.pk), {"body": text})
    assert response.status_code == 400
    assert "Длинный комментарий Длинный комментарий" in response.content.decode()
    assert not PlanComment.objects.exists()


def test_comments_are_a_404_for_another_member(member_client, plan):
    response = member_client.post(url("comment_add", plan.pk), {"body": "Привет"})
    assert response.status_code == 404
    assert not PlanComment.objects.exists()


def test_comments_are_a_404_for_a_mentor_not_yet_accepted(client, plan, invited):
    client.force_login(invited.mentor)
    response = client.post(url("comment_add", plan.pk), {"body": "Привет"})
    assert response.status_code == 404


def test_a_closed_plan_takes_no_comments(client, plan, mentorship):
    from growth import services

    services.plan_close(plan, actor=plan.owner)
    client.force_login(plan.owner)
    response = client.get(url("mentor", plan.pk))
    assert response.context["comment_form"] is None
    response = client.post(url("comment_add", plan.pk), {"body": "Привет"})
    assert response.status_code == 403


def test_comments_are_paginated_within_budget(
    client, plan, mentorship, django_assert_max_num_queries
):
    PlanComment.objects.bulk_create(
        PlanComment(
            plan=plan,
            author=plan.owner if number % 2 else mentorship.mentor,
            body=f"Комментарий {number}",
            body_html=f"<p>Комментарий {number}</p>",
        )
        for number in range(MANY)
    )
    client.force_login(mentorship.mentor)
    with django_assert_max_num_queries(BUDGET):
        response = client.get(url("mentor", plan.pk))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == MANY
    assert response.context["page_obj"].has_next()
    response = client.get(url("mentor", plan.pk), {"page": 3})
    assert "Комментарий 0<" in response.content.decode()


# --- The mentor never edits -----------------------------------------------------------


def test_every_edit_address_refuses_the_mentor(client, plan, mentorship):
    """Each address that changes the plan, its items or her evidence exists
    and answers the mentor 403 or 404, by GET and by POST, changing nothing."""
    item = make_item(plan, title="Открытый урок")
    evidence = make_own_evidence(plan.owner, title="Доклад")
    prefix = f"/my-path/{plan.pk}"
    addresses = [
        f"{prefix}/edit/",
        f"{prefix}/close/",
        f"{prefix}/items/add/",
        f"{prefix}/items/{item.pk}/edit/",
        f"{prefix}/items/{item.pk}/done/",
        f"{prefix}/items/{item.pk}/remove/",
        f"{prefix}/evidence/add/",
        f"{prefix}/evidence/{evidence.pk}/edit/",
        f"{prefix}/evidence/{evidence.pk}/remove/",
    ]
    data = {
        "title": "Чужая правка",
        "kind": PlanItem.Kind.OWN,
        "starts_on": "2030-01-01",
        "ends_on": "2031-01-01",
        "visibility": Plan.Visibility.PUBLIC,
        "done": "1",
        "happened_on": "2030-01-01",
        "link": "https://example.org/",
    }
    client.force_login(mentorship.mentor)
    for address in addresses:
        resolve(address)  # the address is there: the refusal is not a missing page
        assert client.get(address).status_code in (403, 404, 405), address
        assert client.post(address, data).status_code in (403, 404), address
    plan = fresh(plan)
    assert plan.status == Plan.Status.ACTIVE
    assert plan.visibility == Plan.Visibility.PRIVATE
    assert list(plan.items.values_list("title", "done_at")) == [("Открытый урок", None)]
    assert fresh(evidence).title == "Доклад"
    assert OwnEvidence.objects.count() == 1


def test_mentor_page_offers_the_mentor_no_edit_form(client, plan, mentorship):
    client.force_login(mentorship.mentor)
    response = client.get(url("mentor", plan.pk))
    page = response.content.decode()
    assert response.context["invite_form"] is None
    assert 'name="remove"' not in page
    assert url("plan_edit", plan.pk) not in page


# --- The plan's head ------------------------------------------------------------------


def _whose(plan) -> str:
    return escape(
        gettext("Plan: %(name)s · %(target)s")
        % {"name": plan.owner.profile.shown_name, "target": plan.target.title}
    )


def _current_tab(address: str) -> str:
    return f'aria-current="page" href="{address}"'


def test_mentor_page_has_the_plans_tabs_with_its_own_current(client, plan):
    client.force_login(plan.owner)
    page = client.get(url("mentor", plan.pk)).content.decode()
    assert _current_tab(url("mentor", plan.pk)) in page
    for name in ("gaps", "evidence", "history", "portfolio"):
        assert f'href="{url(name, plan.pk)}"' in page
    assert page.count("<h1") == 1


@pytest.mark.parametrize(
    "name", ["plan", "gaps", "evidence", "mentor", "history", "portfolio"]
)
def test_the_mentor_reads_whose_plan_it_is_on_every_page(client, plan, name):
    client.force_login(make_mentor(plan).mentor)
    page = client.get(url(name, plan.pk)).content.decode()
    assert _whose(plan) in page or name == "portfolio"
    assert plan.owner.profile.shown_name in page
    assert _current_tab(url(name, plan.pk)) in page


@pytest.mark.parametrize("name", ["plan", "gaps", "evidence", "mentor", "history"])
def test_the_owner_is_not_told_whose_plan_it_is(client, plan, name):
    client.force_login(plan.owner)
    page = client.get(url(name, plan.pk)).content.decode()
    assert _whose(plan) not in page


def test_the_mentor_reads_about_the_owner_not_about_herself(client, plan):
    mentor = make_mentor(plan).mentor
    make_own_evidence(plan.owner, title="Открытый урок для района")
    client.force_login(mentor)
    plan_page = client.get(url("plan", plan.pk)).content.decode()
    evidence = client.get(url("evidence", plan.pk)).content.decode()
    assert escape(gettext("private: you and your mentor")) not in plan_page
    assert (
        escape(
            gettext(
                "The mentor comments and confirms your own evidence, but changes "
                "nothing."
            )
        )
        not in plan_page
    )
    added = gettext("Added by %(name)s") % {"name": plan.owner.profile.shown_name}
    assert escape(added) in evidence
    assert escape(gettext("Added by you")) not in evidence
    mine = gettext(
        "Nothing counted yet: it appears here when you complete a course, attend "
        "a master-class or experts recommend your material."
    )
    assert escape(mine) not in evidence
