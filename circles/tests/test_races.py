"""Steps that arrive at once (PostgreSQL only: SQLite takes writes in turn).

Each service locks the community's row first, so the second of two equal
steps finds the first's work done: one member, counted once; one decision;
a proposal opened once.
"""

import pytest

from accounts.tests.factories import UserFactory
from circles import kinds, services
from circles.models import Community, Invitation, JoinRequest, Membership
from circles.tests.factories import (
    CommunityFactory,
    EstablishedUserFactory,
    JoinRequestFactory,
    MembershipFactory,
)
from community.models import AuditEntry, Notification
from community.tests.races import needs_postgresql, together

pytestmark = pytest.mark.django_db(transaction=True)


def _count(community) -> int:
    return Community.objects.get(pk=community.pk).member_count


def test_a_double_join_makes_one_member_counted_once(vocabulary):
    needs_postgresql()
    community = CommunityFactory()
    member = UserFactory()

    errors = together(
        [
            lambda: services.community_join(
                community=Community.objects.get(pk=community.pk), user=member
            )
            for _attempt in range(4)
        ]
    )

    assert errors == [None] * 4
    assert Membership.objects.filter(community=community, user=member).count() == 1
    assert _count(community) == 2
    assert AuditEntry.objects.filter(action="community_join").count() == 1


def test_two_approvals_of_one_request_let_the_applicant_in_once(vocabulary):
    needs_postgresql()
    community = CommunityFactory(joining=Community.Joining.REQUEST)
    moderator = MembershipFactory(
        community=community, role=Membership.Role.MODERATOR
    ).user
    request = JoinRequestFactory(community=community)

    errors = together(
        [
            lambda decider=decider: services.join_request_decide(
                join_request=JoinRequest.objects.get(pk=request.pk),
                moderator=decider,
                approve=True,
            )
            for decider in (community.founder, moderator)
        ]
    )

    assert errors == [None, None]
    assert JoinRequest.objects.get(pk=request.pk).status == JoinRequest.Status.APPROVED
    assert _count(community) == 3
    assert Notification.objects.filter(kind=kinds.REQUEST_APPROVED).count() == 1
    assert AuditEntry.objects.filter(action="community_approve").count() == 1


def test_two_accepts_reaching_the_quorum_open_once_and_count_once(vocabulary):
    needs_postgresql()
    founder = EstablishedUserFactory()
    colleagues = UserFactory.create_batch(2)
    community = services.community_propose(
        founder=founder,
        name="Историки Поволжья",
        purpose="Источники и уроки.",
        visibility=Community.Visibility.PUBLIC,
        joining=Community.Joining.OPEN,
        cofounders=colleagues,
    )
    invitations = {
        colleague.pk: Invitation.objects.get(community=community, user=colleague)
        for colleague in colleagues
    }

    errors = together(
        [
            lambda colleague=colleague: services.cofounder_answer(
                invitation=Invitation.objects.get(pk=invitations[colleague.pk].pk),
                user=colleague,
                accept=True,
            )
            for colleague in colleagues
        ]
    )

    assert errors == [None, None]
    community.refresh_from_db()
    assert community.status == Community.Status.OPEN
    assert community.member_count == 3
    assert AuditEntry.objects.filter(action="community_open").count() == 1
    assert Notification.objects.filter(kind=kinds.OPENED).count() == 3
