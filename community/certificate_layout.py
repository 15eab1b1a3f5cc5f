"""The printed certificate: what it says (``CertificateSheet``, which
``community.certificates`` gives the apps) and the one layout for all.

A4 landscape in a double frame, page one filled from top to bottom: the
issuer, the heading, «выдан» and the holder's name in the dative, what for,
the title, the academic hours, who led it, when; at the foot a signature
line, the number and date of issue, the verification address as a link and
as a QR code (vector squares: sharp in print), and the note that it is not a
document on qualification. Units, when given, follow as a table, a line
each: the text above is set as closely as the table needs (at the closest a
dozen units fit on page one with all the rest), and what page one cannot
hold continues on further pages under the columns' heads again. Long names
and titles shrink, then wrap, then are cut with «…» (a unit's title is cut
at the end of its line): nothing leaves the frame.

fpdf2 and segno are imported when a certificate is printed, not when the
site starts (see ``community.documents``).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext
from ttf_opensans import OPENSANS_BOLD, OPENSANS_ITALIC, OPENSANS_REGULAR

from community.names import name_dative

if TYPE_CHECKING:
    from fpdf import FPDF

NOT_QUALIFICATION = gettext_lazy("This is not a document on qualification.")

Units = Sequence[tuple[str, int | None]]


@dataclass(kw_only=True)
class CertificateSheet:
    """What a printed certificate says; ``certificate_pdf`` lays it out.

    ``holder_name`` is the name as issued, in the nominative (the sheet
    declines it after «выдан»); ``what`` is the line after «за» («участие в
    мастер-классе», «прохождение курса»); ``units`` are (title, hours) rows,
    printed as a table that continues on further pages; ``dates`` a text
    (``dates_text``).
    """

    number: str
    verify_url: str
    holder_name: str
    what: str
    title: str
    issued_on: datetime.date
    heading: str = gettext_lazy("CERTIFICATE")
    statement: str = ""
    hours: int | None = None
    units: Units = ()
    author_label: str = ""
    author_names: Sequence[str] = ()
    dates: str = ""
    subject: str = ""
    issuer: str = field(default_factory=lambda: settings.CERTIFICATE_ISSUER)
    note: str = NOT_QUALIFICATION


FONT = "OpenSans"
INK, MUTED, ACCENT = (33, 37, 41), (95, 99, 104), (40, 90, 160)
RULE, HEAD_FILL = (196, 206, 222), (234, 240, 249)
LEFT, RIGHT, TOP, BOTTOM = 22.0, 275.0, 19.0, 191.0
WIDTH = RIGHT - LEFT
FOOT_TOP = 153.0  # page one's foot: signature, number, link, QR code
QR_SIZE = 32.0
TABLE_WIDTH = 220.0
MM_PER_PT = 25.4 / 72


def hours_phrase(hours: int) -> str:
    """«в объёме 18 академических часов», as the sheet prints it."""
    return ngettext(
        "in the amount of %(count)d academic hour",
        "in the amount of %(count)d academic hours",
        hours,
    ) % {"count": hours}


def _line_height(size: float, leading: float = 1.3) -> float:
    return size * MM_PER_PT * leading


@dataclass(frozen=True)
class _Density:
    """How closely page one is set: its text and the units' rows."""

    top: float  # where the issuer's line starts, mm
    heading: float  # sizes in pt
    name: float
    title: float
    text: float  # the issuer, «выдан», what for, the hours, the statement
    small: float  # who led it, when
    leading: float  # a line's height over its size
    gap: float  # before each line, mm
    row: float  # the units' size, pt: 8.5 at the least, legible in print
    pad: float  # above and below a unit's line, mm
    title_lines: int = 2  # three without units
    joined: bool = False  # who led it and when on one line, where it fits

    @property
    def row_height(self) -> float:
        return _line_height(self.row, 1.2) + 2 * self.pad

    @property
    def head_height(self) -> float:
        return self.row_height + 1.2

    def table_height(self, units: int) -> float:
        return self.head_height + units * self.row_height


