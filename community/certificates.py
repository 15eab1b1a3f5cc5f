"""Certificates: the one printed sheet, and where a printed one is checked.

Every app that issues certificates (master-classes, courses) describes one as
a ``CertificateSheet`` and prints it with ``certificate_pdf``: one layout, A4
landscape, a page a teacher hands to a commission — who issued it, to whom
(«выдан» and the name in the dative), for what, in how many academic hours,
who led it, when, its number and date, a signature line, and a link and a QR
code to the public page that confirms it.

That page, ``/certificates/<code>/``, is the community's
(``views_certificates``): it asks each source an app registered in
``AppConfig.ready()`` with ``certificate_source_register`` whether it issued
the code, and shows what that source says (a ``VerifiedCertificate``).
"""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from community.certificate_layout import (
    NOT_QUALIFICATION,
    CertificateSheet,
    Units,
    certificate_pdf,
)
from community.registry import Registry

__all__ = [
    "NOT_QUALIFICATION",
    "CertificateSheet",
    "VerifiedCertificate",
    "academic_hours",
    "certificate_find",
    "certificate_pdf",
    "certificate_source_register",
    "dates_text",
]

ACADEMIC_HOUR_MINUTES = 45


def academic_hours(minutes: int) -> int:
    """``minutes`` in academic hours of 45 minutes, half up, at least one."""
    return max(1, (2 * int(minutes) + ACADEMIC_HOUR_MINUTES) // 90)


def dates_text(first: datetime.date, last: datetime.date | None = None) -> str:
    """«5 марта 2026», «с 1 по 30 марта 2026», «с 25 февраля по 3 марта 2026»."""
    if last is None or last == first:
        return date_format(first, "j E Y")
    if (first.year, first.month) == (last.year, last.month):
        start = date_format(first, "j")
    elif first.year == last.year:
        start = date_format(first, "j E")
    else:
        start = date_format(first, "j E Y")
    return _("from %(first)s to %(last)s") % {
        "first": start,
        "last": date_format(last, "j E Y"),
    }


@dataclass(frozen=True, kw_only=True)
class VerifiedCertificate:
    """What the verification page confirms about a code a source issued."""

    number: str
    holder_name: str
    what: str
    title: str
    issued_at: datetime.datetime
    title_url: str = ""
    hours: int | None = None
    units: Units = ()
    author_label: str = ""
    author_names: Sequence[str] = ()
    dates: str = ""
    subject: str = ""
    revoked: bool = False
    note: str = NOT_QUALIFICATION


_sources: Registry[str, Callable[[str], VerifiedCertificate | None]] = Registry()


def certificate_source_register(
    key: str, find: Callable[[str], VerifiedCertificate | None]
) -> None:
    """Let the verification page ask ``find(code)`` (call from ready()): the
    certificate the app issued under ``code``, or None. ``find`` costs a
    fixed number of queries (one or two)."""
    _sources.register(key, find)


def certificate_find(*, code: str) -> VerifiedCertificate | None:
    """The certificate some source issued under ``code``, or None."""
    for find in _sources.values():
        found = find(code)
        if found is not None:
            return found
    return None
