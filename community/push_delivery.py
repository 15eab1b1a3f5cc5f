"""Sending web pushes (``community.push``): the payload, the send, the sweep.

``notify`` marks each row owed a push (``Notification.push_due_at``) and,
after commit, has the task send those due now; the sweep sends those held
through quiet hours or whose task was lost. A row is claimed before it is
pushed (``community.claims``), so two runs never push it twice, and a run
killed meanwhile leaves it to the sweep once its claim is stale.

What a push service answers decides the device's fate: 201 resets its
failures, 404/410 (the subscription is gone) deletes it, anything else
counts a failure, and the task tries that device again with growing pauses;
``PUSH_MAX_FAILURES`` in a row switch it off (the member sees it on her
devices page). A notification reaches each device of its member once.
"""

import datetime
import json
import logging
import time
from collections.abc import Iterable
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from community.claims import (
    SWEEP_HORIZON,
    claim_cutoff,
    claim_expired,
    claim_take_many,
    rows_update,
)
from community.embed_fetch import FetchError, safe_post
from community.lookups import Ids
from community.models import Notification, PushDevice
from community.notifications import preferences
from community.privacy import private_content_type_ids
from community.push import PUSH_BATCH, push_available
from community.services import notification_text

logger = logging.getLogger(__name__)

# One push, the whole exchange with the push service: a slow one holds a worker.
PUSH_TIMEOUT = 10.0
# What is read of a push service's answer (only its status matters).
ANSWER_MAX_BYTES = 4 * 1024
CONTENT_ENCODING = "aes128gcm"
# A VAPID signature's life (the services take at most a day).
VAPID_LIFETIME = 12 * 60 * 60
# The line of a push about a private item whose kind says none.
PRIVATE_LINE = ngettext_lazy("New notification", "%(count)s new notifications", "count")

SENT, GONE, FAILED, SKIPPED = "sent", "gone", "failed", "skipped"


class PushResult(NamedTuple):
    # Rows pushed (to every device of their member that took it).
    sent: int
    # {device id: notification ids} to try again: the device failed.
    retries: dict[int, list[int]]


def _owed(now: datetime.datetime) -> Q:
    return Q(pushed_at__isnull=True, push_due_at__lte=now, read_at__isnull=True)


def push_payload(notification: Notification) -> bytes:
    """What one push carries: JSON with the title, the notification's line in
    its member's language, the site path it opens and the tag that groups it
    (a newer push of the group replaces the older on the device).

    A private item's words never go to a push service or a lock screen: a
    notification about one (a message in a conversation) says only its
    kind's generic line. At most ``PUSH_MAX_BYTES``: a long line is cut.
    """
    kind = notification.kind_info
    private = notification.target_type_id in private_content_type_ids()
    with translation.override(preferences().language(notification.recipient)):
        if private:
            # (A lazy plural is falsy until given its count.)
            line = PRIVATE_LINE if kind.push_line is None else kind.push_line
            body = str(line % {"count": notification.count})
        else:
            body = notification_text(notification)
        data = {
            "title": str(_("Kollegi")),
            "body": body,
            "url": notification.url,
            "tag": notification.group_key or notification.kind,
        }
    encoded = json.dumps(data, ensure_ascii=False).encode()
    body = data["body"]
    while len(encoded) > settings.PUSH_MAX_BYTES and body:
        # Cut by the bytes that are over (and the mark's), on a letter's edge.
        over = len(encoded) - settings.PUSH_MAX_BYTES + len("…".encode())
        raw = body.encode()
        body = raw[: max(len(raw) - over, 0)].decode(errors="ignore").rstrip()
        data["body"] = f"{body}…" if body else ""
        encoded = json.dumps(data, ensure_ascii=False).encode()
    return encoded


def _urgency(notification: Notification) -> str:
    """The push service's priority: time-bound news wakes a phone at once."""
    kind = notification.kind_info
    return "high" if kind.urgent or kind.mandatory or kind.at_night else "normal"


