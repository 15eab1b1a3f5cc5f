"""What master-classes count toward a member's growth (``community.attainments``).

- ``masterclass_certificate``: the certificates of participation she holds
  (master-classes attended), with their verification codes and hours;
- ``masterclass_hosted``: the finished master-classes she hosted or
  co-hosted, with her certificate of conducting where there is one;
- suggestions: upcoming master-classes she may read and register for.

A master-class hidden by a moderator counts for nobody. One for Kollegi's
or a community's members only still counts (she was there), with no address
and no title of its own: the public may not open it, nor learn what was
said there (as forums and communities do for their members-only items).
Whose items a write changed is told by ``masterclasses.changes``
(``concerned``).
"""

from collections.abc import Iterator

from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community.attainments import (
    ATTAINMENT_LIMIT,
    Attainment,
    Suggestion,
    attainment_source_register,
    suggestion_source_register,
    tagged,
)
from community.audience import Audience, readable
from community.certificates import academic_hours
from masterclasses.models import Certificate, MasterClass, Registration


def _hours(masterclass: MasterClass) -> int:
    minutes = (masterclass.ends_at - masterclass.starts_at).total_seconds() // 60
    return academic_hours(int(minutes))


def _url(masterclass: MasterClass) -> str:
    if masterclass.audience != Audience.EVERYONE:
        return ""
    return masterclass.get_absolute_url()


def _title(masterclass: MasterClass) -> str:
    """Its title for everyone's master-class; for members only, a generic
    one (her portfolio and a public plan are read by anyone)."""
    if masterclass.audience != Audience.EVERYONE:
        return gettext("A master-class for members only")
    return masterclass.title


def _cohosted(user) -> Q:
    return Q(
        pk__in=MasterClass.cohosts.through.objects.filter(user=user).values(
            "masterclass_id"
        )
    )


def certificates(user) -> list[Attainment]:
    """Her certificates of participation, the latest master-class first: one
    query."""
    found = (
        Certificate.objects.filter(
            user=user,
            kind=Certificate.Kind.PARTICIPATION,
            masterclass__is_hidden=False,
        )
        .select_related("masterclass")
        .order_by("-masterclass__starts_at", "-pk")[:ATTAINMENT_LIMIT]
    )
    return [
        Attainment(
            key=certificate.code,
            title=_title(certificate.masterclass),
            url=_url(certificate.masterclass),
            occurred_at=certificate.masterclass.starts_at,
            code=certificate.code,
            verify_url=reverse("certificate_verify", args=[certificate.code]),
            hours=_hours(certificate.masterclass),
        )
        for certificate in found
    ]


def hosted(user) -> list[Attainment]:
    """The finished master-classes she hosted or co-hosted, the latest first,
    with the code of her certificate of conducting: one query."""
    found = (
        MasterClass.objects.filter(
            Q(host=user) | _cohosted(user),
            status=MasterClass.Status.FINISHED,
            is_hidden=False,
        )
        .annotate(
            conducting_code=Subquery(
                Certificate.objects.filter(
                    masterclass=OuterRef("pk"),
                    user=user,
                    kind=Certificate.Kind.CONDUCTING,
                ).values("code")[:1]
            )
        )
        .order_by("-starts_at", "-pk")[:ATTAINMENT_LIMIT]
    )
    return [
        Attainment(
            key=str(masterclass.pk),
            title=_title(masterclass),
            url=_url(masterclass),
            occurred_at=masterclass.starts_at,
            code=masterclass.conducting_code or "",
            verify_url=(
                reverse("certificate_verify", args=[masterclass.conducting_code])
                if masterclass.conducting_code
                else ""
            ),
            hours=_hours(masterclass),
        )
        for masterclass in found
    ]


def concerned(masterclass: MasterClass) -> Iterator[int]:
    """Those whose items it is in: its hosts and co-hosts, and who holds a
    certificate of it — only once it is finished (none before) — read when
    iterated (one query)."""
    if masterclass.status != MasterClass.Status.FINISHED:
        return
    yield masterclass.host_id
    cohosts = MasterClass.cohosts.through.objects.filter(masterclass_id=masterclass.pk)
    holders = Certificate.objects.filter(masterclass_id=masterclass.pk).order_by()
    yield from cohosts.values_list("user_id", flat=True).union(
        holders.values_list("user_id", flat=True)
    )


def suggest(
    tags: list[str],
    subject_ids: list[int],
    user,
    limit: int,
    exclude_keys: frozenset[str] = frozenset(),
) -> list:
    """Upcoming master-classes she may read, not cancelled or hidden, carrying
    any of ``tags`` in ``subject_ids``; not hers, not those she registered
    for, not those ``exclude_keys`` names; soonest first, shared out by tag.
    One query (``tagged``)."""
    upcoming = MasterClass.objects.filter(
        readable(user),
        status=MasterClass.Status.PUBLISHED,
        is_hidden=False,
        starts_at__gt=timezone.now(),
    )
    if subject_ids:
        upcoming = upcoming.filter(subject_id__in=subject_ids)
    if user.is_authenticated:
        upcoming = upcoming.exclude(Q(host=user) | _cohosted(user)).exclude(
            pk__in=Registration.objects.filter(user=user)
            .exclude(status=Registration.Status.CANCELLED)
            .values("masterclass_id")
        )
    upcoming = upcoming.order_by("starts_at", "pk")
    return [
        Suggestion(
            kind="masterclass",
            object_key=f"masterclasses.masterclass:{masterclass.pk}",
            title=masterclass.title,
            url=masterclass.get_absolute_url(),
            tags=names,
            detail=gettext("%(format)s, %(when)s")
            % {
                "format": masterclass.get_format_display(),
                "when": date_format(
                    timezone.localtime(masterclass.starts_at), "j E H:i"
                ),
            },
        )
        for masterclass, names in tagged(upcoming, tags, limit, exclude_keys)
    ]


def register() -> None:
    attainment_source_register(
        key="masterclass_certificate",
        title=_("Master-classes attended"),
        order=20,
        items=certificates,
    )
    attainment_source_register(
        key="masterclass_hosted",
        title=_("Master-classes hosted"),
        order=25,
        items=hosted,
    )
    suggestion_source_register(key="masterclasses", order=20, suggest=suggest)
