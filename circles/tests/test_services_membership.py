"""Joining, requests, invitations, leaving, removal and bans: each step
once, audited, told to those it concerns."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.tests.factories import UserFactory
from circles import kinds, selectors, services
from circles.models import Community, CommunityBan, Invitation, JoinRequest, Membership
from circles.permissions import can_join_community, can_view_community
from circles.tests.factories import (
    CommunityBanFactory,
    CommunityFactory,
    InvitationFactory,
    JoinRequestFactory,
    MembershipFactory,
    restricted,
    site_moderator,
)
from community.models import AuditEntry, Notification
from community.sanctions import ParticipationRestricted

pytestmark = pytest.mark.django_db


def _count(community) -> int:
    return Community.objects.get(pk=community.pk).member_count


def _actions(community) -> list[str]:
    return list(
        AuditEntry.objects.filter(target_id=community.pk)
        .order_by("pk")
        .values_list("action", flat=True)
    )


def _code(call) -> str:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.code


def _by_request(**fields) -> Community:
    return CommunityFactory(joining=Community.Joining.REQUEST, **fields)


def _moderator_of(community):
    return MembershipFactory(community=community, role=Membership.Role.MODERATOR).user


# --- Joining ------------------------------------------------------------------


def test_joining_twice_makes_one_member_counted_once():
    community = CommunityFactory()
    member = UserFactory()

    first = services.community_join(community=community, user=member)
    second = services.community_join(community=community, user=member)

    assert first == second
    assert first.role == Membership.Role.MEMBER
    assert _count(community) == community.member_count == 2
    assert _actions(community) == ["community_join"]


def test_who_cannot_join():
    member = UserFactory()
    banned = CommunityBanFactory(user=member).community

    assert _code(lambda: services.community_join(community=banned, user=member)) == (
        "banned"
    )
    for community, code in [
        (_by_request(), "joining"),
        (
            CommunityFactory(
                visibility=Community.Visibility.PRIVATE,
                joining=Community.Joining.INVITATION,
            ),
            "joining",
        ),
        (CommunityFactory(is_hidden=True), "closed"),
        (CommunityFactory(status=Community.Status.PROPOSED), "closed"),
        (CommunityFactory(status=Community.Status.ARCHIVED), "closed"),
    ]:
        assert (
            _code(
                lambda community=community: services.community_join(
                    community=community, user=member
                )
            )
            == code
        )
    assert not Membership.objects.filter(user=member).exists()


def test_a_suspended_member_cannot_join():
    with pytest.raises(ParticipationRestricted):
        services.community_join(
            community=CommunityFactory(), user=restricted(UserFactory())
        )


def test_a_visitor_cannot_join():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.community_join(community=CommunityFactory(), user=AnonymousUser())


def test_a_dormant_community_takes_members():
    community = CommunityFactory(status=Community.Status.DORMANT)

    services.community_join(community=community, user=UserFactory())

    assert _count(community) == 2


# --- Requests -----------------------------------------------------------------


def test_a_request_tells_the_owner_and_the_moderators_once_per_click():
    community = _by_request()
    moderator = _moderator_of(community)
    MembershipFactory(community=community)  # a member: not told
    applicant = UserFactory()

    first = services.join_request_create(
        community=community, user=applicant, message=" Примете? "
    )
    second = services.join_request_create(community=community, user=applicant)

    assert first == second
    assert first.message == "Примете?"
    assert first.status == JoinRequest.Status.PENDING
    told = Notification.objects.filter(kind=kinds.JOIN_REQUESTED)
    assert {n.recipient for n in told} == {community.founder, moderator}
    assert {n.url for n in told} == {community.get_absolute_url()}
    assert _actions(community) == ["community_request"]


def test_who_cannot_ask():
    community = _by_request()
    member = MembershipFactory(community=community).user
    banned = CommunityBanFactory(community=community).user

    assert (
        _code(lambda: services.join_request_create(community=community, user=member))
        == "member"
    )
    assert (
        _code(lambda: services.join_request_create(community=community, user=banned))
        == "banned"
    )
    assert (
        _code(
            lambda: services.join_request_create(
                community=CommunityFactory(), user=UserFactory()
            )
        )
        == "joining"
    )
    with pytest.raises(ParticipationRestricted):
        services.join_request_create(
            community=community, user=restricted(UserFactory())
        )


def test_an_approval_lets_the_applicant_in_once_and_tells_them():
    community = _by_request()
    moderator = _moderator_of(community)
    request = JoinRequestFactory(community=community)

    services.join_request_decide(
        join_request=request, moderator=moderator, approve=True
    )
    services.join_request_decide(
        join_request=request, moderator=community.founder, approve=True
    )

    request.refresh_from_db()
    assert request.status == JoinRequest.Status.APPROVED
    assert request.decided_by == moderator
    assert Membership.objects.filter(community=community, user=request.user).exists()
    assert _count(community) == 3
    told = Notification.objects.get(kind=kinds.REQUEST_APPROVED)
    assert told.recipient == request.user
    assert _actions(community) == ["community_approve"]


def test_a_rejection_keeps_its_reason_for_the_applicant():
    community = _by_request()
    request = JoinRequestFactory(community=community)

    services.join_request_decide(
        join_request=request,
        moderator=community.founder,
        approve=False,
        reason="Сообщество для учителей физики",
    )

    seen = selectors.join_request_of(community=community, user=request.user)
    assert seen.status == JoinRequest.Status.REJECTED
    assert seen.reason == "Сообщество для учителей физики"
    told = Notification.objects.get(kind=kinds.REQUEST_REJECTED)
    assert (told.recipient, told.url) == (request.user, community.get_absolute_url())
    assert _count(community) == 1
    assert (
        _code(
            lambda: services.join_request_decide(
                join_request=request, moderator=community.founder, approve=True
            )
        )
        == "decided"
    )


def test_only_those_who_run_it_decide():
    community = _by_request()
    request = JoinRequestFactory(community=community)
    member = MembershipFactory(community=community).user

    with pytest.raises(PermissionDenied):
        services.join_request_decide(
            join_request=request, moderator=member, approve=True
        )
    services.join_request_decide(
        join_request=request, moderator=site_moderator(), approve=True
    )


def test_an_applicant_banned_meanwhile_is_not_let_in():
    community = _by_request()
    request = JoinRequestFactory(community=community)
    CommunityBan.objects.create(community=community, user=request.user)

    assert (
        _code(
            lambda: services.join_request_decide(
                join_request=request, moderator=community.founder, approve=True
            )
        )
        == "banned"
    )


def test_the_applicant_withdraws_a_waiting_request():
    community = _by_request()
    request = JoinRequestFactory(community=community)

    with pytest.raises(PermissionDenied):
        services.join_request_withdraw(join_request=request, user=UserFactory())
    services.join_request_withdraw(join_request=request, user=request.user)
    services.join_request_withdraw(join_request=request, user=request.user)

    request.refresh_from_db()
    assert request.status == JoinRequest.Status.WITHDRAWN
    # And may ask again.
    again = services.join_request_create(community=community, user=request.user)
    assert again.pk != request.pk


def test_a_request_of_someone_invited_lets_them_in_at_once():
    community = _by_request()
    invitation = InvitationFactory(community=community)

    request = services.join_request_create(community=community, user=invitation.user)

    assert request.status == JoinRequest.Status.APPROVED
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert _count(community) == 2


# --- Invitations --------------------------------------------------------------


def test_an_invitation_is_told_and_sent_once():
    community = _by_request()
    colleague = UserFactory()

    first = services.invitation_create(
        community=community, inviter=community.founder, user=colleague
    )
    second = services.invitation_create(
        community=community, inviter=community.founder, user=colleague
    )

    assert first == second
    assert (first.purpose, first.status) == (
        Invitation.Purpose.MEMBER,
        Invitation.Status.PENDING,
    )
    told = Notification.objects.get(kind=kinds.INVITED)
    assert (told.recipient, told.url) == (colleague, reverse("circles:invitations"))
    assert _actions(community) == ["community_invite"]


def test_inviting_someone_who_asked_approves_the_request():
    """HumHub #4856: the invitation is the yes."""
    community = _by_request()
    request = JoinRequestFactory(community=community)

    invitation = services.invitation_create(
        community=community, inviter=community.founder, user=request.user
    )

    assert invitation.status == Invitation.Status.ACCEPTED
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.APPROVED
    assert Membership.objects.filter(community=community, user=request.user).exists()
    assert _count(community) == 2
    assert Notification.objects.filter(
        kind=kinds.REQUEST_APPROVED, recipient=request.user
    ).exists()


