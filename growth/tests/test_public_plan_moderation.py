"""A public plan is a way of publishing, so it answers to the moderators as
the rest of the site does: not shown while its owner's profile is hidden or
she is suspended or banned, not indexed unless she lets search engines
index her profile, and reportable by colleagues: the moderators' decision
(or enough reports of established members, until one looks) makes it
private, the plan's history saying so without naming the moderator."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.services.members import profile_hide, profile_privacy_update
from accounts.tests.factories import UserFactory
from community import reporting
from community.models import AuditEntry, Report, Sanction
from community.sanctions import sanction_give
from growth import kinds, services
from growth.models import Plan, PlanEvent
from growth.tests.helpers import fresh, make_item, make_member, make_plan

pytestmark = pytest.mark.django_db

ROBOTS = '<meta name="robots" content="noindex, nofollow">'


def _public_plan(owner=None) -> Plan:
    plan = make_plan(owner, visibility=Plan.Visibility.PUBLIC)
    item = make_item(plan, "Открытый урок по дробям")
    services.item_done(item, actor=plan.owner, done=True)
    return plan


def _report_url(plan: Plan) -> str:
    return reverse("report", args=[kinds.REPORTABLE_PLAN, plan.pk])


def _established(**fields):
    joined = timezone.now() - datetime.timedelta(days=365)
    return make_member(date_joined=joined, **fields)


def _report(plan: Plan, reporter=None) -> Report:
    return reporting.report_create(
        reporter=reporter or _established(),
        key=kinds.REPORTABLE_PLAN,
        object_id=plan.pk,
        reason=Report.Reason.SPAM,
    )


# --- Who sees a public plan -----------------------------------------------------------


def _statuses(client, plan: Plan) -> tuple[int, int]:
    client.logout()
    anonymous = client.get(plan.get_absolute_url()).status_code
    client.force_login(make_member())
    colleague = client.get(plan.get_absolute_url()).status_code
    return anonymous, colleague


def test_a_public_plan_of_a_hidden_profile_is_a_404_to_others(client, moderator):
    plan = _public_plan()
    assert _statuses(client, plan) == (200, 200)

    profile_hide(profile=plan.owner.profile, moderator=moderator, reason="Реклама")

    assert _statuses(client, plan) == (404, 404)
    client.force_login(plan.owner)
    assert client.get(plan.get_absolute_url()).status_code == 200  # hers still


@pytest.mark.parametrize("kind", [Sanction.Kind.SUSPENSION, Sanction.Kind.BAN])
def test_a_public_plan_of_a_suspended_or_banned_member_is_a_404(
    client, moderator, kind
):
    plan = _public_plan()
    sanction = sanction_give(
        member=plan.owner,
        moderator=moderator,
        kind=kind,
        reason="Реклама в плане",
        until=timezone.now() + datetime.timedelta(days=3)
        if kind == Sanction.Kind.SUSPENSION
        else None,
    )
    plan = Plan.objects.select_related("owner__profile").get(pk=plan.pk)

    assert _statuses(client, plan) == (404, 404)
    assert not Plan.objects.filter(
        pk__in=_visible_to_anyone().values("pk"), pk=plan.pk
    ).exists()
    if kind == Sanction.Kind.SUSPENSION:
        # Once the suspension is over, the plan is seen again.
        plan.owner.restricted_until = sanction.ends_at - datetime.timedelta(days=4)
        plan.owner.save(update_fields=["restricted_until"])
        assert _statuses(client, plan) == (200, 200)


def _visible_to_anyone():
    from growth.moderation import plans_visible_to

    return plans_visible_to(UserFactory())


def test_the_reportable_query_agrees_with_the_page(client):
    shown = _public_plan()
    hidden = _public_plan()
    hidden.owner.profile.is_hidden = True
    hidden.owner.profile.save(update_fields=["is_hidden"])
    private = make_plan()

    assert list(_visible_to_anyone()) == [shown]
    assert private not in _visible_to_anyone()


# --- Search engines -------------------------------------------------------------------


def test_a_public_plan_is_not_indexed_unless_her_profile_may_be(client):
    plan = _public_plan()
    page = client.get(plan.get_absolute_url()).content.decode()
    assert ROBOTS not in page
    assert 'property="og:title"' in page

    profile_privacy_update(profile=plan.owner.profile, indexable=False)

    page = client.get(plan.get_absolute_url()).content.decode()
    assert ROBOTS in page
    assert 'property="og:title"' not in page


# --- Reports --------------------------------------------------------------------------


def test_colleagues_see_report_on_a_public_plan_visitors_and_she_do_not(client):
    plan = _public_plan()

    assert _report_url(plan) not in client.get(plan.get_absolute_url()).content.decode()
    client.force_login(plan.owner)
    assert _report_url(plan) not in client.get(plan.get_absolute_url()).content.decode()
    client.force_login(make_member())
    page = client.get(plan.get_absolute_url()).content.decode()
    assert f'href="{_report_url(plan)}"' in page
    assert client.get(_report_url(plan)).status_code == 200


def test_a_colleague_reports_a_public_plan_not_a_private_one(client):
    plan = _public_plan()
    private = make_plan()
    reporter = make_member()
    client.force_login(reporter)

    response = client.post(_report_url(plan), {"reason": Report.Reason.SPAM})
    private_page = client.get(_report_url(private))

    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.reporter, report.target) == (reporter, plan)
    assert report.target_url == plan.get_absolute_url()
    assert plan.target.title in report.target_title
    assert private_page.status_code == 404


def test_she_cannot_report_her_own_plan(client):
    plan = _public_plan()
    client.force_login(plan.owner)

    response = client.post(_report_url(plan), {"reason": Report.Reason.SPAM})

    assert response.status_code == 400
    assert not Report.objects.exists()


def test_a_moderators_decision_makes_the_plan_private_naming_nobody(client, moderator):
    moderator.profile.display_name = "Модератор Строгая"
    moderator.profile.save(update_fields=["display_name"])
    plan = _public_plan()
    report = _report(plan)

    reporting.report_resolve(report=report, moderator=moderator, hide=True)

    plan = fresh(plan)
    assert plan.visibility == Plan.Visibility.PRIVATE
    event = plan.events.order_by("-pk").first()
    assert (event.action, event.actor, event.by_mentor) == (
        PlanEvent.Action.EDITED,
        None,
        False,
    )
    assert AuditEntry.objects.filter(
        action="growth_plan_private", actor=moderator, target_id=plan.pk
    ).exists()
    assert _statuses(client, plan) == (404, 404)
    client.force_login(plan.owner)
    history = client.get(reverse("growth:history", args=[plan.pk])).content.decode()
    assert gettext("Kollegi's moderators") in history
    assert event.detail in history
    assert "Строгая" not in history
    assert gettext("deleted member") not in history


def test_only_a_moderator_makes_a_plan_private():
    plan = _public_plan()

    for who in (make_member(), plan.owner):
        with pytest.raises(PermissionDenied):
            services.plan_make_private(plan, actor=who)

    assert fresh(plan).visibility == Plan.Visibility.PUBLIC
    assert not AuditEntry.objects.filter(action="growth_plan_private").exists()


def test_enough_reports_make_it_private_until_a_moderator_dismisses_them(
    settings, moderator
):
    settings.MODERATION_AUTOHIDE_REPORTS = 2
    plan = _public_plan()
    report = _report(plan)
    assert fresh(plan).visibility == Plan.Visibility.PUBLIC

    _report(plan)
    assert fresh(plan).visibility == Plan.Visibility.PRIVATE

    reporting.report_resolve(report=report, moderator=moderator, hide=False)
    plan = fresh(plan)
    assert plan.visibility == Plan.Visibility.PUBLIC
    assert [event.actor for event in plan.events.order_by("-pk")[:2]] == [None, None]


def test_a_dismissal_leaves_private_what_she_changed_since(settings, moderator):
    settings.MODERATION_AUTOHIDE_REPORTS = 1
    plan = _public_plan()
    report = _report(plan)
    plan = fresh(plan)
    assert plan.visibility == Plan.Visibility.PRIVATE
    services.plan_update(
        plan,
        actor=plan.owner,
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        visibility=Plan.Visibility.PRIVATE,
        note="Пока закрою.",
    )

    reporting.report_resolve(report=report, moderator=moderator, hide=False)

    assert fresh(plan).visibility == Plan.Visibility.PRIVATE
