"""Network projects: a coordinator's goal in stages with deadlines, teams of
colleagues (preferably of several schools and regions), each stage's result
with the coordinator's feedback, a reminder before each deadline, and the
final product published as a material with every member of its team
credited.

The counts shown are kept here: a team's members, schools and regions under
the team's row lock (``_team_recount``), a project's teams and participants
with ``F()``. One team per member and project is the database's own rule
(``contests_one_team_per_project``): a join that loses a race to another of
the same member answers as the first when it is the same team, else
ValidationError(code="other_team").
"""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from community import services as community
from community.claims import claim_expired, claim_take
from community.hiding import REPORTED, audited, hidden_set
from community.markdown import render_markdown
from community.sanctions import participation_check
from community.slugs import free_slug, readable_slug
from contests import changes, kinds
from contests.models import Project, Stage, StageResult, Team, TeamMember
from contests.permissions_projects import (
    can_complete_project,
    can_create_project,
    can_edit_project,
    can_give_feedback,
    can_moderate_projects,
    can_publish_project,
    can_start_project,
    is_coordinator,
    teams_open,
)
from materials.models import Material
from materials.services.library import material_coauthors_set

__all__ = [
    "MAX_STAGES",
    "PROJECT_FIELDS",
    "RESERVED_SLUGS",
    "project_complete",
    "project_create",
    "project_hide",
    "project_hide_by_reports",
    "project_publish",
    "project_start",
    "project_update",
    "stage_add",
    "stage_feedback",
    "stage_reminders_run",
    "stage_remove",
    "stage_result_submit",
    "stage_update",
    "team_create",
    "team_join",
    "team_leave",
]

PROJECT_FIELDS = ["title", "summary", "goal", "subject", "team_size"]
# Addresses the app's own pages take under /projects/.
RESERVED_SLUGS = frozenset({"new", "mine", "feed"})
MAX_STAGES = 12


# --- Checks ---------------------------------------------------------------------------


def _project_locked(project: Project) -> Project:
    """The project's row, locked until the transaction ends."""
    return Project.objects.select_for_update(of=("self",)).get(pk=project.pk)


def _team_locked(team: Team) -> Team:
    """The team's row (with its project, not locked), locked until the
    transaction ends: every write of its members or results takes it."""
    return (
        Team.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=team.pk)
    )


def _deadline_check(deadline, *, field: str = "deadline") -> None:
    if deadline is None:
        raise ValidationError({field: _("Give the stage's deadline.")})
    if deadline <= timezone.now():
        raise ValidationError(
            {
                field: ValidationError(
                    _("The deadline must be in the future."), code="past"
                )
            }
        )


def _stage_clean(stage: Stage) -> None:
    stage.title = stage.title.strip()
    if not stage.title:
        raise ValidationError({"title": _("Name the stage.")})
    stage.task_html = render_markdown(stage.task)
    stage.full_clean(exclude=["project"])


def _stages_renumber(project: Project) -> None:
    """Stages in the order of their deadlines: positions 1, 2, 3…"""
    stages = Stage.objects.filter(project_id=project.pk).order_by("deadline", "pk")
    for position, (pk, current) in enumerate(
        stages.values_list("pk", "position"), start=1
    ):
        if current != position:
            Stage.objects.filter(pk=pk).update(position=position)


def _editable(project: Project, editor) -> Project:
    """The project, locked, if ``editor`` may change it now."""
    participation_check(editor)
    project = _project_locked(project)
    if not can_edit_project(editor, project):
        raise PermissionDenied
    return project


# --- The project ----------------------------------------------------------------------


def _slug_for(title: str) -> str:
    base = readable_slug(title, fallback="project")
    taken = set(
        Project.objects.filter(slug__startswith=base).values_list("slug", flat=True)
    )
    return free_slug(base, taken | RESERVED_SLUGS)


