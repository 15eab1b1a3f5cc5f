"""One team per member and project, and never more members than a team's
size, also when joins arrive at once (PostgreSQL: threads released at one
barrier, each on its own connection; SQLite serialises every write)."""

import pytest
from django.core.exceptions import ValidationError

from community.tests.races import needs_postgresql, together
from contests.models import Project, Team, TeamMember
from contests.services import projects as services
from contests.tests.helpers_projects import colleague, project_announced, team_of

pytestmark = pytest.mark.django_db(transaction=True)


def _codes(raised) -> list[str]:
    return sorted(
        error.code
        for error in raised
        if isinstance(error, ValidationError) and error.code
    )


def test_a_member_joining_two_teams_at_once_ends_in_one(vocabulary):
    needs_postgresql()
    project = project_announced(team_size=6)
    first = team_of(project, colleague(), name="Первая")
    second = team_of(project, colleague(), name="Вторая")
    user = colleague()
    for _round in range(3):
        raised = together(
            [
                lambda: services.team_join(team=first, user=user),
                lambda: services.team_join(team=second, user=user),
            ]
        )
        assert next(error for error in raised if error is not None).code == "other_team"
        assert [type(error) for error in raised].count(type(None)) == 1
        assert TeamMember.objects.filter(project=project, user=user).count() == 1
        services.team_leave(
            team=TeamMember.objects.get(project=project, user=user).team, user=user
        )
    counts = {t.name: t.member_count for t in Team.objects.filter(project=project)}
    assert counts == {"Первая": 1, "Вторая": 1}
    assert Project.objects.get(pk=project.pk).member_count == 2


def test_forming_a_team_and_joining_another_at_once_ends_in_one(vocabulary):
    needs_postgresql()
    project = project_announced()
    other = team_of(project, colleague(), name="Готовая")
    user = colleague()
    raised = together(
        [
            lambda: services.team_create(project=project, user=user, name="Новая"),
            lambda: services.team_join(team=other, user=user),
        ]
    )
    assert _codes(raised) == ["other_team"]
    assert TeamMember.objects.filter(project=project, user=user).count() == 1
    # The losing new team left nothing behind.
    teams = Team.objects.filter(project=project)
    assert teams.count() == Project.objects.get(pk=project.pk).team_count
    assert all(team.member_count == team.members.count() for team in teams)


def test_a_double_submit_of_one_join_answers_as_once(vocabulary):
    needs_postgresql()
    project = project_announced()
    team = team_of(project, colleague())
    user = colleague()
    raised = together([lambda: services.team_join(team=team, user=user)] * 4)
    assert raised == [None] * 4
    assert TeamMember.objects.filter(project=project, user=user).count() == 1
    team.refresh_from_db()
    assert team.member_count == 2
    assert Project.objects.get(pk=project.pk).member_count == 2


def test_joins_at_once_never_exceed_the_team_size(vocabulary):
    needs_postgresql()
    project = project_announced(team_size=4)
    team = team_of(project, colleague())
    users = [colleague() for _ in range(8)]
    raised = together(
        [lambda user=user: services.team_join(team=team, user=user) for user in users]
    )
    assert _codes(raised) == ["full"] * 5
    team.refresh_from_db()
    assert team.member_count == 4 == team.members.count()
    assert team.school_count == 4
    assert Project.objects.get(pk=project.pk).member_count == 4