class _Sender:
    """One run's pushes: the VAPID key read once.

    The address is the one a member's browser gave, so it goes through the
    same guard as a link's preview (``community.embed_fetch.safe_post``):
    https on 443, every address of the host checked when sending (a name
    that points inside our network is refused, however it was accepted),
    no redirect followed, one deadline for the whole exchange, the answer
    read no further than a few kilobytes. pywebpush encrypts, py-vapid signs.
    """

    def __init__(self) -> None:
        from py_vapid import Vapid

        self.vapid = Vapid.from_string(private_key=settings.PUSH_VAPID_PRIVATE_KEY)

    def send(self, device: PushDevice, data: bytes, urgency: str) -> str:
        """SENT, GONE (the service forgot the subscription) or FAILED."""
        from pywebpush import WebPusher, WebPushException

        try:
            body = WebPusher(
                {
                    "endpoint": device.endpoint,
                    "keys": {"p256dh": device.p256dh, "auth": device.auth},
                }
            ).encode(data, CONTENT_ENCODING)["body"]
            parts = urlsplit(device.endpoint)
            headers = self.vapid.sign(
                {
                    "sub": settings.PUSH_CONTACT,
                    "aud": f"{parts.scheme}://{parts.netloc}",
                    "exp": int(time.time()) + VAPID_LIFETIME,
                }
            )
        except (WebPushException, ValueError, TypeError) as error:
            # Keys the browser gave wrong.
            logger.warning("push to device %s failed: %r", device.pk, error)
            return FAILED
        headers.update(
            {
                "Content-Encoding": CONTENT_ENCODING,
                "TTL": str(settings.PUSH_TTL),
                "Urgency": urgency,
            }
        )
        try:
            answer = safe_post(
                device.endpoint,
                body=body,
                headers=headers,
                timeout=PUSH_TIMEOUT,
                max_bytes=ANSWER_MAX_BYTES,
            )
        except FetchError as error:
            # Refused by the guard (an address inside our network, a
            # redirect), unreachable, or too slow: all a failure alike.
            logger.warning("push to device %s failed: %s", device.pk, error.code)
            return FAILED
        if 200 <= answer.status < 300:
            return SENT
        if answer.status in (404, 410):
            return GONE
        logger.warning("push to device %s failed: %s", device.pk, answer.status)
        return FAILED


def _devices_note(outcomes: dict[int, str]) -> None:
    """What the services answered, per device, in at most four queries."""
    now = timezone.now()
    by = {
        outcome: [pk for pk, got in outcomes.items() if got == outcome]
        for outcome in (SENT, GONE, FAILED)
    }
    if by[SENT]:
        PushDevice.objects.filter(pk__any_of=Ids(by[SENT])).update(
            last_success_at=now, failures=0
        )
    if by[GONE]:
        PushDevice.objects.filter(pk__any_of=Ids(by[GONE])).delete()
    if by[FAILED]:
        failed = PushDevice.objects.filter(pk__any_of=Ids(by[FAILED]))
        failed.update(failures=F("failures") + 1)
        failed.filter(
            failures__gte=settings.PUSH_MAX_FAILURES, disabled_at__isnull=True
        ).update(disabled_at=now)


def push_send(*, notification_ids: Iterable[int]) -> PushResult:
    """Push the notifications due among ``notification_ids`` to their members'
    devices switched on; harmless twice.

    The rows are claimed first in one statement: a second run while the
    first may be alive pushes none of them; rows read, pushed, not yet due
    or gone are left out. Each device is tried once per run (one that failed
    is not tried again for the rest of the batch); what failed is returned
    for the task to try again later — or, without a worker, a row no device
    took is due again after a pause, for the sweep. A few queries for the batch: claim,
    rows with their members' profiles, devices, the devices' outcomes, mark.
    """
    if not push_available():
        return PushResult(0, {})
    claimed_at, pks = claim_take_many(
        Notification,
        pks=sorted(set(notification_ids))[:PUSH_BATCH],
        field="push_claimed_at",
        ready=_owed(timezone.now()),
    )
    if not pks:
        return PushResult(0, {})
    notifications = list(
        Notification.objects.select_related("recipient__profile", "actor__profile")
        .filter(pk__any_of=Ids(pks))
        .order_by("pk")
    )
    devices: dict[int, list[PushDevice]] = {}
    for device in PushDevice.objects.filter(
        user_id__any_of=Ids({row.recipient_id for row in notifications}),
        user__is_active=True,
        disabled_at__isnull=True,
    ).order_by("pk"):
        devices.setdefault(device.user_id, []).append(device)
    outcomes: dict[int, str] = {}
    retries: dict[int, list[int]] = {}
    done: list[int] = []
    # {pause in seconds: rows the sweep pushes again after it}
    later: dict[int, list[int]] = {}
    by_sweep = _retried_by_sweep()
    sender = _Sender()
    try:
        for notification in notifications:
            if claim_expired(claimed_at):
                break  # this run took too long: the rest is another run's
            mine = devices.get(notification.recipient_id, [])
            if mine:
                data, urgency = push_payload(notification), _urgency(notification)
            for device in mine:
                # A device that failed in this run waits for the retry with
                # the rest of its batch; one that is gone gets nothing more.
                if outcomes.get(device.pk) not in (GONE, FAILED):
                    outcomes[device.pk] = sender.send(device, data, urgency)
                if outcomes[device.pk] == FAILED:
                    retries.setdefault(device.pk, []).append(notification.pk)
            got = {outcomes[device.pk] for device in mine}
            if by_sweep and FAILED in got and SENT not in got:
                # No device took it: the sweep pushes it again after a pause
                # that grows with the device's failures in a row.
                attempt = 1 + min(
                    device.failures for device in mine if outcomes[device.pk] == FAILED
                )
                later.setdefault(push_backoff(attempt), []).append(notification.pk)
                continue
            done.append(notification.pk)
    finally:
        _devices_note(outcomes)
        # Each mark locks its rows newest first (``rows_update``), the order
        # a fan-out adding to them takes: never a deadlock with one.
        mine = Q(push_claimed_at=claimed_at)
        rows_update(Notification, pks=done, where=mine, pushed_at=timezone.now())
        for pause, again in later.items():
            rows_update(
                Notification,
                pks=again,
                where=mine,
                push_due_at=timezone.now() + datetime.timedelta(seconds=pause),
                push_claimed_at=None,
            )
        held = {pk for again in later.values() for pk in again}
        left = [pk for pk in pks if pk not in set(done) and pk not in held]
        rows_update(Notification, pks=left, where=mine, push_claimed_at=None)
    return PushResult(len(done), {} if by_sweep else retries)