def _project_clean(project: Project) -> None:
    project.title = project.title.strip()
    project.summary = project.summary.strip()
    project.goal_html = render_markdown(project.goal)
    project.full_clean(
        exclude=["slug", "coordinator", "subject", "product", "product_team"]
    )


@transaction.atomic
def project_create(
    *,
    coordinator,
    title: str,
    summary: str,
    goal: str,
    stages: Iterable[dict] = (),
    subject=None,
    team_size: int = 6,
) -> Project:
    """A new project, a draft of ``coordinator``'s with a free readable
    address, with its stages (each ``{"title", "task", "deadline"}``), in
    the order of their deadlines.

    Raises PermissionDenied for visitors and restricted members, or
    ValidationError (a dict by field; a stage's deadline in the past:
    code "past"; more than ``MAX_STAGES``: code "stages").
    """
    participation_check(coordinator)
    if not can_create_project(coordinator):
        raise PermissionDenied
    stages = list(stages)
    if len(stages) > MAX_STAGES:
        raise ValidationError(
            _("A project has at most %(count)d stages.") % {"count": MAX_STAGES},
            code="stages",
        )
    project = Project(
        coordinator=coordinator,
        title=title,
        summary=summary,
        goal=goal,
        subject=subject,
        team_size=team_size,
        status=Project.Status.DRAFT,
    )
    _project_clean(project)
    rows = []
    for number, values in enumerate(stages, start=1):
        stage = Stage(
            title=values.get("title", ""),
            task=values.get("task", ""),
            deadline=values.get("deadline"),
        )
        try:
            _deadline_check(stage.deadline)
            _stage_clean(stage)
        except ValidationError as error:
            # Said of the stage it concerns: the form shows it above the rows.
            items = (
                [item for errors in error.error_dict.values() for item in errors]
                if hasattr(error, "error_dict")
                else error.error_list
            )
            codes = [item.code for item in items]
            raise ValidationError(
                _("Stage %(number)d: %(errors)s")
                % {"number": number, "errors": " ".join(error.messages)},
                code=next((code for code in codes if code), "stage"),
            ) from None
        rows.append(stage)
    # Two projects of one title at once: the second takes the next address.
    for _attempt in range(3):
        project.slug = _slug_for(project.title)
        try:
            with transaction.atomic():
                project.save()
            break
        except IntegrityError:
            if Project.objects.filter(slug=project.slug).exists():
                continue
            raise
    else:
        raise ValidationError(_("Please try again."), code="slug")
    for stage in rows:
        stage.project = project
    Stage.objects.bulk_create(rows)
    _stages_renumber(project)
    changes.project_changed(project)
    return project


@transaction.atomic
def project_update(*, project: Project, editor, **fields) -> Project:
    """Change a project's own fields (``PROJECT_FIELDS``). Its coordinator
    or a moderator, until it is completed. A team may not be left larger
    than the new size (code "team_size").

    Raises PermissionDenied, or ValidationError (a dict by field).
    """
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"project_update() got unknown fields: {sorted(unknown)}")
    project = _editable(project, editor)
    for key, value in fields.items():
        setattr(project, key, value)
    largest = (
        Team.objects.filter(project_id=project.pk)
        .order_by("-member_count")
        .values_list("member_count", flat=True)
        .first()
    )
    if largest and project.team_size < largest:
        raise ValidationError(
            {
                "team_size": ValidationError(
                    _("A team of the project has %(count)d members already.")
                    % {"count": largest},
                    code="team_size",
                )
            }
        )
    _project_clean(project)
    project.save()
    changes.project_changed(project)
    return project


