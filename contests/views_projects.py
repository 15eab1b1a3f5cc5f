"""Network projects' pages: the index, a project's page, and the forms of
its coordinator (the project, its stages, feedback, completion) and of its
teams (forming, joining, leaving, submitting a stage's result).

Thin: rules in ``contests.services.projects``, reads in
``contests.selectors_projects``. What one may not see is a 404 (a draft to
others); what one sees but may not do, a 403. Bad input renders the form
again with its messages and the text kept (400); a refused step on the
project's page shows it again with the reason (400, or 409 for a full team
or another team's member, 429 past a rate).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contests import selectors_projects as selectors
from contests.forms_projects import (
    CompleteForm,
    FeedbackForm,
    ProjectFilterForm,
    ProjectForm,
    ResultForm,
    StageForm,
    StageFormSet,
    TeamForm,
)
from contests.models import Project, StageResult
from contests.permissions_projects import (
    can_complete_project,
    can_create_project,
    can_create_team,
    can_edit_project,
    can_give_feedback,
    can_join_team,
    can_leave_team,
    can_publish_project,
    can_start_project,
    can_submit_result,
    is_coordinator,
)
from contests.services import projects as services

STATUS_BY_CODE = {"rate": 429, "full": 409, "other_team": 409}


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


def add_errors(form, error: ValidationError) -> None:
    """A service's refusal on the form: each field's message by its field,
    the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- The index and a project's page ---------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    form = ProjectFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    page = selectors.project_page(
        user=request.user, status=status, number=request.GET.get("page")
    )
    return render(
        request,
        "contests/projects/index.html",
        {
            "form": form,
            "status": status,
            "page_obj": page,
            "may_create": can_create_project(request.user),
        },
        status=200 if form.is_valid() or not request.GET else 400,
    )


def _team_rows(teams, stages, membership, viewer) -> None:
    """Each team on the page with its results by stage, and — to encourage
    mixed teams — whether the viewer would bring it a new school or region
    (from the members' prefetched profiles: no query)."""
    profile = getattr(viewer, "profile", None) if viewer.is_authenticated else None
    school = profile.school_key if profile else ""
    region = profile.region if profile else ""
    for team in teams:
        results = {result.stage_id: result for result in team.results.all()}
        team.stage_rows = [(stage, results.get(stage.pk)) for stage in stages]
        members = list(team.members.all())
        team.member_rows = members
        team.is_mixed = team.school_count > 1 or team.region_count > 1
        team.may_join = can_join_team(viewer, team, membership)
        team.new_school = bool(
            school and all(m.user.profile.school_key != school for m in members)
        )
        team.new_region = bool(
            region and all(m.user.profile.region != region for m in members)
        )
        team.is_mine = membership is not None and membership.team_id == team.pk


def detail_page(
    request: HttpRequest, slug: str, *, refusal: str = "", status: int = 200
) -> HttpResponse:
    """The project's page; a refused POST shows it again with ``refusal``."""
    user = request.user
    project = selectors.project_get(slug=slug, user=user)
    stages = selectors.stages_of(project)
    membership = selectors.membership_of(project=project, user=user)
    teams = selectors.team_page(project=project, number=request.GET.get("page"))
    _team_rows(teams, stages, membership, user)
    now = timezone.now()
    current = None
    if project.status == Project.Status.ACTIVE:
        current = next((stage for stage in stages if stage.deadline > now), None)
    coordinating = is_coordinator(user, project)
    context = {
        "project": project,
        "stages": stages,
        "current_stage": current,
        "teams": teams,
        "page_obj": teams,
        "membership": membership,
        "is_coordinator": coordinating,
        "may_edit": can_edit_project(user, project),
        "may_publish": can_publish_project(user, project),
        "may_start": can_start_project(user, project),
        "may_complete": can_complete_project(user, project),
        "may_create_team": can_create_team(user, project, membership),
        "may_leave": membership is not None
        and can_leave_team(user, membership.team, membership),
        "may_submit": bool(stages) and can_submit_result(user, stages[0], membership),
        "may_give_feedback": coordinating
        and project.status == Project.Status.ACTIVE
        and not project.is_hidden,
        "refusal": refusal,
        "now": now,
    }
    return render(request, "contests/projects/detail.html", context, status=status)


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    return detail_page(request, slug)


