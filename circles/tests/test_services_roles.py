"""One owner at a time, handed over by an explicit step; moderators named by
the owner."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.tests.factories import UserFactory
from circles import kinds, services
from circles.models import Membership, OwnershipOffer
from circles.permissions import can_edit_community, can_manage_members, role_of
from circles.tests.factories import CommunityFactory, MembershipFactory, site_moderator
from community.models import AuditEntry, Notification

pytestmark = pytest.mark.django_db


def _role(community, user) -> str:
    return Membership.objects.get(community=community, user=user).role


def _actions(community) -> list[str]:
    return list(
        AuditEntry.objects.filter(target_id=community.pk)
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_the_owner_names_a_moderator_and_takes_it_back():
    community = CommunityFactory()
    member = MembershipFactory(community=community).user
    assert not can_manage_members(member, community)

    services.moderator_set(
        community=community, owner=community.founder, user=member, on=True
    )
    services.moderator_set(
        community=community, owner=community.founder, user=member, on=True
    )
    assert _role(community, member) == Membership.Role.MODERATOR
    assert can_manage_members(member, community)

    services.moderator_set(
        community=community, owner=community.founder, user=member, on=False
    )
    assert _role(community, member) == Membership.Role.MEMBER
    assert _actions(community) == [
        "community_moderator",
        "community_moderator_removed",
    ]


def test_only_the_owner_or_a_site_moderator_names_moderators():
    community = CommunityFactory()
    moderator = MembershipFactory(
        community=community, role=Membership.Role.MODERATOR
    ).user
    member = MembershipFactory(community=community).user

    with pytest.raises(PermissionDenied):
        services.moderator_set(
            community=community, owner=moderator, user=member, on=True
        )
    services.moderator_set(
        community=community, owner=site_moderator(), user=member, on=True
    )
    assert _role(community, member) == Membership.Role.MODERATOR


def test_a_moderator_must_be_a_member_and_the_owner_stays_owner():
    community = CommunityFactory()

    for user, code in [(UserFactory(), "member"), (community.founder, "owner")]:
        with pytest.raises(ValidationError) as error:
            services.moderator_set(
                community=community, owner=community.founder, user=user, on=True
            )
        assert error.value.code == code


def test_the_ownership_is_offered_accepted_and_the_old_owner_moderates():
    community = CommunityFactory()
    owner = community.founder
    heir = MembershipFactory(community=community).user

    offer = services.ownership_offer(community=community, owner=owner, to_user=heir)
    assert (
        services.ownership_offer(community=community, owner=owner, to_user=heir)
        == offer
    )
    told = Notification.objects.get(kind=kinds.OWNERSHIP_OFFERED)
    assert (told.recipient, told.url) == (
        heir,
        reverse("circles:ownership", args=[community.slug]),
    )

    services.ownership_answer(offer=offer, user=heir, accept=True)
    services.ownership_answer(offer=offer, user=heir, accept=True)

    assert _role(community, heir) == Membership.Role.OWNER
    assert _role(community, owner) == Membership.Role.MODERATOR
    assert role_of(heir, community) == Membership.Role.OWNER
    assert can_edit_community(heir, community)
    assert not can_edit_community(owner, community)
    assert "community_handover" in _actions(community)
    # The old owner may leave now.
    services.community_leave(community=community, user=owner)
    assert not Membership.objects.filter(community=community, user=owner).exists()


def test_a_declined_offer_changes_nothing():
    community = CommunityFactory()
    heir = MembershipFactory(community=community).user
    offer = services.ownership_offer(
        community=community, owner=community.founder, to_user=heir
    )

    services.ownership_answer(offer=offer, user=heir, accept=False)

    assert _role(community, heir) == Membership.Role.MEMBER
    assert _role(community, community.founder) == Membership.Role.OWNER
    with pytest.raises(ValidationError) as error:
        services.ownership_answer(offer=offer, user=heir, accept=True)
    assert error.value.code == "answered"


def test_offering_it_to_another_withdraws_the_first_offer():
    community = CommunityFactory()
    first = MembershipFactory(community=community).user
    second = MembershipFactory(community=community).user
    old = services.ownership_offer(
        community=community, owner=community.founder, to_user=first
    )

    services.ownership_offer(
        community=community, owner=community.founder, to_user=second
    )

    old.refresh_from_db()
    assert old.status == OwnershipOffer.Status.WITHDRAWN
    with pytest.raises(ValidationError):
        services.ownership_answer(offer=old, user=first, accept=True)


def test_only_members_are_offered_and_only_they_answer():
    community = CommunityFactory()
    heir = MembershipFactory(community=community).user
    moderator = MembershipFactory(
        community=community, role=Membership.Role.MODERATOR
    ).user

    with pytest.raises(ValidationError) as error:
        services.ownership_offer(
            community=community, owner=community.founder, to_user=UserFactory()
        )
    assert error.value.code == "member"
    with pytest.raises(PermissionDenied):
        services.ownership_offer(community=community, owner=moderator, to_user=heir)
    offer = services.ownership_offer(
        community=community, owner=community.founder, to_user=heir
    )
    with pytest.raises(PermissionDenied):
        services.ownership_answer(offer=offer, user=moderator, accept=True)


def test_an_offer_to_a_member_who_left_is_withdrawn():
    community = CommunityFactory()
    heir = MembershipFactory(community=community).user
    offer = services.ownership_offer(
        community=community, owner=community.founder, to_user=heir
    )

    services.community_leave(community=community, user=heir)

    offer.refresh_from_db()
    assert offer.status == OwnershipOffer.Status.WITHDRAWN
