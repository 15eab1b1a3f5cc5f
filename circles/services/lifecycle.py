"""Never abandoned: what the nightly run does to communities nobody tends.

A community's last sign of life is the latest of its section's last post
(``forums.Section.last_post_at``), its opening and ``last_activity_at``. The
run (``communities_tend``, beat's ``circles.tasks.communities_tend_task``)
takes these steps, each community in its own transaction:

- **awake**: a dormant community with a sign of life newer than
  ``CIRCLES_DORMANT_DAYS`` is open again;
- **archived**: open or dormant and silent for ``CIRCLES_ARCHIVE_DAYS``, it
  is archived read-only (a community found that silent at once, after a long
  pause of the run, is archived without going dormant first: one notice);
- **dormant**: open and silent for ``CIRCLES_DORMANT_DAYS``, it goes quiet;
- **handover**: the owner neither on the site nor writing in it for
  ``CIRCLES_OWNER_INACTIVE_DAYS`` (or no owner at all): its ownership is
  offered to its most active other member, who accepts or declines through
  ``roles.ownership_answer``. Such an offer left unanswered for
  ``OFFER_DAYS``, or made while the owner has come back since, is withdrawn.

Each step is claimed once: a status moves by one conditional UPDATE whose
conditions are the step's own (``status=open AND silent …``), and only the
caller whose UPDATE changed the row tells the members and writes the audit
entry; an offer is made under the community's lock, and one offer may wait
at a time (a unique constraint). Two workers at once change a community
once; a second run the same night finds nothing to do.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone

from circles import kinds
from circles.changes import community_visibility_changed
from circles.models import Community, Membership, OwnershipOffer
from circles.permissions import LIVING
from circles.services._common import _audit, _lock, _name, _tell, _tell_many, _users
from forums.models import Post, Section

__all__ = [
    "DECLINED_DAYS",
    "OFFER_DAYS",
    "RECENT_DAYS",
    "communities_tend",
    "community_archive_silent",
    "community_doze",
    "community_wake",
    "ownership_offer_automatic",
    "ownership_offers_expire",
    "successor_for",
]

# The most active member: most posts in the community's section in so many days.
RECENT_DAYS = 90
# A member who declined the ownership is not offered it again for so long.
DECLINED_DAYS = 90
# An automatic offer nobody answers is withdrawn after so many days; the next
# member may be asked then.
OFFER_DAYS = 30


def _days(name: str) -> datetime.timedelta:
    return datetime.timedelta(days=getattr(settings, name))


def _silent_since(cutoff: datetime.datetime) -> Q:
    """No sign of life after ``cutoff``: the community's own columns
    and its section's last post (a subquery, so it stays on an UPDATE)."""
    recent_post = Section.objects.filter(
        pk=OuterRef("section_id"), last_post_at__gt=cutoff
    )
    return (
        (Q(opened_at__lte=cutoff) | Q(opened_at__isnull=True, created_at__lte=cutoff))
        & (Q(last_activity_at__isnull=True) | Q(last_activity_at__lte=cutoff))
        & ~Exists(recent_post)
    )


def _alive_since(cutoff: datetime.datetime) -> Q:
    """A sign of life after ``cutoff`` (the opposite of ``_silent_since``)."""
    recent_post = Section.objects.filter(
        pk=OuterRef("section_id"), last_post_at__gt=cutoff
    )
    return (
        Q(opened_at__gt=cutoff)
        | Q(opened_at__isnull=True, created_at__gt=cutoff)
        | Q(last_activity_at__gt=cutoff)
        | Exists(recent_post)
    )


def _seen(prefix: str = ""):
    """When a member was last on the site: their last sign-in or visit
    (their joining when they have neither)."""
    joined = f"{prefix}date_joined"
    return Greatest(
        Coalesce(f"{prefix}last_login", joined),
        Coalesce(f"{prefix}last_seen_at", joined),
    )


def _hearers(community: Community):
    """Who hears of its quiet and its archiving: members who hear
    everything, and the owner whatever they chose."""
    return _users(
        Membership.objects.filter(community=community)
        .filter(
            Q(hearing=Membership.Hearing.EVERYTHING) | Q(role=Membership.Role.OWNER)
        )
        .values("user_id")
    )


def _status_step(
    community_id: int, *, was: tuple[str, ...], condition: Q, **fields
) -> Community | None:
    """The claim: one conditional UPDATE; the community when this caller
    changed it, None when another did (or it no longer qualifies)."""
    changed = Community.objects.filter(
        condition, pk=community_id, status__in=was
    ).update(**fields)
    if not changed:
        return None
    return Community.objects.select_related("founder", "subject").get(pk=community_id)


@transaction.atomic
def community_wake(*, community_id: int, now: datetime.datetime | None = None) -> bool:
    """A dormant community someone wrote in again is open; whether this call
    opened it."""
    now = now or timezone.now()
    community = _status_step(
        community_id,
        was=(Community.Status.DORMANT,),
        condition=_alive_since(now - _days("CIRCLES_DORMANT_DAYS")),
        status=Community.Status.OPEN,
    )
    if community is None:
        return False
    _audit(community, actor=None, action="wake")
    community_visibility_changed(community)
    return True


