"""Contests' and projects' background work: thin, one service call each,
safe twice."""

from celery import shared_task
from django.db import DatabaseError


@shared_task
def deadlines_task() -> tuple[int, int, int]:
    """Beat, every 15 minutes: authors of unfinished entries before entries
    close, judges before judging ends, teams before a stage's deadline —
    each reminded once."""
    from contests.services import entries, judging, projects

    return (
        entries.entry_deadlines_run(),
        judging.judging_reminders_run(),
        projects.stage_reminders_run(),
    )


@shared_task(
    # A deadlock or a lost connection rolls the batch back: retried (a
    # diploma is issued once: the unique entry and holder).
    autoretry_for=(DatabaseError,),
    retry_backoff=5,
    max_retries=5,
    acks_late=True,
    ignore_result=True,
)
def diplomas_issue_task(contest_id: int) -> int:
    """After the results are frozen: every diploma of the contest issued,
    each once; its holders told."""
    from contests.services import results

    return results.diplomas_issue(contest_id=contest_id)
