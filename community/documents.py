"""The site's printed documents (a course's programme, an attestation
portfolio): an A4 page in the site's font that opens with the network's line,
the kind of document and its heading. Certificates have a layout of their
own (``community.certificate_layout``).

fpdf2 (with fontTools and cryptography, some 30 MB) is imported when a
document is made, not when the site starts: a web worker that never prints
one does not hold it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from ttf_opensans import OPENSANS_BOLD, OPENSANS_REGULAR

if TYPE_CHECKING:
    from fpdf import FPDF

FONT = "OpenSans"
PAGE_WIDTH = 180  # A4 portrait, 15 mm margins


def pdf_lines(
    pdf: FPDF, height: float, text: str, *, width: float = PAGE_WIDTH
) -> None:
    """A paragraph that wraps, the next one below it at the left margin."""
    from fpdf.enums import XPos, YPos

    pdf.multi_cell(width, height, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def pdf_document(*, title: str, author: str, kind: str, heading: str) -> FPDF:
    """A new A4 document with its metadata, the network's line, ``kind``
    («Программа курса») and ``heading`` (the course, the member) printed."""
    from fpdf import FPDF

    pdf = FPDF(orientation="portrait", format="A4")
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_creator(_("Kollegi"))
    pdf.set_lang(translation.get_language() or settings.LANGUAGE_CODE)
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font(FONT, "", str(OPENSANS_REGULAR.path))
    pdf.add_font(FONT, "B", str(OPENSANS_BOLD.path))
    pdf.add_page()
    pdf.set_font(FONT, "", 10)
    pdf_lines(pdf, 5, _("Kollegi — a professional network of teachers"))
    pdf.ln(2)
    pdf.set_font(FONT, "B", 11)
    pdf_lines(pdf, 6, kind)
    pdf.set_font(FONT, "B", 16)
    pdf_lines(pdf, 8, heading)
    return pdf
