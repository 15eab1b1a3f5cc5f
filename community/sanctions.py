"""Warnings, suspensions and bans: given by moderators, enforced by every write.

Every service that lets a member post, react or register calls
``participation_check`` first. It reads ``User.restricted_until``, kept
here in step with the member's sanctions, so it costs no query; the
``ParticipationRestricted`` it raises is turned into a page that says why and
until when by ``community.middleware.ParticipationMiddleware``.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community import services as community
from community.models import Sanction
from community.standing import (  # the check, kept apart: ``community.standing``
    ParticipationRestricted,
    is_restricted,
    participation_check,
)

__all__ = [
    "FOREVER",
    "ParticipationRestricted",
    "can_sanction",
    "is_restricted",
    "participation_check",
    "restriction_in_force",
    "sanction_give",
    "sanction_lift",
    "warning_acknowledge",
    "warnings_unread",
]

SANCTION_GIVEN = "sanction_given"
SANCTION_LIFTED = "sanction_lifted"
# A ban has no end: the restriction runs to the end of the calendar.
FOREVER = datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC)


def can_sanction(user, member) -> bool:
    # Site moderators, not on themselves; only a superuser on another moderator.
    if not (user.is_authenticated and user.is_active) or user.pk == member.pk:
        return False
    if not (user.is_superuser or user.has_perm("community.add_sanction")):
        return False
    if member.is_superuser:
        return False
    return user.is_superuser or not member.is_staff


def restriction_in_force(user) -> Sanction | None:
    """The sanction that keeps the member from writing now: a ban, else the longest."""
    if not is_restricted(user):
        return None
    return max(_in_force(user), key=lambda item: item.ends_at or FOREVER, default=None)


def _in_force(member) -> list[Sanction]:
    """The suspensions and bans that stop the member from writing now."""
    now = timezone.now()
    return [
        sanction
        for sanction in Sanction.objects.filter(
            member=member,
            kind__in=[Sanction.Kind.SUSPENSION, Sanction.Kind.BAN],
            lifted_at__isnull=True,
        )
        if sanction.is_in_force(now)
    ]


def warnings_unread(user) -> list[Sanction]:
    if not user.is_authenticated or not user.has_unread_warning:
        return []
    return list(
        Sanction.objects.filter(
            member=user, kind=Sanction.Kind.WARNING, acknowledged_at__isnull=True
        ).order_by("created_at")
    )


def _restriction_refresh(member) -> None:
    ends = [sanction.ends_at or FOREVER for sanction in _in_force(member)]
    member.restricted_until = max(ends, default=None)
    member.has_unread_warning = Sanction.objects.filter(
        member=member, kind=Sanction.Kind.WARNING, acknowledged_at__isnull=True
    ).exists()
    member.save(update_fields=["restricted_until", "has_unread_warning"])


def _tell(member, sanction: Sanction, kind: str) -> None:
    community.notify(
        recipient=member,
        kind=kind,
        target=sanction,
        target_title=sanction.get_kind_display(),
        url=reverse("standing"),
        group=False,
    )


@transaction.atomic
def sanction_give(
    *,
    member,
    moderator,
    kind: str,
    reason: str,
    until: datetime.datetime | None = None,
) -> Sanction:
    """Warn, suspend (until a time) or ban a member; they are told why.

    Raises PermissionDenied unless ``can_sanction``; ValidationError for an
    empty reason, a suspension without a future end, or an unknown kind.
    """
    if not can_sanction(moderator, member):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Tell the member why."), code="reason")
    if kind not in Sanction.Kind.values:
        raise ValidationError(_("Choose what to do."), code="kind")
    if kind == Sanction.Kind.SUSPENSION:
        if until is None or until <= timezone.now():
            raise ValidationError(
                _("A suspension needs an end in the future."), code="until"
            )
    else:
        until = None
    sanction = Sanction.objects.create(
        member=member,
        kind=kind,
        reason=reason[:1000],
        created_by=moderator,
        ends_at=until,
    )
    _restriction_refresh(member)
    community.audit(
        actor=moderator,
        action=f"member_{kind}",
        target=member,
        reason=reason + (f" ({_('until')} {until:%Y-%m-%d %H:%M %Z})" if until else ""),
    )
    _tell(member, sanction, SANCTION_GIVEN)
    return sanction


@transaction.atomic
def sanction_lift(*, sanction: Sanction, moderator, reason: str = "") -> Sanction:
    """End a suspension or a ban early (or withdraw a warning); the member is told."""
    member = sanction.member
    if not can_sanction(moderator, member):
        raise PermissionDenied
    if sanction.lifted_at is not None:
        return sanction
    sanction.lifted_at = timezone.now()
    sanction.lifted_by = moderator
    sanction.lift_reason = reason.strip()[:500]
    sanction.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    if sanction.kind == Sanction.Kind.WARNING and sanction.acknowledged_at is None:
        sanction.acknowledged_at = sanction.lifted_at
        sanction.save(update_fields=["acknowledged_at"])
    _restriction_refresh(member)
    community.audit(
        actor=moderator,
        action=f"member_{sanction.kind}_lift",
        target=member,
        reason=sanction.lift_reason,
    )
    _tell(member, sanction, SANCTION_LIFTED)
    return sanction


@transaction.atomic
def warning_acknowledge(*, sanction: Sanction, member) -> Sanction:
    """The member has read the warning: the banner goes away."""
    if sanction.member_id != member.pk or sanction.kind != Sanction.Kind.WARNING:
        raise PermissionDenied
    if sanction.acknowledged_at is None:
        sanction.acknowledged_at = timezone.now()
        sanction.save(update_fields=["acknowledged_at"])
        _restriction_refresh(member)
    return sanction
