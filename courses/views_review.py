"""The experts' review of a course before it opens: the queue, taking a
course, the rubric; the authors' page of rounds and reviews; a moderator's
decision. The rules are the materials' (``courses.services.review``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses import selectors_learning as selectors
from courses import services
from courses.forms_learning import CourseReviewForm, ReviewDecideForm
from courses.models import Course, ReviewRound
from courses.permissions import (
    can_decide_review,
    can_moderate_courses,
    can_see_reviewer_names,
    can_see_reviews,
    can_write_review,
    is_author,
)
from materials.permissions import is_expert

# Rounds a moderator may still decide.
UNDECIDED = (ReviewRound.Status.OPEN, ReviewRound.Status.AWAITING)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """An expert's page: their reviews in progress, and courses of their
    subjects waiting for a reviewer."""
    if not is_expert(request.user):
        raise Http404
    return render(
        request,
        "courses/review/queue.html",
        {
            "assignments": selectors.review_assignments_of(user=request.user),
            "page_obj": selectors.review_queue(
                user=request.user, number=request.GET.get("page")
            ),
        },
    )


@login_required
@require_POST
def review_take(request: HttpRequest, pk: int) -> HttpResponse:
    """The expert takes a place among a course's reviewers."""
    if not is_expert(request.user):
        raise Http404
    round_ = selectors.review_round_get(pk=pk)
    try:
        assignment = services.review_take(round_=round_, reviewer=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(
            request,
            " ".join(error.messages)
            if isinstance(error, ValidationError)
            else _("You cannot review this course."),
        )
        return redirect("courses:review_queue")
    messages.success(
        request,
        _("The review is yours until %(date)s.")
        % {"date": date_format(localtime(assignment.due_at), "j E Y, H:i")},
    )
    return redirect("courses:review_write", pk=assignment.pk)


@login_required
def review_write(request: HttpRequest, pk: int) -> HttpResponse:
    """The rubric for the expert who took the course."""
    assignment = selectors.review_assignment_get(pk=pk, user=request.user)
    course = assignment.round.course
    may_write = can_write_review(request.user, assignment)
    form = CourseReviewForm(request.POST or None) if may_write else None
    status = 200
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.review_write(
                    assignment=assignment,
                    reviewer=request.user,
                    scores=form.scores(),
                    comments=form.comments(),
                    recommendation=data["recommendation"],
                    summary=data["summary"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Thank you: the review is sent."))
                return redirect("courses:review_queue")
    return render(
        request,
        "courses/review/form.html",
        {
            "assignment": assignment,
            "course": course,
            "units": selectors.programme_units(course=course),
            "form": form,
        },
        status=status,
    )


def _rounds_response(
    request: HttpRequest,
    course: Course,
    *,
    bound: tuple[int, ReviewDecideForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    deciding = can_decide_review(user)
    rounds = selectors.review_rounds(
        course=course, hidden_too=can_moderate_courses(user)
    )
    authoring = is_author(user, course)
    for round_ in rounds:
        round_.withdrawable = authoring
        round_.decide_form = None
        if deciding and round_.status in UNDECIDED:
            if bound is not None and bound[0] == round_.pk:
                round_.decide_form = bound[1]
            else:
                round_.decide_form = ReviewDecideForm(prefix=f"round-{round_.pk}")
    return render(
        request,
        "courses/review/rounds.html",
        {
            "course": course,
            "rounds": rounds,
            "names": can_see_reviewer_names(user),
        },
        status=status,
    )


@login_required
def rounds(request: HttpRequest, slug: str) -> HttpResponse:
    """The course's review rounds with their reviews (authors, moderators);
    the reviewers' names unless reviews are blind."""
    course = selectors.course_get(slug=slug, user=request.user)
    if not can_see_reviews(request.user, course):
        raise Http404
    return _rounds_response(request, course)


@login_required
@require_POST
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """A moderator's decision on a round: publish, revise or reject."""
    if not can_decide_review(request.user):
        raise Http404
    round_ = selectors.review_round_get(pk=pk)
    course = selectors.course_get(slug=round_.course.slug, user=request.user)
    form = ReviewDecideForm(request.POST, prefix=f"round-{round_.pk}")
    if form.is_valid():
        try:
            services.review_decide(
                round_=round_,
                moderator=request.user,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect("courses:rounds", slug=course.slug)
    return _rounds_response(request, course, bound=(round_.pk, form), status=400)


@login_required
@require_POST
def review_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """The author takes the course out of review (back to a draft to change)."""
    round_ = selectors.review_round_get(pk=pk)
    course = selectors.course_get(slug=round_.course.slug, user=request.user)
    if not can_see_reviews(request.user, course):
        raise Http404
    try:
        services.review_withdraw(round_=round_, author=request.user)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _rounds_response(request, course, status=400)
    messages.success(
        request, _("The course is out of review: a draft again, to change and submit.")
    )
    return redirect("courses:detail", slug=course.slug)
