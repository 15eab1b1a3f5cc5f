"""The catalogue, a course's page, «Мои курсы», enrolling and leaving.

Thin: rules in ``courses.services``, reads in ``courses.selectors``. What one
may not see is a 404; a refused step (enrolment closed, a place already held)
renders the course's page again with the reason and a 4xx status. The
author's pages are in ``views_author``; a unit's, reviews and exports in
``views_learning``, ``views_review`` and ``views_export``.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.paging import CountedPaginator
from courses import list_fragments, selectors, services
from courses.forms import CatalogueFilterForm
from courses.models import Course, Enrolment, ReviewRound
from courses.permissions import (
    can_archive_course,
    can_edit_course,
    can_enrol,
    can_moderate_courses,
    can_see_learners,
    can_submit_course,
    enrolment_window_open,
    is_author,
    is_trusted_author,
)
from courses.selectors_lists import CardRows
from materials.permissions import is_expert

# A refusal's status by the service's code; any other is a 400.
STATUS_BY_CODE = {"rate": 429, "full": 409, "changed": 409, "twice": 409}
MINE_LISTS = ("learning", "completed", "authored")


def refusal_status(error: ValidationError, default: int = 400) -> int:
    """The status of a service's refusal, by its code (a 400 for most)."""
    if hasattr(error, "error_dict"):
        items = [item for errors in error.error_dict.values() for item in errors]
    else:
        items = error.error_list
    for item in items:
        if getattr(item, "code", None) in STATUS_BY_CODE:
            return STATUS_BY_CODE[item.code]
    return default


def refusal_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    courses = selectors.catalogue(
        user=request.user,
        subject=filters.get("subject"),
        grade=filters.get("grade"),
        kind=filters.get("kind", ""),
        format=filters.get("format", ""),
        hours_min=filters.get("hours_min"),
        hours_max=filters.get("hours_max"),
        query=filters.get("q", ""),
    )
    # The filters, the count and the cards are kept rendered (list_fragments).
    kept = list_fragments.catalogue_filters(request, form, courses, filters)
    page = CountedPaginator(
        CardRows(courses, user=request.user),
        settings.COURSES_PER_PAGE,
        count=kept.count,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "courses/catalogue.html",
        {
            "form": form,
            "filters": kept,
            "page_obj": page,
            "cards": list_fragments.course_cards(request, page),
        },
        status=200 if form.is_valid() or not request.GET else 400,
    )


def _returned_round(course: Course, round_: ReviewRound | None) -> ReviewRound | None:
    """The round that sent a draft back to its authors, with its note."""
    if (
        round_ is not None
        and course.status == Course.Status.DRAFT
        and round_.status == ReviewRound.Status.DECIDED
        and round_.decision != ReviewRound.Decision.RECOMMEND
    ):
        return round_
    return None


def detail_page(
    request: HttpRequest, slug: str, *, refusal: str = "", status: int = 200
) -> HttpResponse:
    """The course's page; a refused POST shows it again with ``refusal``."""
    user = request.user
    course = selectors.course_get_for_page(slug=slug, user=user)
    units = selectors.units_of(course=course, user=user)
    enrolment = selectors.enrolment_of(course=course, user=user)
    status_of = enrolment.status if enrolment else ""
    now = timezone.now()
    authors = is_author(user, course)
    moderating = can_moderate_courses(user)
    may_submit = can_submit_course(user, course)
    context = {
        "course": course,
        "units": units,
        "enrolment": enrolment
        if status_of and status_of != Enrolment.Status.DROPPED
        else None,
        "learning": status_of
        in (Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED),
        "next_unit": selectors.next_unit(units, now)
        if status_of == Enrolment.Status.ENROLLED
        else None,
        "position": selectors.waitlist_position(enrolment)
        if status_of == Enrolment.Status.WAITLISTED
        else None,
        "may_enrol": can_enrol(user, course)
        and status_of in ("", Enrolment.Status.DROPPED),
        "window_open": enrolment_window_open(course, now),
        "is_author": authors,
        # While the experts review it, only moderators change it (the
        # authors withdraw it first, on its reviews' page).
        "may_edit": can_edit_course(user, course)
        and (course.status != Course.Status.REVIEW or moderating),
        "may_submit": may_submit,
        "publishes_directly": may_submit and is_trusted_author(user),
        "may_archive": can_archive_course(user, course),
        "may_see_learners": can_see_learners(user, course),
        "refusal": refusal,
        "now": now,
    }
    # What every reader sees beside her own state (list_fragments).
    context["parts"] = list_fragments.page_parts(
        course,
        units,
        writes=authors,
        linked=bool(context["learning"] or context["may_see_learners"]),
        now=now,
    )
    if authors or moderating:
        round_ = selectors.review_round_latest(course=course)
        context["review_round"] = round_
        context["returned_round"] = _returned_round(course, round_)
    return render(request, "courses/detail.html", context, status=status)


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    return detail_page(request, slug)


@login_required
@require_POST
def enrol(request: HttpRequest, slug: str) -> HttpResponse:
    course = selectors.course_get_for_action(slug=slug, user=request.user)
    try:
        enrolment = services.enrol(course=course, user=request.user)
    except ValidationError as error:
        if error.code == "twice":
            # A double click or a retry answers like the first request.
            messages.info(request, refusal_text(error))
            return redirect(course)
        return detail_page(
            request,
            slug,
            refusal=refusal_text(error),
            status=refusal_status(error),
        )
    if enrolment.status == Enrolment.Status.WAITLISTED:
        messages.info(
            request,
            _(
                "The places are taken: you are on the waitlist, number %(position)d. "
                "You will be told when a place is yours."
            )
            % {"position": selectors.waitlist_position(enrolment)},
        )
    else:
        messages.success(request, _("You are enrolled. Good learning!"))
    return redirect(course)


@login_required
@require_POST
def drop(request: HttpRequest, slug: str) -> HttpResponse:
    course = selectors.course_get_for_action(slug=slug, user=request.user)
    try:
        services.drop(course=course, user=request.user)
    except ValidationError as error:
        return detail_page(
            request,
            slug,
            refusal=refusal_text(error),
            status=refusal_status(error),
        )
    messages.success(
        request, _("You have left the course. Your progress is kept if you return.")
    )
    return redirect(course)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """What the member learns, has completed and writes: each list's first
    few, or one list whole (``?list=``), page by page."""
    user = request.user
    lists = {
        "learning": selectors.enrolments_learning(user=user),
        "completed": selectors.enrolments_completed(user=user),
        "authored": selectors.courses_authored(user=user),
    }
    shown = request.GET.get("list", "")
    context: dict = {"shown": shown if shown in MINE_LISTS else ""}
    if context["shown"]:
        context["page_obj"] = Paginator(
            lists[shown], settings.COURSES_PER_PAGE
        ).get_page(request.GET.get("page"))
    else:
        for name, rows in lists.items():
            first = list(rows[: selectors.MINE_SHOWN + 1])
            context[name] = first[: selectors.MINE_SHOWN]
            context[f"{name}_more"] = len(first) > selectors.MINE_SHOWN
        context["is_expert"] = is_expert(user)
    return render(request, "courses/mine.html", context)