@transaction.atomic
def project_publish(*, project: Project, actor) -> Project:
    """Announce a draft: teams may form (status "teams forming"); its feed
    entry and search entry follow. A project needs a stage first (code
    "stages"). Raises PermissionDenied or ValidationError."""
    participation_check(actor)
    project = _project_locked(project)
    if project.status != Project.Status.DRAFT and can_edit_project(actor, project):
        return project  # announced already: a double submit answers as once
    if not can_publish_project(actor, project):
        raise PermissionDenied
    if not Stage.objects.filter(project_id=project.pk).exists():
        raise ValidationError(
            _("Add at least one stage with its deadline first."), code="stages"
        )
    project.status = Project.Status.RECRUITING
    project.published_at = timezone.now()
    project.save(update_fields=["status", "published_at", "updated_at"])
    changes.project_visibility_changed(project)
    return project


@transaction.atomic
def project_start(*, project: Project, actor) -> Project:
    """The work begins: teams submit their stages' results (status "under
    way"; teams may still form). It needs a team first (code "teams").
    Raises PermissionDenied or ValidationError."""
    participation_check(actor)
    project = _project_locked(project)
    if project.status == Project.Status.ACTIVE and can_edit_project(actor, project):
        return project
    if not can_start_project(actor, project):
        raise PermissionDenied
    if not Team.objects.filter(project_id=project.pk, member_count__gt=0).exists():
        raise ValidationError(
            _("No team has formed yet: the project starts with at least one."),
            code="teams",
        )
    project.status = Project.Status.ACTIVE
    project.save(update_fields=["status", "updated_at"])
    changes.project_changed(project)
    return project


# --- Stages ---------------------------------------------------------------------------


@transaction.atomic
def stage_add(
    *, project: Project, editor, title: str, deadline, task: str = ""
) -> Stage:
    """A stage with its task and deadline (in the future), placed among the
    others by its deadline. Raises PermissionDenied, or ValidationError (a
    dict by field; more than ``MAX_STAGES``: code "stages")."""
    project = _editable(project, editor)
    if Stage.objects.filter(project_id=project.pk).count() >= MAX_STAGES:
        raise ValidationError(
            _("A project has at most %(count)d stages.") % {"count": MAX_STAGES},
            code="stages",
        )
    _deadline_check(deadline)
    stage = Stage(project=project, title=title, task=task, deadline=deadline)
    _stage_clean(stage)
    stage.save()
    _stages_renumber(project)
    changes.project_changed(project)
    return stage


@transaction.atomic
def stage_update(
    *, stage: Stage, editor, title: str, deadline, task: str = ""
) -> Stage:
    """Change a stage. A new deadline must be in the future, and its teams
    are reminded again before it. Raises PermissionDenied or
    ValidationError (a dict by field)."""
    project = _editable(stage.project, editor)
    stage = Stage.objects.select_for_update().get(pk=stage.pk, project_id=project.pk)
    fields = ["title", "task", "task_html", "deadline"]
    if deadline != stage.deadline:
        _deadline_check(deadline)
        stage.reminder_claimed_at = stage.reminded_at = None
        fields += ["reminder_claimed_at", "reminded_at"]
    stage.title, stage.task, stage.deadline = title, task, deadline
    _stage_clean(stage)
    stage.save(update_fields=fields)
    _stages_renumber(project)
    changes.project_changed(project)
    return stage


@transaction.atomic
def stage_remove(*, stage: Stage, editor) -> None:
    """Remove a stage no team has submitted a result to (code "results");
    an announced project keeps at least one (code "last"). Raises
    PermissionDenied or ValidationError."""
    project = _editable(stage.project, editor)
    if StageResult.objects.filter(stage_id=stage.pk).exists():
        raise ValidationError(
            _("Teams have submitted results to this stage: it stays."),
            code="results",
        )
    if (
        project.status != Project.Status.DRAFT
        and Stage.objects.filter(project_id=project.pk).count() <= 1
    ):
        raise ValidationError(
            _("An announced project keeps at least one stage."), code="last"
        )
    Stage.objects.filter(pk=stage.pk, project_id=project.pk).delete()
    _stages_renumber(project)
    changes.project_changed(project)


# --- Teams ----------------------------------------------------------------------------