def test_who_cannot_be_invited():
    community = CommunityFactory()
    owner = community.founder
    member = MembershipFactory(community=community).user
    banned = CommunityBanFactory(community=community).user

    assert (
        _code(
            lambda: services.invitation_create(
                community=community, inviter=owner, user=owner
            )
        )
        == "self"
    )
    assert (
        _code(
            lambda: services.invitation_create(
                community=community, inviter=owner, user=member
            )
        )
        == "member"
    )
    assert (
        _code(
            lambda: services.invitation_create(
                community=community, inviter=owner, user=banned
            )
        )
        == "banned"
    )


def test_who_may_invite():
    open_one, by_request = CommunityFactory(), _by_request()
    member_of_open = MembershipFactory(community=open_one).user
    member_of_request = MembershipFactory(community=by_request).user

    services.invitation_create(
        community=open_one, inviter=member_of_open, user=UserFactory()
    )
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            community=by_request, inviter=member_of_request, user=UserFactory()
        )
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            community=open_one, inviter=UserFactory(), user=UserFactory()
        )


def test_an_address_of_an_account_invites_that_member():
    community = CommunityFactory()
    colleague = UserFactory(email="Colleague@School.example")

    invitation = services.invitation_create(
        community=community,
        inviter=community.founder,
        email=" colleague@school.example ",
    )

    assert invitation.user == colleague
    assert mail.outbox == []


