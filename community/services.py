"""Site-wide writes: heartbeats, images attached to Markdown, outgoing mail."""

import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from community.images import image_clean
from community.models import Heartbeat


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