def _team_recount(team: Team) -> Team:
    """Keep a team's members, and the schools and regions they come from
    (their profiles'; a blank one is not counted), from its rows; the
    caller holds the team's row lock."""
    rows = list(
        TeamMember.objects.filter(team_id=team.pk).values_list(
            "user__profile__school_key", "user__profile__region"
        )
    )
    team.member_count = len(rows)
    team.school_count = len({school for school, _region in rows if school})
    team.region_count = len({region for _school, region in rows if region})
    Team.objects.filter(pk=team.pk).update(
        member_count=team.member_count,
        school_count=team.school_count,
        region_count=team.region_count,
    )
    return team


def _membership_refusal(project: Project, user) -> None:
    """Who may be in a team of the project now: a member not its
    coordinator, while teams form."""
    if not teams_open(project):
        raise ValidationError(
            _("Teams of this project no longer change."), code="closed"
        )
    if is_coordinator(user, project):
        raise ValidationError(
            _("The coordinator guides every team and is in none."),
            code="coordinator",
        )


def _other_team() -> ValidationError:
    return ValidationError(
        _("You are in another team of this project: leave it first."),
        code="other_team",
    )


def _member_add(team: Team, user) -> TeamMember:
    """The membership row; the database keeps one per member and project."""
    try:
        with transaction.atomic():
            return TeamMember.objects.create(
                project_id=team.project_id, team=team, user=user
            )
    except IntegrityError:
        existing = TeamMember.objects.filter(
            project_id=team.project_id, user=user
        ).first()
        if existing is not None and existing.team_id == team.pk:
            return existing
        raise _other_team() from None


@transaction.atomic
def team_create(*, project: Project, user, name: str) -> Team:
    """A new team of the project, ``user`` its first member.

    Raises PermissionDenied for visitors and restricted members, or
    ValidationError: teams closed ("closed"), the coordinator
    ("coordinator"), already in a team ("other_team"), a name taken
    ("name").
    """
    participation_check(user)
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    project = Project.objects.get(pk=project.pk)
    _membership_refusal(project, user)
    if TeamMember.objects.filter(project_id=project.pk, user=user).exists():
        raise _other_team()
    team = Team(project=project, name=" ".join(name.split()), created_by=user)
    if not team.name:
        raise ValidationError({"name": _("Name the team.")})
    team.full_clean(exclude=["project", "created_by"], validate_unique=False)
    try:
        with transaction.atomic():
            team.save()
    except IntegrityError:
        raise ValidationError(
            {
                "name": ValidationError(
                    _("A team of this name is in the project already."), code="name"
                )
            }
        ) from None
    _member_add(team, user)
    _team_recount(team)
    Project.objects.filter(pk=project.pk).update(
        team_count=F("team_count") + 1, member_count=F("member_count") + 1
    )
    changes.teams_changed(project)
    return team


@transaction.atomic
def team_join(*, team: Team, user) -> TeamMember:
    """``user`` joins the team while it has room (code "full").

    One team per member and project: joining the same team again (a double
    submit) answers with the membership already there; another team is
    ValidationError(code="other_team"). Raises PermissionDenied for
    visitors and restricted members, or ValidationError ("closed",
    "coordinator", "full").
    """
    participation_check(user)
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    team = _team_locked(team)
    project = team.project
    existing = TeamMember.objects.filter(project_id=project.pk, user=user).first()
    if existing is not None:
        if existing.team_id == team.pk:
            return existing
        raise _other_team()
    _membership_refusal(project, user)
    if team.member_count >= project.team_size:
        raise ValidationError(_("The team is full."), code="full")
    membership = _member_add(team, user)
    _team_recount(team)
    Project.objects.filter(pk=project.pk).update(member_count=F("member_count") + 1)
    changes.teams_changed(project)
    return membership


