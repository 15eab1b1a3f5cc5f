"""The author's pages: a new course, its description, its units (added,
edited, moved, removed), sending it for review or publishing it, archiving.

Thin: rules in ``courses.services``. A course one may not see is a 404; one
seen but not one's to change, a 403. Bad input renders the form again with
its messages and the text kept (400); a service's refusal is shown the same
way, or on the course's or units' page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses import selectors, services
from courses.forms import COHORT_DATES, CourseForm
from courses.forms_units import UnitForm, unit_initial
from courses.models import Course, Unit
from courses.permissions import (
    can_archive_course,
    can_change_coauthors,
    can_edit_course,
    can_submit_course,
)
from courses.views import detail_page, refusal_status, refusal_text

# What the description form gives the course services, beside grades, tags
# and the cover.
COURSE_FORM_FIELDS = (
    "title",
    "annotation",
    "goals",
    "subject",
    "kind",
    "format",
    *COHORT_DATES,
    "capacity",
)
KIND_ICONS = {
    Unit.Kind.MASTERCLASS: "camera-video",
    Unit.Kind.MATERIAL: "file-earmark-text",
    Unit.Kind.READING: "book",
    Unit.Kind.DISCUSSION: "chat-left-text",
    Unit.Kind.ASSIGNMENT: "pencil-square",
}


# The unit services name the object a unit stands on; the form has its address.
UNIT_FIELD_ALIASES = {
    "masterclass": "address",
    "material": "address",
    "topic": "address",
}


def add_errors(form, error: ValidationError, aliases: dict | None = None) -> None:
    """A service's refusal on the form: each field's message by its field,
    the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            field = (aliases or {}).get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _editable(request: HttpRequest, slug: str) -> Course:
    """The course, when ``request.user`` may change it (403 when they only
    see it, 404 when they may not even do that)."""
    course = selectors.course_get_for_action(slug=slug, user=request.user)
    if not can_edit_course(request.user, course):
        raise PermissionDenied
    return course


def _course_fields(request: HttpRequest, form: CourseForm, course=None) -> dict:
    data = form.cleaned_data
    fields = {name: data[name] for name in COURSE_FORM_FIELDS}
    fields["grades"] = list(data["grades"])
    fields["tags"] = data["tags"]
    # Dates were typed in the author's zone; a moderator's edit keeps it.
    if course is None or course.author_id == request.user.pk:
        fields["time_zone"] = timezone.get_current_timezone_name()
    return fields


@transaction.atomic
def _course_save(request: HttpRequest, form: CourseForm, course=None) -> Course:
    """One transaction: a refused cover or co-author leaves no half-made course."""
    data = form.cleaned_data
    fields = _course_fields(request, form, course)
    if data.get("cover_upload"):
        fields["cover"] = data["cover_upload"]
    if course is None:
        course = services.course_create(author=request.user, **fields)
    else:
        course = services.course_update(course=course, editor=request.user, **fields)
    if "coauthor_names" in form.fields:
        names = data["coauthor_names"]
        current = [user.username for user in course.coauthors.all()]
        if {name.casefold() for name in names} != {name.casefold() for name in current}:
            services.coauthors_set(course=course, editor=request.user, usernames=names)
    return course


