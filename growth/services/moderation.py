"""A public plan reported by colleagues: the moderators make it private.

A plan has no ``is_hidden`` flag: hiding a public plan is making it private,
which is what its owner could do herself, and what she may undo
(``plan_update``) once she has seen why. The plan's history says so without
naming the moderator (the site's audit log names her). Enough reports of
established members make it private until a moderator looks
(``community.reporting``); a moderator who dismisses them makes it public
again, unless something happened in the plan since.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from community import services as community
from growth import changes
from growth.models import Plan, PlanEvent
from growth.permissions import can_moderate_plans
from growth.services._common import _event, _plan_locked

# Put on the site's audit log (``growth.hooks``).
AUDIT_PRIVATE = "growth_plan_private"
AUDIT_PUBLIC_AGAIN = "growth_plan_public_again"


def _detail(*, automatic: bool) -> str:
    # In the site's language, as the plan's other history is: whoever acts.
    with translation.override(settings.LANGUAGE_CODE):
        if automatic:
            return gettext(
                "made private after colleagues' reports, until a moderator looks"
            )
        return gettext("made private by the moderators")


def _visibility_set(plan: Plan, visibility: str) -> None:
    Plan.objects.filter(pk=plan.pk).update(
        visibility=visibility, updated_at=timezone.now()
    )
    plan.visibility = visibility


@transaction.atomic
def plan_make_private(plan: Plan, *, actor, reason: str = "") -> Plan:
    """Make a public plan private: ``actor`` a moderator deciding on a report
    (``can_moderate_plans``), or None for the reports of established
    members. Its history says the moderators did it, naming none; the
    moderator's call is put on the audit log even when the plan is private
    already (an automatic one when it changed something). Raises
    PermissionDenied for anyone but a moderator."""
    if actor is not None and not can_moderate_plans(actor):
        raise PermissionDenied
    locked = _plan_locked(plan)
    changed = locked.visibility == Plan.Visibility.PUBLIC
    if changed:
        _visibility_set(plan, Plan.Visibility.PRIVATE)
        _event(
            plan,
            actor=None,
            action=PlanEvent.Action.EDITED,
            detail=_detail(automatic=actor is None),
        )
        changes.plan_changed(plan, was_public=True)
    else:
        plan.visibility = locked.visibility
    if changed or actor is not None:
        community.audit(actor=actor, action=AUDIT_PRIVATE, target=plan, reason=reason)
    return plan


@transaction.atomic
def plan_public_again(plan: Plan) -> Plan:
    """The reports that made the plan private were dismissed: it is public
    again, when the last thing in its history is still that (she has not
    changed it since, nor made it public or private herself)."""
    locked = _plan_locked(plan)
    last = (
        PlanEvent.objects.filter(plan_id=plan.pk).order_by("-created_at", "-pk").first()
    )
    if (
        locked.visibility != Plan.Visibility.PRIVATE
        or last is None
        or last.actor_id is not None
        or last.action != PlanEvent.Action.EDITED
        or last.detail != _detail(automatic=True)
    ):
        plan.visibility = locked.visibility
        return plan
    _visibility_set(plan, Plan.Visibility.PUBLIC)
    with translation.override(settings.LANGUAGE_CODE):
        detail = gettext("public again: the moderators found nothing wrong")
    _event(plan, actor=None, action=PlanEvent.Action.EDITED, detail=detail)
    changes.plan_changed(plan)
    community.audit(actor=None, action=AUDIT_PUBLIC_AGAIN, target=plan)
    return plan
