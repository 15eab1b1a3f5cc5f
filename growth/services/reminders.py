"""Reminders, each claimed once (``growth.tasks.reminders_task``, daily):
a plan item due soon, and professional development due (a course of at
least ``GROWTH_DEVELOPMENT_MIN_HOURS`` academic hours every three years,
counted from the last one completed) or overdue (none in three years, or
none found at all).

Each is claimed and told in one transaction: an item's ``reminded_at`` taken
by a conditional UPDATE under the items' row locks, a member's ``Reminder``
row inserted under its unique key. A second worker at once waits for the
first and finds nothing left to claim; a worker that dies before commit
leaves nothing claimed, so the next run tells it.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import formats, timezone

from growth import changes
from growth.models import (
    PLAN_YEARS,
    Evidence,
    OwnEvidence,
    Plan,
    PlanItem,
    Reminder,
)
from growth.services._common import _add_months, _add_years

# Items told in one transaction.
BATCH = 200
# The computed evidence of a course completed (``community.attainments``).
COURSE_SOURCE = "course_certificate"
# The three-year rule counts a «курс повышения квалификации»: at least so
# many academic hours (``settings.GROWTH_DEVELOPMENT_MIN_HOURS``, as
# ``courses.models.QUALIFICATION_MIN_HOURS``); a shorter seminar does not.
DEVELOPMENT_MIN_HOURS = 16
# The key of "overdue" reminders, the last course's date (or "none") after it.
OVERDUE = "pd:overdue:"


def _item_due_days() -> int:
    return getattr(settings, "GROWTH_ITEM_DUE_DAYS", 7)


def _remind_months() -> tuple[int, ...]:
    return tuple(getattr(settings, "GROWTH_DEVELOPMENT_REMIND_MONTHS", (6, 1)))


def _min_hours() -> int:
    return getattr(settings, "GROWTH_DEVELOPMENT_MIN_HOURS", DEVELOPMENT_MIN_HOURS)


def items_due_remind(now: datetime.datetime | None = None) -> int:
    """Tell owners of active plans of items not done that are due within
    ``GROWTH_ITEM_DUE_DAYS`` (from today on), each item once (its
    ``reminded_at``; a new due date clears it). Returns how many were told."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    until = today + datetime.timedelta(days=_item_due_days())
    due = PlanItem.objects.filter(
        due_on__gte=today,
        due_on__lte=until,
        done_at__isnull=True,
        reminded_at__isnull=True,
        plan__status=Plan.Status.ACTIVE,
    )
    pks = list(due.order_by("due_on", "pk").values_list("pk", flat=True))
    told = 0
    for start in range(0, len(pks), BATCH):
        told += _items_claim_and_tell(pks[start : start + BATCH], now)
    return told


@transaction.atomic
def _items_claim_and_tell(pks: list[int], now: datetime.datetime) -> int:
    # Locked in one order; rows another worker claimed meanwhile are read
    # again after its commit and no longer match.
    items = list(
        PlanItem.objects.select_for_update(of=("self",))
        .filter(
            pk__in=pks,
            done_at__isnull=True,
            reminded_at__isnull=True,
            plan__status=Plan.Status.ACTIVE,
        )
        .select_related("plan__owner")
        .order_by("pk")
    )
    if not items:
        return 0
    PlanItem.objects.filter(
        pk__in=[item.pk for item in items], reminded_at__isnull=True
    ).update(reminded_at=now)
    for item in items:
        changes.item_due(item, owner=item.plan.owner)
    return len(items)


