"""The attestation portfolio of a plan: a printable page and a PDF.

Sections follow the criteria of the plan's target, in their order. Each holds
the evidence of the criterion's competencies: what the other apps say she did
(``Evidence``, each with its date and the link that verifies it — a
certificate's page ``/certificates/<code>/``, printed whole; its code is
never shown bare) and her own
evidence (``OwnEvidence`` of those competencies, marked confirmed by the
mentor or not). A source that shows only as a count
(``community.attainments``, ``as_count=True``: the reviews she wrote while
review is blind) gives a number per section and never a title, a link or a
name. Evidence of a source no app registers any more is left out: nothing
stands behind it.

The same piece of evidence may serve several criteria (a course counts for
teaching and for professional development), as the plan's table counts it.
Reading it all takes four queries whatever the data: the criteria, their
competencies, the computed evidence, her own.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from community.attainments import attainment_source
from community.documents import FONT, PAGE_WIDTH, pdf_document, pdf_lines
from growth.models import Competency, Criterion, Evidence, OwnEvidence, Plan

if TYPE_CHECKING:
    from fpdf import FPDF


def absolute(address: str) -> str:
    """A site path as an address to type or follow from paper."""
    if address.startswith("/"):
        return settings.SITE_URL.rstrip("/") + address
    return address


@dataclass(frozen=True)
class PortfolioEntry:
    """One piece of evidence as the portfolio lists it."""

    title: str
    on: datetime.date
    source: str  # what kind of evidence: the source's title, her own kind
    url: str = ""  # absolute: its page, her link
    code: str = ""  # a certificate's verification code
    verify_url: str = ""  # absolute: where the code is checked
    hours: int | None = None
    own: bool = False
    confirmed: bool = True  # her own evidence: confirmed by the mentor
    has_file: bool = False  # her own evidence: a file (private, not linked)

    @property
    def check_url(self) -> str:
        """The link that verifies it: the certificate's page, else its own."""
        return self.verify_url or self.url


@dataclass(frozen=True)
class PortfolioCount:
    """A source shown only as a count, without titles or names."""

    title: str
    count: int


@dataclass
class PortfolioSection:
    criterion: Criterion
    competencies: list[Competency]
    entries: list[PortfolioEntry] = field(default_factory=list)
    counts: list[PortfolioCount] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.entries) + sum(count.count for count in self.counts)

    @property
    def unconfirmed(self) -> int:
        return sum(1 for entry in self.entries if not entry.confirmed)

    @property
    def is_gap(self) -> bool:
        return self.total < self.criterion.min_evidence


@dataclass
class Portfolio:
    plan: Plan
    name: str
    sections: list[PortfolioSection]
    printed_on: datetime.date


def _computed(row: Evidence, source) -> PortfolioEntry:
    return PortfolioEntry(
        title=row.title,
        on=timezone.localtime(row.occurred_at).date(),
        source=str(source.title),
        url=absolute(row.url),
        code=row.code,
        verify_url=absolute(row.verify_url),
        hours=row.hours,
    )


def _own(row: OwnEvidence) -> PortfolioEntry:
    return PortfolioEntry(
        title=row.title,
        on=row.happened_on,
        source=str(row.get_kind_display()),
        url=row.link,
        hours=row.hours,
        own=True,
        confirmed=row.status == OwnEvidence.Status.CONFIRMED,
        has_file=bool(row.file),
    )


def _section(
    criterion: Criterion,
    computed: dict[str, list[Evidence]],
    own: dict[str, list[OwnEvidence]],
) -> PortfolioSection:
    competencies = list(criterion.competencies.all())
    section = PortfolioSection(criterion=criterion, competencies=competencies)
    sources: list[str] = []
    for competency in competencies:
        sources += [key for key in competency.evidence_kinds if key not in sources]
    entries = []
    for key in sources:
        source = attainment_source(key)
        rows = computed.get(key, [])
        if source is None or not rows:
            continue
        if source.as_count:
            section.counts.append(PortfolioCount(str(source.title), len(rows)))
        else:
            entries += [_computed(row, source) for row in rows]
    codes = {competency.code for competency in competencies}
    entries += [_own(row) for code in sorted(codes) for row in own.get(code, [])]
    section.entries = sorted(entries, key=lambda entry: entry.on, reverse=True)
    return section


def _by(rows: Iterable, attribute: str) -> dict[str, list]:
    grouped: dict[str, list] = {}
    for row in rows:
        grouped.setdefault(getattr(row, attribute), []).append(row)
    return grouped


