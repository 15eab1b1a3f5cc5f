"""Every write of recognition: badges (by rule or by hand) and contribution."""

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from community import services as community
from community.badges import badge_rules, contribution_sources, measures_for
from community.changes import (
    badge_shown_changed,
    badges_awarded,
    badges_changed,
    badges_held_changed,
    public_pages_changed,
)
from community.claims import claim_cutoff
from community.models import Badge, BadgeAward, MonthlyContribution
from community.sanctions import participation_check

logger = logging.getLogger(__name__)

BADGE_AWARDED = "badge_awarded"
BATCH = 500
FEATURED_MAX = 2
PENDING_TIMEOUT = 60
# An evaluation starts this many seconds after the action that asks for it: a
# member's burst of replies is measured once (no wait where tasks run in the
# process: the embedded default and the tests).
CHECK_DELAY = 1


def _can_award(user) -> bool:
    return user.is_active and (
        user.is_superuser or user.has_perm("community.add_badgeaward")
    )


def badges_sync() -> dict[str, Badge]:
    """The rule badges as rows (names and tiers follow the registry).

    Run after every migrate (``community.receivers``) and by every evaluation
    (nightly, after actions), never by a page. Names are kept in the site's
    language whoever runs it, so a second run writes nothing.
    """
    badges = {badge.key: badge for badge in Badge.objects.filter(is_manual=False)}
    for rule in badge_rules():
        badge = badges.get(rule.key)
        with translation.override(settings.LANGUAGE_CODE):
            wanted = {
                "name": str(rule.name)[:100],
                "description": str(rule.description)[:300],
                "icon": rule.icon,
                "tier": rule.tier,
                "repeatable": rule.repeatable,
            }
        if badge is None:
            badge, _created = Badge.objects.get_or_create(key=rule.key, defaults=wanted)
            badges[rule.key] = badge
        elif any(getattr(badge, key) != value for key, value in wanted.items()):
            Badge.objects.filter(pk=badge.pk).update(**wanted)
            badge_shown_changed()
    return badges


def _award(badge: Badge, user_id: int, occurrence: int, **extra) -> BadgeAward | None:
    """Insert one award; a unique constraint refuses a second of the same."""
    try:
        with transaction.atomic():
            return BadgeAward.objects.create(
                badge=badge, user_id=user_id, occurrence=occurrence, **extra
            )
    except IntegrityError:
        return None  # another evaluation was first


def _tell(award: BadgeAward) -> None:
    community.notify(
        recipient=award.user,
        kind=BADGE_AWARDED,
        target=award.badge,
        target_title=str(award.badge.shown_name),
        url=award.badge.get_absolute_url(),
        group=False,
    )


def badges_evaluate(
    *, user_ids: list[int], measures: Iterable[str] | None = None, dry_run: bool = False
) -> list[tuple]:
    """Award every rule badge the members have earned and not yet received.

    With ``measures``, only the rules on those measures (what an action
    changed: a reply, the posts written); the nightly run asks all of them.
    Each measure runs once for the whole batch, and not at all when every
    member already holds every badge of it that is earned once. Revoked
    awards count as received, so the rules never give back what a moderator
    took away. Returns (badge key, user id, occurrence) of the new awards.
    """
    badges = badges_sync()
    rules = badge_rules()
    if measures is not None:
        rules = [rule for rule in rules if rule.measure in set(measures)]
    held = {
        (badge_id, user_id): top
        for badge_id, user_id, top in BadgeAward.objects.filter(user_id__in=user_ids)
        .values("badge_id", "user_id")
        .annotate(top=Max("occurrence"))
        .values_list("badge_id", "user_id", "top")
    }
    rules = [
        rule
        for rule in rules
        if rule.repeatable
        or any((badges[rule.key].pk, user_id) not in held for user_id in user_ids)
    ]
    values = measures_for({rule.measure for rule in rules}, user_ids)
    earned = [
        (rule.key, badges[rule.key], user_id, occurrence)
        for rule in rules
        for user_id in user_ids
        for occurrence in range(
            held.get((badges[rule.key].pk, user_id), 0) + 1,
            rule.times(values[rule.measure].get(user_id, 0)) + 1,
        )
    ]
    if dry_run:
        return [(key, user_id, occurrence) for key, _b, user_id, occurrence in earned]
    new = []
    # Loaded once, for the notifications of new awards.
    members = get_user_model().objects.in_bulk({row[2] for row in earned})
    for key, badge, user_id, occurrence in earned:
        # The award and its notification commit together: a worker killed
        # between the two cannot leave a badge nobody was told about.
        with transaction.atomic():
            award = _award(badge, user_id, occurrence, notified_at=timezone.now())
            if award is None:
                continue
            award.user = members[user_id]
            _tell(award)
        new.append((key, user_id, occurrence))
    told = badges_tell_untold(user_ids=user_ids)
    if new:
        badges_awarded({user_id for _key, user_id, _occurrence in new})
    elif told:
        public_pages_changed()  # the lists of badges
    return new


