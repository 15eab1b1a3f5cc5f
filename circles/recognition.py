"""What founding and running communities earns, and where others see it.

``hooks.register_recognition`` registers each of these with the layer that
shows it:

- **the profile page** (``accounts.profile_blocks``): the communities the
  member belongs to that the viewer may see (``communities_on_profile``);
- **the portfolio** (``accounts.portfolio``): the communities the member
  founded and those they moderate (owner or moderator), that the viewer may
  see, both sections read in one query;
- **the digest** (``community.notifications``): communities opened since the
  last digest in the subjects the reader teaches, public and members-only
  ones only;
- **badges** (``community.badges``): two measures, below;
- **members of the month**: contribution points, below.

Who may see a community in a list is ``selectors.communities_visible_to``: open,
dormant or archived, not hidden; public ones for anyone, members-only ones
for signed-in members, private ones for their own members — the rule of
``circles.permissions.can_view_community`` for listed communities, as a query.

Badge measures (each one query per batch of members):

- ``FOUNDED_MEASURE``: communities the member founded that opened, are not
  hidden and have at least ``FOUNDED_MEMBERS`` members;
- ``MODERATION_MEASURE``: the member's decisions on requests to join
  (approved or declined) plus their moderation steps on the forums
  (``forums.ModerationLog``) in the sections of communities they run now
  (owner or moderator).

Contribution points of a month (members of the month is a public board, so
only public communities not hidden count, as ``community.audience.public``
asks of every such channel): ``FOUNDED_POINTS`` to the founder of a community
that opened in the month, ``APPROVAL_POINTS`` to whoever approved a request
to join in the month.
"""

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils.text import Truncator

from circles.models import Community, JoinRequest, Membership
from circles.permissions import LIVING
from circles.selectors import communities_visible_to
from circles.services._common import FOUNDED_MEASURE as FOUNDED_MEASURE
from circles.services._common import FOUNDED_MEMBERS
from circles.services._common import MODERATION_MEASURE as MODERATION_MEASURE

# The badge measures' keys (``kinds`` holds notification kinds only).
FOUNDED_POINTS = 10
APPROVAL_POINTS = 1
DIGEST_ITEMS = 5
# More than a digest lists: the newest of the period, for every reader.
DIGEST_READ = 200
PROFILE_LIMIT = 50
PORTFOLIO_LIMIT = 100

_MANAGERS = (Membership.Role.OWNER, Membership.Role.MODERATOR)
# What the portfolio read for a member and a viewer, kept on the member's
# object for the request: {viewer pk (None for a visitor): [Community]}.
_PORTFOLIO_CACHE = "_circles_portfolio"


def communities_on_profile(*, user, viewer) -> list[Community]:
    """The communities ``user`` belongs to that ``viewer`` may see, by name
    (one query)."""
    return list(
        communities_visible_to(viewer)
        .filter(memberships__user=user)
        .select_related("subject")
        .order_by("name", "pk")[:PROFILE_LIMIT]
    )


def profile_block(user, viewer) -> list[Community] | None:
    """The profile's block: None when there is nothing to list."""
    return communities_on_profile(user=user, viewer=viewer) or None


def _portfolio_rows(user, viewer) -> list[Community]:
    """The communities ``user`` founded or runs that ``viewer`` may see, the
    latest opened first, each with ``portfolio_role`` (the member's role, or
    None): one query for both portfolio sections."""
    known = user.__dict__.setdefault(_PORTFOLIO_CACHE, {})
    key = viewer.pk if viewer.is_authenticated else None
    if key not in known:
        runs = Membership.objects.filter(user=user, role__in=_MANAGERS)
        known[key] = list(
            communities_visible_to(viewer)
            .filter(Q(founder=user) | Q(pk__in=runs.values("community_id")))
            .annotate(
                portfolio_role=Subquery(
                    runs.filter(community=OuterRef("pk")).values("role")[:1]
                )
            )
            .order_by(F("opened_at").desc(nulls_last=True), "-pk")[
                : 2 * PORTFOLIO_LIMIT
            ]
        )
    return known[key]


def portfolio_founded(user, viewer) -> list:
    from accounts.portfolio import PortfolioItem

    return [
        PortfolioItem(
            title=community.name,
            url=community.get_absolute_url(),
            date=community.opened_at,
        )
        for community in _portfolio_rows(user, viewer)
        if community.founder_id == user.pk
    ][:PORTFOLIO_LIMIT]


