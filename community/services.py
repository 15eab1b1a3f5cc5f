"""Site-wide writes: heartbeats, Markdown images, mail, notifications, activity."""

import uuid

from allauth.account.utils import user_display
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from community.generations import generation_bump
from community.images import image_clean
from community.models import (
    ActivityEvent,
    AuditEntry,
    Heartbeat,
    Notification,
    RequestTrace,
)
from community.notifications import notification_kind, preferences
from community.selectors import UNREAD_VERSION_KEY


def heartbeat_record(*, name: str) -> Heartbeat:
    """Mark `name` (a worker, beat) as alive now. Harmless to run twice."""
    heartbeat, _created = Heartbeat.objects.update_or_create(
        name=name, defaults={"seen_at": timezone.now()}
    )
    return heartbeat


def markdown_image_store(*, upload: UploadedFile) -> str:
    """Check and re-encode an image for a Markdown text; return its URL.

    Raises ValidationError (see community.images.image_clean). The file is
    written only once it has passed, under a random name with the extension
    of the detected format, so nothing a browser sent names the stored file.
    """
    clean = image_clean(
        upload,
        max_bytes=settings.MARKDOWNX_UPLOAD_MAX_SIZE,
        max_side=settings.MARKDOWNX_IMAGE_MAX_SIZE["size"][0],
    )
    name = f"{settings.MARKDOWNX_MEDIA_PATH}{uuid.uuid4().hex}.{clean.extension}"
    stored = default_storage.save(name, ContentFile(clean.content))
    return default_storage.url(stored)


def email_send(
    *,
    subject: str,
    body: str,
    to: list[str],
    from_email: str = "",
    html: str = "",
    headers: dict[str, str] | None = None,
) -> None:
    """Send one rendered e-mail now; SMTP errors propagate for the task to retry."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers=headers or {},
    )
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


# --- notifications ------------------------------------------------------------

UNSUBSCRIBE_SALT = "community.unsubscribe"


def _display(user) -> str:
    return user_display(user) if user is not None else ""


def notification_text(notification: Notification) -> str:
    """The notification's line, in the active language."""
    kind = notification.kind_info
    values = {
        "actor": _display(notification.actor),
        "target": notification.target_title,
        "count": notification.count,
    }
    template = kind.many if notification.count > 1 else kind.one
    return str(template) % values


@transaction.atomic
def notify(
    *,
    recipient,
    kind: str,
    url: str,
    actor=None,
    target: Model | None = None,
    target_title: str = "",
    group: bool = True,
) -> Notification | None:
    """Tell ``recipient`` about an event, as their preference for its kind says.

    Nothing happens for oneself, for inactive members, or when the member
    switched the kind off. An unread notification of the same kind about the
    same target absorbs repeats ("3 new comments on …"). With the e-mail
    preference, the e-mail is enqueued after commit. Raises LookupError for an
    unregistered kind.
    """
    info = notification_kind(kind)
    if not recipient.is_active or (actor is not None and actor.pk == recipient.pk):
        return None
    delivery = preferences().delivery(recipient, info.preference)
    if delivery == "off":
        return None
    if delivery == "digest" and info.urgent:
        delivery = "email"
    target_type = ContentType.objects.get_for_model(target) if target else None
    group_key = ""
    if group:
        group_key = f"{kind}:{target_type.pk}:{target.pk}" if target else kind
    now = timezone.now()
    existing = None
    if group_key:
        existing = (
            Notification.objects.select_for_update()
            .filter(recipient=recipient, group_key=group_key, read_at__isnull=True)
            .first()
        )
    if existing is not None:
        existing.count = F("count") + 1
        existing.actor = actor
        existing.updated_at = now
        existing.url = url
        existing.save(update_fields=["count", "actor", "updated_at", "url"])
        existing.refresh_from_db(fields=["count"])
        notification = existing
    else:
        notification = Notification.objects.create(
            recipient=recipient,
            kind=kind,
            actor=actor,
            target_type=target_type,
            target_id=target.pk if target is not None else None,
            target_title=target_title[:200],
            url=url,
            group_key=group_key,
            updated_at=now,
        )
        notification_unread_forget(user_pk=recipient.pk)
    if delivery == "email":
        from community.tasks import notification_email_task

        pk = notification.pk
        transaction.on_commit(lambda: notification_email_task.delay(pk))
    return notification


