"""Reads for the network projects' pages; each owns its joins.

Every page here is read in a fixed number of queries whatever the number of
projects, teams, members and results: a page of teams comes with its members
(and their profiles) and its results (with their materials) in two
prefetches; the project's teams are counted by the kept ``team_count``.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404

from community.numbers import MAX_ID
from community.paging import CountedPaginator
from contests.models import Project, Stage, StageResult, Team, TeamMember
from contests.permissions_projects import can_see_project

# The index's lists, by the ``status`` asked for ("" for every public one).
LISTS = ("", "recruiting", "active", "completed", "mine")


def _newest_first(projects: QuerySet) -> QuerySet:
    # A draft (never announced) before the rest, on every database.
    return projects.order_by(F("published_at").desc(nulls_first=True), "-pk")


def project_list(*, user, status: str = "") -> QuerySet[Project]:
    """Public projects, the newest first, with their coordinators' profiles
    and subjects; ``status`` one of their statuses, or "mine": those
    ``user`` coordinates (drafts and hidden ones too) or is a team member
    of (while public)."""
    projects = Project.objects.select_related("coordinator__profile", "subject")
    if status == "mine":
        if not user.is_authenticated:
            return projects.none()
        joined = TeamMember.objects.filter(user_id=user.pk).values("project_id")
        projects = projects.filter(
            Q(coordinator_id=user.pk)
            | Q(pk__in=joined, is_hidden=False, status__in=_PUBLIC_STATUSES)
        )
    else:
        projects = projects.public()
        if status:
            projects = projects.filter(status=status)
    return _newest_first(projects)


_PUBLIC_STATUSES = [
    Project.Status.RECRUITING,
    Project.Status.ACTIVE,
    Project.Status.COMPLETED,
]


def project_page(*, user, status: str, number) -> Page:
    return Paginator(
        project_list(user=user, status=status), settings.CONTESTS_PER_PAGE
    ).get_page(number)


def project_get(*, slug: str, user) -> Project:
    """The project ``user`` may see, with its coordinator, subject and final
    product; else 404 (the same for a missing project and one not theirs)."""
    project = (
        Project.objects.select_related(
            "coordinator__profile", "subject", "product", "product_team"
        )
        .filter(slug=slug)
        .first()
    )
    if project is None or not can_see_project(user, project):
        raise Http404
    return project


def stages_of(project: Project) -> list[Stage]:
    """The project's stages in order, each knowing its project."""
    stages = list(
        Stage.objects.filter(project_id=project.pk).order_by("position", "pk")
    )
    for stage in stages:
        stage.project = project
    return stages


def _members() -> Prefetch:
    return Prefetch(
        "members",
        queryset=TeamMember.objects.select_related("user__profile").order_by(
            "joined_at", "pk"
        ),
    )


def _results() -> Prefetch:
    return Prefetch(
        "results",
        queryset=StageResult.objects.select_related("material").order_by("pk"),
    )


def team_page(*, project: Project, number) -> Page:
    """A page of the project's teams, the first formed first, with their
    members (and profiles) and results (and materials): three queries."""
    teams = (
        Team.objects.filter(project_id=project.pk)
        .prefetch_related(_members(), _results())
        .order_by("created_at", "pk")
    )
    page = CountedPaginator(
        teams, settings.CONTESTS_PER_PAGE, count=project.team_count
    ).get_page(number)
    for team in page:
        team.project = project
    return page


def membership_of(*, project: Project, user) -> TeamMember | None:
    """``user``'s place in a team of the project (with the team), or None."""
    if not user.is_authenticated:
        return None
    membership = (
        TeamMember.objects.select_related("team")
        .filter(project_id=project.pk, user_id=user.pk)
        .first()
    )
    if membership is not None:
        membership.team.project = project
    return membership


def _one(queryset: QuerySet, pk: int | None):
    found = queryset.filter(pk=pk).first() if pk is not None and pk <= MAX_ID else None
    if found is None:
        raise Http404
    return found


def stage_get(*, project: Project, pk: int) -> Stage:
    stage = _one(Stage.objects.filter(project_id=project.pk), pk)
    stage.project = project
    return stage


def team_get(*, project: Project, pk: int) -> Team:
    team = _one(Team.objects.filter(project_id=project.pk), pk)
    team.project = project
    return team


def result_get(*, project: Project, pk: int) -> StageResult:
    """A result of the project, with its stage, team, material and who
    submitted it."""
    result = _one(
        StageResult.objects.filter(stage__project_id=project.pk).select_related(
            "stage", "team", "material", "submitted_by__profile"
        ),
        pk,
    )
    result.stage.project = result.team.project = project
    return result


def result_of(*, stage: Stage, team: Team) -> StageResult | None:
    return (
        StageResult.objects.select_related("material")
        .filter(stage_id=stage.pk, team_id=team.pk)
        .first()
    )


def teams_with_members(project: Project) -> QuerySet[Team]:
    """The teams a project may be completed with: those with members."""
    return Team.objects.filter(project_id=project.pk, member_count__gt=0).order_by(
        "name", "pk"
    )


def team_members(team: Team) -> QuerySet:
    """The team's members, with their profiles."""
    return (
        get_user_model()
        .objects.filter(project_teams__team_id=team.pk)
        .select_related("profile")
        .order_by("project_teams__joined_at", "pk")
    )