def portfolio_moderated(user, viewer) -> list:
    from accounts.portfolio import PortfolioItem

    return [
        PortfolioItem(
            title=community.name,
            url=community.get_absolute_url(),
            date=community.opened_at,
            detail=str(Membership.Role(community.portfolio_role).label),
        )
        for community in _portfolio_rows(user, viewer)
        if community.portfolio_role in _MANAGERS
    ][:PORTFOLIO_LIMIT]


def new_in_subjects(users: list, since) -> dict:
    """Communities opened since ``since`` in each reader's subjects, public
    and members-only ones (never private or hidden), those the reader
    belongs to left out: one query when nobody teaches a subject or nothing
    opened, three at most per batch."""
    from accounts.selectors import subject_ids_by_member
    from community.notifications import DigestItem

    ids = [user.pk for user in users]
    subjects_of = subject_ids_by_member(user_ids=ids)
    wanted = set().union(*subjects_of.values()) if subjects_of else set()
    if not wanted:
        return {}
    communities = list(
        Community.objects.filter(
            status__in=LIVING,
            is_hidden=False,
            visibility__in=[Community.Visibility.PUBLIC, Community.Visibility.MEMBERS],
            subject_id__in=wanted,
            opened_at__gte=since,
        ).order_by("-opened_at", "-pk")[:DIGEST_READ]
    )
    if not communities:
        return {}
    joined = set(
        Membership.objects.filter(
            user_id__in=ids, community__in=[community.pk for community in communities]
        ).values_list("user_id", "community_id")
    )
    found = {}
    for user in users:
        taught = subjects_of.get(user.pk, set())
        mine = [
            community
            for community in communities
            if community.subject_id in taught and (user.pk, community.pk) not in joined
        ][:DIGEST_ITEMS]
        if mine:
            found[user.pk] = [
                DigestItem(
                    title=community.name,
                    url=community.get_absolute_url(),
                    detail=Truncator(community.purpose).chars(140),
                )
                for community in mine
            ]
    return found


def _counted(rows: QuerySet, field: str) -> dict[int, int]:
    return dict(
        rows.order_by()
        .values(field)
        .annotate(count=Count("pk"))
        .values_list(field, "count")
    )


def founded_grown(user_ids: list[int]) -> dict[int, int]:
    """Per member: the communities they founded that opened, are not hidden
    and have ``FOUNDED_MEMBERS`` members or more."""
    return _counted(
        Community.objects.filter(
            founder_id__in=user_ids,
            is_hidden=False,
            member_count__gte=FOUNDED_MEMBERS,
        ).exclude(status=Community.Status.PROPOSED),
        "founder_id",
    )


def moderation_done(user_ids: list[int]) -> dict[int, int]:
    """Per member: requests to join they decided, plus their moderation
    steps on topics in the forum sections of communities they run."""
    from forums.models import ModerationLog

    decided = _counted(
        JoinRequest.objects.filter(
            decided_by_id__in=user_ids,
            status__in=[JoinRequest.Status.APPROVED, JoinRequest.Status.REJECTED],
        ),
        "decided_by_id",
    )
    runs = Membership.objects.filter(
        user=OuterRef("moderator_id"),
        community__section_id=OuterRef("topic__section_id"),
        role__in=_MANAGERS,
    )
    moderated = _counted(
        ModerationLog.objects.filter(moderator_id__in=user_ids).filter(Exists(runs)),
        "moderator_id",
    )
    return {
        user_id: decided.get(user_id, 0) + moderated.get(user_id, 0)
        for user_id in decided.keys() | moderated.keys()
    }


def contribution(start, end) -> dict[int, int]:
    """Points of the period: ``FOUNDED_POINTS`` for a community opened then,
    ``APPROVAL_POINTS`` for a request to join approved then; public
    communities not hidden only."""
    shown = {
        "visibility": Community.Visibility.PUBLIC,
        "is_hidden": False,
    }
    points: dict[int, int] = {}
    opened = _counted(
        Community.objects.filter(
            **shown, opened_at__gte=start, opened_at__lt=end
        ).exclude(status=Community.Status.PROPOSED),
        "founder_id",
    )
    for user_id, count in opened.items():
        points[user_id] = points.get(user_id, 0) + FOUNDED_POINTS * count
    approved = _counted(
        JoinRequest.objects.filter(
            status=JoinRequest.Status.APPROVED,
            decided_at__gte=start,
            decided_at__lt=end,
            decided_by__isnull=False,
            **{f"community__{key}": value for key, value in shown.items()},
        ),
        "decided_by_id",
    )
    for user_id, count in approved.items():
        points[user_id] = points.get(user_id, 0) + APPROVAL_POINTS * count
    return points