@transaction.atomic
def community_doze(*, community_id: int, now: datetime.datetime | None = None) -> bool:
    """An open community silent for ``CIRCLES_DORMANT_DAYS`` goes quiet; its
    owner and the members who hear everything are told. Whether this call
    changed it."""
    now = now or timezone.now()
    community = _status_step(
        community_id,
        was=(Community.Status.OPEN,),
        condition=_silent_since(now - _days("CIRCLES_DORMANT_DAYS")),
        status=Community.Status.DORMANT,
    )
    if community is None:
        return False
    _audit(community, actor=None, action="dormant")
    _tell_many(community, recipients=_hearers(community), kind=kinds.DORMANT)
    community_visibility_changed(community)
    return True


@transaction.atomic
def community_archive_silent(
    *, community_id: int, now: datetime.datetime | None = None
) -> bool:
    """A community silent for ``CIRCLES_ARCHIVE_DAYS`` is archived read-only;
    its owner and the members who hear everything are told. Whether this
    call archived it."""
    now = now or timezone.now()
    community = _status_step(
        community_id,
        was=LIVING,
        condition=_silent_since(now - _days("CIRCLES_ARCHIVE_DAYS")),
        status=Community.Status.ARCHIVED,
        archived_at=now,
    )
    if community is None:
        return False
    _audit(community, actor=None, action="archive_automatic")
    _tell_many(community, recipients=_hearers(community), kind=kinds.ARCHIVED)
    # What follows an archiving (its section read-only, the feed, search).
    community_visibility_changed(community)
    return True


# --- The handover of a community whose owner is away ---------------------------


def _owner_present(community: Community, *, since: datetime.datetime) -> bool:
    """Its owner was on the site, or wrote in its section, since ``since``."""
    owner = (
        Membership.objects.filter(community=community, role=Membership.Role.OWNER)
        .annotate(seen=_seen("user__"))
        .values("user_id", "seen")
        .first()
    )
    if owner is None:
        return False
    if owner["seen"] >= since:
        return True
    return community.section_id is not None and (
        Post.objects.filter(
            topic__section_id=community.section_id,
            author_id=owner["user_id"],
            created_at__gte=since,
        ).exists()
    )


def successor_for(community: Community, *, now: datetime.datetime | None = None):
    """The member to offer the ownership to, or None: not the owner, on the
    site lately, free to write, and not one who declined lately; the most
    posts in its section in ``RECENT_DAYS``, then its moderators, then the
    earliest to join."""
    now = now or timezone.now()
    turned_down = OwnershipOffer.objects.filter(
        community=community,
        answered_at__gte=now - datetime.timedelta(days=DECLINED_DAYS),
    ).filter(
        Q(status=OwnershipOffer.Status.DECLINED)
        | Q(status=OwnershipOffer.Status.WITHDRAWN, offered_by__isnull=True)
    )
    if community.section_id is None:
        posts = Value(0)
    else:
        counted = (
            Post.objects.filter(
                topic__section_id=community.section_id,
                topic__is_hidden=False,
                author_id=OuterRef("user_id"),
                created_at__gte=now - datetime.timedelta(days=RECENT_DAYS),
                is_deleted=False,
                is_hidden=False,
                is_pending=False,
            )
            .order_by()
            .values("author_id")
            .annotate(count=Count("pk"))
            .values("count")
        )
        posts = Coalesce(Subquery(counted, output_field=IntegerField()), 0)
    membership = (
        Membership.objects.filter(community=community, user__is_active=True)
        .exclude(role=Membership.Role.OWNER)
        .exclude(user_id__in=turned_down.values("to_user_id"))
        .exclude(user__restricted_until__gt=now)
        .annotate(
            seen=_seen("user__"),
            posts=posts,
            moderates=Case(
                When(role=Membership.Role.MODERATOR, then=Value(0)),
                default=Value(1),
            ),
        )
        .filter(seen__gte=now - _days("CIRCLES_OWNER_INACTIVE_DAYS"))
        .select_related("user")
        .order_by("-posts", "moderates", "joined_at", "pk")
        .first()
    )
    return membership.user if membership is not None else None


