"""Members' visits to their communities' pages, without a write on GET.

A member opening their community's page is noted in the cache
(``visit_note``) and the membership marked pending (``community.pending``);
a beat task writes the times to ``Membership.last_visit_at``
(``visits_flush``), from which the "mine" tab of the list counts the topics
with new posts since the member's last visit.
"""

import datetime
import logging

from django.core.cache import cache
from django.db.models import Case, DateTimeField, Q, Value, When
from django.utils import timezone

from circles.models import Membership
from community import pending

logger = logging.getLogger(__name__)

VISITS = "circles.visits"
# A page opened again within this time is not noted again.
VISIT_TOUCH = datetime.timedelta(minutes=2)
# The visit kept in the cache outlives any pause of beat.
VISIT_KEPT = 7 * 24 * 60 * 60


def _visit_key(membership_id: int) -> str:
    return f"circles-visit:{membership_id}"


def visit_note(
    *, membership_id: int, last_visit_at: datetime.datetime | None = None
) -> None:
    """Note that the member of ``membership_id`` looked at the community's
    page now: in the cache, never in the database.

    ``last_visit_at`` is what the row holds (read with the page): a visit
    written less than ``VISIT_TOUCH`` ago is not noted again. A cache that
    is not answering loses the visit (logged), never the page.
    """
    now = timezone.now()
    if last_visit_at is not None and now - last_visit_at < VISIT_TOUCH:
        return
    try:
        cache.set(_visit_key(membership_id), now, VISIT_KEPT)
    except Exception:
        logger.exception("circles visits: the cache is not answering")
        return
    pending.mark(VISITS, membership_id)


def _visits_write(membership_ids: list[int]) -> None:
    kept = cache.get_many([_visit_key(pk) for pk in membership_ids])
    seen = {pk: kept[_visit_key(pk)] for pk in membership_ids if _visit_key(pk) in kept}
    if not seen:
        return
    at = Case(
        *(When(pk=pk, then=Value(moment)) for pk, moment in seen.items()),
        output_field=DateTimeField(),
    )
    # One UPDATE for the batch; never back in time, and a row already
    # holding its visit is left alone.
    Membership.objects.filter(pk__in=seen).filter(
        Q(last_visit_at__isnull=True) | Q(last_visit_at__lt=at)
    ).update(last_visit_at=at)


def visits_flush() -> int:
    """Write the visits kept in the cache to the memberships' rows.

    Safe twice: a row already holding a visit's time is not written again;
    a visit noted while this runs is written by the next run. Returns how
    many memberships were looked at.
    """
    return pending.flush(VISITS, _visits_write)
