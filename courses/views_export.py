"""What a partner organisation takes away: the programme (a printable page and
a PDF) and the completions (CSV).

The programme is the course's own page for anyone who may see the course;
the completions hold learners' names and are for its authors and moderators
only — no e-mail addresses.
"""

import csv

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from community.downloads import content_disposition
from courses import selectors_learning as selectors
from courses.permissions import can_see_learners
from courses.programme import programme_pdf as render_programme

# A spreadsheet reads a cell starting with these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """``value`` as a cell no spreadsheet runs: a leading quote before a
    character that would start a formula."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def _authors(course) -> list:
    return [course.author, *course.coauthors.all()]


def _author_names(course) -> list[str]:
    return [person.profile.shown_name for person in _authors(course)]


def programme(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme as a page to print (whoever may see the course)."""
    course = selectors.course_get(slug=slug, user=request.user)
    units = selectors.programme_units(course=course)
    return render(
        request,
        "courses/export/programme.html",
        {
            "course": course,
            "units": units,
            "total": sum(unit.hours for unit in units),
            "authors": _authors(course),
            "grades": list(course.grades.all()),
            "today": timezone.localdate(),
            "address": settings.SITE_URL.rstrip("/") + course.get_absolute_url(),
        },
    )


def programme_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme as PDF."""
    course = selectors.course_get(slug=slug, user=request.user)
    pdf = render_programme(
        course=course,
        units=selectors.programme_units(course=course),
        author_names=_author_names(course),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        _("Programme %(slug)s.pdf") % {"slug": course.slug}
    )
    return response


def _date(moment) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y") if moment else ""


@login_required
def completions_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The learners who completed the course, with their certificates, in
    the order they completed (authors and moderators)."""
    course = selectors.course_get(slug=slug, user=request.user)
    if not can_see_learners(request.user, course):
        raise Http404
    site = settings.SITE_URL.rstrip("/")
    header = [
        _("Name"),
        _("Username"),
        _("Enrolled"),
        _("Completed"),
        _("Academic hours"),
        _("Certificate number"),
        _("Verification address"),
    ]

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    # A byte-order mark first: spreadsheets then read the Cyrillic right.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(header)
    for enrolment in selectors.completions(course=course):
        certificate = getattr(enrolment, "certificate", None)
        cells = [
            certificate.holder_name
            if certificate
            else enrolment.user.profile.shown_name,
            enrolment.user.username,
            _date(enrolment.enrolled_at),
            _date(enrolment.completed_at),
            certificate.hours if certificate else enrolment.hours_done,
            certificate.number if certificate else "",
            site + certificate.get_absolute_url() if certificate else "",
        ]
        writer.writerow([csv_cell(cell) for cell in cells])
    response["Content-Disposition"] = content_disposition(
        _("Completions %(slug)s.csv") % {"slug": course.slug}
    )
    response["Cache-Control"] = "private, no-store"
    return response