# Without units the text fills page one. With them it is set from _ROOMY
# down to _TIGHT in steps, the roomiest at which the whole table fits; at
# _TIGHT a dozen units of one line fit beside a title of two lines.
_FULL = _Density(top=TOP, heading=36, name=26, title=19, text=13, small=12,
                 leading=1.3, gap=1.5, row=9, pad=0.9, title_lines=3)  # fmt: skip
_ROOMY = _Density(top=TOP, heading=28, name=21, title=16, text=13, small=12,
                  leading=1.3, gap=1.5, row=9, pad=0.9)  # fmt: skip
_TIGHT = _Density(top=15, heading=21, name=17, title=14, text=11, small=10,
                  leading=1.2, gap=0.6, row=8.5, pad=0.45, joined=True)  # fmt: skip
_SCALED = ("top", "heading", "name", "title", "text", "small", "leading", "gap",
           "row", "pad")  # fmt: skip
_STEPS = 4


def _between(share: float) -> _Density:
    """``share`` of the way from _ROOMY to _TIGHT."""

    def scaled(name: str) -> float:
        start, end = getattr(_ROOMY, name), getattr(_TIGHT, name)
        return round(start + (end - start) * share, 2)

    values = {name: scaled(name) for name in _SCALED}
    return replace(_ROOMY, **values, joined=share >= 1)


_DENSITIES = tuple(_between(step / _STEPS) for step in range(_STEPS + 1))


def _fit(
    pdf: FPDF,
    text: str,
    *,
    style: str,
    size: float,
    smallest: float,
    width: float,
    max_lines: int,
) -> tuple[float, list[str]]:
    """The largest size from ``size`` down to ``smallest`` at which ``text``
    takes ``max_lines`` lines of ``width``; past that cut with «…»."""
    from fpdf.enums import MethodReturnValue

    while True:
        pdf.set_font(FONT, style, size)
        lines = pdf.multi_cell(
            width, 5, text, dry_run=True, output=MethodReturnValue.LINES
        )
        if len(lines) <= max_lines or size <= smallest:
            break
        size = max(smallest, size - 1)
    lines = [line.strip() for line in lines]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and pdf.get_string_width(last + "…") > width - 2 * pdf.c_margin:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return size, lines


@dataclass
class _Block:
    lines: list[str]
    style: str
    size: float
    color: tuple[int, int, int]
    gap: float  # always before it, in mm
    weight: float = 0  # its share of the page's free height, before it
    rule: bool = False  # an accent line under it
    leading: float = 1.3

    @property
    def line_height(self) -> float:
        return _line_height(self.size, self.leading)

    @property
    def height(self) -> float:
        return len(self.lines) * self.line_height + (4 if self.rule else 0)


def _used(blocks: list[_Block]) -> float:
    return sum(block.gap + block.height for block in blocks)


