"""Reads for master-classes' pages; each owns its joins."""

import datetime

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import connections, router
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from community import audience
from community.tagged import tagged
from masterclasses.models import (
    CalendarFeed,
    Certificate,
    Feedback,
    MasterClass,
    Registration,
)
from masterclasses.permissions import can_view_masterclass


def _listed(user) -> QuerySet[MasterClass]:
    """Listed ones ``user`` may read (a community's meetings for its members
    only to them, those for members of Kollegi to members): no extra query."""
    return (
        MasterClass.objects.listed()
        .filter(audience.readable(user))
        .select_related("host__profile", "subject")
    )


def masterclass_list(
    *,
    user,
    past: bool = False,
    subject=None,
    format: str = "",
    date_from=None,
    date_to=None,
) -> QuerySet[MasterClass]:
    """Upcoming ones soonest first (cancelled left out), or past ones latest
    first; those ``user`` may read."""
    now = timezone.now()
    if past:
        masterclasses = (
            _listed(user).filter(ends_at__lte=now).order_by("-starts_at", "-pk")
        )
    else:
        masterclasses = (
            _listed(user)
            .filter(ends_at__gt=now)
            .exclude(status=MasterClass.Status.CANCELLED)
            .order_by("starts_at", "pk")
        )
    if subject is not None:
        masterclasses = masterclasses.filter(subject=subject)
    if format:
        masterclasses = masterclasses.filter(format=format)
    zone = timezone.get_current_timezone()
    if date_from:
        start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=zone)
        masterclasses = masterclasses.filter(starts_at__gte=start)
    if date_to:
        end = datetime.datetime.combine(
            date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        masterclasses = masterclasses.filter(starts_at__lt=end)
    return masterclasses


def masterclass_get(*, pk: int, user, for_page: bool = False) -> MasterClass:
    """The master-class the member may see, or 404; with ``for_page``, its
    co-hosts' ids (``_cohosts_known``: the kept body shows their names), and
    whether the member bookmarked it (``viewer_bookmarked``) and her
    certificate of it (``viewer_certificate``, a pk: conducting before
    participation; None before it is finished) and whether she registered
    (``viewer_registration``, a pk: ``registration_of`` reads it only then),
    in the same query."""
    masterclasses = MasterClass.objects.select_related("host__profile", "subject")
    if not for_page:
        masterclasses = masterclasses.prefetch_related("cohosts__profile", "tags")
    if for_page and user.is_authenticated:
        from accounts.selectors_relations import bookmarked_expression

        masterclasses = masterclasses.annotate(
            viewer_bookmarked=bookmarked_expression(user=user, model=MasterClass),
            viewer_certificate=Subquery(
                Certificate.objects.filter(masterclass=OuterRef("pk"), user=user)
                .order_by("kind")  # "conducting" < "participation"
                .values("pk")[:1]
            ),
            viewer_registration=Subquery(
                Registration.objects.filter(
                    masterclass=OuterRef("pk"), user=user
                ).values("pk")[:1]
            ),
        )
    masterclass = masterclasses.filter(pk=pk).first()
    if masterclass is not None and for_page:
        _cohosts_known(masterclass)
    if masterclass is None or not can_view_masterclass(user, masterclass):
        raise Http404
    return masterclass


def _cohosts_known(masterclass: MasterClass) -> None:
    """Its co-hosts as ``prefetch_related`` would leave them (``is_host``
    asks them), without their profiles: their names are in the page's kept
    body (``list_fragments.page_body``). One query of their ids, written out
    (the ORM's prefetch cost more to build than to run)."""
    through = MasterClass.cohosts.through
    database = connections[router.db_for_read(MasterClass)]
    quote = database.ops.quote_name
    user = quote(through._meta.get_field("user").column)
    of = quote(through._meta.get_field("masterclass").column)
    with database.cursor() as cursor:
        cursor.execute(
            f"SELECT {user} FROM {quote(through._meta.db_table)} "  # noqa: S608
            f"WHERE {of} = %s ORDER BY {user}",
            [masterclass.pk],
        )
        ids = [row[0] for row in cursor]
    model = get_user_model()
    cohosts = masterclass.cohosts.get_queryset()
    cohosts._result_cache = [model(pk=pk) for pk in ids]
    cohosts._prefetch_done = True
    masterclass._prefetched_objects_cache = {"cohosts": cohosts}


def registration_of(*, masterclass: MasterClass, user) -> Registration | None:
    """The member's registration (with her feedback); none read when the
    page's query found none (``masterclass_get`` with ``for_page``)."""
    if not user.is_authenticated:
        return None
    if "viewer_registration" in masterclass.__dict__ and (
        masterclass.viewer_registration is None
    ):
        return None
    return (
        Registration.objects.filter(masterclass=masterclass, user=user)
        .select_related("feedback")
        .first()
    )


def participants(*, masterclass: MasterClass) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(
            masterclass=masterclass, status=Registration.Status.REGISTERED
        )
        .select_related("user__profile")
        .order_by("user__profile__display_name", "pk")
    )


