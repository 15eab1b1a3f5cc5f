"""Web push: one more delivery channel of ``notify``, to the member's browsers.

A member turns push on for one device at a time (a browser subscription,
``push_device_add``) and per kind of notification (``NotificationSetting.push``,
the accounts app). ``notify`` finds, in one query, who among the recipients
gets a push and when (``push_due``: never at night unless the kind may wake
her), and after commit the task sends what is due (``push_send``); the sweep
sends what was held through quiet hours or whose task was lost.

A push carries no private item's words (a message's text): only the line the
notification list shows, or a generic line naming the kind. A device the push
service says is gone (404/410) is deleted; one that fails otherwise is tried
again with backoff and switched off after ``PUSH_MAX_FAILURES`` in a row.
"""

import datetime
import re
import zoneinfo
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from community.embed_fetch import host_allowed
from community.models import PushDevice
from community.vocabulary import DEFAULT_TIME_ZONE

# Rows pushed by one task: a fan-out's pushes go in a few tasks.
PUSH_BATCH = 100


def push_available() -> bool:
    """Push is switched on site-wide and both VAPID keys are given."""
    return bool(
        settings.PUSH_ENABLED
        and settings.PUSH_VAPID_PUBLIC_KEY
        and settings.PUSH_VAPID_PRIVATE_KEY
    )


# --- When ---------------------------------------------------------------------


def push_due(
    now: datetime.datetime, zone_name: str, *, at_night: bool
) -> datetime.datetime:
    """When a push of a notification made at ``now`` goes to a member living
    in ``zone_name``: at once, or, within her quiet hours (from
    ``PUSH_QUIET_START`` to ``PUSH_QUIET_END`` o'clock, her time) and for a
    kind that may not wake her, at the hour they end. An unknown zone is
    read as the site's default."""
    if at_night:
        return now
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo(DEFAULT_TIME_ZONE)
    local = now.astimezone(zone)
    start, end = settings.PUSH_QUIET_START, settings.PUSH_QUIET_END
    if start > end:  # across midnight: 21:00–08:00
        quiet = local.hour >= start or local.hour < end
    else:
        quiet = start <= local.hour < end
    if not quiet:
        return now
    day = local.date()
    if local.hour >= end:  # the evening: the morning after
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(end), tzinfo=zone)


# --- Devices -----------------------------------------------------------------

_BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")


def _endpoint_check(endpoint: str) -> None:
    """A push service's address: https on 443 at one of the browsers' push
    services (``PUSH_SERVICE_HOSTS``).

    The browser gives the address, and a forged one must not make the
    site's worker post to its own network: a list of the services is what
    can be judged here (a host written as a number has many spellings, and
    a public name may point anywhere). When a push is sent, every address
    the host resolves to is checked again (``push_delivery``).
    """
    invalid = ValidationError(
        _("This browser gave an address Kollegi cannot send notifications to."),
        code="endpoint",
    )
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        raise invalid from None
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host or parts.username or parts.password:
        raise invalid
    if not endpoint.isprintable() or " " in endpoint:
        raise invalid
    if port is not None and port != 443:
        raise invalid
    if not host_allowed(host, settings.PUSH_SERVICE_HOSTS):
        raise invalid


@transaction.atomic
def push_device_add(
    *, user, endpoint: str, p256dh: str, auth: str, label: str = ""
) -> PushDevice:
    """Have ``user`` receive pushes on the browser subscribed at ``endpoint``.

    Idempotent: the same endpoint again updates its keys and label (and moves
    it to ``user``: a shared browser belongs to whoever subscribed it last)
    and switches it on again. Past ``PUSH_MAX_DEVICES`` the member's least
    recently used device is dropped. Turning push on is a setting, so no
    participation in anything is needed. Raises ValidationError
    (code="endpoint") for an address that is not a known push service's, and
    (code="keys") for missing keys.
    """
    endpoint = endpoint.strip()
    _endpoint_check(endpoint)
    p256dh, auth = p256dh.strip(), auth.strip()
    # A label is the browser's own words: no control character is kept (a
    # NUL is refused by PostgreSQL).
    label = "".join(ch for ch in label if ch.isprintable()).strip()[:100]
    # The keys are base64url, as the browser gives them.
    if not _BASE64URL.fullmatch(p256dh) or not _BASE64URL.fullmatch(auth):
        raise ValidationError(
            _("This browser gave no keys to encrypt notifications with."),
            code="keys",
        )
    device = PushDevice.objects.select_for_update().filter(endpoint=endpoint).first()
    if device is None:
        device = PushDevice(user=user, endpoint=endpoint, p256dh=p256dh, auth=auth)
        device.label = label
        device.full_clean()
        device.save()
    else:
        device.user = user
        device.p256dh, device.auth = p256dh, auth
        device.label = label or device.label
        device.failures, device.disabled_at = 0, None
        device.full_clean()
        device.save(
            update_fields=["user", "p256dh", "auth", "label", "failures", "disabled_at"]
        )
    extra = list(
        PushDevice.objects.filter(user=user)
        .exclude(pk=device.pk)
        .order_by(Coalesce("last_success_at", "created_at").desc(), "-pk")
        .values_list("pk", flat=True)[settings.PUSH_MAX_DEVICES - 1 :]
    )
    if extra:
        PushDevice.objects.filter(pk__in=extra).delete()
    return device


def push_device_remove(*, user, device_id: int) -> bool:
    """Forget one of ``user``'s devices; False when she has none by that id
    (another's or missing alike: the view answers 404)."""
    deleted, _rows = PushDevice.objects.filter(pk=device_id, user=user).delete()
    return bool(deleted)


def push_devices_of(user) -> list[PushDevice]:
    """``user``'s devices, newest first (switched-off ones too: her list says so)."""
    if not user.is_authenticated:
        return []
    return list(PushDevice.objects.filter(user=user).order_by("-created_at", "-pk"))
