"""Before each stage's deadline the teams without an accepted result are
reminded, once: the stage's reminder is claimed by one conditional UPDATE,
and a claim left by a dead worker is taken over after
``community.claims.claim_cutoff``."""

import datetime

import pytest
from django.utils import timezone

from community.claims import claim_cutoff
from community.models import Notification
from contests import kinds
from contests.models import Project, Stage
from contests.services import projects as services
from contests.tests.helpers_projects import colleague, days, project_active, team_of

pytestmark = pytest.mark.django_db


def _reminded(user) -> int:
    return Notification.objects.filter(
        recipient=user, kind=kinds.STAGE_REMINDER
    ).count()


def _due_soon(project: Project) -> Stage:
    stage = project.stages.order_by("position").first()
    Stage.objects.filter(pk=stage.pk).update(deadline=days(1))
    stage.refresh_from_db()
    return stage


@pytest.fixture
def teams():
    """A project under way whose first stage is due tomorrow; the first
    team's result is accepted, the second's not submitted."""
    done_a, done_b, late_a, late_b = (colleague() for _ in range(4))
    project, done = project_active(members=[done_a, done_b])
    team_of(project, late_a, late_b)
    stage = _due_soon(project)
    result = services.stage_result_submit(
        stage=stage, team=done, user=done_a, text="Готово"
    )
    services.stage_feedback(
        result=result, coordinator=project.coordinator, accepted=True
    )
    return project, stage, (done_a, done_b), (late_a, late_b)


def test_teams_without_an_accepted_result_are_reminded_once(teams):
    _project, stage, done, late = teams
    assert services.stage_reminders_run() == 2
    assert [_reminded(user) for user in late] == [1, 1]
    assert [_reminded(user) for user in done] == [0, 0]
    stage.refresh_from_db()
    assert stage.reminded_at is not None
    assert stage.reminder_claimed_at is not None
    # A second run (or two runs meeting) tells nobody again.
    assert services.stage_reminders_run() == 0
    assert [_reminded(user) for user in late] == [1, 1]


def test_a_stage_far_from_its_deadline_or_past_it_is_not_reminded(teams):
    _project, stage, _done, late = teams
    Stage.objects.filter(pk=stage.pk).update(deadline=days(5))
    assert services.stage_reminders_run() == 0
    Stage.objects.filter(pk=stage.pk).update(deadline=days(-1))
    assert services.stage_reminders_run() == 0
    # Within CONTESTS_REMINDER_DAYS of the run's "now".
    assert (
        services.stage_reminders_run(now=timezone.now() - datetime.timedelta(days=2))
        == 2
    )
    assert _reminded(late[0]) == 1


def test_a_live_claim_is_left_to_its_holder(teams):
    _project, stage, _done, late = teams
    Stage.objects.filter(pk=stage.pk).update(reminder_claimed_at=timezone.now())
    assert services.stage_reminders_run() == 0
    assert _reminded(late[0]) == 0
    stage.refresh_from_db()
    assert stage.reminded_at is None


def test_a_claim_left_by_a_dead_worker_is_taken_over(teams):
    _project, stage, _done, late = teams
    stale = claim_cutoff() - datetime.timedelta(seconds=1)
    Stage.objects.filter(pk=stage.pk).update(reminder_claimed_at=stale)
    assert services.stage_reminders_run() == 2
    assert [_reminded(user) for user in late] == [1, 1]
    stage.refresh_from_db()
    assert stage.reminder_claimed_at > stale
    assert stage.reminded_at is not None


def test_a_hidden_or_completed_project_is_not_reminded(teams):
    project, _stage, _done, late = teams
    Project.objects.filter(pk=project.pk).update(is_hidden=True)
    assert services.stage_reminders_run() == 0
    Project.objects.filter(pk=project.pk).update(
        is_hidden=False, status=Project.Status.COMPLETED
    )
    assert services.stage_reminders_run() == 0
    assert _reminded(late[0]) == 0
