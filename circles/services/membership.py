"""Who belongs to a community: joining, requests, invitations, leaving,
removal and bans, and how much each member hears.

Each step answers a double click as if it came once: joining twice makes
one member, the same request twice is one request, a decision taken twice
is taken once. A member banned from a community can neither join it, nor
ask, nor be invited.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from circles import kinds
from circles.changes import members_changed, moderators_changed
from circles.models import (
    Community,
    CommunityBan,
    Invitation,
    JoinRequest,
    Membership,
)
from circles.permissions import (
    can_invite,
    can_manage_members,
    can_moderate_communities,
    role_of,
)
from circles.services._common import (
    MODERATION_MEASURE,
    _answered_before,
    _audit,
    _lock,
    _managers,
    _membership_add,
    _membership_remove,
    _name,
    _refuse_banned,
    _refuse_closed,
    _tell,
    _tell_many,
)
from circles.services.founding import cofounder_answer
from community.emails import render_email_subject, render_email_text
from community.recognition import badges_check
from community.sanctions import participation_check

__all__ = [
    "ADDRESS_INVITATIONS_PER_DAY",
    "community_join",
    "community_leave",
    "hearing_set",
    "invitation_answer",
    "invitation_create",
    "join_request_create",
    "join_request_decide",
    "join_request_withdraw",
    "member_remove",
    "member_unban",
]

# Invitations to addresses without an account a member may send a day: the
# site's mail is not a way to write to strangers.
ADDRESS_INVITATIONS_PER_DAY = 30
DAY = datetime.timedelta(days=1)


def _signed_in(user) -> None:
    participation_check(user)
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied


def _refuse_member(community: Community, user, message: str) -> None:
    if Membership.objects.filter(community=community, user=user).exists():
        raise ValidationError(message, code="member")


# --- Joining ------------------------------------------------------------------


@transaction.atomic
def community_join(*, community: Community, user) -> Membership:
    """Join a community open to all; joining again returns the membership.

    Raises ParticipationRestricted for a suspended or banned member,
    ValidationError "banned" (banned from this community), "closed" (not
    open, archived or hidden), "joining" (it takes members by request or
    invitation).
    """
    _signed_in(user)
    _lock(community)
    existing = Membership.objects.filter(community=community, user=user).first()
    if existing is not None:
        return existing
    _refuse_banned(community, user)
    _refuse_closed(community)
    if community.joining != Community.Joining.OPEN:
        raise ValidationError(
            _("This community takes members by request or invitation."),
            code="joining",
        )
    membership, _created = _membership_add(community, user)
    _audit(community, actor=user, action="join")
    members_changed(community)
    return membership


@transaction.atomic
def join_request_create(
    *, community: Community, user, message: str = ""
) -> JoinRequest:
    """Ask to join a community that takes members by request; its owner and
    moderators are told. Asking again while the request waits returns it;
    one invited already is let in at once (the request comes back approved).

    Raises ParticipationRestricted, ValidationError "member" (a member
    already), "banned", "closed", "joining" (it takes no requests).
    """
    _signed_in(user)
    _lock(community)
    _refuse_member(community, user, _("You are a member of this community already."))
    _refuse_banned(community, user)
    _refuse_closed(community)
    pending = JoinRequest.objects.filter(
        community=community, user=user, status=JoinRequest.Status.PENDING
    ).first()
    if pending is not None:
        return pending
    invited = Invitation.objects.filter(
        community=community,
        user=user,
        purpose=Invitation.Purpose.MEMBER,
        status=Invitation.Status.PENDING,
    ).first()
    if invited is None and community.joining != Community.Joining.REQUEST:
        raise ValidationError(
            _("This community takes no requests to join."), code="joining"
        )
    join_request = JoinRequest.objects.create(
        community=community, user=user, message=message.strip()[:1000]
    )
    _audit(community, actor=user, action="request")
    if invited is not None:
        # They were wanted already: the invitation answers the request.
        _approve(join_request, decider=invited.invited_by)
        return join_request
    _tell_many(
        community,
        recipients=_managers(community),
        kind=kinds.JOIN_REQUESTED,
        actor=user,
        group=True,
    )
    return join_request


def _approve(join_request: JoinRequest, *, decider, reason: str = "") -> None:
    """Let the applicant in (under the community's lock) and tell them."""
    community = join_request.community
    join_request.status = JoinRequest.Status.APPROVED
    join_request.decided_by = decider
    join_request.decided_at = timezone.now()
    join_request.reason = reason.strip()[:300]
    join_request.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    _membership_add(community, join_request.user)
    _audit(community, actor=decider, action="approve", reason=_name(join_request.user))
    _tell(
        community,
        recipient=join_request.user,
        kind=kinds.REQUEST_APPROVED,
        actor=decider,
    )
    members_changed(community)


def _moderation_measured(moderator) -> None:
    badges_check(user=moderator, measures=[MODERATION_MEASURE])


@transaction.atomic
def join_request_decide(
    *, join_request: JoinRequest, moderator, approve: bool, reason: str = ""
) -> JoinRequest:
    """The owner or a moderator lets the applicant in or turns them down,
    with a reason the applicant reads; the applicant is told either way.
    Taking the same decision twice takes it once.

    Raises PermissionDenied for anyone who does not manage the members,
    ValidationError "decided" (decided otherwise, or withdrawn), "banned"
    (approving someone banned since), "closed".
    """
    participation_check(moderator)
    community = join_request.community
    if not can_manage_members(moderator, community):
        raise PermissionDenied
    _lock(community)
    join_request = (
        JoinRequest.objects.select_for_update()
        .select_related("community", "user")
        .get(pk=join_request.pk)
    )
    join_request.community = community
    wanted = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.REJECTED
    if join_request.status == wanted:
        return join_request
    if join_request.status != JoinRequest.Status.PENDING:
        raise ValidationError(
            _("This request has been decided or withdrawn."), code="decided"
        )
    # Deciding is moderating the community: its badge is measured again.
    _moderation_measured(moderator)
    if approve:
        _refuse_banned(community, join_request.user)
        _refuse_closed(community)
        _approve(join_request, decider=moderator, reason=reason)
        return join_request
    join_request.status = JoinRequest.Status.REJECTED
    join_request.decided_by = moderator
    join_request.decided_at = timezone.now()
    join_request.reason = reason.strip()[:300]
    join_request.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    _audit(
        community,
        actor=moderator,
        action="reject",
        reason=f"{_name(join_request.user)}: {join_request.reason}".rstrip(": "),
    )
    _tell(
        community,
        recipient=join_request.user,
        kind=kinds.REQUEST_REJECTED,
        actor=moderator,
    )
    return join_request


@transaction.atomic
def join_request_withdraw(*, join_request: JoinRequest, user) -> JoinRequest:
    """The applicant takes a waiting request back (again: nothing changes).

    Raises PermissionDenied for anyone else, ValidationError "decided" once
    it is decided.
    """
    if join_request.user_id != user.pk:
        raise PermissionDenied
    _lock(join_request.community)
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status == JoinRequest.Status.WITHDRAWN:
        return join_request
    if join_request.status != JoinRequest.Status.PENDING:
        raise ValidationError(_("This request has been decided."), code="decided")
    join_request.status = JoinRequest.Status.WITHDRAWN
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_at"])
    _audit(join_request.community, actor=user, action="withdraw")
    return join_request


# --- Invitations --------------------------------------------------------------


def _account_for(email: str):
    """The active member behind an address (their login address or a
    confirmed one), or None."""
    return (
        get_user_model()
        .objects.filter(
            Q(email__iexact=email)
            | Q(emailaddress__email__iexact=email, emailaddress__verified=True),
            is_active=True,
        )
        .order_by("pk")
        .first()
    )


def _email_invitation(invitation: Invitation) -> None:
    """Write to an address without an account, after commit."""
    from community.tasks import email_send_task

    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "invitation": invitation,
            "community": invitation.community,
            "inviter": invitation.invited_by,
            "url": settings.SITE_URL
            + reverse("circles:invitation", args=[invitation.token]),
            "site_url": settings.SITE_URL,
        }
        payload = {
            "subject": render_email_subject(
                "circles/email/invitation_subject.txt", context
            ),
            "body": render_email_text("circles/email/invitation.txt", context),
            "to": [invitation.email],
        }
    transaction.on_commit(lambda: email_send_task.delay(**payload))


