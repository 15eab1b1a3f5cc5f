"""A master-class's certificate: what the sheet says (``community.certificates``
lays it out) and what the verification page confirms."""

import zoneinfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import npgettext

from community.certificates import (
    CertificateSheet,
    VerifiedCertificate,
    academic_hours,
    dates_text,
)
from community.certificates import (
    certificate_pdf as sheet_pdf,
)
from masterclasses.models import Certificate, MasterClass


def _site_date(moment):
    """The date in the site's zone: the same paper whoever downloads it."""
    return timezone.localtime(moment, zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()


def _what(certificate: Certificate) -> str:
    if certificate.kind == Certificate.Kind.CONDUCTING:
        return _("conducting the master-class")
    return _("participation in the master-class")


def _hosts(masterclass: MasterClass) -> list[str]:
    return [
        host.profile.shown_name
        for host in [masterclass.host, *masterclass.cohosts.all()]
    ]


def _hours(masterclass: MasterClass) -> int:
    minutes = (masterclass.ends_at - masterclass.starts_at).total_seconds() // 60
    return academic_hours(int(minutes))


def with_sheet_facts(certificates):
    """``certificates`` with what a sheet prints, read in two queries."""
    return certificates.select_related(
        "masterclass__subject", "masterclass__host__profile"
    ).prefetch_related(
        Prefetch(
            "masterclass__cohosts",
            queryset=get_user_model().objects.select_related("profile"),
        )
    )


def certificate_sheet(certificate: Certificate) -> CertificateSheet:
    masterclass = certificate.masterclass
    hosts = _hosts(masterclass)
    return CertificateSheet(
        number=certificate.number,
        verify_url=settings.SITE_URL.rstrip("/") + certificate.get_absolute_url(),
        holder_name=certificate.holder_name,
        what=_what(certificate),
        title=masterclass.title,
        hours=_hours(masterclass),
        author_label=npgettext("certificate", "Host", "Hosts", len(hosts)),
        author_names=hosts,
        dates=dates_text(_site_date(masterclass.starts_at)),
        subject=masterclass.subject.name,
        issued_on=_site_date(certificate.issued_at),
    )


def certificate_pdf(certificate: Certificate) -> bytes:
    """The certificate's PDF (read it through ``with_sheet_facts``)."""
    return sheet_pdf(certificate_sheet(certificate))


def certificate_verified(code: str) -> VerifiedCertificate | None:
    """What the verification page confirms about ``code``: two queries."""
    certificate = with_sheet_facts(Certificate.objects.filter(code=code)).first()
    if certificate is None:
        return None
    sheet = certificate_sheet(certificate)
    return VerifiedCertificate(
        number=sheet.number,
        holder_name=sheet.holder_name,
        what=sheet.what,
        title=sheet.title,
        title_url=certificate.masterclass.get_absolute_url(),
        hours=sheet.hours,
        author_label=sheet.author_label,
        author_names=sheet.author_names,
        dates=sheet.dates,
        subject=sheet.subject,
        issued_at=certificate.issued_at,
    )