def _blocks(pdf: FPDF, sheet: CertificateSheet, density: _Density) -> list[_Block]:
    """The text of page one, top to bottom, set as closely as ``density``."""

    def text(
        value,
        *,
        style: str = "",
        size: float = 13.0,
        smallest: float | None = None,
        lines: int = 1,
        color: tuple[int, int, int] = INK,
        gap: float = density.gap,
        weight: float = 0.0,
        rule: bool = False,
    ) -> _Block:
        fitted, wrapped = _fit(
            pdf,
            str(value),
            style=style,
            size=size,
            smallest=smallest or size * 0.6,
            width=WIDTH,
            max_lines=lines,
        )
        return _Block(wrapped, style, fitted, color, gap, weight, rule, density.leading)

    russian = (translation.get_language() or "").startswith("ru")
    name = name_dative(sheet.holder_name) if russian else sheet.holder_name
    size = density.text
    blocks = [
        text(sheet.issuer, style="B", size=size, color=ACCENT, gap=0),
        text(
            _("a professional network of teachers"),
            size=max(8.0, size - 4),
            color=MUTED,
            gap=density.gap / 3,
        ),
        text(
            sheet.heading,
            style="B",
            size=density.heading,
            weight=2,
            rule=True,
            color=ACCENT,
        ),
    ]
    if sheet.statement:
        blocks.append(text(sheet.statement, size=size, color=MUTED))
    blocks += [
        text(_("awarded to"), size=size, color=MUTED, weight=2),
        text(name, style="B", size=density.name, smallest=13, lines=2),
    ]
    if sheet.what:
        blocks.append(
            text(_("for %(what)s") % {"what": sheet.what}, size=size, weight=1.5)
        )
    blocks.append(
        text(
            _("“%(title)s”") % {"title": sheet.title.strip()},
            style="B",
            size=density.title,
            smallest=11,
            lines=density.title_lines,
        )
    )
    if sheet.hours:
        blocks.append(text(hours_phrase(sheet.hours), size=size))
    who = ""
    if sheet.author_names:
        names = ", ".join(sheet.author_names)
        who = f"{sheet.author_label}: {names}" if sheet.author_label else names
    when = " · ".join(part for part in (sheet.dates, sheet.subject) if part)
    pdf.set_font(FONT, "", density.small)
    both = f"{who} · {when}"
    if who and when and density.joined and pdf.get_string_width(both) < WIDTH - 4:
        blocks.append(text(both, size=density.small, weight=1.5))
        return blocks
    if who:
        blocks.append(text(who, size=density.small, smallest=9, lines=2, weight=1.5))
    if when:
        blocks.append(text(when, size=density.small, color=MUTED, lines=2))
    return blocks


def _frame(pdf: FPDF) -> None:
    pdf.add_page()
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.4)
    pdf.rect(8, 8, 281, 194)
    pdf.set_line_width(0.3)
    pdf.rect(11.5, 11.5, 274, 187)


def _draw_blocks(
    pdf: FPDF, blocks: list[_Block], top: float, bottom: float, *, most: float
) -> float:
    """Blocks from ``top``, the free height down to ``bottom`` shared out by
    their weights, at most ``most`` mm to a unit (what is left over goes
    above and below them); where they end."""
    used = _used(blocks)
    weights = sum(block.weight for block in blocks)
    free = max(0.0, bottom - top - used)
    unit = min(most, free / weights) if weights else 0.0
    y = top + (free - unit * weights) / 2
    for block in blocks:
        y += block.gap + unit * block.weight
        pdf.set_font(FONT, block.style, block.size)
        pdf.set_text_color(*block.color)
        for line in block.lines:
            pdf.set_xy(LEFT, y)
            pdf.cell(WIDTH, block.line_height, line, align="C")
            y += block.line_height
        if block.rule:
            pdf.set_draw_color(*ACCENT)
            pdf.set_line_width(0.6)
            pdf.line(LEFT + WIDTH / 2 - 25, y + 2, LEFT + WIDTH / 2 + 25, y + 2)
            y += 4
    return y


