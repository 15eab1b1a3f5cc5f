"""The member's devices that receive notifications (web push)."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.user_agents import user_agent_label
from community.push import (
    push_available,
    push_device_add,
    push_device_remove,
    push_devices_of,
)

# A browser's subscription is an address and two short keys: a few hundred
# bytes. Anything much larger is not one.
BODY_MAX = 4 * 1024


@login_required
@require_safe
def settings_devices(request: HttpRequest) -> HttpResponse:
    # At most PUSH_MAX_DEVICES by the service: one short list, no pages.
    return render(
        request,
        "accounts/device_list.html",
        {
            "devices": push_devices_of(request.user),
            "push_on": push_available(),
            "vapid_public_key": settings.PUSH_VAPID_PUBLIC_KEY,
            "quiet_start": f"{settings.PUSH_QUIET_START:02d}:00",
            "quiet_end": f"{settings.PUSH_QUIET_END:02d}:00",
            "zone_name": timezone.get_current_timezone_name(),
            "settings_tab": "devices",
        },
    )


def _refusal(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _subscription(request: HttpRequest) -> tuple[str, str, str]:
    """The endpoint and keys of the browser's subscription (its toJSON()).

    Raises ValueError with the member's message when the body is not one.
    """
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = 0
    if length > BODY_MAX or len(request.body) > BODY_MAX:
        raise ValueError(_("This browser sent too much to be a subscription."))
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ValueError(_("This browser's answer could not be read.")) from None
    incomplete = ValueError(_("This browser gave an incomplete subscription."))
    keys = data.get("keys") if isinstance(data, dict) else None
    if not isinstance(keys, dict):
        raise incomplete
    fields = (data.get("endpoint"), keys.get("p256dh"), keys.get("auth"))
    if not all(isinstance(field, str) and field.strip() for field in fields):
        raise incomplete
    return fields


@login_required
@require_POST
def device_add(request: HttpRequest) -> JsonResponse:
    """The script's POST of a new subscription (static/js/push.js): JSON in,
    201 with the device's id out; the same browser again keeps its one row."""
    if not push_available():
        return _refusal(
            _("Notifications on devices are switched off on this site."), status=403
        )
    try:
        endpoint, p256dh, auth = _subscription(request)
    except ValueError as error:
        return _refusal(str(error))
    try:
        device = push_device_add(
            user=request.user,
            endpoint=endpoint,
            p256dh=p256dh,
            auth=auth,
            label=user_agent_label(request.headers.get("User-Agent", "")),
        )
    except ValidationError as error:
        return _refusal(" ".join(error.messages))
    # The script reloads the page, which shows this and the device in the list.
    messages.success(request, _("Notifications are on for this device."))
    return JsonResponse({"id": device.pk}, status=201)


@login_required
@require_POST
def device_remove(request: HttpRequest, pk: int) -> HttpResponse:
    if not push_device_remove(user=request.user, device_id=pk):
        raise Http404
    messages.success(request, _("The device no longer receives notifications."))
    return redirect("accounts:settings_devices")
