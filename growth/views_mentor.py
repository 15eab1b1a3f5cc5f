"""The mentor's pages: invite, answer, remove or leave; comments; history.

A plan is its owner's and her active mentor's (``selectors.plan_for``: a 404
for anyone else, as for a plan that does not exist). The owner invites a
colleague by user name and removes the mentor at any time; the invited
colleague accepts or declines on a page of her own and may leave later. Both
comment on the mentor's page. The mentor never edits: these pages offer her
nothing but comments and leaving (her confirmation of the owner's evidence
is on the evidence page). Every act is in the plan's history, marked when the
mentor did it.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from growth import selectors, services
from growth.forms_mentor import CommentForm, MentorInviteForm
from growth.models import Mentorship, Plan
from growth.permissions import (
    can_answer_mentorship,
    can_comment,
    can_leave_mentorship,
    is_owner,
)

# The statuses of a mentor in the plan (one at a time).


def _per_page() -> int:
    return getattr(settings, "GROWTH_PER_PAGE", 20)


def _plan(request: HttpRequest, pk: int) -> Plan:
    """The plan for its owner or its active mentor; a 404 for anyone else."""
    return selectors.plan_for(request.user, pk)


def _mentor_url(plan: Plan, anchor: str = "") -> str:
    return reverse("growth:mentor", args=[plan.pk]) + anchor


def _standing_mentorship(plan: Plan) -> Mentorship | None:
    """The mentor invited to the plan or mentoring it, if any."""
    return selectors.mentorship_standing(plan)


def _mentor_page(
    request: HttpRequest,
    plan: Plan,
    *,
    invite_form: MentorInviteForm | None = None,
    comment_form: CommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    owner = is_owner(user, plan)
    mentorship = _standing_mentorship(plan)
    may_invite = owner and plan.status == Plan.Status.ACTIVE and mentorship is None
    may_comment = can_comment(user, plan)
    comments = Paginator(
        plan.comments.select_related("author__profile").order_by("-created_at", "-pk"),
        _per_page(),
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "growth/mentor.html",
        {
            "plan": plan,
            "is_owner": owner,
            "mentorship": mentorship,
            # A refused invitation shows its form with the reason, whatever
            # happened in between.
            "invite_form": invite_form or (MentorInviteForm() if may_invite else None),
            "comment_form": (comment_form or CommentForm()) if may_comment else None,
            "page_obj": comments,
        },
        status=status,
    )


@login_required
def mentor(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's mentor and the comments. The owner invites a mentor by user
    name (POST) or removes the one invited or mentoring (POST ``remove``)."""
    plan = _plan(request, pk)
    if request.method != "POST":
        return _mentor_page(request, plan)
    if not is_owner(request.user, plan):
        raise PermissionDenied
    if "remove" in request.POST:
        return _mentor_remove(request, plan)
    form = MentorInviteForm(request.POST)
    if form.is_valid():
        try:
            services.mentor_invite(
                plan, actor=request.user, mentor=form.cleaned_data["username"]
            )
        except ValidationError as error:
            form.add_error("username", error)
        else:
            messages.success(
                request,
                _(
                    "The invitation is sent. The plan opens to the mentor when "
                    "they accept."
                ),
            )
            return redirect(_mentor_url(plan))
    return _mentor_page(request, plan, invite_form=form, status=400)


def _mentor_remove(request: HttpRequest, plan: Plan) -> HttpResponse:
    number = request.POST.get("remove", "")
    mentorship = (
        selectors.mentorship_standing(plan, int(number)) if number.isdigit() else None
    )
    if mentorship is None:
        messages.error(request, _("This mentor has already left the plan."))
        return _mentor_page(request, plan, status=400)
    try:
        services.mentor_remove(mentorship, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _mentor_page(request, plan, status=400)
    messages.success(request, _("The mentor no longer sees your plan."))
    return redirect(_mentor_url(plan))


@login_required
@require_POST
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A comment by the owner or her mentor; refused, the page again with
    the text kept."""
    plan = _plan(request, pk)
    if not can_comment(request.user, plan):
        raise PermissionDenied
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(
                plan, actor=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            form.add_error("body", error)
        else:
            messages.success(request, _("Your comment is added."))
            return redirect(_mentor_url(plan, "#comments"))
    return _mentor_page(request, plan, comment_form=form, status=400)


def _mentorship(request: HttpRequest, pk: int) -> Mentorship:
    """A mentorship of the member asking; a 404 for anyone else's."""
    return selectors.mentorship_of(request.user, pk)


@login_required
def mentoring_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """An invitation to mentor a plan: whose, for what; accept or decline."""
    mentorship = _mentorship(request, pk)
    plan = mentorship.plan
    if not can_answer_mentorship(request.user, mentorship):
        messages.info(request, _("This invitation is already answered."))
        if mentorship.status == Mentorship.Status.ACTIVE:
            return redirect(plan)
        return redirect("growth:index")
    error = ""
    status = 200
    if request.method == "POST":
        answer = request.POST.get("accept")
        if answer not in ("0", "1"):
            error = _("Choose whether you accept or decline.")
        else:
            try:
                services.mentor_answer(
                    mentorship, actor=request.user, accept=answer == "1"
                )
            except ValidationError as refusal:
                error = " ".join(refusal.messages)
            else:
                if answer == "1":
                    messages.success(
                        request,
                        _("You are the mentor of this plan now. Thank you!"),
                    )
                    return redirect(plan)
                messages.info(request, _("You declined the invitation."))
                return redirect("growth:index")
        status = 400
    return render(
        request,
        "growth/mentoring_answer.html",
        {"mentorship": mentorship, "plan": plan, "error": error},
        status=status,
    )


@login_required
def mentoring_leave(request: HttpRequest, pk: int) -> HttpResponse:
    """The mentor stops mentoring (a confirmation first)."""
    mentorship = _mentorship(request, pk)
    if not can_leave_mentorship(request.user, mentorship):
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            services.mentor_remove(mentorship, actor=request.user)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            messages.success(request, _("You are no longer the mentor of this plan."))
            return redirect("growth:index")
    return render(
        request,
        "growth/mentoring_leave.html",
        {"mentorship": mentorship, "plan": mentorship.plan, "error": error},
        status=400 if error else 200,
    )


@login_required
def history(request: HttpRequest, pk: int) -> HttpResponse:
    """What she and her mentor did in the plan, newest first."""
    plan = _plan(request, pk)
    events = Paginator(
        plan.events.select_related("actor__profile").order_by("-created_at", "-pk"),
        _per_page(),
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "growth/history.html",
        {"plan": plan, "is_owner": is_owner(request.user, plan), "page_obj": events},
    )