def _refused(request, slug, error: ValidationError) -> HttpResponse:
    return detail_page(
        request, slug, refusal=" ".join(error.messages), status=refusal_status(error)
    )


# --- The coordinator's pages ----------------------------------------------------------


def _editable(request: HttpRequest, slug: str) -> Project:
    """The project, when ``request.user`` may change it (403 when they
    only see it, 404 when they may not even do that)."""
    project = selectors.project_get(slug=slug, user=request.user)
    if not can_edit_project(request.user, project):
        raise PermissionDenied
    return project


def _project_form_page(
    request, form, *, heading, project=None, stages=None, formset=None, status=400
) -> HttpResponse:
    return render(
        request,
        "contests/projects/form.html",
        {
            "form": form,
            "formset": formset,
            "heading": heading,
            "project": project,
            "stages": stages or [],
        },
        status=status if request.method == "POST" else 200,
    )


def _project_fields(form: ProjectForm) -> dict:
    return {name: form.cleaned_data[name] for name in services.PROJECT_FIELDS}


@login_required
def create(request: HttpRequest) -> HttpResponse:
    if not can_create_project(request.user):
        raise PermissionDenied
    form = ProjectForm(request.POST or None)
    formset = StageFormSet(request.POST or None, prefix="stages")
    status = 400
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        stages = [
            {key: row[key] for key in ("title", "task", "deadline")}
            for row in formset.cleaned_data
            if row
        ]
        try:
            project = services.project_create(
                coordinator=request.user, stages=stages, **_project_fields(form)
            )
        except ValidationError as error:
            add_errors(form, error)
            status = refusal_status(error)
        else:
            messages.success(
                request,
                _(
                    "The draft is saved. Check its stages, then announce it so "
                    "that teams can form."
                ),
            )
            return redirect(project)
    return _project_form_page(
        request, form, heading=_("New network project"), formset=formset, status=status
    )


@login_required
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    project = _editable(request, slug)
    stages = selectors.stages_of(project)
    form = ProjectForm(request.POST or None, instance=project)
    status = 400
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(
                project=project, editor=request.user, **_project_fields(form)
            )
        except ValidationError as error:
            add_errors(form, error)
            status = refusal_status(error)
        else:
            messages.success(request, _("The project is saved."))
            return redirect("projects:detail", slug=slug)
    return _project_form_page(
        request,
        form,
        heading=_("Edit the project"),
        project=project,
        stages=stages,
        status=status,
    )


@login_required
@require_POST
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    project = selectors.project_get(slug=slug, user=request.user)
    try:
        services.project_publish(project=project, actor=request.user)
    except ValidationError as error:
        return _refused(request, slug, error)
    messages.success(request, _("The project is announced: teams can form now."))
    return redirect(project)


@login_required
@require_POST
def start(request: HttpRequest, slug: str) -> HttpResponse:
    project = selectors.project_get(slug=slug, user=request.user)
    try:
        services.project_start(project=project, actor=request.user)
    except ValidationError as error:
        return _refused(request, slug, error)
    messages.success(
        request, _("The project is under way: teams submit their results.")
    )
    return redirect(project)


