"""The lists' tabs, what each viewer finds, and the reads' fixed cost."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.http import Http404
from django.utils import timezone

from accounts.tests.factories import UserFactory
from circles import selectors
from circles.models import Community, Invitation, JoinRequest, Membership
from circles.permissions import role_of, standing_of
from circles.recognition import communities_on_profile
from circles.tests.factories import (
    CommunityFactory,
    InvitationFactory,
    JoinRequestFactory,
    MembershipFactory,
)
from community.models import Subject

pytestmark = pytest.mark.django_db

Visibility, Joining, Status = (
    Community.Visibility,
    Community.Joining,
    Community.Status,
)
ROWS = 55


def _private(**fields) -> Community:
    return CommunityFactory(
        visibility=Visibility.PRIVATE, joining=Joining.INVITATION, **fields
    )


def _names(communities) -> set[str]:
    return {community.name for community in communities}


def test_the_all_tab_lists_what_each_viewer_may_read():
    public = CommunityFactory(name="Открытое")
    members_only = CommunityFactory(name="Для коллег", visibility=Visibility.MEMBERS)
    private = _private(name="Закрытое")
    CommunityFactory(name="Скрытое", is_hidden=True)
    CommunityFactory(name="Предложенное", status=Status.PROPOSED)
    CommunityFactory(name="В архиве", status=Status.ARCHIVED)
    dormant = CommunityFactory(name="Уснувшее", status=Status.DORMANT)
    insider = MembershipFactory(community=private).user

    assert _names(selectors.community_list(user=AnonymousUser())) == {
        public.name,
        dormant.name,
    }
    assert _names(selectors.community_list(user=UserFactory())) == {
        public.name,
        members_only.name,
        dormant.name,
    }
    assert _names(selectors.community_list(user=insider)) == {
        public.name,
        members_only.name,
        dormant.name,
        private.name,
    }


def test_the_all_tab_shows_the_largest_first_with_the_viewers_role():
    small, large = CommunityFactory(), CommunityFactory()
    member = MembershipFactory(community=large).user
    MembershipFactory(community=large)

    listed = list(selectors.community_list(user=member))

    assert listed == [large, small]
    assert [community.circles_role for community in listed] == ["member", None]


def test_the_mine_tab_has_the_members_communities_proposals_included():
    member = UserFactory()
    joined = MembershipFactory(user=member).community
    proposed = CommunityFactory(founder=member, status=Status.PROPOSED)
    CommunityFactory()

    assert set(selectors.community_list(user=member, tab="mine")) == {
        joined,
        proposed,
    }
    assert not selectors.community_list(user=AnonymousUser(), tab="mine").exists()


def test_the_new_and_active_tabs_order_by_their_dates():
    now = timezone.now()
    older = CommunityFactory(
        opened_at=now - datetime.timedelta(days=9), last_activity_at=now
    )
    newer = CommunityFactory(
        opened_at=now, last_activity_at=now - datetime.timedelta(days=9)
    )
    silent = CommunityFactory(opened_at=now, last_activity_at=None)

    assert list(selectors.community_list(user=AnonymousUser(), tab="new")) == [
        silent,
        newer,
        older,
    ]
    assert list(selectors.community_list(user=AnonymousUser(), tab="active")) == [
        older,
        newer,
        silent,
    ]


def test_the_subjects_and_region_tabs_follow_the_members_profile():
    mathematics = Subject.objects.get(slug="mathematics")
    physics = Subject.objects.get(slug="physics")
    member = UserFactory()
    member.profile.subjects.set([mathematics])
    mine = CommunityFactory(subject=mathematics, region="moscow")
    CommunityFactory(subject=physics, region="tatarstan")
    unset = CommunityFactory(region="")

    assert list(selectors.community_list(user=member, tab="subjects")) == [mine]
    assert {c.region for c in selectors.community_list(user=member, tab="region")} == {
        "tatarstan"
    }  # the factory's profile is in Tatarstan
    assert unset not in selectors.community_list(user=member, tab="region")
    assert not selectors.community_list(user=AnonymousUser(), tab="region").exists()


def test_an_unknown_tab_is_not_found():
    with pytest.raises(Http404):
        selectors.community_list(user=AnonymousUser(), tab="secret")


def test_a_page_of_the_list_costs_the_same_with_many_communities(
    django_assert_max_num_queries,
):
    member = UserFactory()
    subject = Subject.objects.get(slug="mathematics")
    for number in range(ROWS):
        community = CommunityFactory(subject=subject)
        if number % 3 == 0:
            MembershipFactory(community=community, user=member)

    for user in (member, AnonymousUser()):
        for tab in selectors.TABS:
            with django_assert_max_num_queries(3):
                page = Paginator(
                    selectors.community_list(user=user, tab=tab), 20
                ).get_page(1)
                for community in page:
                    str(community.subject)
                    getattr(community, "circles_role", None)


def test_community_get_reads_the_viewers_standing_with_it(
    django_assert_max_num_queries,
):
    community = CommunityFactory(joining=Joining.REQUEST)
    applicant = UserFactory()
    JoinRequestFactory(community=community, user=applicant)

    with django_assert_max_num_queries(3):  # the row, its grades, its tags
        found = selectors.community_get(slug=community.slug, user=applicant)
    with django_assert_max_num_queries(0):
        assert standing_of(applicant, found).requested
        assert role_of(applicant, found) is None


def test_community_get_hides_what_the_viewer_may_not_see():
    private = _private()
    member = MembershipFactory(community=private).user

    assert selectors.community_get(slug=private.slug, user=member) == private
    for user in (UserFactory(), AnonymousUser()):
        with pytest.raises(Http404):
            selectors.community_get(slug=private.slug, user=user)
    with pytest.raises(Http404):
        selectors.community_get(slug="no-such", user=member)


def test_members_come_owner_first_then_moderators_then_by_joining(
    django_assert_max_num_queries,
):
    community = CommunityFactory()
    first = MembershipFactory(community=community)
    moderator = MembershipFactory(community=community, role=Membership.Role.MODERATOR)
    MembershipFactory.create_batch(ROWS, community=community)

    with django_assert_max_num_queries(1):
        members = list(selectors.members_of(community=community))
        names = [membership.user.profile.display_name for membership in members]

    assert len(names) == ROWS + 3
    assert [m.user_id for m in members[:3]] == [
        community.founder_id,
        moderator.user_id,
        first.user_id,
    ]
    assert [m.user_id for m in selectors.managers_of(community=community)] == [
        community.founder_id,
        moderator.user_id,
    ]


def test_pending_requests_are_the_waiting_ones_oldest_first(
    django_assert_max_num_queries,
):
    community = CommunityFactory(joining=Joining.REQUEST)
    requests = JoinRequestFactory.create_batch(ROWS, community=community)
    JoinRequestFactory(community=community, status=JoinRequest.Status.REJECTED)

    with django_assert_max_num_queries(1):
        waiting = list(selectors.pending_requests(community=community))
        [request.user.profile.display_name for request in waiting]

    assert waiting == requests


def test_the_invitations_page_lists_the_members_waiting_invitations(
    django_assert_max_num_queries,
):
    member = UserFactory()
    waiting = [InvitationFactory(user=member) for _number in range(ROWS)]
    InvitationFactory(user=member, status=Invitation.Status.DECLINED)
    InvitationFactory(user=member, community=CommunityFactory(is_hidden=True))
    InvitationFactory(user=member, community=CommunityFactory(status=Status.ARCHIVED))

    with django_assert_max_num_queries(1):
        found = list(selectors.invitations_for(user=member))
        [(i.community.name, i.invited_by.profile.display_name) for i in found]

    assert set(found) == set(waiting)
    assert not selectors.invitations_for(user=AnonymousUser()).exists()


def test_membership_and_invitation_lookups():
    community = CommunityFactory()
    invitation = InvitationFactory(community=community)

    assert selectors.membership_of(community=community, user=community.founder)
    assert selectors.membership_of(community=community, user=UserFactory()) is None
    assert selectors.membership_of(community=community, user=AnonymousUser()) is None
    assert selectors.invitation_get(token=invitation.token) == invitation
    with pytest.raises(Http404):
        selectors.invitation_get(token="nope")


def test_a_profile_lists_the_communities_the_viewer_may_find():
    member = UserFactory()
    public = MembershipFactory(user=member).community
    private = MembershipFactory(user=member, community=_private()).community
    colleague = MembershipFactory(community=private).user

    assert list(communities_on_profile(user=member, viewer=AnonymousUser())) == [public]
    assert set(communities_on_profile(user=member, viewer=colleague)) == {
        public,
        private,
    }
