"""A contest's diploma: the printed sheet (``community.certificates``' one
layout) and what the verification page ``/certificates/<code>/`` confirms.

Both read the diploma's own fields, kept as issued (the holder's name, the
contest's, nomination's and entry's titles, the place, the organiser), and
the contest's dates, which do not move once its results are frozen. Dates
are the site's (``settings.TIME_ZONE``), whoever downloads the paper.
"""

import zoneinfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from community.certificates import CertificateSheet, VerifiedCertificate, dates_text
from community.certificates import certificate_pdf as sheet_pdf
from contests.models import Contest, Diploma, Entry

SOURCE = "contests"


def _site_date(moment):
    """The date in the site's zone: the same paper whoever downloads it."""
    return timezone.localtime(moment, zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()


def _statement(diploma: Diploma) -> str:
    """«Победитель», «Призёр», «Участник»: above «выдан»."""
    if diploma.kind == Diploma.Kind.WINNER:
        return pgettext("diploma statement", "Winner")
    if diploma.kind == Diploma.Kind.PRIZE:
        return pgettext("diploma statement", "Prize-winner")
    return pgettext("diploma statement", "Participant")


def _what(diploma: Diploma) -> str:
    """The line after «за»: «победу в конкурсе», «2 место в конкурсе»,
    «участие в конкурсе»."""
    if diploma.kind == Diploma.Kind.WINNER:
        return _("winning the contest")
    if diploma.kind == Diploma.Kind.PRIZE and diploma.place:
        return _("place %(place)d in the contest") % {"place": diploma.place}
    if diploma.kind == Diploma.Kind.PRIZE:
        return _("a prize place in the contest")
    return _("participation in the contest")


def _nomination_and_entry(diploma: Diploma) -> list[str]:
    return [
        _("%(nomination)s — “%(entry)s”")
        % {"nomination": diploma.nomination_title, "entry": diploma.entry_title}
    ]


def _dates(contest: Contest) -> str:
    last = contest.finished_at or contest.judging_close_at
    return dates_text(_site_date(contest.submissions_open_at), _site_date(last))


def _subject(contest: Contest) -> str:
    return str(contest.subject.name) if contest.subject_id else ""


def with_sheet_facts(diplomas):
    """``diplomas`` with what a sheet reads (one query)."""
    return diplomas.select_related("entry__contest__subject")


def diploma_sheet(diploma: Diploma) -> CertificateSheet:
    """What the printed diploma says (read it through ``with_sheet_facts``)."""
    contest = diploma.entry.contest
    return CertificateSheet(
        number=diploma.number,
        verify_url=settings.SITE_URL.rstrip("/") + diploma.get_absolute_url(),
        heading=pgettext("diploma", "DIPLOMA"),
        statement=_statement(diploma),
        holder_name=diploma.holder_name,
        what=_what(diploma),
        title=diploma.contest_title,
        issued_on=_site_date(diploma.issued_at),
        author_label=pgettext("diploma", "Nomination and entry"),
        author_names=_nomination_and_entry(diploma),
        dates=_dates(contest),
        subject=_subject(contest),
    )


def diploma_pdf(diploma: Diploma) -> bytes:
    """The diploma as a PDF, in the one layout of certificates."""
    return sheet_pdf(diploma_sheet(diploma))


def diploma_verified(code: str) -> VerifiedCertificate | None:
    """What ``/certificates/<code>/`` confirms of a contest's diploma, or None
    when contests issued no such code. One query. A diploma of an entry
    disqualified later shows as revoked; the contest's title is linked while
    everyone may read the contest."""
    diploma = (
        Diploma.objects.select_related("entry__contest__subject")
        .filter(code=code)
        .first()
    )
    if diploma is None:
        return None
    entry = diploma.entry
    contest = entry.contest
    public = contest.status == Contest.Status.FINISHED and not contest.is_hidden
    return VerifiedCertificate(
        number=diploma.number,
        holder_name=diploma.holder_name,
        what=_what(diploma),
        title=diploma.contest_title,
        issued_at=diploma.issued_at,
        title_url=contest.get_absolute_url() if public else "",
        author_label=pgettext("diploma", "Nomination and entry"),
        author_names=_nomination_and_entry(diploma),
        dates=_dates(contest),
        subject=_subject(contest),
        revoked=entry.status == Entry.Status.DISQUALIFIED,
    )


def register() -> None:
    """The verification page asks contests about a code (from ``hooks``)."""
    from community.certificates import certificate_source_register

    certificate_source_register(SOURCE, diploma_verified)
