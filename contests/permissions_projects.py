"""Who may see, shape, join and work in network projects.

Pure predicates shared by views, templates and services. None asks the
database: the viewer's membership (``TeamMember`` or None) is read once by
the page's selector and handed in.
"""

from contests.models import Project, Stage, StageResult, Team, TeamMember


def _is_member(user) -> bool:
    return user.is_authenticated and user.is_active


def can_moderate_projects(user) -> bool:
    # Staff (the Moderators group) and superusers: members pay no query.
    return _is_member(user) and (user.is_superuser or user.is_staff)


def is_coordinator(user, project: Project) -> bool:
    return _is_member(user) and user.pk == project.coordinator_id


def project_is_public(project: Project) -> bool:
    """Announced (teams forming, under way or completed) and not hidden."""
    return project.status != Project.Status.DRAFT and not project.is_hidden


def can_create_project(user) -> bool:
    # Any member (a restricted one is refused by the service's
    # participation check).
    return _is_member(user)


def can_see_project(user, project: Project) -> bool:
    # Public: everyone; a draft or a hidden project: its coordinator and
    # moderators.
    if project_is_public(project):
        return True
    return is_coordinator(user, project) or can_moderate_projects(user)


def can_edit_project(user, project: Project) -> bool:
    # The coordinator until it is completed, while not hidden; moderators
    # until it is completed.
    if project.status == Project.Status.COMPLETED:
        return False
    if can_moderate_projects(user):
        return True
    return is_coordinator(user, project) and not project.is_hidden


def can_publish_project(user, project: Project) -> bool:
    # A draft, by whoever may edit it.
    return project.status == Project.Status.DRAFT and can_edit_project(user, project)


def can_start_project(user, project: Project) -> bool:
    # Teams forming, by whoever may edit it.
    return project.status == Project.Status.RECRUITING and can_edit_project(
        user, project
    )


def teams_open(project: Project) -> bool:
    """Teams form and change while the project is announced or under way."""
    return (
        project.status in (Project.Status.RECRUITING, Project.Status.ACTIVE)
        and not project.is_hidden
    )


def can_create_team(user, project: Project, membership: TeamMember | None) -> bool:
    # A member in no team of the project yet, not its coordinator, while
    # teams form.
    return (
        _is_member(user)
        and teams_open(project)
        and membership is None
        and not is_coordinator(user, project)
    )


def can_join_team(user, team: Team, membership: TeamMember | None) -> bool:
    # As for a new team, and the team has room.
    return (
        can_create_team(user, team.project, membership)
        and team.member_count < team.project.team_size
    )


def can_leave_team(user, team: Team, membership: TeamMember | None) -> bool:
    # Its member, while teams may change.
    return (
        _is_member(user)
        and membership is not None
        and membership.team_id == team.pk
        and teams_open(team.project)
    )


def can_submit_result(user, stage: Stage, membership: TeamMember | None) -> bool:
    # A member of a team, while the project is under way and not hidden.
    project = stage.project
    return (
        _is_member(user)
        and membership is not None
        and membership.project_id == project.pk
        and project.status == Project.Status.ACTIVE
        and not project.is_hidden
    )


def can_give_feedback(user, result: StageResult) -> bool:
    # The coordinator, while the project is under way.
    project = result.stage.project
    return (
        is_coordinator(user, project)
        and project.status == Project.Status.ACTIVE
        and not project.is_hidden
    )


def can_complete_project(user, project: Project) -> bool:
    # The coordinator, of a project under way.
    return (
        is_coordinator(user, project)
        and project.status == Project.Status.ACTIVE
        and not project.is_hidden
    )