def feedback_list(*, masterclass: MasterClass) -> QuerySet[Feedback]:
    return (
        Feedback.objects.filter(registration__masterclass=masterclass)
        .select_related("registration__user__profile")
        .order_by("-created_at")
    )


def my_registrations(*, user) -> QuerySet[Registration]:
    """The member's registrations, of meetings she may still read (one left
    with its community is gone from here at once)."""
    return (
        Registration.objects.filter(user=user, masterclass__is_hidden=False)
        .filter(audience.readable(user, "masterclass__"))
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("masterclass__subject")
        .order_by("-masterclass__starts_at")
    )


def registrations_upcoming(*, user, limit: int) -> list[Registration]:
    """The member's next master-classes, soonest first: those she is
    registered or waitlisted for, published, not hidden and not over yet,
    that she may read, each with its master-class. One query."""
    return list(
        Registration.objects.filter(
            audience.readable(user, "masterclass__"),
            user=user,
            status__in=[Registration.Status.REGISTERED, Registration.Status.WAITLISTED],
            masterclass__status=MasterClass.Status.PUBLISHED,
            masterclass__is_hidden=False,
            masterclass__ends_at__gt=timezone.now(),
        )
        .select_related("masterclass")
        .only(
            "pk",
            "status",
            "masterclass__title",
            "masterclass__starts_at",
            "masterclass__format",
        )
        .order_by("masterclass__starts_at", "pk")[:limit]
    )


def feed_masterclasses(*, user) -> list[MasterClass]:
    """What the personal calendar feed carries: registrations (of those the
    member may read, asked at each request) and hosting."""
    registered = MasterClass.objects.filter(
        audience.readable(user),
        registrations__user=user,
        registrations__status=Registration.Status.REGISTERED,
        is_hidden=False,
    )
    hosted = MasterClass.objects.filter(host=user).exclude(
        status__in=[MasterClass.Status.DRAFT, MasterClass.Status.PROPOSED]
    )
    return list((registered | hosted).distinct().order_by("starts_at")[:500])


_FEED_SIGNER = signing.Signer(salt="masterclasses.calendar-feed", sep=".")


def calendar_feed_token(*, user) -> str:
    """The member's secret calendar address.

    Until the member asks for a new one (``services.calendar_feed_for`` with
    ``reset``, a POST) it is derived from the account, signed with the
    secret key, so showing it writes nothing.
    """
    token = (
        CalendarFeed.objects.filter(user=user).values_list("token", flat=True).first()
    )
    return token or _FEED_SIGNER.sign(str(user.pk))


def calendar_feed_owner(*, token: str):
    """Whose calendar the address opens; None for an unknown or replaced one."""
    found = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if found is not None:
        return found.user
    try:
        user_id = int(_FEED_SIGNER.unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    if CalendarFeed.objects.filter(user_id=user_id).exists():
        return None  # the member has made a new address since
    return get_user_model().objects.filter(pk=user_id).first()


def hosted_by(*, user) -> QuerySet[MasterClass]:
    return MasterClass.objects.filter(host=user).order_by("-starts_at")


def certificates_of(*, user) -> QuerySet[Certificate]:
    return (
        Certificate.objects.filter(user=user)
        .select_related("masterclass")
        .order_by("-issued_at")
    )


def masterclass_list_for_tag(*, tag, user) -> QuerySet[MasterClass]:
    """Listed ones carrying ``tag`` that ``user`` may read (as on the list),
    latest first."""
    return tagged(_listed(user), tag).order_by("-starts_at", "-pk")


def masterclasses_visible_to(user) -> QuerySet[MasterClass]:
    """Listed ones ``user`` may read, plain (bookmarks, reports)."""
    return MasterClass.objects.listed().filter(audience.readable(user))
