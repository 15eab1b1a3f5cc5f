"""Every write to communities.

A package, one module per concern; the names below are its interface, so
callers keep ``from circles import services; services.community_join(...)``:
``founding`` (the proposal, the co-founders' answers, the fields and cover),
``membership`` (joining, requests, invitations, leaving, removal and bans),
``roles`` (moderators, the handover of ownership), ``moderation`` (site
moderators hide and archive), ``collection`` (the community's materials),
``meetings`` (its meetings, master-classes of its own) and ``visits``
(a member's last look at the community's page, written by beat). The
notification kinds come from ``circles.kinds``, never from ``hooks``.
"""

from circles.services.collection import collection_add, collection_remove
from circles.services.founding import (
    COVER_MAX_BYTES,
    FIELDS,
    RESERVED_SLUGS,
    cofounder_answer,
    community_cover_set,
    community_propose,
    community_update,
    quorum,
)
from circles.services.meetings import meeting_create
from circles.services.membership import (
    ADDRESS_INVITATIONS_PER_DAY,
    community_join,
    community_leave,
    hearing_set,
    invitation_answer,
    invitation_create,
    join_request_create,
    join_request_decide,
    join_request_withdraw,
    member_remove,
    member_unban,
)
from circles.services.moderation import (
    community_archive,
    community_hide,
    community_hide_by_reports,
)
from circles.services.roles import moderator_set, ownership_answer, ownership_offer
from circles.services.visits import visit_note, visits_flush

__all__ = [
    "ADDRESS_INVITATIONS_PER_DAY",
    "COVER_MAX_BYTES",
    "FIELDS",
    "RESERVED_SLUGS",
    "cofounder_answer",
    "collection_add",
    "collection_remove",
    "community_archive",
    "community_cover_set",
    "community_hide",
    "community_hide_by_reports",
    "community_join",
    "community_leave",
    "community_propose",
    "community_update",
    "hearing_set",
    "invitation_answer",
    "invitation_create",
    "join_request_create",
    "join_request_decide",
    "join_request_withdraw",
    "meeting_create",
    "member_remove",
    "member_unban",
    "moderator_set",
    "ownership_answer",
    "ownership_offer",
    "quorum",
    "visit_note",
    "visits_flush",
]
