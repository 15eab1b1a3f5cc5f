"""Network projects for the projects' tests, made as their coordinators and
teams make them (the services); the crowds a page budget needs (55 teams
with their members and results, 55 projects) are written in bulk."""

import datetime

from django.utils import timezone

from accounts.tests.factories import UserFactory
from contests.models import Project, Stage, StageResult, Team, TeamMember
from contests.services import projects as services
from materials.tests.factories import MaterialFactory

MANY = 55


def days(count: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=count)


def colleague(*, school: str | None = None, region: str = "tatarstan", **fields):
    """A member from ``school`` (a school of her own when not given; "" for
    none) and ``region``."""
    user = UserFactory(**fields)
    profile = user.profile
    if school is not None:
        profile.school = school
    profile.region = region
    profile.save(update_fields=["school", "region"])
    return user


def stages(count: int = 2) -> list[dict]:
    return [
        {
            "title": f"Этап {number}",
            "task": f"Задание **{number}**",
            "deadline": days(7 * number),
        }
        for number in range(1, count + 1)
    ]


def project_draft(coordinator=None, *, stage_count: int = 2, **fields) -> Project:
    values = {
        "title": "Цифровой след урока",
        "summary": "Команды учителей собирают сценарий урока.",
        "goal": "Сценарий урока с **цифровыми** инструментами.",
        "team_size": 4,
    }
    values.update(fields)
    return services.project_create(
        coordinator=coordinator or UserFactory(),
        stages=stages(stage_count),
        **values,
    )


def project_announced(coordinator=None, **fields) -> Project:
    project = project_draft(coordinator, **fields)
    return services.project_publish(project=project, actor=project.coordinator)


def team_of(project: Project, *users, name: str = "") -> Team:
    """A team of the project: the first user forms it, the others join."""
    first, *others = users
    team = services.team_create(
        project=project, user=first, name=name or f"Команда {first.pk}"
    )
    for user in others:
        services.team_join(team=team, user=user)
    team.refresh_from_db()
    return team


def project_active(coordinator=None, *, members=None, **fields) -> tuple[Project, Team]:
    """A project under way with one team (``members``, or two colleagues
    of different schools)."""
    project = project_announced(coordinator, **fields)
    team = team_of(project, *(members or [colleague(), colleague()]))
    project = services.project_start(project=project, actor=project.coordinator)
    return project, team


def material_of(user, **fields):
    return MaterialFactory(author=user, **fields)


def crowded_project(*, teams: int = MANY, members: int = 3) -> Project:
    """A project under way with ``teams`` teams of ``members`` members each
    and a result per team of its first stage, written in bulk."""
    project, _team = project_active()
    stage = Stage.objects.filter(project=project).order_by("position").first()
    users = UserFactory.create_batch(teams * members)
    rows = Team.objects.bulk_create(
        Team(
            project=project,
            name=f"Группа {number}",
            member_count=members,
            school_count=members,
            region_count=1,
        )
        for number in range(teams)
    )
    TeamMember.objects.bulk_create(
        TeamMember(project=project, team=team, user=users[index * members + offset])
        for index, team in enumerate(rows)
        for offset in range(members)
    )
    material = MaterialFactory(author=users[0])
    StageResult.objects.bulk_create(
        StageResult(
            stage=stage,
            team=team,
            text="Итог",
            text_html="<p>Итог</p>",
            material=material if index % 2 else None,
            feedback="Хорошо",
            feedback_html="<p>Хорошо</p>",
            status=StageResult.Status.ACCEPTED,
        )
        for index, team in enumerate(rows)
    )
    Project.objects.filter(pk=project.pk).update(
        team_count=teams + 1, member_count=teams * members + 2
    )
    project.refresh_from_db()
    return project