def _address_limit_check(inviter) -> None:
    if can_moderate_communities(inviter):
        return
    sent = Invitation.objects.filter(
        invited_by=inviter,
        user__isnull=True,
        created_at__gte=timezone.now() - DAY,
    ).count()
    if sent >= ADDRESS_INVITATIONS_PER_DAY:
        raise ValidationError(
            _("You have sent many invitations by e-mail today; please try tomorrow."),
            code="limit",
        )


@transaction.atomic
def invitation_create(
    *, community: Community, inviter, user=None, email: str = ""
) -> Invitation:
    """Invite a member, or an e-mail address, to join the community (to a
    proposal: to found it). Inviting again while one waits returns it.

    Someone who asked to join already is let in at once: the invitation
    comes back accepted (HumHub #4856). An address of an account invites
    that member; any other gets a letter with a link to join Kollegi and
    the community.

    Raises PermissionDenied for those who may not invite, ValidationError
    "email" (a bad address), "self", "member" (a member already), "banned",
    "closed", "limit" (too many letters today).
    """
    participation_check(inviter)
    if not can_invite(inviter, community):
        raise PermissionDenied
    _lock(community)
    proposal = community.status == Community.Status.PROPOSED
    if not proposal:
        _refuse_closed(community)
    email = email.strip().lower()
    if user is None:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(
                {"email": ValidationError(_("Give a valid e-mail address."), "email")}
            ) from None
        user = _account_for(email)
    if user is None:
        if proposal:
            raise ValidationError(
                _("Invite colleagues who are members of Kollegi to found it."),
                code="closed",
            )
        return _invite_address(community, inviter=inviter, email=email)
    if user.pk == inviter.pk:
        raise ValidationError(_("You cannot invite yourself."), code="self")
    _refuse_member(community, user, _("This colleague is a member already."))
    _refuse_banned(community, user)
    pending = Invitation.objects.filter(
        community=community, user=user, status=Invitation.Status.PENDING
    ).first()
    if pending is not None:
        return pending
    request = (
        JoinRequest.objects.select_for_update()
        .filter(community=community, user=user, status=JoinRequest.Status.PENDING)
        .first()
    )
    if request is not None and not proposal:
        # They asked already: the invitation is the yes (HumHub #4856).
        request.community = community
        request.user = user
        invitation = Invitation.objects.create(
            community=community,
            invited_by=inviter,
            user=user,
            status=Invitation.Status.ACCEPTED,
            answered_at=timezone.now(),
        )
        _approve(request, decider=inviter)
        return invitation
    invitation = Invitation.objects.create(
        community=community,
        invited_by=inviter,
        user=user,
        purpose=(
            Invitation.Purpose.COFOUNDER if proposal else Invitation.Purpose.MEMBER
        ),
    )
    _audit(community, actor=inviter, action="invite", reason=_name(user))
    _tell(
        community,
        recipient=user,
        kind=kinds.COFOUNDER_INVITED if proposal else kinds.INVITED,
        actor=inviter,
        url=reverse("circles:invitations"),
    )
    return invitation


