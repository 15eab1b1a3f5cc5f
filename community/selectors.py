"""Reads for the community layer's pages: notifications and the activity feed."""

from django.db.models import Q, QuerySet

from community.models import ActivityEvent, Notification


def notification_list_for_user(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("actor__profile")


def notification_unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def feed_for_user(
    *, user, followed_ids: list[int], subject_ids: list[int]
) -> QuerySet[ActivityEvent]:
    """What followed members did and what is new in the member's subjects.

    A newcomer who follows no one and named no subject gets the latest from
    everyone, so the page is never empty on the first visit.
    """
    events = ActivityEvent.objects.exclude(actor=user).select_related("actor__profile")
    if followed_ids or subject_ids:
        events = events.filter(
            Q(actor_id__in=followed_ids) | Q(subjects__in=subject_ids)
        ).distinct()
    return events.order_by("-created_at", "-pk")
