"""Consultation lines' pages: thin; rules in ``services.lines``, reads in
``selectors_lines``.

``/lines/`` lists the active lines the viewer may see; a line's page shows
its description and the ask form, and to its experts the queue. A question
is read on its conversation's page (``/messages/<id>/``), which includes
``partials/_question_panel.html``; taking, handing over and withdrawing are
POSTs here. What one may not see is a 404; what one sees but may not do, a
403; a refused step renders its page again with the reason (4xx) and the
member's text kept.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from conversations import selectors_lines as selectors
from conversations.forms_lines import (
    HandOverForm,
    LineCreateForm,
    LineForm,
    QuestionForm,
)
from conversations.models import Line, Question
from conversations.permissions_lines import (
    can_ask_line,
    can_hand_over_question,
    can_manage_line,
    can_moderate_lines,
    can_view_question,
    can_withdraw_question,
    is_line_expert,
    line_experts,
)
from conversations.services import lines as services

LINES_PER_PAGE = 20
QUEUE_PER_PAGE = 20
# A refusal's status by the service's code.
STATUS_BY_CODE = {"rate": 429, "taken": 409, "changed": 409}


def _status_of(error: ValidationError, default: int = 400) -> int:
    for item in getattr(error, "error_list", []) or [error]:
        if item.code in STATUS_BY_CODE:
            return STATUS_BY_CODE[item.code]
    return default


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    form.add_error(None, error)


def line_list(request: HttpRequest) -> HttpResponse:
    lines = selectors.line_list(user=request.user)
    page = Paginator(lines, LINES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "conversations/lines/line_list.html",
        {"page_obj": page, "may_create": can_moderate_lines(request.user)},
    )


def _line_page(
    request: HttpRequest,
    line: Line,
    *,
    form: QuestionForm | None = None,
    status: int = 200,
    refusal: str = "",
) -> HttpResponse:
    user = request.user
    may_ask = can_ask_line(user, line)
    context = {
        "line": line,
        "may_ask": may_ask,
        "form": (form or QuestionForm()) if may_ask else None,
        "may_manage": can_manage_line(user, line),
        "is_expert": is_line_expert(user, line),
        "mine": selectors.questions_of(line=line, user=user),
        "refusal": refusal,
    }
    if context["is_expert"]:
        queue = Paginator(selectors.line_queue(line=line), QUEUE_PER_PAGE).get_page(
            request.GET.get("page")
        )
        selectors.queue_excerpts(queue)
        context["page_obj"] = queue
    return render(
        request, "conversations/lines/line_detail.html", context, status=status
    )


def line_detail(request: HttpRequest, slug: str) -> HttpResponse:
    line = selectors.line_get(slug=slug, user=request.user)
    return _line_page(request, line)


@login_required
@require_POST
def line_ask(request: HttpRequest, slug: str) -> HttpResponse:
    line = selectors.line_get(slug=slug, user=request.user)
    if not can_ask_line(request.user, line):
        raise PermissionDenied
    form = QuestionForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            question = services.question_ask(
                line=line,
                asker=request.user,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            _add_errors(form, error)
            status = _status_of(error)
        else:
            messages.success(
                request,
                _(
                    "Your question is in the line's queue. An expert takes it and "
                    "answers here; you will be told."
                ),
            )
            return redirect(question.conversation)
    return _line_page(request, line, form=form, status=status)


def _communities_run_by(user):
    """The open or dormant communities ``user`` runs (owner or moderator)."""
    from circles.models import Community, Membership
    from circles.permissions import LIVING

    return Community.objects.filter(
        status__in=LIVING,
        is_hidden=False,
        memberships__user=user,
        memberships__role__in=[Membership.Role.OWNER, Membership.Role.MODERATOR],
    ).order_by("name")


@login_required
def line_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    subjects = can_moderate_lines(user)
    communities = _communities_run_by(user)
    if not subjects and not communities.exists():
        raise PermissionDenied
    initial = {}
    if request.method == "GET":
        initial = {
            "subject": request.GET.get("subject") if subjects else None,
            "community": request.GET.get("community"),
        }
    form = LineCreateForm(
        request.POST or None,
        subjects=subjects,
        communities=communities,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            line = services.line_create(
                by=user,
                title=data["title"],
                description=data["description"],
                answer_within_days=data["answer_within_days"],
                is_active=data["is_active"],
                subject=data.get("subject"),
                community=data.get("community"),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The line is made."))
            return redirect("lines:detail", slug=line.slug)
    return render(
        request,
        "conversations/lines/line_form.html",
        {"form": form, "heading": _("New consultation line")},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def line_edit(request: HttpRequest, slug: str) -> HttpResponse:
    line = selectors.line_get(slug=slug, user=request.user)
    if not can_manage_line(request.user, line):
        raise PermissionDenied
    # The form writes onto its instance while it validates: it gets a copy.
    form = LineForm(request.POST or None, instance=Line.objects.get(pk=line.pk))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.line_update(
                line=line,
                by=request.user,
                title=data["title"],
                description=data["description"],
                answer_within_days=data["answer_within_days"],
                is_active=data["is_active"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The line is saved."))
            return redirect("lines:detail", slug=line.slug)
    return render(
        request,
        "conversations/lines/line_form.html",
        {"form": form, "heading": _("Edit the line"), "line": line},
        status=400 if request.method == "POST" else 200,
    )


# --- Questions ----------------------------------------------------------------


def _question(request: HttpRequest, pk: int) -> Question:
    """The question, or 404 for one the viewer may not see."""
    question = selectors.question_get(pk=pk)
    if not can_view_question(request.user, question):
        raise Http404
    return question


def _refused(
    request: HttpRequest, question: Question, error: ValidationError
) -> HttpResponse:
    """A step the question's state refused (taken by another meanwhile):
    the reason, and the way back."""
    return render(
        request,
        "conversations/lines/question_refused.html",
        {"question": question, "line": question.line, "errors": error.messages},
        status=_status_of(error, 409),
    )


@login_required
@require_POST
def question_take(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    try:
        question = services.question_take(question=question, expert=request.user)
    except ValidationError as error:
        return _refused(request, question, error)
    days = question.line.answer_within_days
    messages.success(
        request,
        ngettext(
            "The question is yours: answer it within %(days)d day.",
            "The question is yours: answer it within %(days)d days.",
            days,
        )
        % {"days": days},
    )
    return redirect(question.conversation)


def _hand_over_choices(question: Question, user):
    return (
        line_experts(question.line)
        .exclude(pk__in=[user.pk, question.asker_id])
        .select_related("profile")
        .order_by("profile__display_name", "pk")
    )


@login_required
def question_hand_over(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the form alone (the panel has it too); POST: hand it over."""
    question = _question(request, pk)
    if not can_hand_over_question(request.user, question):
        raise PermissionDenied
    form = HandOverForm(
        request.POST or None, experts=_hand_over_choices(question, request.user)
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            to = form.cleaned_data["to"]
            try:
                services.question_hand_over(
                    question=question, expert=request.user, to=to
                )
            except ValidationError as error:
                _add_errors(form, error)
                status = _status_of(error)
            else:
                messages.success(
                    request,
                    _("The question is handed over to %(name)s.")
                    % {"name": to.profile.shown_name},
                )
                return redirect(question.conversation)
    return render(
        request,
        "conversations/lines/hand_over.html",
        {"question": question, "line": question.line, "form": form},
        status=status,
    )


@login_required
@require_POST
def question_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    if not can_withdraw_question(request.user, question):
        raise PermissionDenied
    try:
        services.question_withdraw(question=question, user=request.user)
    except ValidationError as error:
        return _refused(request, question, error)
    messages.success(request, _("The question is withdrawn."))
    return redirect(question.conversation)