@transaction.atomic
def team_leave(*, team: Team, user) -> None:
    """``user`` leaves the team while teams may change; a team left empty
    with no result goes. Leaving is the way out: a restricted member may
    too. Raises ValidationError ("not_member", "closed")."""
    team = _team_locked(team)
    project = team.project
    membership = TeamMember.objects.filter(team_id=team.pk, user_id=user.pk).first()
    if membership is None:
        raise ValidationError(_("You are not in this team."), code="not_member")
    if not teams_open(project):
        raise ValidationError(
            _("Teams of this project no longer change."), code="closed"
        )
    membership.delete()
    _team_recount(team)
    counts = {"member_count": F("member_count") - 1}
    if team.member_count == 0 and not StageResult.objects.filter(team=team).exists():
        team.delete()
        counts["team_count"] = F("team_count") - 1
    Project.objects.filter(pk=project.pk).update(**counts)
    changes.teams_changed(project)


# --- Results and feedback -------------------------------------------------------------


def _team_member_ids(team: Team) -> list[int]:
    return list(
        TeamMember.objects.filter(team_id=team.pk).values_list("user_id", flat=True)
    )


def _material_of_team(material: Material, member_ids: list[int]) -> bool:
    """A published material not hidden, written (or co-written) by a
    member of the team."""
    if material is None or not material.is_published or material.is_hidden:
        return False
    if material.author_id in member_ids:
        return True
    return material.coauthors.filter(pk__in=member_ids).exists()


def _where(team: Team) -> str:
    return f"{team.project.get_absolute_url()}#team-{team.pk}"


@transaction.atomic
def stage_result_submit(
    *, stage: Stage, team: Team, user, text: str = "", material=None
) -> StageResult:
    """The team's result of the stage: a text, a material of the library
    (published, by a member of the team), or both. Submitted again while
    the coordinator has not accepted it; the coordinator is told
    (``kinds.STAGE_SUBMITTED``).

    Raises PermissionDenied for anyone but a member of the team, or
    ValidationError: the project not under way ("closed"), nothing given
    ("empty"), a material not the team's ("material"), accepted already
    ("accepted").
    """
    participation_check(user)
    team = _team_locked(team)
    project = team.project
    if stage.project_id != project.pk:
        raise PermissionDenied
    member_ids = _team_member_ids(team)
    if user.pk not in member_ids:
        raise PermissionDenied
    if project.status != Project.Status.ACTIVE or project.is_hidden:
        raise ValidationError(
            _("Results are submitted while the project is under way."),
            code="closed",
        )
    text = text.strip()
    if not text and material is None:
        raise ValidationError(
            _("Write the result or give a material from the library."),
            code="empty",
        )
    if material is not None and not _material_of_team(material, member_ids):
        raise ValidationError(
            {
                "material": ValidationError(
                    _(
                        "Only a published material of the library by a member "
                        "of the team can be a result."
                    ),
                    code="material",
                )
            }
        )
    result = (
        StageResult.objects.select_for_update()
        .filter(stage_id=stage.pk, team_id=team.pk)
        .first()
    )
    if result is not None and result.status == StageResult.Status.ACCEPTED:
        raise ValidationError(
            _("The coordinator has accepted this result: it is final."),
            code="accepted",
        )
    if result is None:
        result = StageResult(stage=stage, team=team)
    else:
        # Submitted again: the time shown (and compared with the deadline)
        # is this submission's.
        result.submitted_at = timezone.now()
    result.text = text
    result.text_html = render_markdown(text)
    result.material = material
    result.submitted_by = user
    result.status = StageResult.Status.SUBMITTED
    result.full_clean(exclude=["stage", "team", "material", "submitted_by"])
    result.save()
    community.notify(
        recipient=project.coordinator,
        kind=kinds.STAGE_SUBMITTED,
        actor=user,
        target=result,
        target_title=f"{team.name} — {stage.title}"[:200],
        url=_where(team),
    )
    changes.stage_results_changed(project)
    return result


