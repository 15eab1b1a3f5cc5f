"""Materials' background work: thin, one service call each."""

import datetime

from celery import shared_task

from materials import services


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
