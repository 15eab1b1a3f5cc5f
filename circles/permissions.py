"""Who may see, join and run communities.

What a member is to a community (their role, a ban, a pending invitation or
request) is read in one query and kept on the community object for the rest
of the request (``standing_of``), so a page asking several of these
questions pays for it once; ``circles.selectors.community_get`` reads it
with the community itself.
"""

from typing import NamedTuple

from django.db.models import Exists, OuterRef, Subquery

from circles.models import Community, CommunityBan, Invitation, JoinRequest, Membership
from community.audience import Audience
from community.limits import is_new_member
from community.standing import is_restricted

# Where the viewers' standings are kept on a community object: user pk → Standing.
CACHE = "_roles"

# The statuses in which a community takes members and shows its life.
LIVING = (Community.Status.OPEN, Community.Status.DORMANT)


class Standing(NamedTuple):
    """What one member is to one community."""

    role: str | None = None  # Membership.Role, None for an outsider
    banned: bool = False
    invited: bool = False  # a pending invitation (to join or to found it)
    requested: bool = False  # a pending request to join


OUTSIDER = Standing()


def _is_member(user) -> bool:
    return user.is_authenticated and user.is_active


def standing_annotations(user) -> dict:
    """The subqueries that read ``user``'s standing beside each community
    (``circles_role``, ``circles_banned``, ``circles_invited``,
    ``circles_requested``): for a list or a page, no query of their own."""
    mine = {"community": OuterRef("pk"), "user": user}
    return {
        "circles_role": Subquery(Membership.objects.filter(**mine).values("role")[:1]),
        "circles_banned": Exists(CommunityBan.objects.filter(**mine)),
        "circles_invited": Exists(
            Invitation.objects.filter(**mine, status=Invitation.Status.PENDING)
        ),
        "circles_requested": Exists(
            JoinRequest.objects.filter(**mine, status=JoinRequest.Status.PENDING)
        ),
    }


def standing_keep(community: Community, user) -> Standing | None:
    """Keep the standing annotated on ``community`` (``standing_annotations``)
    for ``user``; None when it was not annotated."""
    if "circles_role" not in community.__dict__:
        return None
    standing = Standing(
        role=community.circles_role,
        banned=bool(community.circles_banned),
        invited=bool(community.circles_invited),
        requested=bool(community.circles_requested),
    )
    community.__dict__.setdefault(CACHE, {})[user.pk] = standing
    return standing


def standing_of(user, community: Community) -> Standing:
    """The member's standing in the community, read once per community object
    (one query; none for a visitor)."""
    if not _is_member(user) or community.pk is None:
        return OUTSIDER
    known = community.__dict__.setdefault(CACHE, {})
    if user.pk not in known:
        row = (
            Community.objects.filter(pk=community.pk)
            .annotate(**standing_annotations(user))
            .values_list(
                "circles_role", "circles_banned", "circles_invited", "circles_requested"
            )
            .first()
        )
        known[user.pk] = Standing(*row) if row else OUTSIDER
    return known[user.pk]


def standing_forget(community: Community) -> None:
    """A write changed who is what: the next question reads it again."""
    community.__dict__.pop(CACHE, None)


def role_of(user, community: Community) -> str | None:
    """The member's role (owner, moderator, member), or None for an outsider."""
    return standing_of(user, community).role


def can_moderate_communities(user) -> bool:
    # Site moderators (the Moderators group) and superusers.
    return _is_member(user) and (
        user.is_superuser
        # Moderators are staff: members pay no permission query here.
        or (user.is_staff and user.has_perm("circles.change_community"))
    )


def can_view_community(user, community: Community) -> bool:
    """Public ones: anyone; members-only: signed-in members of Kollegi;
    private: its members and those invited. A proposal: its founder and the
    co-founders invited; a hidden one: its members. Site moderators: all."""
    if can_moderate_communities(user):
        return True
    if community.is_hidden:
        return role_of(user, community) is not None
    if community.status == Community.Status.PROPOSED:
        standing = standing_of(user, community)
        return standing.role is not None or standing.invited
    if community.visibility == Community.Visibility.PUBLIC:
        return True
    if not _is_member(user):
        return False
    if community.visibility == Community.Visibility.MEMBERS:
        return True
    standing = standing_of(user, community)
    return standing.role is not None or standing.invited