@transaction.atomic
def stage_feedback(
    *, result: StageResult, coordinator, accepted: bool, feedback: str = ""
) -> StageResult:
    """The coordinator accepts a result or returns it for revision with a
    feedback (required when returning: code "feedback"); the team is told
    (``kinds.STAGE_FEEDBACK``). Raises PermissionDenied or ValidationError."""
    participation_check(coordinator)
    result = (
        StageResult.objects.select_for_update(of=("self",))
        .select_related("stage__project__coordinator", "team")
        .get(pk=result.pk)
    )
    if not can_give_feedback(coordinator, result):
        raise PermissionDenied
    feedback = feedback.strip()
    if not accepted and not feedback:
        raise ValidationError(
            {
                "feedback": ValidationError(
                    _("Say what the team should revise."), code="feedback"
                )
            }
        )
    result.status = (
        StageResult.Status.ACCEPTED if accepted else StageResult.Status.RETURNED
    )
    result.feedback = feedback
    result.feedback_html = render_markdown(feedback)
    result.feedback_at = timezone.now()
    result.full_clean(exclude=["stage", "team", "material", "submitted_by"])
    result.save(
        update_fields=[
            "status",
            "feedback",
            "feedback_html",
            "feedback_at",
            "updated_at",
        ]
    )
    project = result.stage.project
    result.team.project = project
    community.notify_many(
        recipients=get_user_model()
        .objects.filter(pk__in=_team_member_ids(result.team))
        .only("pk", "is_active"),
        kind=kinds.STAGE_FEEDBACK,
        actor=coordinator,
        target=result,
        target_title=f"{result.team.name} — {result.stage.title}"[:200],
        url=_where(result.team),
    )
    changes.stage_results_changed(project)
    return result


# --- Completion -----------------------------------------------------------------------


@transaction.atomic
def project_complete(
    *, project: Project, actor, team: Team, material: Material
) -> Project:
    """The coordinator completes the project with its final product: a
    published material (not hidden) by a member of ``team``, on which every
    member of the team is credited as a co-author
    (``materials.services.library.material_coauthors_set``). Every
    participant of the project is told (``kinds.PROJECT_COMPLETED``). The
    same call again answers as the first.

    Raises PermissionDenied, or ValidationError: completed already with
    another product ("completed"), a team of another project or empty
    ("team"), a material not the team's ("material").
    """
    participation_check(actor)
    project = _project_locked(project)
    if project.status == Project.Status.COMPLETED:
        if project.product_id == material.pk and project.product_team_id == team.pk:
            return project
        raise ValidationError(_("The project is completed already."), code="completed")
    if not can_complete_project(actor, project):
        raise PermissionDenied
    member_ids = (
        _team_member_ids(team)
        if team is not None and team.project_id == project.pk
        else []
    )
    if not member_ids:
        raise ValidationError(
            {
                "team": ValidationError(
                    _("Choose a team of this project with its members."), code="team"
                )
            }
        )
    material = Material.objects.select_for_update().get(pk=material.pk)
    if (
        not material.is_published
        or material.is_hidden
        or material.author_id not in member_ids
    ):
        raise ValidationError(
            {
                "material": ValidationError(
                    _(
                        "The product is a published material of the library whose "
                        "author is a member of the team."
                    ),
                    code="material",
                )
            }
        )
    members = get_user_model().objects.filter(pk__in=member_ids)
    material_coauthors_set(
        material=material, coauthors=[*material.coauthors.all(), *members]
    )
    project.status = Project.Status.COMPLETED
    project.completed_at = timezone.now()
    project.product = material
    project.product_team = team
    project.save(
        update_fields=[
            "status",
            "completed_at",
            "product",
            "product_team",
            "updated_at",
        ]
    )
    participants = list(
        TeamMember.objects.filter(project_id=project.pk).values_list(
            "user_id", flat=True
        )
    )
    community.notify_many(
        recipients=get_user_model()
        .objects.filter(pk__in=participants)
        .only("pk", "is_active"),
        kind=kinds.PROJECT_COMPLETED,
        actor=actor,
        target=project,
        target_title=project.title,
        url=project.get_absolute_url(),
    )
    # The coordinator's evidence too: the attainment counts her as a
    # participant of the project she led.
    changes.project_completed(project, members=[*participants, project.coordinator_id])
    return project


