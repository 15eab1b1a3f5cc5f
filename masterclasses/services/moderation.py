"""Moderators' calls: hiding a master-class, trusting a host.

Hiding follows the one rule of every app (``community.hiding``): a
moderator's call is always put on record (confirming an automatic hide is a
decision too); an automatic hide or restore only when it changes something.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from community import services as community
from community.hiding import REPORTED, audited, hidden_set
from masterclasses.changes import masterclass_visibility_changed
from masterclasses.models import MasterClass, TrustedHost
from masterclasses.permissions import can_moderate_masterclasses

# Put on the audit log as masterclass_hide and masterclass_restore; an
# automatic call has no actor.
_record = audited("masterclass")


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
    hidden_set(
        masterclass,
        hidden=hidden,
        moderator=moderator,
        reason=reason,
        changed=masterclass_visibility_changed,
        record=_record,
    )
    return masterclass


@transaction.atomic
def masterclass_hide_by_reports(
    *, masterclass: MasterClass, hidden: bool = True
) -> MasterClass:
    """Reports of established members hide a master-class until a moderator looks."""
    hidden_set(
        masterclass,
        hidden=hidden,
        moderator=None,
        reason=REPORTED,
        changed=masterclass_visibility_changed,
        record=_record,
    )
    return masterclass
