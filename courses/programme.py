"""A course's programme as a PDF, for a partner organisation.

What a licensed organisation needs to issue its own document from a course
made here: the title, kind and format, the authors, the goals, and the units
as a table of topics and academic hours with their total. Cyrillic in Open
Sans (the ``ttf-opensans`` package), as the certificates.
"""

from collections.abc import Sequence

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.text import normalize_newlines
from django.utils.translation import gettext as _

from community.documents import FONT, PAGE_WIDTH, pdf_document, pdf_lines
from courses.models import Course, Unit


def _plain(html: str) -> str:
    """The goals' text without markup, one paragraph a line."""
    text = html.replace("</p>", "\n").replace("<br>", "\n").replace("</li>", "\n")
    text = text.replace("<li>", "• ")
    lines = [line.strip() for line in normalize_newlines(strip_tags(text)).split("\n")]
    return "\n".join(line for line in lines if line)


def _dates(course: Course) -> str:
    if not (course.is_cohort and course.starts_at and course.ends_at):
        return ""
    first = timezone.localtime(course.starts_at).date()
    last = timezone.localtime(course.ends_at).date()
    return _("%(first)s – %(last)s") % {
        "first": date_format(first, "j E Y"),
        "last": date_format(last, "j E Y"),
    }


def programme_pdf(
    *, course: Course, units: Sequence[Unit], author_names: Sequence[str]
) -> bytes:
    """The programme of ``course`` as PDF bytes (A4 portrait, pages numbered)."""
    pdf = pdf_document(
        title=_("Programme: %(title)s") % {"title": course.title},
        author=", ".join(author_names),
        kind=_("Programme of the course"),
        heading=course.title,
    )
    pdf.ln(3)

    facts = [
        (_("Kind"), course.get_kind_display()),
        (_("Format"), course.get_format_display()),
        (_("Subject"), course.subject.name),
        (_("Academic hours"), str(course.hours)),
        (_("Authors"), ", ".join(author_names)),
    ]
    dates = _dates(course)
    if dates:
        facts.insert(2, (_("Dates"), dates))
    grades = ", ".join(grade.name for grade in course.grades.all())
    if grades:
        facts.insert(-2, (_("Grades"), grades))
    for label, value in facts:
        pdf.set_font(FONT, "B", 10)
        pdf.cell(40, 6, label)
        pdf.set_font(FONT, "", 10)
        pdf_lines(pdf, 6, value, width=PAGE_WIDTH - 40)
    pdf.ln(3)

    pdf.set_font(FONT, "B", 12)
    pdf_lines(pdf, 7, _("Annotation"))
    pdf.set_font(FONT, "", 10)
    pdf_lines(pdf, 5, course.annotation)
    pdf.ln(3)
    goals = _plain(course.goals_html) or course.goals
    if goals:
        pdf.set_font(FONT, "B", 12)
        pdf_lines(pdf, 7, _("Goals and outcomes"))
        pdf.set_font(FONT, "", 10)
        pdf_lines(pdf, 5, goals)
        pdf.ln(3)

    pdf.set_font(FONT, "B", 12)
    pdf_lines(pdf, 7, _("Curriculum"))
    pdf.set_font(FONT, "", 10)
    from fpdf.fonts import FontFace  # fpdf2 loaded only to print

    heading = FontFace(emphasis="BOLD", fill_color=(230, 236, 245))
    with pdf.table(
        col_widths=(10, 110, 40, 20),
        text_align=("RIGHT", "LEFT", "LEFT", "RIGHT"),
        headings_style=heading,
        line_height=6,
        repeat_headings=1,
    ) as table:
        row = table.row()
        for text in ("№", _("Topic"), _("Form of work"), _("Hours")):
            row.cell(text)
        for number, unit in enumerate(units, start=1):
            row = table.row()
            row.cell(str(number))
            title = (
                unit.title
                if unit.required
                else _("%(title)s (optional)") % {"title": unit.title}
            )
            row.cell(title)
            row.cell(unit.get_kind_display())
            row.cell(str(unit.hours))
        row = table.row()
        row.cell("")
        row.cell(_("Total"), colspan=2, style=FontFace(emphasis="BOLD"))
        total = sum(unit.hours for unit in units)
        row.cell(str(total), style=FontFace(emphasis="BOLD"))
    pdf.ln(4)

    pdf.set_font(FONT, "", 9)
    address = settings.SITE_URL.rstrip("/") + course.get_absolute_url()
    pdf_lines(
        pdf,
        5,
        _("The course on Kollegi: %(url)s · printed on %(date)s")
        % {"url": address, "date": date_format(timezone.localdate(), "j E Y")},
    )
    return bytes(pdf.output())
