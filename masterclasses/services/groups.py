"""A community's meetings follow who may read the community."""

from django.db import transaction
from django.utils import timezone

from community.audience import Audience
from masterclasses.changes import masterclasses_audience_changed
from masterclasses.models import MasterClass
from masterclasses.services._common import _audience_check


@transaction.atomic
def group_audience_set(*, group_id: int, audience: str) -> int:
    """Give the meetings of community ``group_id`` the community's new
    ``audience`` (``community.audience.Audience``); those for its members
    only (``group_only``) stay with its members. Their search entries, feed
    entries and visitors' pages follow. Returns how many meetings changed;
    setting the same audience again changes nothing.

    Raises ValidationError for an unknown audience.
    """
    _audience_check(audience, group_id)
    meetings = MasterClass.objects.filter(group_id=group_id)
    moved_pks = list(
        meetings.filter(group_only=False)
        .exclude(audience=audience)
        .values_list("pk", flat=True)
    ) + list(
        meetings.filter(group_only=True)
        .exclude(audience=Audience.GROUP)
        .values_list("pk", flat=True)
    )
    if not moved_pks:
        return 0
    now = timezone.now()
    meetings.filter(pk__in=moved_pks, group_only=False).update(
        audience=audience, updated_at=now
    )
    meetings.filter(pk__in=moved_pks, group_only=True).update(
        audience=Audience.GROUP, updated_at=now
    )
    masterclasses_audience_changed(
        MasterClass.objects.filter(pk__in=moved_pks)
        .select_related("host", "subject")
        .prefetch_related("tags", "grades")
        .order_by("pk")
    )
    return len(moved_pks)
