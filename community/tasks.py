"""Celery tasks of the community layer: thin wrappers around services."""

import smtplib

from celery import shared_task

from community import digests, services

# A letter's task: retried with backoff while SMTP fails (about four hours in
# all), acknowledged only once it has run.
MAIL_RETRIES = {
    "autoretry_for": (smtplib.SMTPException, OSError),
    "retry_backoff": 30,
    "retry_backoff_max": 30 * 60,
    "retry_jitter": True,
    "max_retries": 8,
    "acks_late": True,
}


@shared_task(**MAIL_RETRIES)
def email_send_task(
    *,
    subject: str,
    body: str,
    to: list[str],
    from_email: str = "",
    html: str = "",
    headers: dict[str, str] | None = None,
) -> None:
    """Send a rendered e-mail; retried with backoff while SMTP is failing."""
    services.email_send(
        subject=subject,
        body=body,
        to=to,
        from_email=from_email,
        html=html,
        headers=headers,
    )


@shared_task(ignore_result=True)
def heartbeat_record_task(name: str = "worker") -> None:
    """Run by beat every minute: proves a worker consumes the queue."""
    services.heartbeat_record(name=name)


@shared_task(ignore_result=True)
def outbox_send_task() -> int:
    """Run by beat every minute: tasks the broker refused earlier are sent."""
    from community import outbox

    return outbox.outbox_send()


@shared_task(**MAIL_RETRIES)
def notification_email_task(notification_id: int) -> None:
    """E-mail one notification; retried while SMTP fails, harmless twice."""
    services.notification_email_send(notification_id=notification_id)


@shared_task(**MAIL_RETRIES)
def notification_emails_task(notification_ids: list[int]) -> None:
    """E-mail a batch of notifications (a fan-out's, the sweep's) over one
    SMTP session; retried while SMTP fails (what was sent is not sent again)."""
    services.notification_emails_send(notification_ids=notification_ids)


@shared_task(ignore_result=True)
def notification_emails_sweep_task() -> int:
    """By beat: e-mails owed whose task was lost or whose worker died."""
    return services.notification_emails_sweep()


@shared_task(ignore_result=True)
def digests_send_due_task() -> None:
    """Run by beat every hour: enqueue the digests of members in their morning
    (and again those a dead worker left pending)."""
    digests.digests_send_due()


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=60,
    retry_backoff_max=60 * 60,
    retry_jitter=True,
    max_retries=6,
    acks_late=True,
)
def digest_send_task(user_id: int, period: str, period_start: str) -> None:
    """Send one member's digest for one period; a second run sends nothing."""
    digests.digest_send_for_user_id(
        user_id=user_id, period=period, period_start=period_start
    )


@shared_task
def badges_evaluate_task(user_ids: list[int], measures: list[str] | None = None) -> int:
    """After an action that may earn a badge: evaluate those members (on the
    ``measures`` the action changed; all without)."""
    from community import recognition

    return len(
        recognition.badges_evaluate_checked(user_ids=user_ids, measures=measures)
    )


@shared_task
def traces_purge_task() -> int:
    """Nightly, by beat: addresses and browsers are kept only so long."""
    return services.traces_purge()


@shared_task
def badges_nightly_task() -> int:
    """Nightly, by beat: catch anything the per-action runs missed."""
    from community import recognition

    return recognition.badges_evaluate_everyone()


@shared_task
def contributions_task() -> int:
    """Nightly, by beat: this month's contribution points (and, on the 1st,
    last month's final ones)."""
    import datetime

    from django.utils import timezone

    from community import recognition

    today = timezone.localdate()
    counted = recognition.contributions_compute(month=today)
    if today.day == 1:
        previous = today - datetime.timedelta(days=1)
        counted += recognition.contributions_compute(month=previous)
    return counted


# --- Embedded links (community.embed_previews) --------------------------------


@shared_task(ignore_result=True)
def embed_previews_fetch_task(targets: list[list[str]]) -> int:
    """Titles and pictures of these links (``[key, provider, url]`` each):
    a row for each, those due fetched; harmless twice (claimed, and a row
    fetched is not due). More than a batch is split into tasks of a batch,
    each well within the time limit."""
    from community import embed_previews

    batch = embed_previews.FETCH_BATCH
    if len(targets) > batch:
        for start in range(0, len(targets), batch):
            embed_previews_fetch_task.delay(targets[start : start + batch])
        return 0
    return embed_previews.embed_previews_fetch(
        embed_previews.embed_targets_read(targets)
    )


@shared_task(ignore_result=True)
def embed_previews_refresh_task() -> int:
    """Daily, by beat: links fetched (or failed) more than EMBED_REFRESH_DAYS
    ago, and those whose fetch was lost, enqueued again in batches."""
    from community import embed_previews

    return embed_previews.embed_previews_refresh()


# --- Web push (community.push_delivery) ---------------------------------------


@shared_task(ignore_result=True, acks_late=True)
def push_send_task(notification_ids: list[int]) -> int:
    """Push a batch of notifications due (``notify``'s, the sweep's); harmless
    twice. A device that failed is tried again later, with growing pauses."""
    from community import push_delivery

    result = push_delivery.push_send(notification_ids=notification_ids)
    for device_id, owed in result.retries.items():
        push_retry_task.apply_async(
            (device_id, owed, 1), countdown=push_delivery.push_backoff(1)
        )
    return result.sent


@shared_task(ignore_result=True, acks_late=True)
def push_retry_task(device_id: int, notification_ids: list[int], attempt: int) -> None:
    """Try a failed device again; while it keeps failing, again after a longer
    pause, until its failures in a row switch it off."""
    from django.conf import settings

    from community import push_delivery

    owed = push_delivery.push_retry(
        device_id=device_id, notification_ids=notification_ids
    )
    if owed and attempt < settings.PUSH_MAX_FAILURES:
        push_retry_task.apply_async(
            (device_id, owed, attempt + 1),
            countdown=push_delivery.push_backoff(attempt + 1),
        )


@shared_task(ignore_result=True)
def push_sweep_task() -> int:
    """By beat: pushes held through quiet hours until now, or whose task was
    lost, enqueued in batches."""
    from community import push_delivery

    owed = push_delivery.push_sweep()
    for start in range(0, len(owed), push_delivery.PUSH_BATCH):
        push_send_task.delay(owed[start : start + push_delivery.PUSH_BATCH])
    return len(owed)
