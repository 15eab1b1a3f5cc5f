"""What communities count toward a member's growth (``community.attainments``).

- ``community_moderated``: the communities she founded or runs (owner or
  moderator) that opened, archived ones too, not hidden by a moderator. A
  private community is not named: only its members know it;
- suggestions: listed communities she may see and join (open or by
  request), not private, not hers, not those that banned her.

Whose items a write changed is told by ``circles.changes`` (``runners``).
"""

from collections.abc import Iterator

from django.db.models import F, Q
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from circles.models import Community, CommunityBan, Membership
from circles.permissions import LIVING
from community.attainments import (
    ATTAINMENT_LIMIT,
    Attainment,
    Suggestion,
    attainment_source_register,
    suggestion_source_register,
    tagged,
)

_MANAGERS = (Membership.Role.OWNER, Membership.Role.MODERATOR)


def moderated(user) -> list[Attainment]:
    """The communities she founded or runs, the latest opened first: one
    query."""
    runs = Membership.objects.filter(user=user, role__in=_MANAGERS)
    communities = Community.objects.filter(
        Q(founder=user) | Q(pk__in=runs.values("community_id")),
        status__in=(*LIVING, Community.Status.ARCHIVED),
        is_hidden=False,
    ).order_by(F("opened_at").desc(nulls_last=True), "-pk")[:ATTAINMENT_LIMIT]
    found = []
    for community in communities:
        private = community.visibility == Community.Visibility.PRIVATE
        found.append(
            Attainment(
                key=str(community.pk),
                title=gettext("A private community") if private else community.name,
                url=(
                    community.get_absolute_url()
                    if community.visibility == Community.Visibility.PUBLIC
                    else ""
                ),
                occurred_at=community.opened_at or community.created_at,
            )
        )
    return found


def runners(community: Community) -> Iterator[int]:
    """Its founder and those who run it (owner, moderators) once it has
    opened (a proposal counts for nobody), read when iterated (one
    query)."""
    if community.status == Community.Status.PROPOSED:
        return
    yield community.founder_id
    yield from Membership.objects.filter(
        community_id=community.pk, role__in=_MANAGERS
    ).values_list("user_id", flat=True)


def _detail(community: Community) -> str:
    members = ngettext(
        "%(count)d member", "%(count)d members", community.member_count
    ) % {"count": community.member_count}
    return f"{members} · {community.get_joining_display()}"


def suggest(
    tags: list[str],
    subject_ids: list[int],
    user,
    limit: int,
    exclude_keys: frozenset[str] = frozenset(),
) -> list:
    """Open or dormant communities not hidden or private that take members
    (open, or by request), carrying any of ``tags``, of ``subject_ids`` or of
    no subject; not those she belongs to or was banned from, not those
    ``exclude_keys`` names; the most members first, shared out by tag. One
    query (``tagged``)."""
    visible = [Community.Visibility.PUBLIC]
    if user.is_authenticated:
        visible.append(Community.Visibility.MEMBERS)
    communities = Community.objects.filter(
        status__in=LIVING,
        is_hidden=False,
        visibility__in=visible,
        joining__in=[Community.Joining.OPEN, Community.Joining.REQUEST],
    )
    if subject_ids:
        communities = communities.filter(
            Q(subject__isnull=True) | Q(subject_id__in=subject_ids)
        )
    if user.is_authenticated:
        communities = communities.exclude(
            pk__in=Membership.objects.filter(user=user).values("community_id")
        ).exclude(pk__in=CommunityBan.objects.filter(user=user).values("community_id"))
    communities = communities.order_by("-member_count", "-pk")
    return [
        Suggestion(
            kind="community",
            object_key=f"circles.community:{community.pk}",
            title=community.name,
            url=community.get_absolute_url(),
            tags=names,
            detail=_detail(community),
        )
        for community, names in tagged(communities, tags, limit, exclude_keys)
    ]


def register() -> None:
    attainment_source_register(
        key="community_moderated",
        title=_("Communities founded or moderated"),
        order=50,
        items=moderated,
    )
    suggestion_source_register(key="communities", order=30, suggest=suggest)
