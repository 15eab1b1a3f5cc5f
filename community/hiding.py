"""Hiding an item and showing it again: one rule for every app.

Anything members can report (a post, a topic, a material, a review, a
master-class, a blog post or comment, a profile) has an ``is_hidden`` flag.
A moderator hides it or shows it again; enough reports from established
members hide it until a moderator looks (``community.reporting``). Every app
does that through ``hidden_set``:

- the flag is written only when it changes, and then the app's change
  function follows (``<app>/changes.py``: the feed, the search index, the
  cached pages);
- a moderator's call is always put on record — confirming an automatic hide
  is a decision too — and an automatic one only when it changed something;
- the record names the action ``hide`` or ``restore``, with ``_automatic``
  when no moderator made the call; each app's ``record`` writes it where its
  moderators read it (the audit log, a topic's own history).
"""

from collections.abc import Callable
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from community.services import audit

# The reason an automatic hide is put on record with.
REPORTED = _("reported by colleagues")

Record = Callable[[Model, str, Any, str], None]


def hidden_set(
    item: Model,
    *,
    hidden: bool,
    moderator,
    reason: str,
    changed: Callable[[Any], None],
    record: Record,
) -> bool:
    """Hide ``item`` (or show it again, ``hidden=False``); returns whether
    the flag changed. ``moderator`` is None for a hide by reports.

    ``changed(item)`` runs when the flag changed; ``record(item, action,
    moderator, reason)`` puts the call on record.
    """
    is_change = item.is_hidden != hidden
    if is_change:
        item.is_hidden = hidden
        item.save(update_fields=["is_hidden"])
        changed(item)
    if is_change or moderator is not None:
        action = "hide" if hidden else "restore"
        if moderator is None:
            action += "_automatic"
        record(item, action, moderator, str(reason))
    return is_change


def audited(prefix: str, *, automatic_apart: bool = False) -> Record:
    """A ``record`` that writes the site's audit log as ``<prefix>_hide`` or
    ``<prefix>_restore``; with ``automatic_apart``, an automatic call as
    ``<prefix>_hide_automatic`` (otherwise the empty actor tells it apart)."""

    def record(item: Model, action: str, moderator, reason: str) -> None:
        if not automatic_apart:
            action = action.removesuffix("_automatic")
        audit(actor=moderator, action=f"{prefix}_{action}", target=item, reason=reason)

    return record
