"""Master-classes' background work: thin, one service call each."""

from celery import shared_task

from masterclasses import services


@shared_task
def reminders_task() -> tuple[int, int]:
    """Every few minutes, by beat: reminders a day and an hour before."""
    return services.reminders_run()


@shared_task
def finish_due_task() -> int:
    """Hourly, by beat: close ended master-classes and issue certificates."""
    return services.masterclasses_finish_due()