@transaction.atomic
def ownership_offer_automatic(
    *, community: Community, now: datetime.datetime | None = None
) -> OwnershipOffer | None:
    """The nightly run offers the ownership of a community whose owner is
    away (or which has none) to its most active member (``successor_for``),
    who is told and answers through ``ownership_answer``; the owner is told
    too. The offer, or None: the owner is back, an offer waits already, the
    community is not open or is hidden, or nobody fits.

    The owner's own offer (``roles.ownership_offer``) is unchanged: it needs
    the owner, and this one is made by nobody (``offered_by`` empty).
    """
    now = now or timezone.now()
    _lock(community)
    if community.status not in LIVING or community.is_hidden:
        return None
    if OwnershipOffer.objects.filter(
        community=community, status=OwnershipOffer.Status.PENDING
    ).exists():
        return None
    if _owner_present(community, since=now - _days("CIRCLES_OWNER_INACTIVE_DAYS")):
        return None
    to_user = successor_for(community, now=now)
    if to_user is None:
        return None
    offer = OwnershipOffer.objects.create(
        community=community, to_user=to_user, offered_by=None
    )
    _audit(
        community, actor=None, action="ownership_offer_automatic", reason=_name(to_user)
    )
    _tell(
        community,
        recipient=to_user,
        kind=kinds.OWNERSHIP_SUGGESTED,
        url=reverse("circles:ownership", args=[community.slug]),
    )
    owner = (
        Membership.objects.filter(community=community, role=Membership.Role.OWNER)
        .select_related("user")
        .first()
    )
    if owner is not None:
        _tell(community, recipient=owner.user, kind=kinds.OWNER_AWAY)
    return offer


def ownership_offers_expire(*, now: datetime.datetime | None = None) -> int:
    """Automatic offers left unanswered for ``OFFER_DAYS``, or whose owner
    has been on the site since they were made, are withdrawn (one
    conditional UPDATE each, audited once); how many."""
    now = now or timezone.now()
    owner_seen = (
        Membership.objects.filter(
            community=OuterRef("community_id"), role=Membership.Role.OWNER
        )
        .annotate(seen=_seen("user__"))
        .values("seen")[:1]
    )
    stale = (
        OwnershipOffer.objects.filter(
            status=OwnershipOffer.Status.PENDING, offered_by__isnull=True
        )
        .annotate(owner_seen=Subquery(owner_seen))
        .filter(
            Q(created_at__lt=now - datetime.timedelta(days=OFFER_DAYS))
            | Q(owner_seen__gt=F("created_at"))
        )
        .values_list("pk", flat=True)
    )
    withdrawn = 0
    for pk in list(stale):
        with transaction.atomic():
            if not OwnershipOffer.objects.filter(
                pk=pk, status=OwnershipOffer.Status.PENDING
            ).update(status=OwnershipOffer.Status.WITHDRAWN, answered_at=now):
                continue
            offer = OwnershipOffer.objects.select_related("community", "to_user").get(
                pk=pk
            )
            _audit(
                offer.community,
                actor=None,
                action="ownership_withdraw_automatic",
                reason=_name(offer.to_user),
            )
            withdrawn += 1
    return withdrawn


def _handover_candidates(now: datetime.datetime):
    """Open or dormant communities, not hidden, with no offer waiting and no
    owner seen on the site lately (whether they wrote in it is asked later,
    of these few)."""
    since = now - _days("CIRCLES_OWNER_INACTIVE_DAYS")
    present_owner = (
        Membership.objects.filter(community=OuterRef("pk"), role=Membership.Role.OWNER)
        .annotate(seen=_seen("user__"))
        .filter(seen__gte=since)
    )
    waiting = OwnershipOffer.objects.filter(
        community=OuterRef("pk"), status=OwnershipOffer.Status.PENDING
    )
    return Community.objects.filter(status__in=LIVING, is_hidden=False).filter(
        ~Exists(present_owner), ~Exists(waiting)
    )


# --- The nightly run ------------------------------------------------------------


def _pks(queryset) -> list[int]:
    return list(queryset.order_by("pk").values_list("pk", flat=True))


def communities_tend(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """The nightly run: every step above for every community it concerns;
    how many communities each step changed. Safe twice, and two at once."""
    now = now or timezone.now()
    dormant_cutoff = now - _days("CIRCLES_DORMANT_DAYS")
    archive_cutoff = now - _days("CIRCLES_ARCHIVE_DAYS")
    done = {"awake": 0, "archived": 0, "dormant": 0, "withdrawn": 0, "offered": 0}
    for pk in _pks(
        Community.objects.filter(
            _alive_since(dormant_cutoff), status=Community.Status.DORMANT
        )
    ):
        done["awake"] += community_wake(community_id=pk, now=now)
    # Archived before going quiet: a community silent that long is archived
    # once, not made dormant and archived by the same night's two runs.
    for pk in _pks(
        Community.objects.filter(_silent_since(archive_cutoff), status__in=LIVING)
    ):
        done["archived"] += community_archive_silent(community_id=pk, now=now)
    for pk in _pks(
        Community.objects.filter(
            _silent_since(dormant_cutoff), status=Community.Status.OPEN
        )
    ):
        done["dormant"] += community_doze(community_id=pk, now=now)
    done["withdrawn"] = ownership_offers_expire(now=now)
    for community in _handover_candidates(now).order_by("pk"):
        done["offered"] += (
            ownership_offer_automatic(community=community, now=now) is not None
        )
    return done
