"""A plan's items: added, changed, done and undone, removed; the plan's
counts (``items_count``, ``items_done``) kept under its row lock."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from community.sanctions import participation_check
from growth import changes
from growth.models import Competency, Plan, PlanEvent, PlanItem
from growth.services._common import (
    _active_check,
    _event,
    _owner_check,
    _plan_locked,
    _text,
    _url_check,
)

TITLE_MAX_LENGTH = 200
OBJECT_KEY_MAX_LENGTH = 80


def _counts_recompute(plan: Plan) -> None:
    """Keep ``items_count`` and ``items_done`` from the items themselves (one
    query to read, one to write); the caller holds the plan's row lock."""
    totals = PlanItem.objects.filter(plan_id=plan.pk).aggregate(
        count=Count("pk"), done=Count("pk", filter=Q(done_at__isnull=False))
    )
    Plan.objects.filter(pk=plan.pk).update(
        items_count=totals["count"], items_done=totals["done"]
    )
    plan.items_count, plan.items_done = totals["count"], totals["done"]


def _competency_check(plan: Plan, competency: Competency | None) -> None:
    if competency is not None and competency.version_id != plan.target.version_id:
        raise ValidationError(
            _("Choose a competency of the plan's framework."), code="competency"
        )


def _due_check(due_on) -> None:
    if due_on is not None and not isinstance(due_on, datetime.date):
        raise ValidationError(_("Give the date it is due."), code="due")


@transaction.atomic
def item_add(
    plan: Plan,
    *,
    actor,
    kind: str,
    title: str,
    url: str = "",
    object_key: str = "",
    competency: Competency | None = None,
    due_on: datetime.date | None = None,
) -> PlanItem:
    """Add an item to an active plan (its owner only), last. A course,
    master-class or community of the site (``object_key``, as a suggestion
    names it) is in a plan once: adding it again returns the item there.
    Raises ParticipationRestricted for a suspended or banned member,
    ValidationError."""
    _owner_check(plan, actor)
    participation_check(actor)
    locked = _plan_locked(plan)
    _active_check(locked)
    if kind not in PlanItem.Kind.values:
        raise ValidationError(_("Choose the kind of item."), code="kind")
    title = _text(title, limit=TITLE_MAX_LENGTH, field=_("Title"), required=True)
    url = _url_check(url)
    object_key = (object_key or "").strip()[:OBJECT_KEY_MAX_LENGTH]
    _competency_check(plan, competency)
    _due_check(due_on)
    if object_key:
        existing = PlanItem.objects.filter(plan_id=plan.pk, object_key=object_key)
        if found := existing.first():
            return found
    position = (
        PlanItem.objects.filter(plan_id=plan.pk).aggregate(last=Max("position"))["last"]
        or 0
    ) + 1
    try:
        with transaction.atomic():
            item = PlanItem.objects.create(
                plan=plan,
                kind=kind,
                title=title,
                url=url,
                object_key=object_key,
                competency=competency,
                due_on=due_on,
                position=position,
            )
    except IntegrityError:
        # Only one writer holds the plan's lock: a constraint of the row itself.
        raise ValidationError(
            _("This is in the plan already."), code="duplicate"
        ) from None
    _counts_recompute(plan)
    _event(plan, actor=actor, action=PlanEvent.Action.ITEM_ADDED, detail=title)
    changes.items_changed(plan)
    return item


def _item_plan_locked(item: PlanItem, actor) -> Plan:
    """The item's plan, locked: its owner's, active, and she may write
    (ParticipationRestricted for a suspended or banned member)."""
    plan = item.plan
    _owner_check(plan, actor)
    participation_check(actor)
    locked = _plan_locked(plan)
    _active_check(locked)
    return locked


@transaction.atomic
def item_update(
    item: PlanItem,
    *,
    actor,
    title: str,
    url: str,
    competency: Competency | None,
    due_on: datetime.date | None,
) -> PlanItem:
    """Change an item's title, link, competency and due date (the plan's
    owner, while it is active); a new due date is reminded of afresh.
    Raises ValidationError."""
    _item_plan_locked(item, actor)
    title = _text(title, limit=TITLE_MAX_LENGTH, field=_("Title"), required=True)
    url = _url_check(url)
    _competency_check(item.plan, competency)
    _due_check(due_on)
    fields = ["title", "url", "competency", "due_on"]
    if due_on != item.due_on:
        item.reminded_at = None
        fields.append("reminded_at")
    item.title, item.url, item.competency, item.due_on = title, url, competency, due_on
    item.save(update_fields=fields)
    _event(item.plan, actor=actor, action=PlanEvent.Action.ITEM_CHANGED, detail=title)
    changes.items_changed(item.plan)
    return item


@transaction.atomic
def item_done(item: PlanItem, *, actor, done: bool) -> PlanItem:
    """Mark an item done (now) or not done (the plan's owner, while it is
    active); marking it as it is changes nothing. Raises ValidationError."""
    _item_plan_locked(item, actor)
    current = PlanItem.objects.filter(pk=item.pk).values_list("done_at", flat=True)
    done_at = current.first()
    item.done_at = done_at
    if (done_at is not None) == done:
        return item
    item.done_at = timezone.now() if done else None
    item.save(update_fields=["done_at"])
    _counts_recompute(item.plan)
    _event(
        item.plan,
        actor=actor,
        action=PlanEvent.Action.ITEM_DONE if done else PlanEvent.Action.ITEM_UNDONE,
        detail=item.title,
    )
    changes.items_changed(item.plan)
    return item


@transaction.atomic
def item_remove(item: PlanItem, *, actor) -> None:
    """Remove an item (the plan's owner, while it is active). Raises
    ValidationError."""
    _item_plan_locked(item, actor)
    title = item.title
    PlanItem.objects.filter(pk=item.pk).delete()
    _counts_recompute(item.plan)
    _event(item.plan, actor=actor, action=PlanEvent.Action.ITEM_REMOVED, detail=title)
    changes.items_changed(item.plan)