def can_propose_community(user) -> bool:
    # Members past the new-member period, neither suspended nor banned.
    return _is_member(user) and not is_restricted(user) and not is_new_member(user)


def _may_enter(user, community: Community, joining: str) -> bool:
    if not _is_member(user) or is_restricted(user):
        return False
    if (
        community.joining != joining
        or community.status not in LIVING
        or community.is_hidden
    ):
        return False
    standing = standing_of(user, community)
    return standing.role is None and not standing.banned


def can_join_community(user, community: Community) -> bool:
    # Open joining, a living community, neither a member nor banned.
    return _may_enter(user, community, Community.Joining.OPEN)


def can_request_to_join(user, community: Community) -> bool:
    # Joining by request; the same conditions as joining.
    return _may_enter(user, community, Community.Joining.REQUEST)


def can_manage_members(user, community: Community) -> bool:
    # The owner and the community's moderators (an archived community is
    # read-only: site moderators only).
    if can_moderate_communities(user):
        return True
    if community.status == Community.Status.ARCHIVED:
        return False
    return role_of(user, community) in (
        Membership.Role.OWNER,
        Membership.Role.MODERATOR,
    )


def can_invite(user, community: Community) -> bool:
    # Those who manage members; in an open community any member may bring a
    # colleague in. A proposal: its founder invites more co-founders.
    if can_moderate_communities(user):
        return True
    if community.is_hidden:
        return False
    role = role_of(user, community)
    if community.status == Community.Status.PROPOSED:
        return role == Membership.Role.OWNER
    if community.status not in LIVING:
        return False
    if role in (Membership.Role.OWNER, Membership.Role.MODERATOR):
        return True
    return community.joining == Community.Joining.OPEN and role is not None


def can_edit_community(user, community: Community) -> bool:
    # The owner (site moderators too).
    if can_moderate_communities(user):
        return True
    if community.status == Community.Status.ARCHIVED:
        return False
    return role_of(user, community) == Membership.Role.OWNER


# --- What a community holds: its section, collection and meetings.


def community_audience(community: Community) -> str:
    """Who may read what the community holds (``community.audience``): a
    public one's content everyone, a members-only one's members of Kollegi
    (while it is open, dormant or archived and not hidden); a private,
    hidden or proposed one's only its members."""
    if (
        community.is_hidden
        or community.status == Community.Status.PROPOSED
        or community.visibility == Community.Visibility.PRIVATE
    ):
        return Audience.GROUP
    if community.visibility == Community.Visibility.PUBLIC:
        return Audience.EVERYONE
    return Audience.MEMBERS


def _takes_part(user, community: Community) -> bool:
    """A member of a living community, not hidden, free to write."""
    if not _is_member(user) or is_restricted(user):
        return False
    if community.status not in LIVING or community.is_hidden:
        return False
    return role_of(user, community) is not None


def can_write_in_community(user, community: Community) -> bool:
    # Its members, while it is open or dormant and not hidden: new topics
    # (the forums decide in the end), materials, meetings.
    return _takes_part(user, community)


def can_add_to_collection(user, community: Community) -> bool:
    # Its members, while it is open or dormant and not hidden.
    return _takes_part(user, community)


def can_remove_from_collection(user, community: Community, item) -> bool:
    # The member who added it, or the owner and moderators (an archived
    # community is read-only: site moderators only).
    if can_moderate_communities(user):
        return True
    if not _is_member(user) or community.status == Community.Status.ARCHIVED:
        return False
    if item.added_by_id == user.pk:
        return True
    return role_of(user, community) in (
        Membership.Role.OWNER,
        Membership.Role.MODERATOR,
    )


def can_propose_meeting(user, community: Community) -> bool:
    # Its members, while it is open or dormant and not hidden.
    return _takes_part(user, community)