def _form_page(request, form, *, heading, course=None, status=400) -> HttpResponse:
    return render(
        request,
        "courses/edit.html",
        {"form": form, "heading": heading, "course": course},
        status=status if request.method == "POST" else 200,
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    form = CourseForm(request.POST or None, request.FILES or None)
    status = 400
    if request.method == "POST" and form.is_valid():
        try:
            course = _course_save(request, form)
        except ValidationError as error:
            add_errors(form, error)
            status = refusal_status(error)
        else:
            messages.success(
                request, _("The draft is saved. Now add its units: what it is made of.")
            )
            return redirect("courses:units", slug=course.slug)
    return _form_page(request, form, heading=_("New course"), status=status)


@login_required
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    course = _editable(request, slug)
    form = CourseForm(
        request.POST or None,
        request.FILES or None,
        instance=course,
        may_set_coauthors=can_change_coauthors(request.user, course),
    )
    status = 400
    if request.method == "POST" and form.is_valid():
        try:
            # The form wrote its values into ``course``: the service gets
            # the row as stored.
            _course_save(request, form, selectors.course_as_stored(course))
        except ValidationError as error:
            add_errors(form, error)
            status = refusal_status(error)
        else:
            messages.success(request, _("The course is saved."))
            return redirect(course)
    return _form_page(
        request,
        form,
        heading=_("Edit the course"),
        course=selectors.course_as_stored(course) if form.is_bound else course,
        status=status,
    )


# --- Units ---------------------------------------------------------------------------


def units_page(
    request: HttpRequest, course: Course, *, refusal: str = "", status: int = 200
) -> HttpResponse:
    return render(
        request,
        "courses/units.html",
        {
            "course": course,
            "units": selectors.units_for_author(course=course),
            "kinds": [
                (value, label, KIND_ICONS[value]) for value, label in Unit.Kind.choices
            ],
            "may_submit": can_submit_course(request.user, course),
            "refusal": refusal,
        },
        status=status,
    )


@login_required
def units(request: HttpRequest, slug: str) -> HttpResponse:
    return units_page(request, _editable(request, slug))


def _unit_form_page(
    request, course, form, *, kind: str, unit: Unit | None = None
) -> HttpResponse:
    return render(
        request,
        "courses/unit_form.html",
        {
            "course": course,
            "form": form,
            "kind": kind,
            "kind_label": Unit.Kind(kind).label if kind else "",
            "kind_icon": KIND_ICONS.get(kind, ""),
            "kinds": [
                (value, label, KIND_ICONS[value]) for value, label in Unit.Kind.choices
            ],
            "unit": unit,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def unit_add(request: HttpRequest, slug: str) -> HttpResponse:
    """A new unit of the kind chosen (``?kind=``, kept in the form's address);
    without one, the choice of kinds."""
    course = _editable(request, slug)
    kind = request.GET.get("kind", "")
    if kind not in Unit.Kind.values:
        return _unit_form_page(request, course, None, kind="")
    form = UnitForm(
        request.POST or None,
        kind=kind,
        cohort=course.is_cohort,
        published=course.status == Course.Status.PUBLISHED,
        request_host=request.get_host(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_add(
                course=course, editor=request.user, kind=kind, **form.service_fields()
            )
        except ValidationError as error:
            add_errors(form, error, UNIT_FIELD_ALIASES)
        else:
            messages.success(request, _("The unit is added."))
            return redirect("courses:units", slug=course.slug)
    return _unit_form_page(request, course, form, kind=kind)


@login_required
def unit_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    course = _editable(request, slug)
    unit = selectors.unit_for_author(course=course, pk=pk)
    form = UnitForm(
        request.POST or None,
        kind=unit.kind,
        cohort=course.is_cohort,
        published=course.status == Course.Status.PUBLISHED,
        editing=True,
        request_host=request.get_host(),
        initial=unit_initial(unit),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(
                unit=unit, editor=request.user, **form.service_fields()
            )
        except ValidationError as error:
            add_errors(form, error, UNIT_FIELD_ALIASES)
        else:
            messages.success(request, _("The unit is saved."))
            return redirect("courses:units", slug=course.slug)
    return _unit_form_page(request, course, form, kind=unit.kind, unit=unit)


@login_required
@require_POST
def unit_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    course = _editable(request, slug)
    unit = selectors.unit_for_author(course=course, pk=pk)
    try:
        services.unit_remove(unit=unit, editor=request.user)
    except ValidationError as error:
        return units_page(
            request,
            course,
            refusal=refusal_text(error),
            status=refusal_status(error),
        )
    messages.success(
        request, _("The unit «%(title)s» is removed.") % {"title": unit.title}
    )
    return redirect("courses:units", slug=course.slug)


@login_required
@require_POST
def unit_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One place up or down (``direction``); the first stays first."""
    course = _editable(request, slug)
    unit = selectors.unit_for_author(course=course, pk=pk)
    order = [item.pk for item in selectors.units_for_author(course=course)]
    index = order.index(unit.pk)
    step = -1 if request.POST.get("direction") == "up" else 1
    other = index + step
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
        try:
            services.units_reorder(course=course, editor=request.user, unit_ids=order)
        except ValidationError as error:
            return units_page(
                request,
                course,
                refusal=refusal_text(error),
                status=refusal_status(error),
            )
    return redirect(reverse("courses:units", args=[course.slug]) + f"#unit-{unit.pk}")


# --- Review, publication, archive -------------------------------------------------


@login_required
@require_POST
def submit(request: HttpRequest, slug: str) -> HttpResponse:
    """A draft to the experts, or published at once by a trusted author."""
    course = selectors.course_get_for_action(slug=slug, user=request.user)
    if not can_submit_course(request.user, course):
        raise PermissionDenied
    try:
        course = services.course_submit(course=course, author=request.user)
    except ValidationError as error:
        return detail_page(
            request,
            slug,
            refusal=refusal_text(error),
            status=refusal_status(error),
        )
    if course.status == Course.Status.PUBLISHED:
        messages.success(request, _("The course is published: colleagues may enrol."))
    else:
        messages.success(
            request,
            _(
                "The course is sent to the experts of its subject. You will be "
                "told of their reviews and the decision."
            ),
        )
    return redirect(course)


@login_required
@require_POST
def archive(request: HttpRequest, slug: str) -> HttpResponse:
    course = selectors.course_get_for_action(slug=slug, user=request.user)
    if not can_archive_course(request.user, course):
        raise PermissionDenied
    try:
        course = services.course_archive(course=course, editor=request.user)
    except ValidationError as error:
        return detail_page(
            request,
            slug,
            refusal=refusal_text(error),
            status=refusal_status(error),
        )
    messages.success(
        request,
        _(
            "The course is archived: no one new may enrol; its learners keep "
            "their progress and certificates."
        ),
    )
    return redirect(course)
