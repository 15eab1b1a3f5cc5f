"""Every write to «Мой путь».

A package, one module per concern; the names below are its interface, so
callers keep ``from growth import services; services.plan_create(...)``:
``plans`` (made, changed, closed), ``items`` (a plan's items and its
counts), ``mentors`` (the mentor and comments), ``moderation`` (a public
plan reported: made private), ``evidence`` (her own evidence, its
confirmation, the computed evidence gathered) and
``reminders`` (items due, professional development due; each once). All
refuse with ValidationError (a translated message); what follows each write
is said in ``growth.changes``; the notification kinds are ``growth.kinds``.
"""

from growth.services.evidence import (
    evidence_refresh,
    own_evidence_add,
    own_evidence_confirm,
    own_evidence_file_open,
    own_evidence_remove,
    own_evidence_update,
)
from growth.services.items import item_add, item_done, item_remove, item_update
from growth.services.mentors import (
    comment_add,
    mentor_answer,
    mentor_invite,
    mentor_remove,
)
from growth.services.moderation import plan_make_private, plan_public_again
from growth.services.plans import plan_close, plan_create, plan_update
from growth.services.reminders import development_due_remind, items_due_remind

__all__ = [
    "comment_add",
    "development_due_remind",
    "evidence_refresh",
    "item_add",
    "item_done",
    "item_remove",
    "item_update",
    "items_due_remind",
    "mentor_answer",
    "mentor_invite",
    "mentor_remove",
    "own_evidence_add",
    "own_evidence_confirm",
    "own_evidence_file_open",
    "own_evidence_remove",
    "own_evidence_update",
    "plan_close",
    "plan_create",
    "plan_make_private",
    "plan_public_again",
    "plan_update",
]
