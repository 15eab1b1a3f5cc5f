"""Digests: unread notifications and each app's news, once per member and period.

The beat runs ``digests_send_due`` every hour; members whose local time is
``DIGEST_HOUR`` get theirs (weekly ones on Monday). Each send first takes the
unique ``DigestLog`` row of the member and period, so a second run, a retried
task or a second beat process sends nothing more. A row left pending by a run
that died is taken over once its claim is stale (``community.claims``); the
hourly run enqueues those again.
"""

import datetime
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from community.claims import SWEEP_HORIZON, claim_cutoff, claim_expired, claim_take
from community.emails import render_email_subject, render_email_text
from community.models import DigestLog, Notification
from community.notifications import DigestItem, digest_sections, preferences

DIGEST_HOUR = 7
AWAY_DAYS = 180
PERIOD_DAYS = {DigestLog.Period.DAILY: 1, DigestLog.Period.WEEKLY: 7}
NOTIFICATIONS_PER_DIGEST = 50


@dataclass
class DigestContent:
    notifications: list[tuple[Notification, str]] = field(default_factory=list)
    sections: list[tuple[object, list[DigestItem]]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.notifications and not self.sections


def is_away(user, now: datetime.datetime) -> bool:
    last_seen = user.last_login or user.date_joined
    return last_seen < now - datetime.timedelta(days=AWAY_DAYS)


def time_zones_at_hour(now: datetime.datetime, hour: int) -> list[str]:
    """The offered time zones where the local time is ``hour`` o'clock now."""
    from community.vocabulary import RUSSIAN_TIME_ZONES

    return [
        name
        for name, _label in RUSSIAN_TIME_ZONES
        if now.astimezone(zoneinfo.ZoneInfo(name)).hour == hour
    ]


def period_start_for(
    *, period: str, now: datetime.datetime, time_zone: str
) -> datetime.date:
    """The local date that names the member's current period (Monday for weekly)."""
    today = now.astimezone(zoneinfo.ZoneInfo(time_zone)).date()
    if period == DigestLog.Period.WEEKLY:
        return today - datetime.timedelta(days=today.weekday())
    return today


def digest_contents(
    *, users: list, since: datetime.datetime
) -> dict[int, DigestContent]:
    """Build the digests of a batch of members in a fixed number of queries.

    A notification goes in when its kind is set to "digest", or set to "e-mail"
    but the e-mail was never sent; "site only" and "off" stay out.
    """
    from community.services import notification_text

    ids = [user.pk for user in users]
    deliveries = preferences().deliveries(ids)
    contents = {user.pk: DigestContent() for user in users}
    unread = (
        Notification.objects.filter(
            recipient__in=ids, read_at__isnull=True, digested_at__isnull=True
        )
        # The actor's name comes from the profile (allauth's user_display).
        .select_related("actor__profile")
        .order_by("recipient_id", "-updated_at")
    )
    for notification in unread:
        preference = notification.kind_info.preference
        # A mandatory notice is always e-mailed: here only if that failed.
        delivery = (
            deliveries.get((notification.recipient_id, preference))
            if preference
            else "email"
        )
        wanted = delivery == "digest" or (
            delivery == "email" and notification.emailed_at is None
        )
        content = contents[notification.recipient_id]
        if wanted and len(content.notifications) < NOTIFICATIONS_PER_DIGEST:
            content.notifications.append(
                (notification, notification_text(notification))
            )
    for section in digest_sections():
        found = section.items(users, since)
        for user_id, items in found.items():
            if items and user_id in contents:
                contents[user_id].sections.append((section, items))
    return contents


def _render(*, user, language: str, content: DigestContent, period: str) -> dict:
    from allauth.account.utils import user_display

    from community.services import unsubscribe_url

    base = settings.SITE_URL.rstrip("/")
    with translation.override(language):
        context = {
            "recipient_name": user_display(user),
            "notifications": [
                (text, base + notification.url)
                for notification, text in content.notifications
            ],
            "sections": [
                (section.title, [(item, base + item.url) for item in items])
                for section, items in content.sections
            ],
            "period": period,
            "unsubscribe_url": unsubscribe_url(user=user, preference="digest"),
            "site_url": base,
        }
        return {
            "subject": render_email_subject(
                "community/email/digest_subject.txt", context
            ),
            "body": render_email_text("community/email/digest.txt", context),
            "html": render_to_string("community/email/digest.html", context),
            "unsubscribe": context["unsubscribe_url"],
        }


def digest_send(
    *,
    user,
    language: str,
    period: str,
    period_start: datetime.date,
    force: bool = False,
    content: DigestContent | None = None,
) -> DigestLog | None:
    """Send the member's digest for the period, at most once.

    Returns None when another run has it already (or it was sent, unless
    ``force``: the admin's "send again"). A row still pending from a run that
    died (claimed longer ago than any task may run) is taken over. No e-mail
    when there is nothing new (the log says "empty"). SMTP errors propagate
    after the log is marked failed, so that a retry of the task can send it.
    """
    from community.services import email_send

    claimed_at = timezone.now()
    try:
        with transaction.atomic():
            log = DigestLog.objects.create(
                recipient=user,
                period=period,
                period_start=period_start,
                claimed_at=claimed_at,
            )
    except IntegrityError:
        log = DigestLog.objects.get(
            recipient=user, period=period, period_start=period_start
        )
        if force and log.status == DigestLog.Status.SENT and log.body:
            return _send_again(log)
        claimed_at = _digest_claim(log, force=force)
        if claimed_at is None:
            return None
    since = timezone.now() - datetime.timedelta(days=PERIOD_DAYS[period])
    if content is None:
        content = digest_contents(users=[user], since=since)[user.pk]
    if content.is_empty:
        DigestLog.objects.filter(pk=log.pk).update(status=DigestLog.Status.EMPTY)
        log.status = DigestLog.Status.EMPTY
        return log
    message = _render(user=user, language=language, content=content, period=period)
    if claim_expired(claimed_at):
        return None  # this run took too long: the row is another run's to take
    try:
        email_send(
            subject=message["subject"],
            body=message["body"],
            html=message["html"],
            to=[user.email],
            headers={
                "List-Unsubscribe": f"<{message['unsubscribe']}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
    except Exception:
        DigestLog.objects.filter(pk=log.pk).update(status=DigestLog.Status.FAILED)
        raise
    now = timezone.now()
    Notification.objects.filter(
        pk__in=[notification.pk for notification, _text in content.notifications]
    ).update(digested_at=now)
    DigestLog.objects.filter(pk=log.pk).update(
        status=DigestLog.Status.SENT,
        sent_at=now,
        notification_count=len(content.notifications),
        subject=message["subject"][:200],
        body=message["body"],
        html=message["html"],
    )
    log.refresh_from_db()
    return log


def _digest_claim(log: DigestLog, *, force: bool) -> datetime.datetime | None:
    """Take an existing row: failed (or, forced, empty) ones at once, pending
    ones only once their claim is stale. Returns the claim's time, or None."""
    now = timezone.now()
    claimable = [DigestLog.Status.FAILED]
    if force:
        claimable.append(DigestLog.Status.EMPTY)
    # Only one run may move the row out of a final state.
    taken = DigestLog.objects.filter(pk=log.pk, status__in=claimable).update(
        status=DigestLog.Status.PENDING, claimed_at=now
    )
    if taken:
        return now
    return claim_take(
        DigestLog,
        pk=log.pk,
        field="claimed_at",
        ready=Q(status=DigestLog.Status.PENDING),
        now=now,
    )


def _send_again(log: DigestLog) -> DigestLog:
    """The admin's "send again": the same letter, to the member's address now."""
    from community.services import email_send, unsubscribe_url

    link = unsubscribe_url(user=log.recipient, preference="digest")
    email_send(
        subject=log.subject,
        body=log.body,
        html=log.html,
        to=[log.recipient.email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    DigestLog.objects.filter(pk=log.pk).update(sent_at=timezone.now())
    log.refresh_from_db()
    return log


def digest_recipients_due(
    *, now: datetime.datetime, hour: int = DIGEST_HOUR
) -> Iterable[tuple[object, str, str, datetime.date]]:
    """(user, language, period, period start) for each member due a digest now."""
    zones = time_zones_at_hour(now, hour)
    if not zones:
        return
    for period in (DigestLog.Period.DAILY, DigestLog.Period.WEEKLY):
        for user, time_zone, language in preferences().digest_recipients(period, zones):
            start = period_start_for(period=period, now=now, time_zone=time_zone)
            local_today = now.astimezone(zoneinfo.ZoneInfo(time_zone)).date()
            if period == DigestLog.Period.WEEKLY and start != local_today:
                continue  # Weekly digests go on Monday morning.
            if is_away(user, now):
                continue
            yield user, language, period, start


def digests_send_due(*, now: datetime.datetime | None = None) -> int:
    """Enqueue a digest task for each member due one now, and again for each
    digest a dead worker left pending (``digests_stale``); returns how many."""
    from community.tasks import digest_send_task

    now = now or timezone.now()
    count = 0
    for user, _language, period, start in digest_recipients_due(now=now):
        digest_send_task.delay(user.pk, period, start.isoformat())
        count += 1
    for user_id, period, start in digests_stale(now=now):
        digest_send_task.delay(user_id, period, start.isoformat())
        count += 1
    return count


def digests_stale(
    *, now: datetime.datetime | None = None
) -> list[tuple[int, str, datetime.date]]:
    """(member id, period, period start) of digests whose sending run died:
    pending, claimed before the cutoff, within the sweep's horizon."""
    now = now or timezone.now()
    return list(
        DigestLog.objects.filter(
            status=DigestLog.Status.PENDING,
            claimed_at__lt=claim_cutoff(now),
            claimed_at__gte=now - SWEEP_HORIZON,
        )
        .order_by()
        .values_list("recipient_id", "period", "period_start")
    )


def digest_send_for_user_id(*, user_id: int, period: str, period_start: str) -> None:
    """The task's body: load the member again (IDs travel, not objects).

    A member who left or switched digests off meanwhile gets nothing.
    """
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return
    digest_send(
        user=user,
        language=preferences().language(user),
        period=period,
        period_start=datetime.date.fromisoformat(period_start),
    )
