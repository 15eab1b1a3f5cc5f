"""Plans: made against a target of the current framework, changed, closed."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.sanctions import participation_check
from growth import changes
from growth.models import PLAN_YEARS, Mentorship, Plan, PlanEvent, Target
from growth.permissions import active_mentorship_forget
from growth.services._common import (
    _active_check,
    _add_years,
    _event,
    _owner_check,
    _plan_locked,
    _refuse,
    _text,
    _today,
)

NOTE_MAX_LENGTH = 5000


# A plan's dates are within so many years of today, either way: a date
# further off is a typing slip (year 9999), not a plan.
PERIOD_WINDOW_YEARS = 10


def _date_check(day: datetime.date) -> None:
    today = _today()
    if not (
        _add_years(today, -PERIOD_WINDOW_YEARS)
        <= day
        <= _add_years(today, PERIOD_WINDOW_YEARS)
    ):
        raise ValidationError(
            _("A plan starts and ends within %(years)d years of today: check the year.")
            % {"years": PERIOD_WINDOW_YEARS},
            code="period",
        )


def _period_check(starts_on: datetime.date, ends_on: datetime.date) -> None:
    _date_check(starts_on)
    _date_check(ends_on)
    if ends_on <= starts_on:
        raise ValidationError(_("A plan ends after it starts."), code="period")
    if (ends_on - starts_on).days > 366 * 10:
        raise ValidationError(_("A plan is at most ten years long."), code="period")


def _visibility_check(visibility: str) -> str:
    if visibility not in Plan.Visibility.values:
        raise ValidationError(_("Choose who sees the plan."), code="visibility")
    return visibility


@transaction.atomic
def plan_create(
    *,
    owner,
    target: Target,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    visibility: str = Plan.Visibility.PRIVATE,
    note: str = "",
) -> Plan:
    """Make an active plan of ``owner`` toward ``target`` (of the current
    framework version), from ``starts_on`` (today) to ``ends_on`` (three
    years on). One active plan per target: a second for the target she has a
    plan for (a double click, two tabs) returns that plan; one for a target
    of the same code from an earlier version is refused. Her evidence is
    gathered after commit.

    Raises ParticipationRestricted for a suspended or banned member;
    ValidationError: a target of another version, a period that ends before
    it starts or a date more than ``PERIOD_WINDOW_YEARS`` from today, an
    active plan for the target's code already.
    """
    participation_check(owner)
    if not Target.objects.filter(pk=target.pk, version__is_current=True).exists():
        raise _refuse(_("Choose a target of the current framework."), code="target")
    starts_on = starts_on or _today()
    _date_check(starts_on)
    ends_on = ends_on or _add_years(starts_on, PLAN_YEARS)
    _period_check(starts_on, ends_on)
    _visibility_check(visibility)
    note = _text(note, limit=NOTE_MAX_LENGTH, field=_("Notes"))
    existing = _active_plan(owner, target)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            plan = Plan.objects.create(
                owner=owner,
                target=target,
                target_code=target.code,
                starts_on=starts_on,
                ends_on=ends_on,
                visibility=visibility,
                note=note,
            )
    except IntegrityError:
        # Another request made it meanwhile (it waited on the unique index).
        existing = _active_plan(owner, target)
        if existing is not None:
            return existing
        raise _refuse(
            _("You already have an active plan for this target."), code="duplicate"
        ) from None
    _event(plan, actor=owner, action=PlanEvent.Action.CREATED, detail=target.title)
    changes.plan_created(plan)
    return plan


def _active_plan(owner, target: Target) -> Plan | None:
    """Her active plan for the target's code: the plan itself when it is
    for this very target; refused when it was made with another version."""
    existing = (
        Plan.objects.filter(
            owner_id=owner.pk, target_code=target.code, status=Plan.Status.ACTIVE
        )
        .select_related("target")
        .first()
    )
    if existing is None:
        return None
    if existing.target_id != target.pk:
        raise _refuse(
            _("You already have an active plan for this target."), code="duplicate"
        )
    return existing


@transaction.atomic
def plan_update(
    plan: Plan,
    *,
    actor,
    starts_on: datetime.date,
    ends_on: datetime.date,
    visibility: str,
    note: str,
) -> Plan:
    """Change an active plan's period, who sees it and her notes (its owner
    only). Raises ParticipationRestricted for a suspended or banned member,
    ValidationError."""
    _owner_check(plan, actor)
    participation_check(actor)
    locked = _plan_locked(plan)
    _active_check(locked)
    _period_check(starts_on, ends_on)
    _visibility_check(visibility)
    note = _text(note, limit=NOTE_MAX_LENGTH, field=_("Notes"))
    was_public = locked.visibility == Plan.Visibility.PUBLIC
    plan.starts_on, plan.ends_on = starts_on, ends_on
    plan.visibility, plan.note = visibility, note
    plan.status = locked.status
    plan.save(
        update_fields=["starts_on", "ends_on", "visibility", "note", "updated_at"]
    )
    _event(plan, actor=actor, action=PlanEvent.Action.EDITED)
    changes.plan_changed(plan, was_public=was_public)
    return plan


@transaction.atomic
def plan_close(plan: Plan, *, actor) -> Plan:
    """Close the plan (its owner only): no more items, comments or
    confirmations; its mentor, invited or mentoring, is released. Closing a
    closed plan changes nothing. Not a way out for a suspended or banned
    member (ParticipationRestricted), as archiving her course is not: her
    way out of a mentorship is ``mentor_remove``."""
    _owner_check(plan, actor)
    participation_check(actor)
    locked = _plan_locked(plan)
    if locked.status == Plan.Status.CLOSED:
        plan.status, plan.closed_at = locked.status, locked.closed_at
        return plan
    now = timezone.now()
    Mentorship.objects.filter(
        plan_id=plan.pk,
        status__in=[Mentorship.Status.INVITED, Mentorship.Status.ACTIVE],
    ).update(status=Mentorship.Status.ENDED, ended_at=now)
    active_mentorship_forget(plan)
    plan.status, plan.closed_at = Plan.Status.CLOSED, now
    plan.save(update_fields=["status", "closed_at", "updated_at"])
    _event(plan, actor=actor, action=PlanEvent.Action.CLOSED)
    changes.plan_changed(plan)
    return plan
