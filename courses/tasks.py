"""Courses' background work: thin, one service call each, safe twice."""

from celery import shared_task
from django.db import DatabaseError


@shared_task(
    # A deadlock or a lost connection rolls the units back: retried (marking
    # them is safe twice).
    autoretry_for=(DatabaseError,),
    retry_backoff=5,
    max_retries=5,
    acks_late=True,
    ignore_result=True,
)
def progress_evidence_task(kind: str, pairs: list[list[int]]) -> int:
    """After another app's commit: the course units that (member id, object
    id) ``pairs`` of evidence ``kind`` complete, marked done."""
    from courses.services import learning

    return learning.progress_from_evidence(kind=kind, pairs=pairs)


@shared_task
def deadlines_task() -> tuple[int, int]:
    """Beat, every 15 minutes: deadline reminders and units opened, each
    once per learner."""
    from courses.services import learning

    return learning.deadlines_run()


@shared_task
def review_deadlines_task() -> tuple[int, int]:
    """Beat, hourly: expert reviews of courses reminded before their deadline
    and released after it."""
    from courses.services import review

    return review.review_deadlines_run()
