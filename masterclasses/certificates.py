"""The PDF certificate: Cyrillic text in Open Sans (shipped as a package)."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from ttf_opensans import OPENSANS_BOLD, OPENSANS_REGULAR

from masterclasses.models import Certificate


def _font_path(font) -> str:
    return str(font.path)


def certificate_pdf(certificate: Certificate) -> bytes:
    masterclass = certificate.masterclass
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(_("Certificate %(number)s") % {"number": certificate.number})
    pdf.set_author("Kollegi")
    pdf.set_auto_page_break(auto=False)
    pdf.add_font("OpenSans", "", _font_path(OPENSANS_REGULAR))
    pdf.add_font("OpenSans", "B", _font_path(OPENSANS_BOLD))
    pdf.add_page()
    pdf.set_draw_color(40, 90, 160)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    width = 257
    pdf.set_xy(20, 28)
    pdf.set_font("OpenSans", "", 14)
    pdf.cell(width, 10, _("Kollegi — a professional network of teachers"), align="C")
    pdf.set_xy(20, 50)
    pdf.set_font("OpenSans", "B", 30)
    pdf.cell(width, 16, _("CERTIFICATE"), align="C")
    pdf.set_xy(20, 70)
    pdf.set_font("OpenSans", "", 15)
    line = (
        _("of participation in the master-class")
        if certificate.kind == Certificate.Kind.PARTICIPATION
        else _("of conducting the master-class")
    )
    pdf.cell(width, 10, line, align="C")
    pdf.set_xy(20, 88)
    pdf.set_font("OpenSans", "B", 18)
    pdf.multi_cell(width, 10, f"«{masterclass.title}»", align="C")
    pdf.set_x(20)
    pdf.set_font("OpenSans", "", 14)
    pdf.multi_cell(width, 9, _("awarded to"), align="C")
    pdf.set_x(20)
    pdf.set_font("OpenSans", "B", 22)
    pdf.multi_cell(width, 13, certificate.holder_name, align="C")
    pdf.set_x(20)
    pdf.set_font("OpenSans", "", 12)
    when = timezone.localtime(masterclass.starts_at).strftime("%d.%m.%Y")
    pdf.multi_cell(
        width,
        8,
        _("Held on %(date)s · %(subject)s")
        % {"date": when, "subject": masterclass.subject.name},
        align="C",
    )
    pdf.set_xy(20, 172)
    pdf.set_font("OpenSans", "", 10)
    verify = settings.SITE_URL.rstrip("/") + certificate.get_absolute_url()
    pdf.cell(
        width,
        6,
        _("No. %(number)s · check it at %(url)s")
        % {"number": certificate.number, "url": verify},
        align="C",
    )
    return bytes(pdf.output())
