"""A community's meetings: master-classes its members propose for it,
usually in person, with check-in (``masterclasses``).

A meeting belongs to the community (``group_id``): who may read it follows
the community's visibility, or stays with its members when it is for
members only (``group_only``). It goes through the master-classes' own
moderation and registration like any other master-class.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from circles.changes import meetings_changed
from circles.models import Community
from circles.permissions import can_propose_meeting, community_audience
from circles.services._common import _audit
from community.audience import Audience
from community.sanctions import participation_check
from masterclasses import services as masterclass_services

__all__ = ["meeting_create"]


@transaction.atomic
def meeting_create(*, community: Community, host, group_only: bool = False, **fields):
    """A member proposes a meeting of the community (a master-class; the
    ``fields`` are ``masterclass_create``'s). Returns the master-class.

    Raises ParticipationRestricted, PermissionDenied for anyone but a member
    of an open (or dormant), shown community, ValidationError (a dict by
    field) as ``masterclass_create`` does.
    """
    participation_check(host)
    if not can_propose_meeting(host, community):
        raise PermissionDenied
    audience = Audience.GROUP if group_only else community_audience(community)
    masterclass = masterclass_services.masterclass_create(
        host=host,
        group_id=community.pk,
        group_only=group_only,
        audience=audience,
        **fields,
    )
    _audit(community, actor=host, action="meeting", reason=masterclass.title)
    meetings_changed(community)
    return masterclass