def _invite_address(community: Community, *, inviter, email: str) -> Invitation:
    pending = Invitation.objects.filter(
        community=community,
        user__isnull=True,
        email=email,
        status=Invitation.Status.PENDING,
    ).first()
    if pending is not None:
        return pending
    _address_limit_check(inviter)
    invitation = Invitation.objects.create(
        community=community, invited_by=inviter, email=email
    )
    _audit(community, actor=inviter, action="invite", reason=email)
    _email_invitation(invitation)
    return invitation


@transaction.atomic
def invitation_answer(
    *, invitation: Invitation, user, accept: bool
) -> Membership | None:
    """The invited member joins (the membership) or declines (None); the
    same answer twice is given once. An invitation sent to an address is
    taken by the member who opened its link, signed in. An invitation to
    found a community is answered as ``cofounder_answer`` does.

    Raises PermissionDenied when it is someone else's, ValidationError
    "answered", "banned", "closed".
    """
    if invitation.purpose == Invitation.Purpose.COFOUNDER:
        community = cofounder_answer(invitation=invitation, user=user, accept=accept)
        return Membership.objects.filter(community=community, user=user).first()
    if accept:
        participation_check(user)
    if not user.is_authenticated:
        raise PermissionDenied
    community = invitation.community
    _lock(community)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    invitation.community = community
    if invitation.user_id is None and invitation.status == Invitation.Status.PENDING:
        invitation.user = user
    if invitation.user_id != user.pk:
        raise PermissionDenied
    if _answered_before(invitation, accept):
        return Membership.objects.filter(community=community, user=user).first()
    invitation.answered_at = timezone.now()
    if not accept:
        invitation.status = Invitation.Status.DECLINED
        invitation.save(update_fields=["user", "status", "answered_at"])
        _audit(community, actor=user, action="decline")
        return None
    _refuse_banned(community, user)
    _refuse_closed(community)
    invitation.status = Invitation.Status.ACCEPTED
    invitation.save(update_fields=["user", "status", "answered_at"])
    membership, created = _membership_add(community, user)
    if created:
        _audit(community, actor=user, action="join", reason=_("invited"))
    members_changed(community)
    return membership


