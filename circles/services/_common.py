"""Helpers more than one of the services' modules needs (private).

Every service that changes who belongs to a community locks the community's
row first (``_lock``): joins, requests, invitations and answers to one
community are taken in turn, so a double click or two moderators at once
find the first one's work done, and ``member_count`` moves once per member.
Rows of requests, invitations and offers are locked after it, never before.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from circles.changes import membership_changed
from circles.models import (
    Community,
    CommunityBan,
    Invitation,
    JoinRequest,
    Membership,
    OwnershipOffer,
)
from circles.permissions import LIVING, standing_forget
from community import services as community_layer
from community.recognition import badges_check

# A community with this many members earns its founder a badge (the
# measure is ``circles.recognition.FOUNDED_MEASURE``).
FOUNDED_MEMBERS = 10
FOUNDED_MEASURE = "circle_founded_grown"
# Deciding requests and moderating in one's communities (``circles.recognition``).
MODERATION_MEASURE = "circle_moderation"

MANAGERS = (Membership.Role.OWNER, Membership.Role.MODERATOR)

# What the services read again under the lock: what decides who may enter.
_LOCKED_FIELDS = ("status", "is_hidden", "joining", "visibility", "member_count")


def _lock(community: Community) -> Community:
    """Lock the community's row until the transaction ends and bring the
    fields that decide entry up to date on the caller's object."""
    fresh = (
        Community.objects.select_for_update().only(*_LOCKED_FIELDS).get(pk=community.pk)
    )
    for name in _LOCKED_FIELDS:
        setattr(community, name, getattr(fresh, name))
    standing_forget(community)
    return community


def _users(user_ids) -> QuerySet:
    """The members of a subquery of ids, as ``notify_many`` reads them."""
    return get_user_model().objects.filter(pk__in=user_ids).only("pk", "is_active")


def _managers(community: Community) -> QuerySet:
    return _users(
        Membership.objects.filter(community=community, role__in=MANAGERS).values(
            "user_id"
        )
    )


def _tell(community: Community, *, recipient, kind: str, actor=None, url="") -> None:
    """One member hears of a step, as their preferences say."""
    community_layer.notify(
        recipient=recipient,
        kind=kind,
        actor=actor,
        target=community,
        target_title=community.name,
        url=url or community.get_absolute_url(),
        group=False,
    )


def _tell_many(
    community: Community,
    *,
    recipients: QuerySet,
    kind: str,
    actor=None,
    url: str = "",
    group: bool = False,
) -> None:
    community_layer.notify_many(
        recipients=recipients,
        kind=kind,
        actor=actor,
        target=community,
        target_title=community.name,
        url=url or community.get_absolute_url(),
        group=group,
    )


def _audit(community: Community, *, actor, action: str, reason: str = "") -> None:
    community_layer.audit(
        actor=actor, action=f"community_{action}", target=community, reason=reason
    )


def _name(user) -> str:
    return user.get_username()


def _is_banned(community: Community, user) -> bool:
    return CommunityBan.objects.filter(community=community, user=user).exists()


def _refuse_banned(community: Community, user) -> None:
    if _is_banned(community, user):
        raise ValidationError(
            _("This member is banned from the community."), code="banned"
        )


def _membership_add(
    community: Community, user, *, role: str = Membership.Role.MEMBER
) -> tuple[Membership, bool]:
    """Make ``user`` a member (under the community's lock); returns the
    membership and whether it is new. A pending request of theirs is
    approved and a pending invitation accepted by it: they are in."""
    membership, created = Membership.objects.get_or_create(
        community=community, user=user, defaults={"role": role}
    )
    if created:
        Community.objects.filter(pk=community.pk).update(
            member_count=F("member_count") + 1
        )
        community.member_count += 1
        membership_changed(community, user.pk)
        if community.member_count >= FOUNDED_MEMBERS:
            # The founder's badge for a community that grew is measured again.

            badges_check(user=community.founder, measures=[FOUNDED_MEASURE])
    now = timezone.now()
    JoinRequest.objects.filter(
        community=community, user=user, status=JoinRequest.Status.PENDING
    ).update(status=JoinRequest.Status.APPROVED, decided_at=now)
    Invitation.objects.filter(
        community=community, user=user, status=Invitation.Status.PENDING
    ).update(status=Invitation.Status.ACCEPTED, answered_at=now)
    standing_forget(community)
    return membership, created


def _membership_remove(community: Community, user) -> bool:
    """Take ``user`` out (under the community's lock); whether they were in.
    An ownership offered to them is withdrawn."""
    deleted, _by_model = Membership.objects.filter(
        community=community, user=user
    ).delete()
    if not deleted:
        return False
    Community.objects.filter(pk=community.pk).update(member_count=F("member_count") - 1)
    community.member_count -= 1
    membership_changed(community, user.pk)
    OwnershipOffer.objects.filter(
        community=community, to_user=user, status=OwnershipOffer.Status.PENDING
    ).update(status=OwnershipOffer.Status.WITHDRAWN, answered_at=timezone.now())
    standing_forget(community)
    return True


def _refuse_closed(community: Community) -> None:
    """Archived, hidden or not yet open: nobody enters now."""
    if community.status not in LIVING or community.is_hidden:
        raise ValidationError(
            _("This community does not take members now."), code="closed"
        )


def _answered_before(invitation: Invitation, accept: bool) -> bool:
    """The same answer again (a double click) is no error; another is."""
    if invitation.status == Invitation.Status.PENDING:
        return False
    wanted = Invitation.Status.ACCEPTED if accept else Invitation.Status.DECLINED
    if invitation.status == wanted:
        return True
    raise ValidationError(
        _("This invitation has been answered or withdrawn."), code="answered"
    )