def _stage_form_page(request, project, form, *, stage=None) -> HttpResponse:
    return render(
        request,
        "contests/projects/stage_form.html",
        {"project": project, "form": form, "stage": stage},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def stage_add(request: HttpRequest, slug: str) -> HttpResponse:
    project = _editable(request, slug)
    form = StageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.stage_add(
                project=project, editor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The stage is added."))
            return redirect("projects:edit", slug=slug)
    return _stage_form_page(request, project, form)


@login_required
def stage_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project = _editable(request, slug)
    stage = selectors.stage_get(project=project, pk=pk)
    form = StageForm(request.POST or None, initial=StageForm.initial_of(stage))
    if request.method == "POST" and form.is_valid():
        try:
            services.stage_update(stage=stage, editor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The stage is saved."))
            return redirect("projects:edit", slug=slug)
    return _stage_form_page(request, project, form, stage=stage)


@login_required
@require_POST
def stage_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project = _editable(request, slug)
    stage = selectors.stage_get(project=project, pk=pk)
    try:
        services.stage_remove(stage=stage, editor=request.user)
    except ValidationError as error:
        return _refused(request, slug, error)
    messages.success(request, _("The stage is removed."))
    return redirect("projects:edit", slug=slug)


@login_required
def result_feedback(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project = selectors.project_get(slug=slug, user=request.user)
    result = selectors.result_get(project=project, pk=pk)
    if not can_give_feedback(request.user, result):
        raise PermissionDenied
    initial = {"feedback": result.feedback}
    if result.status != StageResult.Status.SUBMITTED:
        initial["decision"] = (
            "accept" if result.status == StageResult.Status.ACCEPTED else "return"
        )
    form = FeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.stage_feedback(
                result=result,
                coordinator=request.user,
                accepted=form.cleaned_data["decision"] == "accept",
                feedback=form.cleaned_data["feedback"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The team is told of your feedback."))
            return redirect(f"{project.get_absolute_url()}#team-{result.team_id}")
    return render(
        request,
        "contests/projects/feedback_form.html",
        {"project": project, "result": result, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def complete(request: HttpRequest, slug: str) -> HttpResponse:
    project = selectors.project_get(slug=slug, user=request.user)
    if not can_complete_project(request.user, project):
        raise PermissionDenied
    form = CompleteForm(
        request.POST or None,
        teams=selectors.teams_with_members(project),
        request_host=request.get_host(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.project_complete(
                project=project,
                actor=request.user,
                team=form.cleaned_data["team"],
                material=form.cleaned_data["material"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "The project is completed: its product is in the library with "
                    "every member of the team credited."
                ),
            )
            return redirect(project)
    return render(
        request,
        "contests/projects/complete_form.html",
        {"project": project, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- Teams ----------------------------------------------------------------------------


@login_required
def team_new(request: HttpRequest, slug: str) -> HttpResponse:
    project = selectors.project_get(slug=slug, user=request.user)
    membership = selectors.membership_of(project=project, user=request.user)
    if not can_create_team(request.user, project, membership):
        raise PermissionDenied
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(
                project=project, user=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "The team is formed. Invite colleagues from other schools and "
                    "regions: the project prefers mixed teams."
                ),
            )
            return redirect(f"{project.get_absolute_url()}#team-{team.pk}")
    return render(
        request,
        "contests/projects/team_form.html",
        {"project": project, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def team_join(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project = selectors.project_get(slug=slug, user=request.user)
    team = selectors.team_get(project=project, pk=pk)
    try:
        services.team_join(team=team, user=request.user)
    except ValidationError as error:
        return _refused(request, slug, error)
    messages.success(
        request, _("You are in the team «%(name)s».") % {"name": team.name}
    )
    return redirect(f"{project.get_absolute_url()}#team-{team.pk}")


@login_required
@require_POST
def team_leave(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project = selectors.project_get(slug=slug, user=request.user)
    team = selectors.team_get(project=project, pk=pk)
    try:
        services.team_leave(team=team, user=request.user)
    except ValidationError as error:
        return _refused(request, slug, error)
    messages.success(request, _("You have left the team."))
    return redirect(project)


@login_required
def result_submit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project = selectors.project_get(slug=slug, user=request.user)
    stage = selectors.stage_get(project=project, pk=pk)
    membership = selectors.membership_of(project=project, user=request.user)
    if not can_submit_result(request.user, stage, membership):
        raise PermissionDenied
    team = membership.team
    result = selectors.result_of(stage=stage, team=team)
    initial = {}
    if result is not None:
        initial = {
            "text": result.text,
            "material": result.material.get_absolute_url() if result.material else "",
        }
    form = ResultForm(
        request.POST or None, initial=initial, request_host=request.get_host()
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.stage_result_submit(
                stage=stage,
                team=team,
                user=request.user,
                text=form.cleaned_data["text"],
                material=form.cleaned_data["material"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("The result is submitted: the coordinator is told.")
            )
            return redirect(f"{project.get_absolute_url()}#team-{team.pk}")
    return render(
        request,
        "contests/projects/result_form.html",
        {
            "project": project,
            "stage": stage,
            "team": team,
            "result": result,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )
