"""Moderators' calls: hiding a master-class, trusting a host.

A moderator's call is always put on record (confirming an automatic hide is a
decision too); an automatic hide or restore only when it changes something.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from community import services as community
from community.search import search_index
from masterclasses import kinds
from masterclasses.models import MasterClass, TrustedHost
from masterclasses.permissions import can_moderate_masterclasses
from masterclasses.services._common import _activity_record


def trusted_host_set(*, user, moderator, trusted: bool) -> None:
    if not can_moderate_masterclasses(moderator):
        raise PermissionDenied
    if trusted:
        TrustedHost.objects.get_or_create(user=user, defaults={"granted_by": moderator})
    else:
        TrustedHost.objects.filter(user=user).delete()
    community.audit(
        actor=moderator,
        action="trusted_host" if trusted else "trusted_host_removed",
        target=user,
    )


@transaction.atomic
def masterclass_hide(
    *, masterclass: MasterClass, moderator, reason: str, hidden: bool = True
) -> MasterClass:
    """A moderator hides a master-class (or shows it again): only its hosts and
    moderators see it then; it leaves the lists, calendars and feeds.

    Raises PermissionDenied for anyone but a moderator.
    """
    if not can_moderate_masterclasses(moderator):
        raise PermissionDenied
    return _masterclass_set_hidden(
        masterclass, hidden=hidden, moderator=moderator, reason=reason
    )


@transaction.atomic
def masterclass_hide_by_reports(
    *, masterclass: MasterClass, hidden: bool = True
) -> MasterClass:
    """Reports of established members hide a master-class until a moderator looks."""
    return _masterclass_set_hidden(
        masterclass, hidden=hidden, moderator=None, reason=_("reported by colleagues")
    )


def _masterclass_set_hidden(
    masterclass: MasterClass, *, hidden: bool, moderator, reason: str
) -> MasterClass:
    changed = masterclass.is_hidden != hidden
    if changed:
        masterclass.is_hidden = hidden
        masterclass.save(update_fields=["is_hidden"])
        if hidden:
            community.activity_remove(
                kind=kinds.MASTERCLASS_ACTIVITY, target=masterclass
            )
        elif masterclass.status in (
            MasterClass.Status.PUBLISHED,
            MasterClass.Status.FINISHED,
        ):
            _activity_record(masterclass)
    if changed or moderator is not None:
        community.audit(
            actor=moderator,
            action="masterclass_hide" if hidden else "masterclass_restore",
            target=masterclass,
            reason=reason,
        )
    search_index(masterclass)
    return masterclass
