"""Who sees, joins and runs a community; the viewer's standing read once."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.tests.factories import UserFactory
from circles.models import Community, Membership
from circles.permissions import (
    can_edit_community,
    can_invite,
    can_join_community,
    can_manage_members,
    can_moderate_communities,
    can_propose_community,
    can_request_to_join,
    can_view_community,
    role_of,
    standing_of,
)
from circles.tests.factories import (
    CommunityBanFactory,
    CommunityFactory,
    EstablishedUserFactory,
    InvitationFactory,
    JoinRequestFactory,
    MembershipFactory,
    restricted,
    site_moderator,
)

pytestmark = pytest.mark.django_db

Visibility, Joining, Status = (
    Community.Visibility,
    Community.Joining,
    Community.Status,
)


def _fresh(community) -> Community:
    """The community as the next request reads it (no standing kept)."""
    return Community.objects.get(pk=community.pk)


@pytest.mark.parametrize(
    ("visibility", "joining", "visitor", "member_of_kollegi"),
    [
        (Visibility.PUBLIC, Joining.OPEN, True, True),
        (Visibility.MEMBERS, Joining.REQUEST, False, True),
        (Visibility.PRIVATE, Joining.INVITATION, False, False),
    ],
)
def test_who_reads_a_community_by_its_visibility(
    visibility, joining, visitor, member_of_kollegi
):
    community = CommunityFactory(visibility=visibility, joining=joining)
    member = MembershipFactory(community=community).user

    assert can_view_community(AnonymousUser(), community) is visitor
    assert can_view_community(UserFactory(), _fresh(community)) is member_of_kollegi
    assert can_view_community(member, _fresh(community))
    assert can_view_community(site_moderator(), _fresh(community))


def test_a_private_community_is_seen_by_those_invited():
    community = CommunityFactory(
        visibility=Visibility.PRIVATE, joining=Joining.INVITATION
    )
    invited = InvitationFactory(community=community).user

    assert can_view_community(invited, community)


@pytest.mark.parametrize("status", [Status.DORMANT, Status.ARCHIVED])
def test_quiet_and_archived_public_communities_are_still_read(status):
    community = CommunityFactory(status=status)

    assert can_view_community(AnonymousUser(), community)


def test_a_hidden_community_is_seen_by_its_members_and_site_moderators():
    community = CommunityFactory(is_hidden=True)
    member = MembershipFactory(community=community).user

    assert can_view_community(member, community)
    assert can_view_community(site_moderator(), community)
    assert not can_view_community(UserFactory(), community)
    assert not can_view_community(AnonymousUser(), community)


def test_a_proposal_is_seen_by_its_founder_and_the_cofounders_invited():
    community = CommunityFactory(status=Status.PROPOSED, opened_at=None)
    invited = InvitationFactory(community=community).user

    assert can_view_community(community.founder, community)
    assert can_view_community(invited, _fresh(community))
    assert not can_view_community(UserFactory(), _fresh(community))
    assert not can_view_community(AnonymousUser(), community)


def test_who_may_propose():
    assert can_propose_community(EstablishedUserFactory())
    assert not can_propose_community(UserFactory())  # new
    assert not can_propose_community(restricted(EstablishedUserFactory()))
    assert not can_propose_community(AnonymousUser())
    assert not can_propose_community(EstablishedUserFactory(is_active=False))
    assert can_propose_community(
        UserFactory(is_staff=True, date_joined=timezone.now() - datetime.timedelta(1))
    )


def test_who_may_join_an_open_community():
    community = CommunityFactory()
    member = MembershipFactory(community=community).user
    banned = CommunityBanFactory(community=community).user

    assert can_join_community(UserFactory(), community)
    assert not can_join_community(member, community)
    assert not can_join_community(banned, community)
    assert not can_join_community(AnonymousUser(), community)
    assert not can_join_community(restricted(UserFactory()), community)
    assert not can_request_to_join(UserFactory(), community)


@pytest.mark.parametrize(
    "fields",
    [
        {"is_hidden": True},
        {"status": Status.PROPOSED},
        {"status": Status.ARCHIVED},
        {"joining": Joining.INVITATION},
    ],
)
def test_nobody_joins_a_community_closed_to_joining(fields):
    assert not can_join_community(UserFactory(), CommunityFactory(**fields))


def test_who_may_ask_to_join():
    community = CommunityFactory(joining=Joining.REQUEST)
    banned = CommunityBanFactory(community=community).user

    assert can_request_to_join(UserFactory(), community)
    assert not can_request_to_join(banned, community)
    assert not can_join_community(UserFactory(), community)


def test_who_runs_the_members_and_edits():
    community = CommunityFactory()
    moderator = MembershipFactory(community=community, role=Membership.Role.MODERATOR)
    member = MembershipFactory(community=community)
    site = site_moderator()

    assert can_manage_members(community.founder, community)
    assert can_manage_members(moderator.user, community)
    assert not can_manage_members(member.user, community)
    assert can_manage_members(site, community)
    assert can_edit_community(community.founder, community)
    assert not can_edit_community(moderator.user, community)
    assert can_edit_community(site, community)
    assert can_moderate_communities(site)
    assert not can_moderate_communities(community.founder)
    assert not can_moderate_communities(UserFactory(is_staff=True))


def test_an_archived_community_is_run_by_site_moderators_only():
    community = CommunityFactory(status=Status.ARCHIVED)

    assert not can_manage_members(community.founder, community)
    assert not can_edit_community(community.founder, community)
    assert not can_invite(community.founder, community)


def test_who_may_invite():
    open_one = CommunityFactory()
    by_request = CommunityFactory(joining=Joining.REQUEST)
    member_of_open = MembershipFactory(community=open_one).user
    member_of_request = MembershipFactory(community=by_request).user

    assert can_invite(member_of_open, open_one)
    assert not can_invite(member_of_request, by_request)
    assert can_invite(by_request.founder, by_request)
    assert not can_invite(UserFactory(), open_one)


def test_the_standing_is_read_in_one_query_per_community_object(
    django_assert_num_queries,
):
    community = CommunityFactory(joining=Joining.REQUEST)
    member = UserFactory()
    JoinRequestFactory(community=community, user=member)
    community = _fresh(community)

    with django_assert_num_queries(1):
        assert role_of(member, community) is None
        assert standing_of(member, community).requested
        assert can_request_to_join(member, community)
        assert not can_manage_members(member, community)
        assert can_view_community(member, community)

    with django_assert_num_queries(0):
        role_of(AnonymousUser(), community)


def test_the_owner_has_the_owner_role():
    community = CommunityFactory()

    assert role_of(community.founder, community) == Membership.Role.OWNER