def test_an_unknown_address_gets_a_letter_with_the_link(
    django_capture_on_commit_callbacks,
):
    community = CommunityFactory(name="Физики Казани")

    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            community=community, inviter=community.founder, email="new@school.example"
        )
        again = services.invitation_create(
            community=community, inviter=community.founder, email="NEW@school.example"
        )

    assert invitation == again
    assert (invitation.user, invitation.email) == (None, "new@school.example")
    assert len(mail.outbox) == 1
    letter = mail.outbox[0]
    assert letter.to == ["new@school.example"]
    assert "Физики Казани" in letter.subject
    assert reverse("circles:invitation", args=[invitation.token]) in letter.body


def test_a_bad_address_is_refused():
    community = CommunityFactory()

    with pytest.raises(ValidationError) as error:
        services.invitation_create(
            community=community, inviter=community.founder, email="not-an-address"
        )

    assert error.value.error_dict["email"][0].code == "email"


def test_letters_to_strangers_are_limited(monkeypatch):
    from circles.services import membership

    monkeypatch.setattr(membership, "ADDRESS_INVITATIONS_PER_DAY", 2)
    community = CommunityFactory()
    for number in range(2):
        services.invitation_create(
            community=community, inviter=community.founder, email=f"n{number}@x.example"
        )

    assert (
        _code(
            lambda: services.invitation_create(
                community=community, inviter=community.founder, email="n3@x.example"
            )
        )
        == "limit"
    )


def test_an_accepted_invitation_makes_a_member_once():
    community = CommunityFactory(
        visibility=Community.Visibility.PRIVATE, joining=Community.Joining.INVITATION
    )
    invitation = InvitationFactory(community=community)
    assert can_view_community(invitation.user, community)

    first = services.invitation_answer(
        invitation=invitation, user=invitation.user, accept=True
    )
    second = services.invitation_answer(
        invitation=invitation, user=invitation.user, accept=True
    )

    assert first == second
    assert _count(community) == 2
    assert (
        _code(
            lambda: services.invitation_answer(
                invitation=invitation, user=invitation.user, accept=False
            )
        )
        == "answered"
    )


def test_a_declined_invitation_makes_no_member():
    invitation = InvitationFactory()

    assert (
        services.invitation_answer(
            invitation=invitation, user=invitation.user, accept=False
        )
        is None
    )
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    assert _count(invitation.community) == 1


def test_only_the_invited_member_answers():
    invitation = InvitationFactory()

    with pytest.raises(PermissionDenied):
        services.invitation_answer(
            invitation=invitation, user=UserFactory(), accept=True
        )


def test_an_address_invitation_is_taken_by_the_member_who_opens_it():
    community = CommunityFactory()
    invitation = Invitation.objects.create(
        community=community, invited_by=community.founder, email="new@school.example"
    )
    newcomer = UserFactory()

    membership = services.invitation_answer(
        invitation=invitation, user=newcomer, accept=True
    )

    assert membership.user == newcomer
    invitation.refresh_from_db()
    assert (invitation.user, invitation.status) == (
        newcomer,
        Invitation.Status.ACCEPTED,
    )
    with pytest.raises(PermissionDenied):
        services.invitation_answer(
            invitation=invitation, user=UserFactory(), accept=True
        )


