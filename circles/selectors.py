"""Reads for communities' pages; each owns its joins.

A list or a page reads the viewer's standing in each community beside the
community itself (``circles.permissions.standing_annotations``): the
viewer's memberships are read once per request, not once per card.
"""

import datetime
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from circles.models import (
    Community,
    CommunityMaterial,
    Invitation,
    JoinRequest,
    Membership,
    OwnershipOffer,
)
from circles.permissions import (
    LIVING,
    can_view_community,
    standing_annotations,
    standing_keep,
)
from community.audience import readable
from community.page_blocks import page_block_annotations
from forums import selectors as forum_selectors
from forums.models import Section, Topic
from masterclasses.models import MasterClass
from materials.models import Material

TABS = ("all", "mine", "new", "subjects", "region", "active")


def _listed_for(user, statuses=LIVING) -> Q:
    """The communities a member finds in the lists: open or dormant (or
    ``statuses``), not hidden, readable by them (private ones: their own)."""
    listed = Q(status__in=statuses, is_hidden=False)
    if not user.is_authenticated:
        return listed & Q(visibility=Community.Visibility.PUBLIC)
    mine = Membership.objects.filter(user=user).values("community_id")
    return listed & (~Q(visibility=Community.Visibility.PRIVATE) | Q(pk__in=mine))


# The fields of a community its card shows (and its address is made of).
_CARD = (
    "name",
    "slug",
    "purpose",
    "cover",
    "visibility",
    "status",
    "member_count",
    "section_id",
)


def community_list(*, user, tab: str = "all") -> QuerySet[Community]:
    """The communities of a tab of ``/communities/``, each with the viewer's
    role (``circles_role``) read in the same query:

    "all" (the most members first), "mine" (the viewer's, proposals and
    archived ones included), "new" (latest opened first), "subjects" (in
    the subjects the viewer teaches), "region" (in the viewer's region),
    "active" (latest activity first). Visitors get nothing for "mine",
    "subjects" and "region".
    """
    from accounts.models import Profile

    if tab not in TABS:
        raise Http404
    # Only what a card shows (``partials/_card.html``).
    communities = Community.objects.select_related("subject").only(*_CARD, "subject")
    if user.is_authenticated:
        communities = communities.annotate(
            circles_role=standing_annotations(user)["circles_role"]
        )
    elif tab in ("mine", "subjects", "region"):
        return communities.none()
    if tab == "mine":
        mine = Membership.objects.filter(user=user).values("community_id")
        return (
            communities.filter(pk__in=mine)
            .annotate(circles_new_topics=_new_topics(user))
            .order_by(F("last_activity_at").desc(nulls_last=True), "-pk")
        )
    communities = communities.filter(_listed_for(user))
    if tab == "subjects":
        taught = Profile.subjects.through.objects.filter(profile__user=user).values(
            "subject_id"
        )
        communities = communities.filter(subject__in=taught)
    elif tab == "region":
        region = Profile.objects.filter(user=user).values("region")[:1]
        communities = communities.exclude(region="").filter(region=region)
    if tab == "new":
        return communities.order_by(F("opened_at").desc(nulls_last=True), "-pk")
    if tab == "active":
        return communities.order_by(F("last_activity_at").desc(nulls_last=True), "-pk")
    return communities.order_by("-member_count", "name", "pk")