def _foot(pdf: FPDF, sheet: CertificateSheet) -> None:
    """Signature, number and date, the link and the note; the QR code."""
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.3)
    pdf.line(LEFT, FOOT_TOP, RIGHT - QR_SIZE - 6, FOOT_TOP)
    # The signature, left.
    pdf.set_text_color(*MUTED)
    pdf.set_font(FONT, "", 10)
    label = _("Signature")
    pdf.set_xy(LEFT, FOOT_TOP + 16)
    pdf.cell(pdf.get_string_width(label) + 2, 6, label)
    pdf.set_draw_color(*INK)
    pdf.line(pdf.get_x() + 1, FOOT_TOP + 21, LEFT + 100, FOOT_TOP + 21)
    size, lines = _fit(
        pdf, sheet.issuer, style="B", size=10, smallest=7, width=100, max_lines=2
    )
    pdf.set_text_color(*INK)
    for index, line in enumerate(lines):
        pdf.set_xy(LEFT, FOOT_TOP + 23 + index * _line_height(size))
        pdf.cell(100, _line_height(size), line)
    # The number, the date, the link and the note, in the middle.
    x, width = LEFT + 108, RIGHT - QR_SIZE - 6 - (LEFT + 108)
    pdf.set_xy(x, FOOT_TOP + 3)
    pdf.set_font(FONT, "B", 11)
    number = pgettext("certificate", "No. %(number)s") % {"number": sheet.number}
    pdf.cell(width, 6, number)
    pdf.set_xy(x, FOOT_TOP + 9)
    pdf.set_font(FONT, "", 10)
    issued = date_format(sheet.issued_on, "j E Y")
    pdf.cell(width, 5.5, _("Issued on %(date)s") % {"date": issued})
    pdf.set_xy(x, FOOT_TOP + 15.5)
    pdf.set_text_color(*MUTED)
    pdf.set_font(FONT, "", 9)
    pdf.cell(width, 5, _("Check that it is genuine:"))
    size, lines = _fit(
        pdf, sheet.verify_url, style="U", size=9, smallest=6, width=width, max_lines=1
    )
    pdf.set_xy(x, FOOT_TOP + 20.5)
    pdf.set_text_color(*ACCENT)
    pdf.cell(width, 5, lines[0], link=sheet.verify_url)
    if sheet.note:
        size, lines = _fit(
            pdf,
            str(sheet.note),
            style="I",
            size=8.5,
            smallest=7,
            width=width,
            max_lines=2,
        )
        pdf.set_text_color(*MUTED)
        for index, line in enumerate(lines):
            pdf.set_xy(x, FOOT_TOP + 27 + index * _line_height(size))
            pdf.cell(width, _line_height(size), line)
    _qr(pdf, sheet.verify_url, x=RIGHT - QR_SIZE, y=BOTTOM - QR_SIZE)


def _qr(pdf: FPDF, url: str, *, x: float, y: float) -> None:
    """The address as a QR code, drawn as vector squares (sharp at any print
    size), each row's dark modules in runs; the whole of it a link too."""
    import segno

    matrix = segno.make(url, error="m").matrix
    module = QR_SIZE / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for row, modules in enumerate(matrix):
        start = None
        for column, dark in enumerate([*modules, 0]):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                pdf.rect(
                    x + start * module,
                    y + row * module,
                    (column - start) * module,
                    module,
                    style="F",
                )
                start = None
    pdf.link(x, y, QR_SIZE, QR_SIZE, url)


_COLUMNS = (12.0, TABLE_WIDTH - 12.0 - 34.0, 34.0)
TABLE_BOTTOM = FOOT_TOP - 3  # where page one's table ends
TABLE_GAP = 3.0  # between the text and the table


def _table_head(pdf: FPDF, y: float, density: _Density) -> float:
    x = LEFT + (WIDTH - TABLE_WIDTH) / 2
    height = density.head_height
    pdf.set_fill_color(*HEAD_FILL)
    pdf.rect(x, y, TABLE_WIDTH, height, style="F")
    pdf.set_font(FONT, "B", density.row)
    pdf.set_text_color(*INK)
    labels = (
        pgettext("certificate table", "No."),
        pgettext("certificate table", "Unit"),
        pgettext("certificate table", "Academic hours"),
    )
    for label, width, align in zip(labels, _COLUMNS, "CLC", strict=True):
        pdf.set_xy(x, y)
        pdf.cell(width, height, label, align=align)
        x += width
    return y + height