def _last_development(owner_ids: list[int]) -> dict[int, datetime.date]:
    """Each member's last professional development: the latest course
    certificate on Kollegi or confirmed course of her own, of at least
    ``GROWTH_DEVELOPMENT_MIN_HOURS`` academic hours (two queries); a member
    with none is left out."""
    hours = _min_hours()
    last: dict[int, datetime.date] = {}
    for owner_id, latest in (
        Evidence.objects.filter(
            owner_id__in=owner_ids, source=COURSE_SOURCE, hours__gte=hours
        )
        .values("owner_id")
        .annotate(latest=Max("occurred_at"))
        .values_list("owner_id", "latest")
    ):
        last[owner_id] = timezone.localdate(latest)
    for owner_id, latest in (
        OwnEvidence.objects.filter(
            owner_id__in=owner_ids,
            kind=OwnEvidence.Kind.COURSE,
            status=OwnEvidence.Status.CONFIRMED,
            hours__gte=hours,
        )
        .values("owner_id")
        .annotate(latest=Max("happened_on"))
        .values_list("owner_id", "latest")
    ):
        if owner_id not in last or latest > last[owner_id]:
            last[owner_id] = latest
    return last


def development_due(
    last: datetime.date, today: datetime.date
) -> tuple[datetime.date, int] | None:
    """When professional development after ``last`` is due, and the nearest
    of ``GROWTH_DEVELOPMENT_REMIND_MONTHS`` it is within today (None: not
    yet within any, or past due)."""
    due = _add_years(last, PLAN_YEARS)
    if today > due:
        return None
    within = [
        months for months in _remind_months() if _add_months(due, -months) <= today
    ]
    return (due, min(within)) if within else None


def development_due_remind(now: datetime.datetime | None = None) -> int:
    """Tell owners of active plans that professional development is due
    (three years after the last course of at least
    ``GROWTH_DEVELOPMENT_MIN_HOURS`` hours) when it is within each of
    ``GROWTH_DEVELOPMENT_REMIND_MONTHS`` months, once for each
    (``Reminder`` "pd:<due>:<months>"); only the nearest is told when more
    than one applies. An owner whose last course is more than three years
    ago, or who has none, is told it is overdue, once for that last course
    (``Reminder`` "pd:overdue:<last course's date>" or "pd:overdue:none").
    Returns how many were told."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    owner_ids = sorted(set(Plan.objects.active().values_list("owner_id", flat=True)))
    if not owner_ids:
        return 0
    keys: dict[int, str] = {}
    dues: dict[int, datetime.date | None] = {}
    lasts = _last_development(owner_ids)
    for owner_id in owner_ids:
        last = lasts.get(owner_id)
        if last is None or today > _add_years(last, PLAN_YEARS):
            keys[owner_id] = OVERDUE + (last.isoformat() if last else "none")
            dues[owner_id] = None if last is None else _add_years(last, PLAN_YEARS)
            continue
        found = development_due(last, today)
        if found is not None:
            due, months = found
            keys[owner_id] = f"pd:{due.isoformat()}:{months}"
            dues[owner_id] = due
    if not keys:
        return 0
    claimed = defaultdict(set)
    for user_id, key in Reminder.objects.filter(
        user_id__in=list(keys), key__in=set(keys.values())
    ).values_list("user_id", "key"):
        claimed[user_id].add(key)
    users = get_user_model().objects.in_bulk(
        [pk for pk, key in keys.items() if key not in claimed[pk]]
    )
    told = 0
    for user_id in sorted(users):
        told += _development_claim_and_tell(
            users[user_id], keys[user_id], dues[user_id], now
        )
    return told


@transaction.atomic
def _development_claim_and_tell(
    user, key: str, due: datetime.date | None, now: datetime.datetime
) -> int:
    """Claim ``key`` and tell it: due by ``due``, or overdue since ``due``
    (a "pd:overdue:" key; ``due`` None: no course found)."""
    try:
        with transaction.atomic():
            # A second worker waits here on the unique key, then fails.
            reminder = Reminder.objects.create(user=user, key=key, claimed_at=now)
    except IntegrityError:
        return 0
    if key.startswith(OVERDUE):
        changes.development_overdue(
            user,
            since_title=(
                "" if due is None else formats.date_format(due, "DATE_FORMAT")
            ),
        )
    else:
        changes.development_due(user, due_title=formats.date_format(due, "DATE_FORMAT"))
    Reminder.objects.filter(pk=reminder.pk).update(sent_at=now)
    return 1
