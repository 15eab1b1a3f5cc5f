"""Celery tasks of communities: thin wrappers around services."""

from celery import shared_task

from circles.services import lifecycle, visits


@shared_task(ignore_result=True)
def communities_tend_task() -> dict[str, int]:
    """Nightly, by beat: communities gone quiet, silent long enough to be
    archived, or left by their owner (``services.lifecycle``). Safe twice."""
    return lifecycle.communities_tend()


@shared_task(ignore_result=True)
def community_visits_flush_task() -> int:
    """Every 2 minutes, by beat: members' visits to their communities' pages
    from the cache to their memberships (``services.visits``). Safe twice."""
    return visits.visits_flush()