def _table(
    pdf: FPDF, sheet: CertificateSheet, density: _Density, y: float, bottom: float
) -> None:
    """The units, one line each (a long title cut with «…»), continued on as
    many pages as they need, the columns' heads repeated on each."""
    if y + density.table_height(2) > bottom:
        y = _continued(pdf, sheet, density)  # not even two rows: start over leaf
        bottom = BOTTOM - 8
    else:
        y = _table_head(pdf, y, density)
    size, height = density.row, density.row_height
    for index, (title, hours) in enumerate(sheet.units, start=1):
        _size, lines = _fit(
            pdf,
            str(title),
            style="",
            size=size,
            smallest=size,
            width=_COLUMNS[1],
            max_lines=1,
        )
        if y + height > bottom + 0.01:  # a row that just fits, fits
            y = _continued(pdf, sheet, density)
            bottom = BOTTOM - 8
        x = LEFT + (WIDTH - TABLE_WIDTH) / 2
        pdf.set_font(FONT, "", size)
        pdf.set_text_color(*INK)
        row = (
            (str(index), "C"),
            (lines[0], "L"),
            ("—" if hours is None else str(hours), "C"),
        )
        for (text, align), width in zip(row, _COLUMNS, strict=True):
            pdf.set_xy(x, y)
            pdf.cell(width, height, text, align=align)
            x += width
        y += height
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.2)
        pdf.line(x - TABLE_WIDTH, y, x, y)


def _continued(pdf: FPDF, sheet: CertificateSheet, density: _Density) -> float:
    """A further page of the units: its heading, its foot, the columns' heads."""
    _frame(pdf)
    pdf.set_text_color(*MUTED)
    pdf.set_font(FONT, "", 10)
    pdf.set_xy(LEFT, TOP)
    pdf.cell(
        WIDTH,
        6,
        _("Certificate No. %(number)s: contents (continued)")
        % {"number": sheet.number},
        align="C",
    )
    pdf.set_font(FONT, "U", 8)
    pdf.set_text_color(*ACCENT)
    pdf.set_xy(LEFT, BOTTOM - 5)
    pdf.cell(WIDTH, 5, sheet.verify_url, align="C", link=sheet.verify_url)
    return _table_head(pdf, TOP + 9, density)


def certificate_pdf(sheet: CertificateSheet) -> bytes:
    """The certificate as a PDF: page one filled from the issuer at the top to
    the signature, number, link and QR code at the foot; units, if any, in a
    table below the text, continued on further pages."""
    from fpdf import FPDF

    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(_("Certificate %(number)s") % {"number": sheet.number})
    pdf.set_author(str(sheet.issuer))
    pdf.set_subject(str(sheet.title))
    pdf.set_lang(translation.get_language() or settings.LANGUAGE_CODE)
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(LEFT, TOP, 297 - RIGHT)
    pdf.add_font(FONT, "", str(OPENSANS_REGULAR.path))
    pdf.add_font(FONT, "B", str(OPENSANS_BOLD.path))
    pdf.add_font(FONT, "I", str(OPENSANS_ITALIC.path))
    _frame(pdf)
    if not sheet.units:
        _draw_blocks(pdf, _blocks(pdf, sheet, _FULL), TOP, FOOT_TOP - 6, most=9.0)
        _foot(pdf, sheet)
        return bytes(pdf.output())
    # The roomiest setting at which page one holds the text and every unit;
    # the tightest when none does (the rest continue over leaf).
    for density in _DENSITIES:
        blocks = _blocks(pdf, sheet, density)
        table = TABLE_GAP + density.table_height(len(sheet.units))
        if density.top + _used(blocks) + table <= TABLE_BOTTOM:
            break
    # What is left spaces the text out a little; the table follows it.
    free = TABLE_BOTTOM - density.top - _used(blocks) - table
    weights = sum(block.weight for block in blocks)
    spread = min(max(0.0, free), 3.0 * weights)
    end = _draw_blocks(
        pdf, blocks, density.top, density.top + _used(blocks) + spread, most=3.0
    )
    _foot(pdf, sheet)
    _table(pdf, sheet, density, end + TABLE_GAP, TABLE_BOTTOM)
    return bytes(pdf.output())