def portfolio_build(plan: Plan) -> Portfolio:
    """The portfolio of ``plan``: a section per criterion of its target
    (``plan.owner`` with her profile and ``plan.target`` already read)."""
    criteria = list(
        Criterion.objects.filter(target_id=plan.target_id)
        .order_by("order", "pk")
        .prefetch_related(
            Prefetch("competencies", queryset=Competency.objects.order_by("order"))
        )
    )
    keys = {
        key
        for criterion in criteria
        for competency in criterion.competencies.all()
        for key in competency.evidence_kinds
    }
    codes = {
        competency.code
        for criterion in criteria
        for competency in criterion.competencies.all()
    }
    computed = _by(
        Evidence.objects.filter(owner_id=plan.owner_id, source__in=keys).order_by(
            "-occurred_at", "-pk"
        ),
        "source",
    )
    own = _by(
        OwnEvidence.objects.filter(
            owner_id=plan.owner_id, competency_code__in=codes
        ).order_by("-happened_on", "-pk"),
        "competency_code",
    )
    return Portfolio(
        plan=plan,
        name=plan.owner.profile.shown_name,
        sections=[_section(criterion, computed, own) for criterion in criteria],
        printed_on=timezone.localdate(),
    )


# --- The PDF -------------------------------------------------------------------

_COLUMNS = (9, 82, 28, 61)
# A criterion's heading starts a new page when less than this is left below
# it (mm): a heading stays with its first rows.
_KEEP_WITH_NEXT = 35


def _day(value: datetime.date) -> str:
    return date_format(value, "j E Y")


def _what(entry: PortfolioEntry) -> str:
    """The evidence's cell: its title, then what it is (and her own's state)."""
    kind = entry.source
    if entry.hours:
        kind += " · " + _("%(hours)s ac. h") % {"hours": entry.hours}
    if entry.own:
        state = _("confirmed by the mentor") if entry.confirmed else _("not confirmed")
        kind += " · " + _("own evidence, %(state)s") % {"state": state}
    return f"{entry.title}\n{kind}"


def _check(entry: PortfolioEntry) -> str:
    """The verification cell: the whole address to check it at (paper has
    no links to follow; a bare code would say less than its page)."""
    if entry.check_url:
        return entry.check_url
    if entry.has_file:
        return _("file shown to the mentor")
    return "—"


def _section_pdf(pdf: FPDF, section: PortfolioSection) -> None:
    criterion = section.criterion
    if pdf.will_page_break(_KEEP_WITH_NEXT):
        pdf.add_page()
    pdf.set_font(FONT, "B", 12)
    pdf_lines(pdf, 6, f"{criterion.code}. {criterion.title}")
    pdf.set_font(FONT, "", 9)
    competencies = "; ".join(
        f"{competency.code} {competency.title}" for competency in section.competencies
    )
    if competencies:
        pdf_lines(pdf, 4.5, _("Competencies: %(list)s") % {"list": competencies})
    pdf.ln(1)
    if section.entries:
        from fpdf.fonts import FontFace  # fpdf2 loaded only to print

        heading = FontFace(emphasis="BOLD", fill_color=(230, 236, 245))
        with pdf.table(
            col_widths=_COLUMNS,
            text_align=("RIGHT", "LEFT", "LEFT", "LEFT"),
            headings_style=heading,
            line_height=4.8,
            repeat_headings=1,
        ) as table:
            row = table.row()
            for text in ("№", _("Evidence"), _("Date"), _("Verification")):
                row.cell(text)
            for number, entry in enumerate(section.entries, start=1):
                row = table.row()
                row.cell(str(number))
                row.cell(_what(entry))
                row.cell(_day(entry.on))
                row.cell(_check(entry), link=entry.check_url or None)
        pdf.ln(1)
    for count in section.counts:
        pdf.set_font(FONT, "", 10)
        pdf_lines(
            pdf,
            5,
            _("%(title)s: %(count)s (a count only: reviewers are not named)")
            % {"title": count.title, "count": count.count},
        )
    if not section.total:
        pdf.set_font(FONT, "", 10)
        pdf_lines(pdf, 5, _("No evidence yet."))
    pdf.ln(4)


def portfolio_pdf(portfolio: Portfolio) -> bytes:
    """The portfolio as PDF bytes (A4 portrait, Cyrillic in Open Sans as the
    certificates): her name, the target, the period, then a section per
    criterion with each item's title, date and verification link."""
    plan = portfolio.plan
    pdf = pdf_document(
        title=_("Attestation portfolio: %(name)s") % {"name": portfolio.name},
        author=portfolio.name,
        kind=_("Attestation portfolio"),
        heading=portfolio.name,
    )
    pdf.ln(2)
    facts = [
        (_("Target"), plan.target.title),
        (
            _("Period"),
            _("%(first)s – %(last)s")
            % {"first": _day(plan.starts_on), "last": _day(plan.ends_on)},
        ),
        (_("Printed on"), _day(portfolio.printed_on)),
    ]
    for label, value in facts:
        pdf.set_font(FONT, "B", 10)
        pdf.cell(35, 6, label)
        pdf.set_font(FONT, "", 10)
        pdf_lines(pdf, 6, value, width=PAGE_WIDTH - 35)
    pdf.ln(4)
    for section in portfolio.sections:
        _section_pdf(pdf, section)
    pdf.set_font(FONT, "", 8)
    pdf_lines(
        pdf,
        4,
        _(
            "Each certificate is checked at its address on Kollegi; own "
            "evidence not confirmed by the mentor is marked so."
        ),
    )
    return bytes(pdf.output())