def test_a_member_banned_after_the_invitation_cannot_accept_it():
    invitation = InvitationFactory()
    CommunityBan.objects.create(community=invitation.community, user=invitation.user)

    assert (
        _code(
            lambda: services.invitation_answer(
                invitation=invitation, user=invitation.user, accept=True
            )
        )
        == "banned"
    )


# --- Leaving, removal, bans ---------------------------------------------------


def test_a_member_leaves_and_loses_a_private_community_at_once():
    community = CommunityFactory(
        visibility=Community.Visibility.PRIVATE, joining=Community.Joining.INVITATION
    )
    member = MembershipFactory(community=community).user
    assert can_view_community(member, community)

    services.community_leave(community=community, user=member)
    services.community_leave(community=community, user=member)

    assert _count(community) == 1
    assert not can_view_community(member, community)
    assert _actions(community) == ["community_leave"]


def test_the_owner_hands_over_before_leaving():
    community = CommunityFactory()

    assert (
        _code(
            lambda: services.community_leave(
                community=community, user=community.founder
            )
        )
        == "owner"
    )


def test_a_moderator_removes_and_bans_a_member_who_cannot_come_back():
    community = CommunityFactory()
    moderator = _moderator_of(community)
    member = MembershipFactory(community=community).user

    services.member_remove(
        community=community, moderator=moderator, user=member, ban=True, reason="спам"
    )

    assert not Membership.objects.filter(community=community, user=member).exists()
    assert _count(community) == 2
    ban = CommunityBan.objects.get(community=community, user=member)
    assert (ban.banned_by, ban.reason) == (moderator, "спам")
    assert not can_join_community(member, Community.objects.get(pk=community.pk))
    assert (
        _code(lambda: services.community_join(community=community, user=member))
        == "banned"
    )
    assert _actions(community) == ["community_remove", "community_ban"]


def test_a_ban_turns_down_a_waiting_request_and_withdraws_an_invitation():
    community = _by_request()
    request = JoinRequestFactory(community=community)
    invitation = InvitationFactory(community=community)

    for user in (request.user, invitation.user):
        services.member_remove(
            community=community, moderator=community.founder, user=user, ban=True
        )

    request.refresh_from_db()
    invitation.refresh_from_db()
    assert request.status == JoinRequest.Status.REJECTED
    assert invitation.status == Invitation.Status.REVOKED
    assert _count(community) == 1


def test_who_may_remove_whom():
    community = CommunityFactory()
    moderator, other_moderator = _moderator_of(community), _moderator_of(community)
    member = MembershipFactory(community=community).user

    with pytest.raises(PermissionDenied):
        services.member_remove(community=community, moderator=member, user=moderator)
    with pytest.raises(PermissionDenied):
        services.member_remove(
            community=community, moderator=moderator, user=other_moderator
        )
    assert (
        _code(
            lambda: services.member_remove(
                community=community, moderator=moderator, user=community.founder
            )
        )
        == "owner"
    )
    assert (
        _code(
            lambda: services.member_remove(
                community=community, moderator=moderator, user=moderator
            )
        )
        == "self"
    )
    services.member_remove(
        community=community, moderator=community.founder, user=other_moderator
    )
    assert _count(community) == 3


def test_a_lifted_ban_lets_the_member_join_again():
    community = CommunityFactory()
    member = CommunityBanFactory(community=community).user

    services.member_unban(community=community, moderator=community.founder, user=member)
    services.community_join(community=community, user=member)

    assert _count(community) == 2
    assert "community_unban" in _actions(community)


def test_a_member_chooses_how_much_they_hear():
    community = CommunityFactory()
    member = MembershipFactory(community=community).user

    membership = services.hearing_set(
        community=community, user=member, hearing=Membership.Hearing.DIGEST
    )

    assert membership.hearing == Membership.Hearing.DIGEST
    assert (
        _code(
            lambda: services.hearing_set(
                community=community, user=member, hearing="loud"
            )
        )
        == "hearing"
    )
    assert (
        _code(
            lambda: services.hearing_set(
                community=community, user=UserFactory(), hearing="digest"
            )
        )
        == "member"
    )
