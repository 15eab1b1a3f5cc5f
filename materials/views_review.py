"""The expert review's pages: the queue, the rubric, submitting and withdrawing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from materials import selectors, services
from materials.forms import ReviewForm
from materials.models import ReviewAssignment, ReviewRound
from materials.permissions import can_write_review, is_expert


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """An expert's page: their assignments, and requests they may take."""
    if not is_expert(request.user):
        raise Http404
    requests = Paginator(selectors.review_queue(user=request.user), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "materials/review_queue.html",
        {
            "assignments": selectors.assignments_of(user=request.user),
            "page_obj": requests,
        },
    )


@login_required
@require_POST
def take(request: HttpRequest, pk: int) -> HttpResponse:
    if not is_expert(request.user):
        raise Http404
    round_ = get_object_or_404(ReviewRound, pk=pk)
    try:
        assignment = services.review_take(round_=round_, reviewer=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("materials:review_queue")
    messages.success(
        request,
        _("The review is yours until %(date)s.")
        % {"date": assignment.due_at.strftime("%d.%m.%Y")},
    )
    return redirect("materials:review_write", pk=assignment.pk)


@login_required
def write(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(
        ReviewAssignment.objects.select_related(
            "round__material__author__profile", "round__version"
        ),
        pk=pk,
    )
    if assignment.reviewer_id != request.user.pk:
        raise Http404
    may_write = can_write_review(request.user, assignment)
    form = ReviewForm(request.POST or None) if may_write else None
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
                return redirect("materials:review_queue")
    return render(
        request,
        "materials/review_form.html",
        {
            "assignment": assignment,
            "material": assignment.round.material,
            "files": assignment.round.version.files.all(),
            "form": form,
        },
        status=status,
    )


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    material = selectors.material_get(pk=pk, user=request.user)
    try:
        services.review_request(material=material, author=request.user)
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, _("The material is submitted: experts of its subject will see it.")
        )
    return redirect(material.get_absolute_url() + "#review")


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    material = selectors.material_get(pk=pk, user=request.user)
    round_ = material.review_rounds.filter(
        status__in=[ReviewRound.Status.OPEN, ReviewRound.Status.AWAITING]
    ).first()
    if round_ is None or material.author_id != request.user.pk:
        raise Http404
    services.review_withdraw(round_=round_, author=request.user)
    messages.success(request, _("The material is taken out of review."))
    return redirect(material.get_absolute_url() + "#review")
