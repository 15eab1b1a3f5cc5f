"""Materials' background work: thin, one service call each."""

import datetime
import logging

from celery import shared_task

from materials import services

logger = logging.getLogger(__name__)


@shared_task
def review_deadlines_task() -> tuple[int, int]:
    """Hourly, by beat: reminders before review deadlines, releases after them."""
    return services.review_deadlines_run()


@shared_task(ignore_result=True)
def download_record_task(material_id: int, user_id: int, day: str) -> bool:
    """A member downloaded a material's file on ``day`` (``download_note``)."""
    from django.contrib.auth import get_user_model

    from materials.models import Material

    material = Material.objects.filter(pk=material_id).first()
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if material is None or user is None:
        return False
    return services.download_record(
        material=material, user=user, day=datetime.date.fromisoformat(day)
    )


@shared_task(ignore_result=True)
def material_thumbnail_task(material_id: int) -> bool:
    """The material's files changed: make its thumbnail match (safe twice).

    Never raises: a failure is logged and the material keeps what it had
    (``make_thumbnails`` tries again).
    """
    try:
        return services.material_thumbnail_update(material_id=material_id)
    except Exception:
        logger.exception("thumbnail of material %s failed", material_id)
        return False
