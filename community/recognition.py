"""Every write of recognition: badges (by rule or by hand) and contribution."""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from community import services as community
from community.badges import badge_rules, contribution_sources, measures_for
from community.cards import card_changed, cards_changed
from community.models import Badge, BadgeAward, MonthlyContribution
from community.pagecache import page_cache_invalidate

logger = logging.getLogger(__name__)

BADGE_AWARDED = "badge_awarded"
BATCH = 500
FEATURED_MAX = 2


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
            cards_changed()  # the cards that show it
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


def badges_evaluate(*, user_ids: list[int], dry_run: bool = False) -> list[tuple]:
    """Award every rule badge the members have earned and not yet received.

    Each measure runs once for the whole batch. Revoked awards count as
    received, so the rules never give back what a moderator took away.
    Returns (badge key, user id, occurrence) of the new awards.
    """
    badges = badges_sync()
    rules = badge_rules()
    values = measures_for({rule.measure for rule in rules}, user_ids)
    held = {
        (badge_id, user_id): top
        for badge_id, user_id, top in BadgeAward.objects.filter(user_id__in=user_ids)
        .values("badge_id", "user_id")
        .annotate(top=Max("occurrence"))
        .values_list("badge_id", "user_id", "top")
    }
    new = []
    awards_made: list[BadgeAward] = []
    members: dict = {}  # loaded once, for the notifications of new awards
    for rule in rules:
        badge = badges[rule.key]
        for user_id in user_ids:
            times = rule.times(values[rule.measure].get(user_id, 0))
            for occurrence in range(held.get((badge.pk, user_id), 0) + 1, times + 1):
                if dry_run:
                    new.append((rule.key, user_id, occurrence))
                    continue
                award = _award(badge, user_id, occurrence)
                if award is not None:
                    new.append((rule.key, user_id, occurrence))
                    members.setdefault(user_id, None)
                    award.user_id = user_id
                    awards_made.append(award)
    if awards_made:
        members = get_user_model().objects.in_bulk(list(members))
        for award in awards_made:
            award.user = members[award.user_id]
            _tell(award)
    if new and not dry_run:
        page_cache_invalidate()
    return new


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


def badges_check(*, user) -> None:
    """Ask for an evaluation of ``user`` after the current transaction commits."""
    from community.tasks import badges_evaluate_task

    pk = user.pk
    transaction.on_commit(lambda: badges_evaluate_task.delay([pk]))


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
        badge, user.pk, top + 1, awarded_by=moderator, reason=reason.strip()[:300]
    )
    if award is None:
        raise ValidationError(_("The member already has this badge."), code="held")
    award.user = user
    community.audit(actor=moderator, action="badge_award", target=award, reason=reason)
    _tell(award)
    page_cache_invalidate()
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
        card_changed(award.user_id)
        community.audit(
            actor=moderator, action="badge_revoke", target=award, reason=reason
        )
    page_cache_invalidate()
    return award


@transaction.atomic
def badges_feature(*, user, award_ids: list[int]) -> None:
    """Choose up to two of one's badges to show next to one's name."""
    if len(award_ids) > FEATURED_MAX:
        raise ValidationError(_("Choose at most two badges."), code="too_many")
    mine = BadgeAward.objects.filter(user=user, revoked_at__isnull=True)
    if mine.filter(pk__in=award_ids).count() != len(set(award_ids)):
        raise PermissionDenied
    mine.exclude(pk__in=award_ids).update(is_featured=False)
    mine.filter(pk__in=award_ids).update(is_featured=True)
    card_changed(user.pk)
    page_cache_invalidate()


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
    return len(rows)
