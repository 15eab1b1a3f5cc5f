"""Reads for the community layer's pages: notifications and the activity feed."""

from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import (
    Case,
    Count,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from community.models import (
    ActivityEvent,
    Badge,
    BadgeAward,
    MonthlyContribution,
    Notification,
)


def notification_list_for_user(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("actor__profile")


def notification_actor_profile(notification: Notification):
    """The profile whose avatar the notification's line shows, or None.

    The actor's, only when the line names them: an event without an actor (a
    blind review, a notice from the site) and a line that does not name its
    actor ("3 new comments", a moderator's decision) show no face. No query
    for a row of ``notification_list_for_user``, which reads the actors'
    profiles with the rows.
    """
    actor = notification.actor
    if actor is None:
        return None
    kind = notification.kind_info
    line = kind.many if notification.count > 1 else kind.one
    if "%(actor)s" not in str(line):
        return None
    try:
        return actor.profile
    except ObjectDoesNotExist:  # an account made without a profile
        return None


# The header shows the counts on every page: they wait in the cache with the
# member's unread version they were counted at; the services move the version
# on (``changes.unread_changed``), after commit too, so counts made from rows a
# write was changing are never used. One round trip; on a miss, one query.
UNREAD_KEY = "unread:counts:{}"  # (version, {key: count})
UNREAD_VERSION_KEY = "notifications:version:{}"
UNREAD_TIMEOUT = 10 * 60
NOTIFICATIONS = "notifications"


def _count_of(queryset: QuerySet) -> Subquery:
    """``SELECT COUNT(*)`` of the queryset, as a scalar subquery (no GROUP BY:
    ``Func`` is no aggregate to Django)."""
    return Subquery(
        queryset.order_by()
        .annotate(_count=Func(F("pk"), function="COUNT", output_field=IntegerField()))
        .values("_count"),
        output_field=IntegerField(),
    )


def unread_counts(*, user) -> dict[str, int]:
    """What the member has not read: "notifications" and every registered
    unread source's key (``notifications.unread_source_register``; the
    conversations' "messages"), kept together in the cache; on a miss all
    counted in one query (one scalar subquery each)."""
    key, version_key = UNREAD_KEY.format(user.pk), UNREAD_VERSION_KEY.format(user.pk)
    found = cache.get_many([key, version_key])
    version = found.get(version_key, 0)
    kept = found.get(key)
    if kept is not None and kept[0] == version:
        return kept[1]
    from django.contrib.auth import get_user_model

    from community.notifications import unread_sources

    querysets = {
        NOTIFICATIONS: Notification.objects.filter(recipient=user, read_at__isnull=True)
    }
    for source, count_queryset in unread_sources().items():
        querysets[source] = count_queryset(user)
    # Aliased apart from the member's own fields and relations.
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values(**{f"unread_{name}": _count_of(qs) for name, qs in querysets.items()})
        .first()
    ) or {}
    counts = {name: row.get(f"unread_{name}") or 0 for name in querysets}
    cache.set(key, (version, counts), UNREAD_TIMEOUT)
    return counts


def notification_unread_count(*, user) -> int:
    """The member's unread notifications (``unread_counts``)."""
    return unread_counts(user=user)[NOTIFICATIONS]


def feed_for_user(
    *, user, followed_ids: list[int], subject_ids: list[int]
) -> QuerySet[ActivityEvent]:
    """What followed members did and what is new in the member's subjects.

    A newcomer who follows no one and named no subject gets the latest from
    everyone, so the page is never empty on the first visit.
    """
    events = ActivityEvent.objects.exclude(actor=user).select_related("actor__profile")
    if followed_ids or subject_ids:
        # The subjects through a subquery, not a join: no duplicates, so no
        # DISTINCT, and the newest events come straight off the date index.
        in_subjects = ActivityEvent.subjects.through.objects.filter(
            subject_id__in=subject_ids
        ).values("activityevent_id")
        events = events.filter(Q(actor_id__in=followed_ids) | Q(pk__in=in_subjects))
    return events.order_by("-created_at", "-pk")


def badge_tier_rank() -> Case:
    """Bronze, silver, gold as 0, 1, 2: tiers sort by rank, not by name."""
    return Case(
        *(
            When(tier=tier, then=Value(rank))
            for rank, tier in enumerate(Badge.Tier.values)
        ),
        output_field=IntegerField(),
    )


def badges_with_holders() -> QuerySet:
    """Every badge with how many members hold it (revoked awards left out),
    rule badges first, each lot from bronze to gold."""
    return Badge.objects.annotate(
        holders=Count(
            "awards__user", filter=Q(awards__revoked_at__isnull=True), distinct=True
        ),
        tier_rank=badge_tier_rank(),
    ).order_by("is_manual", "tier_rank", "key")


def badge_holders(*, badge) -> QuerySet:
    return (
        BadgeAward.objects.filter(badge=badge, revoked_at__isnull=True)
        .select_related("user__profile")
        .order_by("-awarded_at", "-pk")
    )


def badges_of(*, user) -> QuerySet:
    """A member's badges, newest first (for the profile and the chooser)."""
    return (
        BadgeAward.objects.filter(user=user, revoked_at__isnull=True)
        .select_related("badge")
        .order_by("-awarded_at")
    )


def members_of_the_month(*, month, subject=None, region: str = "") -> QuerySet:
    rows = (
        MonthlyContribution.objects.filter(month=month)
        .select_related("user__profile")
        .order_by("-points", "pk")
    )
    if subject is not None:
        rows = rows.filter(subjects=subject)
    if region:
        rows = rows.filter(region=region)
    return rows


def sanctions_of_member(*, user):
    """A member's own record: warnings, suspensions and bans, newest first."""
    from community.models import Sanction

    return Sanction.objects.filter(member=user).order_by("-created_at", "-pk")
