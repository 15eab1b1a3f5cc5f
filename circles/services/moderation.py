"""Site moderators' calls on communities: hiding, showing again, archiving.

Hiding follows the one rule of every app (``community.hiding``): a
moderator's call is always put on record (confirming an automatic hide is a
decision too); an automatic hide or restore only when it changes something.
Those who run a hidden community (its owner and moderators) are told, and
read the reason on its page (``circles.selectors.hide_reason``).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from circles import kinds
from circles.changes import community_visibility_changed
from circles.models import Community
from circles.permissions import can_moderate_communities
from circles.services._common import _audit, _lock, _managers, _tell_many
from community.hiding import REPORTED, audited, hidden_set

__all__ = ["community_archive", "community_hide", "community_hide_by_reports"]

# Put on the audit log as community_hide and community_restore; an automatic
# call has no actor.
_record = audited("community")


def _tell_hidden(community: Community, *, moderator) -> None:
    _tell_many(
        community,
        recipients=_managers(community),
        kind=kinds.HIDDEN,
        actor=moderator,
    )


@transaction.atomic
def community_hide(
    *, community: Community, moderator, reason: str, hidden: bool = True
) -> Community:
    """A site moderator hides a community (or shows it again): only its
    members and site moderators see it then; it leaves the lists, the
    search and the feeds. Its owner and moderators are told.

    Raises PermissionDenied for anyone but a site moderator.
    """
    if not can_moderate_communities(moderator):
        raise PermissionDenied
    _lock(community)
    changed = hidden_set(
        community,
        hidden=hidden,
        moderator=moderator,
        reason=reason,
        changed=community_visibility_changed,
        record=_record,
    )
    if changed and hidden:
        _tell_hidden(community, moderator=moderator)
    return community


@transaction.atomic
def community_hide_by_reports(
    *, community: Community, hidden: bool = True
) -> Community:
    """Reports of established members hide a community until a moderator looks."""
    _lock(community)
    changed = hidden_set(
        community,
        hidden=hidden,
        moderator=None,
        reason=REPORTED,
        changed=community_visibility_changed,
        record=_record,
    )
    if changed and hidden:
        _tell_hidden(community, moderator=None)
    return community


@transaction.atomic
def community_archive(
    *, community: Community, moderator, reason: str = "", archived: bool = True
) -> Community:
    """A site moderator archives a community: read-only, kept for its
    history; with ``archived=False`` it opens again. Twice: once.

    Raises PermissionDenied for anyone but a site moderator.
    """
    if not can_moderate_communities(moderator):
        raise PermissionDenied
    _lock(community)
    is_archived = community.status == Community.Status.ARCHIVED
    if is_archived == archived or (
        not archived and community.status == Community.Status.PROPOSED
    ):
        return community
    now = timezone.now()
    if archived:
        fields = {"status": Community.Status.ARCHIVED, "archived_at": now}
    else:
        fields = {
            "status": Community.Status.OPEN,
            "archived_at": None,
            "last_activity_at": now,
        }
    for name, value in fields.items():
        setattr(community, name, value)
    Community.objects.filter(pk=community.pk).update(**fields)
    _audit(
        community,
        actor=moderator,
        action="archive" if archived else "unarchive",
        reason=reason,
    )
    community_visibility_changed(community)
    return community