# --- Leaving, removal, bans ---------------------------------------------------


@transaction.atomic
def community_leave(*, community: Community, user) -> None:
    """Leave a community (not a member: nothing happens). A suspended member
    may leave too: leaving writes nothing others read.

    Raises ValidationError "owner": the owner hands the community over first.
    """
    if not user.is_authenticated:
        raise PermissionDenied
    _lock(community)
    membership = Membership.objects.filter(community=community, user=user).first()
    if membership is None:
        return
    if membership.role == Membership.Role.OWNER:
        raise ValidationError(
            _("Hand the community over to another member before you leave."),
            code="owner",
        )
    _membership_remove(community, user)
    _audit(community, actor=user, action="leave")
    if membership.role == Membership.Role.MODERATOR:
        moderators_changed(community, members=[user.pk])
    members_changed(community)


@transaction.atomic
def member_remove(
    *, community: Community, moderator, user, ban: bool = False, reason: str = ""
) -> None:
    """The owner or a moderator takes a member out, and with ``ban`` keeps
    them out (a waiting request is turned down, a waiting invitation
    withdrawn). Only the owner (or a site moderator) removes a moderator;
    nobody removes the owner. Removing someone already out does nothing,
    banning them still bans.

    Raises PermissionDenied, ValidationError "owner", "self".
    """
    participation_check(moderator)
    if not can_manage_members(moderator, community):
        raise PermissionDenied
    if user.pk == moderator.pk:
        raise ValidationError(
            _("Leave the community instead of removing yourself."), code="self"
        )
    _lock(community)
    target = Membership.objects.filter(community=community, user=user).first()
    if target is not None and target.role == Membership.Role.OWNER:
        raise ValidationError(_("The owner cannot be removed."), code="owner")
    if (
        target is not None
        and target.role == Membership.Role.MODERATOR
        and role_of(moderator, community) != Membership.Role.OWNER
        and not can_moderate_communities(moderator)
    ):
        raise PermissionDenied
    reason = reason.strip()[:300]
    removed = _membership_remove(community, user)
    if removed:
        _audit(
            community,
            actor=moderator,
            action="remove",
            reason=f"{_name(user)}: {reason}".rstrip(": "),
        )
    if ban:
        _ban(community, moderator=moderator, user=user, reason=reason)
    if removed and target.role == Membership.Role.MODERATOR:
        moderators_changed(community, members=[user.pk])
    members_changed(community)


def _ban(community: Community, *, moderator, user, reason: str) -> None:
    _ban_row, created = CommunityBan.objects.get_or_create(
        community=community,
        user=user,
        defaults={"banned_by": moderator, "reason": reason},
    )
    now = timezone.now()
    JoinRequest.objects.filter(
        community=community, user=user, status=JoinRequest.Status.PENDING
    ).update(
        status=JoinRequest.Status.REJECTED,
        decided_by=moderator,
        decided_at=now,
        reason=reason,
    )
    Invitation.objects.filter(
        community=community, user=user, status=Invitation.Status.PENDING
    ).update(status=Invitation.Status.REVOKED, answered_at=now)
    if created:
        _audit(
            community,
            actor=moderator,
            action="ban",
            reason=f"{_name(user)}: {reason}".rstrip(": "),
        )


@transaction.atomic
def member_unban(*, community: Community, moderator, user) -> None:
    """Lift a member's ban from the community (they may ask or join again).

    Raises PermissionDenied for anyone who does not manage the members.
    """
    participation_check(moderator)
    if not can_manage_members(moderator, community):
        raise PermissionDenied
    deleted, _by_model = CommunityBan.objects.filter(
        community=community, user=user
    ).delete()
    if deleted:
        _audit(community, actor=moderator, action="unban", reason=_name(user))


def hearing_set(*, community: Community, user, hearing: str) -> Membership:
    """How much of the community a member hears: everything, the digest,
    nothing. Raises ValidationError "member" for a non-member, "hearing"
    for an unknown level."""
    if hearing not in Membership.Hearing.values:
        raise ValidationError(_("Choose how much you hear."), code="hearing")
    membership = Membership.objects.filter(community=community, user=user).first()
    if membership is None:
        raise ValidationError(
            _("You are not a member of this community."), code="member"
        )
    if membership.hearing != hearing:
        membership.hearing = hearing
        membership.save(update_fields=["hearing"])
    return membership