def _new_topics(user) -> Coalesce:
    """How many topics of the community's section have posts newer than the
    member's last visit to its page (since they joined, before a first
    visit): a subquery beside each of the member's communities."""
    since = Subquery(
        Membership.objects.filter(community=OuterRef(OuterRef("pk")), user=user)
        .annotate(since=Coalesce("last_visit_at", "joined_at"))
        .values("since")[:1]
    )
    counted = (
        Topic.objects.filter(
            section=OuterRef("section_id"),
            is_hidden=False,
            is_pending=False,
            last_post_at__gt=since,
        )
        .order_by()
        .values("section")
        .annotate(number=Count("pk"))
        .values("number")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _page_annotations(user) -> dict:
    """What the community's page asks of the viewer beside their standing,
    read in the same query: their notification level (``circles_hearing``),
    their membership and its last visit (``circles_membership_id``,
    ``circles_last_visit``: the visit the page notes), an ownership offered
    to them (``circles_offered``) and the requests waiting
    (``circles_waiting``, shown to those who run it)."""
    mine = {"community": OuterRef("pk"), "user": user}
    waiting = (
        JoinRequest.objects.filter(
            community=OuterRef("pk"), status=JoinRequest.Status.PENDING
        )
        .order_by()
        .values("community")
        .annotate(number=Count("pk"))
        .values("number")[:1]
    )
    return {
        "circles_hearing": Subquery(
            Membership.objects.filter(**mine).values("hearing")[:1]
        ),
        "circles_membership_id": Subquery(
            Membership.objects.filter(**mine).values("pk")[:1]
        ),
        "circles_last_visit": Subquery(
            Membership.objects.filter(**mine).values("last_visit_at")[:1]
        ),
        "circles_offered": Exists(
            OwnershipOffer.objects.filter(
                community=OuterRef("pk"),
                to_user=user,
                status=OwnershipOffer.Status.PENDING,
            )
        ),
        "circles_waiting": Coalesce(
            Subquery(waiting, output_field=IntegerField()), Value(0)
        ),
    }


def community_get(*, slug: str, user) -> Community:
    """The community the viewer may see, or 404; the viewer's standing
    (``circles.permissions.standing_of``) is read in the same query, with
    what its page asks of them (``_page_annotations``)."""
    # Its grades and tags are read by the page only when not kept
    # (``circles.fragments.about_found``).
    communities = Community.objects.select_related("subject", "section")
    if user.is_authenticated:
        communities = communities.annotate(
            **standing_annotations(user), **_page_annotations(user)
        )
    # What other apps' blocks on its page read with it (community.page_blocks).
    blocks = page_block_annotations(page="circles.community", viewer=user)
    if blocks:
        communities = communities.annotate(**blocks)
    community = communities.filter(slug=slug).first()
    if community is None:
        raise Http404
    if user.is_authenticated:
        standing_keep(community, user)
    if not can_view_community(user, community):
        raise Http404
    return community


def _role_order() -> Case:
    return Case(
        When(role=Membership.Role.OWNER, then=Value(0)),
        When(role=Membership.Role.MODERATOR, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def members_of(*, community: Community) -> QuerySet[Membership]:
    """The owner first, then the moderators, then the members by joining."""
    return (
        Membership.objects.filter(community=community)
        .select_related("user__profile")
        .order_by(_role_order(), "joined_at", "pk")
    )


def managers_of(*, community: Community) -> QuerySet[Membership]:
    """The owner and the moderators, the owner first."""
    return members_of(community=community).filter(
        role__in=[Membership.Role.OWNER, Membership.Role.MODERATOR]
    )


def pending_requests(*, community: Community) -> QuerySet[JoinRequest]:
    """Requests waiting for a decision, the oldest first."""
    return (
        JoinRequest.objects.filter(
            community=community, status=JoinRequest.Status.PENDING
        )
        .select_related("user__profile")
        .order_by("created_at", "pk")
    )


def join_request_get(*, community: Community, pk: int) -> JoinRequest:
    """A request to this community, or 404."""
    join_request = (
        JoinRequest.objects.select_related("user__profile")
        .filter(community=community, pk=pk)
        .first()
    )
    if join_request is None:
        raise Http404
    join_request.community = community
    return join_request


def join_request_of(*, community: Community, user) -> JoinRequest | None:
    """The member's latest request to the community (waiting, or decided
    with the reason they read), or None."""
    if not user.is_authenticated:
        return None
    return (
        JoinRequest.objects.filter(community=community, user=user)
        .order_by("-created_at", "-pk")
        .first()
    )


def membership_of(*, community: Community, user) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(community=community, user=user).first()


def invitations_for(*, user) -> QuerySet[Invitation]:
    """The member's waiting invitations (to join, to found), the newest
    first; those to hidden or archived communities left out."""
    if not user.is_authenticated:
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(
            user=user,
            status=Invitation.Status.PENDING,
            community__is_hidden=False,
        )
        .exclude(community__status=Community.Status.ARCHIVED)
        .select_related("community__subject", "invited_by__profile")
        .order_by("-created_at", "-pk")
    )


def invitation_get(*, token: str) -> Invitation:
    """The invitation of a link (any status: the page says it was
    answered), or 404."""
    invitation = (
        Invitation.objects.select_related("community", "invited_by__profile")
        .filter(token=token)
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


def ownership_offer_pending(*, community: Community) -> OwnershipOffer | None:
    return (
        OwnershipOffer.objects.filter(
            community=community, status=OwnershipOffer.Status.PENDING
        )
        .select_related("to_user__profile", "offered_by__profile")
        .first()
    )


def hide_reason(*, community: Community) -> str:
    """Why a moderator hid the community (shown to those who run it), or ""."""
    from django.contrib.contenttypes.models import ContentType

    from community.models import AuditEntry

    if not community.is_hidden:
        return ""
    entry = (
        AuditEntry.objects.filter(
            target_type=ContentType.objects.get_for_model(Community),
            target_id=community.pk,
            action="community_hide",
        )
        .order_by("-created_at", "-pk")
        .values_list("reason", flat=True)
        .first()
    )
    return entry or ""


def members_by_username(*, usernames) -> list:
    """Active members by their usernames (the co-founders a form names)."""
    names = [name.strip() for name in usernames if name.strip()]
    return list(
        get_user_model()
        .objects.filter(username__in=names, is_active=True)
        .select_related("profile")
    )


# --- What a community holds: its topics, materials and meetings, its feed.


def section_topics(*, community: Community, user) -> QuerySet[Topic]:
    """The topics of the community's forum section the viewer may read,
    pinned first, then by their last post, each with the reader's progress
    (nothing before it opens)."""
    if community.section_id is None:
        return Topic.objects.none()
    return forum_selectors.topic_list_for_section(
        section=Section(pk=community.section_id), user=user
    ).filter(readable(user, "section__"))


def collection_of(*, community: Community) -> QuerySet[CommunityMaterial]:
    """The community's materials that every reader of its page may open
    (published, not hidden), the latest added first."""
    return (
        CommunityMaterial.objects.filter(
            community=community,
            material__status=Material.Status.PUBLISHED,
            material__is_hidden=False,
        )
        .select_related("material__author__profile", "added_by__profile")
        .order_by("-added_at", "-pk")
    )


def material_by_pk(pk: int) -> Material | None:
    """A published, shown material (one a member may add), or None."""
    return Material.objects.public().filter(pk=pk).first()


def collection_item_get(*, community: Community, pk: int) -> CommunityMaterial:
    """An item of this community's collection, or 404."""
    item = (
        CommunityMaterial.objects.select_related("material")
        .filter(community=community, pk=pk)
        .first()
    )
    if item is None:
        raise Http404
    item.community = community
    return item


def _meetings(community: Community, user) -> QuerySet[MasterClass]:
    return (
        MasterClass.objects.listed()
        .filter(group_id=community.pk)
        .filter(readable(user))
        .select_related("host__profile")
    )


def meetings_of(*, community: Community, user, past: bool = False):
    """The community's meetings the viewer may read: those to come (and
    going on), the soonest first; or, with ``past``, those over, the
    latest first."""
    now = timezone.now()
    meetings = _meetings(community, user)
    if past:
        return meetings.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    return meetings.filter(
        ends_at__gte=now, status=MasterClass.Status.PUBLISHED
    ).order_by("starts_at", "pk")


class FeedItem(NamedTuple):
    """One line of a community's feed: "topic", "material" or "meeting"."""

    kind: str
    at: datetime.datetime
    item: object


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def feed_cursor(at: datetime.datetime) -> int:
    """A moment as the feed's "older" link carries it (microseconds)."""
    return (at - _EPOCH) // datetime.timedelta(microseconds=1)


def feed_moment(cursor: str | None) -> datetime.datetime | None:
    """The moment of a cursor (``feed_cursor``), or None for a bad one."""
    try:
        return _EPOCH + datetime.timedelta(microseconds=int(cursor or ""))
    except (TypeError, ValueError, OverflowError):
        return None


# The fields a feed's line shows (and those its links and names are made of).
_FEED_TOPIC = (
    "kind",
    "title",
    "accepted_post_id",
    "reply_count",
    "last_post_at",
    "author_id",
)
_FEED_MEETING = (
    "title",
    "group_only",
    "status",
    "format",
    "venue",
    "starts_at",
    "created_at",
    "host_id",
)


def _names(prefix: str) -> tuple[str, ...]:
    """A member's name as a line shows it (``Profile.shown_name``)."""
    return (
        f"{prefix}__username",
        f"{prefix}__profile__display_name",
        f"{prefix}__profile__deleted_at",
    )


def feed_of(
    *, community: Community, user, before: datetime.datetime | None = None, size=20
) -> tuple[list[FeedItem], datetime.datetime | None]:
    """The community's life, the newest first: its topics by their last
    post, the materials added and the meetings announced — ``size`` of them
    before ``before`` (one query each), and the moment the next page starts
    from (None on the last page)."""
    # Only what the feed's lines show (``partials/_holdings.html``): a
    # narrow select is most of what this read costs.
    if community.section_id is None:
        topics = Topic.objects.none()
    else:
        topics = (
            Topic.objects.filter(
                section_id=community.section_id, is_hidden=False, is_pending=False
            )
            .filter(readable(user, "section__"))
            .select_related("author__profile")
            .only(*_FEED_TOPIC, *_names("author"))
            .order_by("-last_post_at", "-pk")
        )
    materials = (
        CommunityMaterial.objects.filter(
            community=community,
            material__status=Material.Status.PUBLISHED,
            material__is_hidden=False,
        )
        .select_related("material", "added_by__profile")
        .only("added_at", "material__title", "added_by_id", *_names("added_by"))
        .order_by("-added_at", "-pk")
    )
    meetings = (
        _meetings(community, user)
        .only(*_FEED_MEETING, *_names("host"))
        .order_by("-created_at", "-pk")
    )
    if before is not None:
        topics = topics.filter(last_post_at__lt=before)
        materials = materials.filter(added_at__lt=before)
        meetings = meetings.filter(created_at__lt=before)
    items = sorted(
        [
            *(
                FeedItem("topic", topic.last_post_at, topic)
                for topic in topics[: size + 1]
            ),
            *(FeedItem("material", row.added_at, row) for row in materials[: size + 1]),
            *(
                FeedItem("meeting", event.created_at, event)
                for event in meetings[: size + 1]
            ),
        ],
        key=lambda entry: entry.at,
        reverse=True,
    )
    if len(items) <= size:
        return items, None
    return items[:size], items[size - 1].at


def communities_visible_to(user):
    """Communities a member may see (and so report, find on a profile): as
    the lists show them, archived ones too."""
    return Community.objects.filter(
        _listed_for(user, statuses=(*LIVING, Community.Status.ARCHIVED))
    )


def cofounders_of(*, community: Community) -> list[Invitation]:
    """The colleagues invited to found a proposal, with their answers (the
    revoked left out), in the order invited."""
    return list(
        Invitation.objects.filter(
            community=community, purpose=Invitation.Purpose.COFOUNDER
        )
        .exclude(status=Invitation.Status.REVOKED)
        .select_related("user__profile")
        .order_by("pk")
    )


def invitation_pending_for(*, community: Community, user) -> Invitation | None:
    """The member's invitation to the community still waiting for an answer."""
    return Invitation.objects.filter(
        community=community, user=user, status=Invitation.Status.PENDING
    ).first()