def _retried_by_sweep() -> bool:
    """Whether a push no device took is left to the sweep to try again,
    rather than returned for the task's retries: where tasks run at once in
    this process (no worker), a retry's pause would be ignored and the tries
    would follow one another at once. Only the sweep pushes there
    (``PUSH_SEND_AFTER_COMMIT`` off), in the background, each minute."""
    return settings.CELERY_TASK_ALWAYS_EAGER and not settings.PUSH_SEND_AFTER_COMMIT


def push_retry(*, device_id: int, notification_ids: list[int]) -> list[int]:
    """Push again to one device the notifications it failed to take, oldest
    first; returns those still owed to it (the task tries them later).

    Nothing is owed when the device is gone or switched off, or took a push
    since it failed (its failures are reset: it works again, so a second run
    of this after a success pushes nothing twice), nor for a notification
    read, gone, or now another member's (the browser was subscribed again).
    A failure stops the run and is counted, as ``push_send`` counts it.
    """
    if not push_available():
        return []
    device = PushDevice.objects.filter(
        pk=device_id,
        disabled_at__isnull=True,
        failures__gt=0,
        user__is_active=True,
    ).first()
    if device is None:
        return []
    notifications = list(
        Notification.objects.select_related("recipient__profile", "actor__profile")
        .filter(
            pk__any_of=Ids(notification_ids),
            recipient_id=device.user_id,
            read_at__isnull=True,
        )
        .order_by("pk")
    )
    if not notifications:
        return []
    got, owed = SKIPPED, [row.pk for row in notifications]
    sender = _Sender()
    for notification in notifications:
        got = sender.send(device, push_payload(notification), _urgency(notification))
        if got != SENT:
            break
        owed.remove(notification.pk)
    if got != SKIPPED:
        _devices_note({device.pk: got})
    return owed if got == FAILED else []


def push_backoff(attempt: int) -> int:
    """Seconds before the ``attempt``-th try again of a failed device: one
    minute, doubling, at most an hour."""
    return min(60 * 2 ** max(attempt - 1, 0), 60 * 60)


def push_sweep(*, now: datetime.datetime | None = None) -> list[int]:
    """The notifications owed a push now that no live run holds: held through
    quiet hours until now, or whose task was lost (within the sweep's
    horizon). A task still queued for one meanwhile is harmless: the claim
    lets one of the two push it. The caller enqueues them in batches."""
    if not push_available():
        return []
    now = now or timezone.now()
    return list(
        Notification.objects.filter(
            _owed(now),
            Q(push_claimed_at__isnull=True) | Q(push_claimed_at__lt=claim_cutoff(now)),
            push_due_at__gte=now - SWEEP_HORIZON,
            recipient__is_active=True,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
