"""Recognition of founding and running communities: badges, points, portfolio."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.portfolio import portfolio_for
from accounts.tests.factories import UserFactory
from circles import recognition
from circles.models import Community, JoinRequest, Membership
from circles.recognition import FOUNDED_MEASURE, MODERATION_MEASURE
from circles.tests.factories import (
    CommunityFactory,
    JoinRequestFactory,
    MembershipFactory,
)
from community.badges import badge_rule
from community.models import BadgeAward, MonthlyContribution
from community.recognition import badges_evaluate, contributions_compute
from forums.models import ModerationLog
from forums.tests.factories import SectionFactory, TopicFactory

pytestmark = pytest.mark.django_db

Visibility, Joining, Status = (
    Community.Visibility,
    Community.Joining,
    Community.Status,
)
ROWS = 55


def _grown(founder, members: int = recognition.FOUNDED_MEMBERS, **fields):
    """A community of ``members`` members, its founder (the owner) counted."""
    return CommunityFactory(founder=founder, member_count=members - 1, **fields)


def _private(**fields) -> Community:
    return CommunityFactory(
        visibility=Visibility.PRIVATE, joining=Joining.INVITATION, **fields
    )


def _sections(user, viewer=None) -> dict[str, list[str]]:
    return {
        section.key: [item.title for item in items]
        for section, items in portfolio_for(user, viewer)
    }


def _decided(decider, community, status=JoinRequest.Status.APPROVED, when=None):
    return JoinRequestFactory(
        community=community,
        status=status,
        decided_by=decider,
        decided_at=when or timezone.now(),
    )


# --- badge: founded a community that reached 10 members ------------------------


def test_founded_measure_counts_opened_communities_of_ten_members():
    founder = UserFactory()
    _grown(founder, name="Выросшее")
    _grown(founder, members=25, status=Status.ARCHIVED)
    _grown(founder, members=recognition.FOUNDED_MEMBERS - 1)  # not yet
    _grown(founder, status=Status.PROPOSED, opened_at=None)
    _grown(founder, is_hidden=True)
    _grown(UserFactory())  # someone else's

    assert recognition.founded_grown([founder.pk]) == {founder.pk: 2}


def test_founder_badge_is_earned_for_each_grown_community():
    founder = UserFactory()
    _grown(founder)
    _grown(founder)
    _grown(founder, members=3)

    new = badges_evaluate(user_ids=[founder.pk], measures=[FOUNDED_MEASURE])

    assert new == [
        ("community-founder", founder.pk, 1),
        ("community-founder", founder.pk, 2),
    ]
    assert badge_rule("community-founder").measure == FOUNDED_MEASURE


def test_founder_badge_waits_for_the_tenth_member():
    founder = UserFactory()
    community = _grown(founder, members=1)
    for _ in range(recognition.FOUNDED_MEMBERS - 2):
        MembershipFactory(community=community)

    assert badges_evaluate(user_ids=[founder.pk], measures=[FOUNDED_MEASURE]) == []

    MembershipFactory(community=community)

    assert badges_evaluate(user_ids=[founder.pk], measures=[FOUNDED_MEASURE]) == [
        ("community-founder", founder.pk, 1)
    ]


# --- badge: active community moderation ----------------------------------------


def _run_section(community):
    community.section = SectionFactory()
    community.save(update_fields=["section"])
    return community.section


def test_moderation_measure_counts_decisions_and_steps_in_own_communities():
    keeper = UserFactory()
    community = CommunityFactory(joining=Joining.REQUEST)
    MembershipFactory(community=community, user=keeper, role=Membership.Role.MODERATOR)
    section = _run_section(community)
    _decided(keeper, community)
    _decided(keeper, community, status=JoinRequest.Status.REJECTED)
    JoinRequestFactory(community=community)  # waiting: nobody decided yet
    topic = TopicFactory(section=section)
    ModerationLog.objects.create(moderator=keeper, action="hide", topic=topic)
    ModerationLog.objects.create(moderator=keeper, action="pin", topic=topic)
    # Moderating a section of no community of theirs is not community work.
    elsewhere = TopicFactory()
    ModerationLog.objects.create(moderator=keeper, action="hide", topic=elsewhere)
    # A plain member's step in the section counts for nobody.
    plain = UserFactory()
    MembershipFactory(community=community, user=plain)
    ModerationLog.objects.create(moderator=plain, action="hide", topic=topic)

    assert recognition.moderation_done([keeper.pk, plain.pk]) == {keeper.pk: 4}


def test_keeper_badge_after_twenty_five_decisions():
    keeper = UserFactory()
    community = CommunityFactory(founder=keeper, joining=Joining.REQUEST)
    for _ in range(24):
        _decided(keeper, community)

    assert badges_evaluate(user_ids=[keeper.pk], measures=[MODERATION_MEASURE]) == []

    _decided(keeper, community, status=JoinRequest.Status.REJECTED)
    new = badges_evaluate(user_ids=[keeper.pk], measures=[MODERATION_MEASURE])

    assert new == [("community-keeper", keeper.pk, 1)]
    assert BadgeAward.objects.get(user=keeper).badge.key == "community-keeper"


def test_measures_cost_the_same_for_many_members(django_assert_num_queries):
    founders = [UserFactory() for _ in range(5)]
    for founder in founders:
        community = _grown(founder, joining=Joining.REQUEST)
        _decided(founder, community)
    ids = [founder.pk for founder in founders]

    with django_assert_num_queries(1):
        grown = recognition.founded_grown(ids)
    with django_assert_num_queries(2):
        done = recognition.moderation_done(ids)

    assert grown == dict.fromkeys(ids, 1)
    assert done == dict.fromkeys(ids, 1)


# --- contribution points for the members of the month --------------------------


def test_contribution_points_for_founding_and_approving_this_month():
    now = timezone.now()
    start, end = now - datetime.timedelta(days=10), now + datetime.timedelta(days=1)
    founder, keeper = UserFactory(), UserFactory()
    community = CommunityFactory(founder=founder, joining=Joining.REQUEST)
    _decided(keeper, community)
    _decided(keeper, community)
    _decided(keeper, community, status=JoinRequest.Status.REJECTED)  # no points
    _decided(keeper, community, when=now - datetime.timedelta(days=40))  # earlier
    CommunityFactory(  # opened last month
        founder=keeper, opened_at=now - datetime.timedelta(days=40)
    )

    points = recognition.contribution(start, end)

    assert points == {
        founder.pk: recognition.FOUNDED_POINTS,
        keeper.pk: 2 * recognition.APPROVAL_POINTS,
    }


def test_contribution_leaves_out_communities_not_public():
    now = timezone.now()
    start, end = now - datetime.timedelta(days=10), now + datetime.timedelta(days=1)
    hidden = CommunityFactory(is_hidden=True, joining=Joining.REQUEST)
    members = CommunityFactory(visibility=Visibility.MEMBERS, joining=Joining.REQUEST)
    secret = _private()
    proposal = CommunityFactory(status=Status.PROPOSED)
    keeper = UserFactory()
    _decided(keeper, hidden)
    _decided(keeper, members)

    points = recognition.contribution(start, end)

    for community in (hidden, members, secret, proposal):
        assert community.founder_id not in points
    assert keeper.pk not in points


def test_members_of_the_month_count_community_points():
    founder = UserFactory()
    CommunityFactory(founder=founder)

    contributions_compute(month=timezone.localdate())

    row = MonthlyContribution.objects.get(user=founder)
    assert row.points == recognition.FOUNDED_POINTS


# --- portfolio: founded and moderates ------------------------------------------


def test_portfolio_lists_founded_and_moderated_communities():
    member = UserFactory()
    CommunityFactory(founder=member, name="Основала")  # owner too
    handed = CommunityFactory(founder=member, name="Передала", owner=False)
    MembershipFactory(community=handed, user=member)
    moderated = CommunityFactory(name="Модерирую")
    MembershipFactory(community=moderated, user=member, role=Membership.Role.MODERATOR)
    joined = CommunityFactory(name="Просто участница")
    MembershipFactory(community=joined, user=member)
    CommunityFactory(founder=member, name="Предложение", status=Status.PROPOSED)

    sections = _sections(member)

    assert set(sections["communities_founded"]) == {"Основала", "Передала"}
    assert set(sections["communities_moderated"]) == {"Основала", "Модерирую"}


def test_portfolio_shows_only_communities_the_viewer_may_see():
    member, colleague, insider = UserFactory(), UserFactory(), UserFactory()
    CommunityFactory(founder=member, name="Открытое")
    CommunityFactory(founder=member, name="Для коллег", visibility=Visibility.MEMBERS)
    secret = _private(founder=member, name="Закрытое")
    MembershipFactory(community=secret, user=insider)
    CommunityFactory(founder=member, name="Скрытое", is_hidden=True)

    assert _sections(member, AnonymousUser())["communities_founded"] == ["Открытое"]
    assert set(_sections(member, colleague)["communities_founded"]) == {
        "Открытое",
        "Для коллег",
    }
    assert set(_sections(member, insider)["communities_moderated"]) == {
        "Открытое",
        "Для коллег",
        "Закрытое",
    }
    assert "Скрытое" not in _sections(member, member)["communities_founded"]


def test_portfolio_page_hides_a_private_community_from_outsiders(client):
    member = UserFactory()
    _private(founder=member, name="Тайный совет")
    url = reverse("accounts:portfolio", args=[member.username])

    outsider = client.get(url).content.decode()
    client.force_login(member)
    own = client.get(url).content.decode()

    assert "Тайный совет" not in outsider
    assert "Тайный совет" in own


@pytest.mark.parametrize("name", ["portfolio", "portfolio_print"])
# A signed-in viewer adds the session's and the member's reads.
@pytest.mark.parametrize(("signed_in", "budget"), [(False, 10), (True, 12)])
def test_portfolio_budget_holds_with_many_communities(
    name, signed_in, budget, django_assert_max_num_queries
):
    member = UserFactory()
    for _ in range(ROWS):
        community = CommunityFactory(founder=member)
        MembershipFactory(
            community=CommunityFactory(), user=member, role=Membership.Role.MODERATOR
        )
    client = Client()
    if signed_in:
        client.force_login(UserFactory())

    with django_assert_max_num_queries(budget):
        response = client.get(reverse(f"accounts:{name}", args=[member.username]))

    sections = {section.key: items for section, items in response.context["sections"]}
    assert len(sections["communities_founded"]) == ROWS
    assert len(sections["communities_moderated"]) == recognition.PORTFOLIO_LIMIT
    assert community.name in response.content.decode()


# --- the badges are measured when the action happens, not only at night ------


def test_the_tenth_member_joining_earns_the_founder_the_badge_at_once(
    django_capture_on_commit_callbacks,
):
    from circles import services

    founder = UserFactory()
    community = _grown(founder, members=recognition.FOUNDED_MEMBERS - 1)
    with django_capture_on_commit_callbacks(execute=True):
        services.community_join(community=community, user=UserFactory())

    assert BadgeAward.objects.filter(
        user=founder, badge__key="community-founder"
    ).exists()


def test_deciding_a_request_measures_the_moderators_badge(monkeypatch):
    from circles import services
    from circles.services import membership

    asked = []
    monkeypatch.setattr(
        membership,
        "badges_check",
        lambda *, user, measures: asked.append((user.pk, list(measures))),
    )
    owner = UserFactory()
    community = CommunityFactory(founder=owner, joining=Joining.REQUEST)
    request = JoinRequestFactory(community=community)
    services.join_request_decide(
        join_request=request, moderator=owner, approve=False, reason="позже"
    )

    assert (owner.pk, [MODERATION_MEASURE]) in asked