def badges_tell_untold(*, user_ids: list[int] | None = None) -> int:
    """Tell members of awards a dead worker made but never told them of.

    Awards without ``notified_at`` made before the claim cutoff, not revoked;
    each is claimed by a conditional update in the transaction of its
    notification, so two runs tell once. Returns how many were told.
    """
    untold = BadgeAward.objects.filter(
        notified_at__isnull=True,
        revoked_at__isnull=True,
        awarded_at__lt=claim_cutoff(),
    ).select_related("badge", "user")
    if user_ids is not None:
        untold = untold.filter(user_id__in=user_ids)
    told = 0
    for award in untold:
        with transaction.atomic():
            if BadgeAward.objects.filter(pk=award.pk, notified_at__isnull=True).update(
                notified_at=timezone.now()
            ):
                _tell(award)
                told += 1
    return told


def badges_evaluate_everyone(*, dry_run: bool = False, progress=None) -> int:
    """The nightly run: every active member, in batches."""
    ids = list(
        get_user_model()
        .objects.filter(is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    total = 0
    for start in range(0, len(ids), BATCH):
        total += len(
            badges_evaluate(user_ids=ids[start : start + BATCH], dry_run=dry_run)
        )
        if progress:
            progress(min(start + BATCH, len(ids)), len(ids))
    return total


def _pending_key(user_id: int, measures: list[str] | None) -> str:
    return f"badges:pending:{user_id}:{','.join(measures or ['*'])}"


def badges_check(*, user, measures: Iterable[str] | None = None) -> None:
    """Ask for an evaluation of ``user`` after the current transaction commits:
    of the rules on ``measures`` (those the action changed), else of all.

    Not asked again while the same evaluation waits in the queue: that one
    forgets its key before it measures (``badges_evaluate_checked``), so it
    counts this action's rows too. A key whose task was lost goes after
    ``PENDING_TIMEOUT``; the nightly run catches up on anything missed.
    """
    from community.tasks import badges_evaluate_task

    pk = user.pk
    keys = sorted(measures) if measures is not None else None

    def enqueue() -> None:
        # A cache that is away answers add() with True: asked every time.
        if not cache.add(_pending_key(pk, keys), 1, PENDING_TIMEOUT):
            return
        args = ([pk],) if keys is None else ([pk], keys)
        badges_evaluate_task.apply_async(args, countdown=CHECK_DELAY)

    transaction.on_commit(enqueue)


def badges_evaluate_checked(
    *, user_ids: list[int], measures: list[str] | None = None
) -> list[tuple]:
    """The evaluation ``badges_check`` asked for: its key is forgotten first,
    so an action committed from now on asks for another."""
    cache.delete_many([_pending_key(pk, measures) for pk in user_ids])
    return badges_evaluate(user_ids=user_ids, measures=measures)


@transaction.atomic
def badge_award_manual(*, badge: Badge, user, moderator, reason: str) -> BadgeAward:
    """A moderator awards a manual badge ("Наставник года") with a reason."""
    if not _can_award(moderator):
        raise PermissionDenied
    if not badge.is_manual:
        raise ValidationError(_("This badge is awarded by its rule."), code="rule")
    if not reason.strip():
        raise ValidationError(_("Say why the badge is awarded."), code="reason")
    top = (
        BadgeAward.objects.filter(badge=badge, user=user).aggregate(
            top=Max("occurrence")
        )["top"]
        or 0
    )
    if top and not badge.repeatable:
        raise ValidationError(_("The member already has this badge."), code="held")
    award = _award(
        badge,
        user.pk,
        top + 1,
        awarded_by=moderator,
        reason=reason.strip()[:300],
        notified_at=timezone.now(),
    )
    if award is None:
        raise ValidationError(_("The member already has this badge."), code="held")
    award.user = user
    community.audit(actor=moderator, action="badge_award", target=award, reason=reason)
    _tell(award)
    badges_held_changed(user.pk)
    return award


@transaction.atomic
def badge_revoke(*, award: BadgeAward, moderator, reason: str) -> BadgeAward:
    """Take a badge back; the award stays on record with who and why."""
    if not _can_award(moderator):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(_("Say why the badge is taken back."), code="reason")
    if award.revoked_at is None:
        award.revoked_at = timezone.now()
        award.revoked_by = moderator
        award.revoke_reason = reason.strip()[:300]
        award.is_featured = False
        award.save(
            update_fields=["revoked_at", "revoked_by", "revoke_reason", "is_featured"]
        )
        community.audit(
            actor=moderator, action="badge_revoke", target=award, reason=reason
        )
    badges_held_changed(award.user_id)
    return award


@transaction.atomic
def badges_feature(*, user, award_ids: list[int]) -> None:
    """Choose up to two of one's badges to show next to one's name.

    Raises ParticipationRestricted for a suspended or banned member: the
    badges beside a name are shown to everyone.
    """
    participation_check(user)
    if len(award_ids) > FEATURED_MAX:
        raise ValidationError(_("Choose at most two badges."), code="too_many")
    mine = BadgeAward.objects.filter(user=user, revoked_at__isnull=True)
    if mine.filter(pk__in=award_ids).count() != len(set(award_ids)):
        raise PermissionDenied
    mine.exclude(pk__in=award_ids).update(is_featured=False)
    mine.filter(pk__in=award_ids).update(is_featured=True)
    badges_changed(user.pk)


def _month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_default_timezone()
    start = datetime.datetime(month.year, month.month, 1, tzinfo=zone)
    following = (start + datetime.timedelta(days=32)).replace(day=1)
    return start, following


@transaction.atomic
def contributions_compute(*, month: datetime.date) -> int:
    """Count the month's helpful actions into the table the boards read.

    Members who chose to stay out of rankings are left out. Running it again
    replaces the month's rows. Returns the number of members counted.
    """
    from accounts.models import Profile

    month = month.replace(day=1)
    start, end = _month_bounds(month)
    points: dict[int, int] = {}
    for source in contribution_sources():
        for user_id, value in source(start, end).items():
            points[user_id] = points.get(user_id, 0) + value
    profiles = {
        profile.user_id: profile
        for profile in Profile.objects.filter(
            user_id__in=list(points),
            user__is_active=True,
            deleted_at__isnull=True,
            rankings_opt_out=False,
        ).prefetch_related("subjects")
    }
    MonthlyContribution.objects.filter(month=month).delete()
    rows = MonthlyContribution.objects.bulk_create(
        [
            MonthlyContribution(
                user_id=user_id,
                month=month,
                points=value,
                region=profiles[user_id].region,
            )
            for user_id, value in points.items()
            if value > 0 and user_id in profiles
        ]
    )
    through = MonthlyContribution.subjects.through
    through.objects.bulk_create(
        [
            through(monthlycontribution_id=row.pk, subject_id=subject.pk)
            for row in rows
            for subject in profiles[row.user_id].subjects.all()
        ]
    )
    public_pages_changed()  # the boards of the most active
    return len(rows)