# --- Moderation -----------------------------------------------------------------------

# The audit log tells an automatic call by its own action names.
_project_record = audited("project", automatic_apart=True)


def project_hide(
    *, project: Project, moderator, hidden: bool = True, reason: str = ""
) -> Project:
    """A moderator hides (or shows again) a project; always on record.
    Raises PermissionDenied for anyone but a moderator."""
    if not can_moderate_projects(moderator):
        raise PermissionDenied
    hidden_set(
        project,
        hidden=hidden,
        moderator=moderator,
        reason=reason,
        changed=changes.project_visibility_changed,
        record=_project_record,
    )
    return project


def project_hide_by_reports(*, project: Project, hidden: bool = True) -> Project:
    """Reports of established members hide a project until a moderator looks."""
    hidden_set(
        project,
        hidden=hidden,
        moderator=None,
        reason=REPORTED,
        changed=changes.project_visibility_changed,
        record=_project_record,
    )
    return project


# --- Reminders ------------------------------------------------------------------------


def stage_reminders_run(now: datetime.datetime | None = None) -> int:
    """Beat, every 15 minutes: before each stage's deadline (within
    ``CONTESTS_REMINDER_DAYS``) of a project under way, every member of a
    team whose result is not accepted yet is told (``kinds.STAGE_REMINDER``).

    Each stage once: its ``reminder_claimed_at`` is claimed by one
    conditional UPDATE (``community.claims``: a claim left by a dead worker
    is taken over after ``claim_cutoff``), then the notices and
    ``reminded_at`` are written in one transaction. ``now`` places the
    window; the claim is taken at the clock's time. Returns how many members
    were told.
    """
    now = now or timezone.now()
    until = now + datetime.timedelta(days=settings.CONTESTS_REMINDER_DAYS)
    due = list(
        Stage.objects.filter(
            project__status=Project.Status.ACTIVE,
            project__is_hidden=False,
            deadline__gt=now,
            deadline__lte=until,
            reminded_at__isnull=True,
        )
        .select_related("project")
        .order_by("deadline", "pk")
    )
    told = 0
    for stage in due:
        claimed_at = claim_take(
            Stage,
            pk=stage.pk,
            field="reminder_claimed_at",
            ready=Q(reminded_at__isnull=True),
        )
        if claimed_at is None:
            continue
        told += _stage_remind(stage, claimed_at=claimed_at, now=now)
    return told


@transaction.atomic
def _stage_remind(stage: Stage, *, claimed_at, now) -> int:
    """Mark the stage reminded while the claim is still this run's, then
    tell its teams, in one transaction: a claim taken over by another run
    (this one outlived it) tells nobody."""
    if claim_expired(claimed_at):
        return 0
    still_ours = Stage.objects.filter(
        pk=stage.pk, reminder_claimed_at=claimed_at, reminded_at__isnull=True
    ).update(reminded_at=now)
    if not still_ours:
        return 0
    accepted = StageResult.objects.filter(
        stage_id=stage.pk, status=StageResult.Status.ACCEPTED
    ).values("team_id")
    members = (
        TeamMember.objects.filter(project_id=stage.project_id)
        .exclude(team_id__in=accepted)
        .values_list("user_id", flat=True)
    )
    project = stage.project
    return community.notify_many(
        recipients=get_user_model()
        .objects.filter(pk__in=list(members))
        .only("pk", "is_active"),
        kind=kinds.STAGE_REMINDER,
        target=stage,
        target_title=f"{project.title} — {stage.title}"[:200],
        url=project.get_absolute_url(),
        group=False,
    )