def notification_unread_forget(*, user_pk: int) -> None:
    """The member's unread count changed: their version moves on (now and
    after commit), so a count made meanwhile from the old rows is not used."""
    generation_bump(UNREAD_VERSION_KEY.format(user_pk))


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        notification_unread_forget(user_pk=notification.recipient_id)


def notification_mark_all_read(*, user) -> int:
    """Mark every unread notification of the member read; returns how many."""
    count = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    notification_unread_forget(user_pk=user.pk)
    return count


def unsubscribe_token(*, user, preference: str) -> str:
    """A signed token that switches one kind of e-mail off without a login."""
    return signing.dumps({"u": user.pk, "p": preference}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(*, user, preference: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "unsubscribe",
        kwargs={"token": unsubscribe_token(user=user, preference=preference)},
    )


def unsubscribe_by_token(*, token: str, user_model) -> tuple[object, str]:
    """Apply an unsubscribe link; returns (member, preference).

    Raises signing.BadSignature for a forged or damaged token and
    user_model.DoesNotExist when the member is gone.
    """
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    user = user_model.objects.get(pk=data["u"], is_active=True)
    preferences().unsubscribe(user, data["p"])
    return user, data["p"]


def notification_email_send(*, notification_id: int) -> bool:
    """E-mail one notification in the member's language; harmless to run twice.

    Returns False when there is nothing to send (already e-mailed, read, or
    gone). SMTP errors propagate so that the task retries; the notification
    stays on the site and, unsent, goes into the next digest.
    """
    notification = (
        Notification.objects.select_related("recipient", "actor")
        .filter(pk=notification_id, emailed_at__isnull=True, read_at__isnull=True)
        .first()
    )
    if notification is None or not notification.recipient.email:
        return False
    recipient = notification.recipient
    preference = notification.kind_info.preference
    link = unsubscribe_url(user=recipient, preference=preference)
    with translation.override(preferences().language(recipient)):
        context = {
            "notification": notification,
            "text": notification_text(notification),
            "url": settings.SITE_URL.rstrip("/") + notification.url,
            "unsubscribe_url": link,
            "recipient_name": _display(recipient),
        }
        subject = render_to_string(
            "community/email/notification_subject.txt", context
        ).strip()
        body = render_to_string("community/email/notification.txt", context)
        html = render_to_string("community/email/notification.html", context)
    email_send(
        subject=subject,
        body=body,
        html=html,
        to=[recipient.email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True


def activity_record(
    *, actor, kind: str, target: Model, title: str, url: str, subjects=()
) -> ActivityEvent:
    """Put a public action in the feeds; recording the same one twice is harmless."""
    event, created = ActivityEvent.objects.get_or_create(
        kind=kind,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        defaults={"actor": actor, "title": title[:200], "url": url},
    )
    if created and subjects:
        event.subjects.set(subjects)
    return event


def activity_remove(*, kind: str, target: Model) -> None:
    """Take an action out of the feeds (the post went back to drafts, or is gone)."""
    ActivityEvent.objects.filter(
        kind=kind,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
    ).delete()


def audit(*, actor, action: str, target: Model, reason: str = "") -> AuditEntry:
    """Put a decision on record (read-only in the admin site)."""
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        target_title=str(target)[:200],
        reason=reason[:500],
    )


def trace_record(*, user, action: str, ip_address: str | None, user_agent: str):
    """Keep where a write came from, for abuse checks (deleted after a while)."""
    return RequestTrace.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        action=action[:40],
        ip_address=ip_address or None,
        user_agent=user_agent[:300],
    )


def traces_purge(*, now=None) -> int:
    """Delete traces older than MODERATION_TRACE_DAYS; returns how many."""
    import datetime

    cutoff = (now or timezone.now()) - datetime.timedelta(
        days=settings.MODERATION_TRACE_DAYS
    )
    deleted, _by_model = RequestTrace.objects.filter(created_at__lt=cutoff).delete()
    return deleted
