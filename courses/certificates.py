"""A course's certificate: the printed sheet and what its public page confirms.

Both read the certificate's own fields, kept as issued (the name, the
course's title and kind, its subject, the units done with their hours, the
authors, the dates): the paper and the page say the same thing however the
course changes later. Dates are the site's (``settings.TIME_ZONE``), as on
the verification page, whoever downloads the paper.
"""

import zoneinfo

from django.conf import settings
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from community.certificates import (
    CertificateSheet,
    VerifiedCertificate,
    dates_text,
)
from community.certificates import certificate_pdf as sheet_pdf
from courses.models import Course, CourseCertificate


def _units(certificate: CourseCertificate) -> list[tuple[str, int]]:
    return [(str(title), int(hours)) for title, hours in certificate.units]


def _authors(certificate: CourseCertificate) -> tuple[str, list[str]]:
    names = [name for name in certificate.author_names.split(", ") if name]
    return ngettext("Author", "Authors", len(names)), names


def _site_date(moment):
    """The date in the site's zone: the same paper whoever downloads it."""
    return timezone.localtime(moment, zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()


def _dates(certificate: CourseCertificate) -> str:
    return dates_text(
        _site_date(certificate.started_at), _site_date(certificate.completed_at)
    )


def _kind(certificate: CourseCertificate) -> str:
    """The kind as issued; a certificate issued before it was kept reads
    the course's."""
    if certificate.course_kind:
        return str(Course.Kind(certificate.course_kind).label)
    return str(certificate.course.get_kind_display())


def _subject(certificate: CourseCertificate) -> str:
    """The subject as issued, or the course's for an older certificate."""
    return certificate.subject_name or str(certificate.course.subject.name)


def certificate_sheet(certificate: CourseCertificate) -> CertificateSheet:
    """What the printed certificate says."""
    label, names = _authors(certificate)
    return CertificateSheet(
        number=certificate.number,
        verify_url=settings.SITE_URL.rstrip("/") + certificate.get_absolute_url(),
        holder_name=certificate.holder_name,
        what=_("completing the course"),
        title=certificate.course_title,
        issued_on=_site_date(certificate.issued_at),
        statement=capfirst(_kind(certificate)),
        hours=certificate.hours,
        units=_units(certificate),
        author_label=label,
        author_names=names,
        dates=_dates(certificate),
        subject=_subject(certificate),
    )


def certificate_pdf(certificate: CourseCertificate) -> bytes:
    """The certificate as a PDF (``community.certificates``' one layout): the
    units done and their hours in a table, continued on further pages."""
    return sheet_pdf(certificate_sheet(certificate))


def certificate_verified(code: str) -> VerifiedCertificate | None:
    """What ``/certificates/<code>/`` confirms of a course's certificate, or
    None when courses issued no such code. One query."""
    certificate = (
        CourseCertificate.objects.select_related("course__subject")
        .filter(code=code)
        .first()
    )
    if certificate is None:
        return None
    course = certificate.course
    public = not course.is_hidden and course.status in (
        Course.Status.PUBLISHED,
        Course.Status.ARCHIVED,
    )
    label, names = _authors(certificate)
    return VerifiedCertificate(
        number=certificate.number,
        holder_name=certificate.holder_name,
        what=_("completing the course"),
        title=certificate.course_title,
        issued_at=certificate.issued_at,
        title_url=course.get_absolute_url() if public else "",
        hours=certificate.hours,
        units=_units(certificate),
        author_label=label,
        author_names=names,
        dates=_dates(certificate),
        subject=_subject(certificate),
    )
