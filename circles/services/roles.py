"""Roles in a community: its moderators, and the handover of its ownership.

A community has one owner at a time; ownership passes only by an explicit
step — offered, then accepted by the member it is offered to — and the old
owner stays on as a moderator.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from circles import kinds
from circles.changes import members_changed, moderators_changed
from circles.models import Community, Membership, OwnershipOffer
from circles.permissions import can_edit_community, standing_forget
from circles.services._common import _audit, _lock, _name, _tell
from community.sanctions import participation_check

__all__ = ["moderator_set", "ownership_answer", "ownership_offer"]


def _membership_of(community: Community, user, message: str) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .filter(community=community, user=user)
        .first()
    )
    if membership is None:
        raise ValidationError(message, code="member")
    return membership


@transaction.atomic
def moderator_set(*, community: Community, owner, user, on: bool) -> Membership:
    """The owner (or a site moderator) makes a member a moderator of the
    community, or a member again; asking twice changes it once.

    Raises PermissionDenied for anyone else, ValidationError "member" (not
    a member), "owner" (the owner's role changes by handover only).
    """
    participation_check(owner)
    if not can_edit_community(owner, community):
        raise PermissionDenied
    _lock(community)
    membership = _membership_of(
        community, user, _("Only a member of the community can moderate it.")
    )
    if membership.role == Membership.Role.OWNER:
        raise ValidationError(
            _("The owner's role changes only by a handover."), code="owner"
        )
    role = Membership.Role.MODERATOR if on else Membership.Role.MEMBER
    if membership.role == role:
        return membership
    membership.role = role
    membership.save(update_fields=["role"])
    standing_forget(community)
    _audit(
        community,
        actor=owner,
        action="moderator" if on else "moderator_removed",
        reason=_name(user),
    )
    moderators_changed(community, members=[user.pk])
    members_changed(community)
    return membership


@transaction.atomic
def ownership_offer(*, community: Community, owner, to_user) -> OwnershipOffer:
    """The owner (or a site moderator) offers the ownership to a member, who
    is told and accepts or declines. Offering it to the same member again
    returns the waiting offer; offering it to another withdraws it.

    Raises PermissionDenied, ValidationError "member" (not a member),
    "owner" (the owner already).
    """
    participation_check(owner)
    if not can_edit_community(owner, community):
        raise PermissionDenied
    _lock(community)
    membership = _membership_of(
        community, to_user, _("Only a member of the community can own it.")
    )
    if membership.role == Membership.Role.OWNER:
        raise ValidationError(_("This member owns the community."), code="owner")
    pending = (
        OwnershipOffer.objects.select_for_update()
        .filter(community=community, status=OwnershipOffer.Status.PENDING)
        .first()
    )
    if pending is not None:
        if pending.to_user_id == to_user.pk:
            return pending
        pending.status = OwnershipOffer.Status.WITHDRAWN
        pending.answered_at = timezone.now()
        pending.save(update_fields=["status", "answered_at"])
    offer = OwnershipOffer.objects.create(
        community=community, to_user=to_user, offered_by=owner
    )
    _audit(community, actor=owner, action="ownership_offer", reason=_name(to_user))
    _tell(
        community,
        recipient=to_user,
        kind=kinds.OWNERSHIP_OFFERED,
        actor=owner,
        url=reverse("circles:ownership", args=[community.slug]),
    )
    return offer


@transaction.atomic
def ownership_answer(*, offer: OwnershipOffer, user, accept: bool) -> OwnershipOffer:
    """The member offered the ownership takes it (the owner until now stays
    on as a moderator) or declines; the same answer twice is given once.

    Raises PermissionDenied when the offer is someone else's,
    ValidationError "answered" (answered otherwise or withdrawn), "member"
    (no longer a member).
    """
    if offer.to_user_id != user.pk:
        raise PermissionDenied
    if accept:
        participation_check(user)
    community = offer.community
    _lock(community)
    offer = OwnershipOffer.objects.select_for_update().get(pk=offer.pk)
    offer.community = community
    wanted = (
        OwnershipOffer.Status.ACCEPTED if accept else OwnershipOffer.Status.DECLINED
    )
    if offer.status == wanted:
        return offer
    if offer.status != OwnershipOffer.Status.PENDING:
        raise ValidationError(
            _("This offer has been answered or withdrawn."), code="answered"
        )
    offer.status = wanted
    offer.answered_at = timezone.now()
    if not accept:
        offer.save(update_fields=["status", "answered_at"])
        _audit(community, actor=user, action="ownership_decline")
        return offer
    membership = _membership_of(
        community, user, _("Only a member of the community can own it.")
    )
    # One owner at a time (a unique constraint): the old one steps down first.
    Membership.objects.filter(community=community, role=Membership.Role.OWNER).update(
        role=Membership.Role.MODERATOR
    )
    membership.role = Membership.Role.OWNER
    membership.save(update_fields=["role"])
    offer.save(update_fields=["status", "answered_at"])
    standing_forget(community)
    _audit(community, actor=user, action="handover")
    moderators_changed(community)
    members_changed(community)
    return offer
