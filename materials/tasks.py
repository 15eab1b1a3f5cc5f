"""Materials' background work: thin, one service call each."""

from celery import shared_task

from materials import services


@shared_task
def review_deadlines_task() -> tuple[int, int]:
    """Hourly, by beat: reminders before review deadlines, releases after them."""
    return services.review_deadlines_run()
