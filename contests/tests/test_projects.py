"""Network projects' services: the project and its stages, teams (one per
member and project, counted by schools and regions), each stage's result
with the coordinator's feedback, completion with the product credited to
the whole team, hiding."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.tests.factories import UserFactory
from community.models import AuditEntry, Notification, Subject
from community.sanctions import ParticipationRestricted
from contests import kinds
from contests.models import Project, Stage, StageResult, Team, TeamMember
from contests.permissions_projects import (
    can_create_team,
    can_join_team,
    can_see_project,
    can_submit_result,
)
from contests.services import projects as services
from contests.tests.helpers_projects import (
    colleague,
    days,
    material_of,
    project_active,
    project_announced,
    project_draft,
    team_of,
)
from materials.models import Material

pytestmark = pytest.mark.django_db


def _code(error: pytest.ExceptionInfo) -> set:
    value = error.value
    if hasattr(value, "error_dict"):
        return {item.code for items in value.error_dict.values() for item in items}
    return {item.code for item in value.error_list}


def _told(user, kind: str) -> int:
    return Notification.objects.filter(recipient=user, kind=kind).count()


# --- The project and its stages ---------------------------------------------------


def test_project_create_makes_a_draft_with_stages_in_deadline_order():
    coordinator = UserFactory()
    project = services.project_create(
        coordinator=coordinator,
        title="Цифровой след урока",
        summary="Коротко",
        goal="Цель **жирно**",
        subject=Subject.objects.get(slug="mathematics"),
        stages=[
            {"title": "Второй", "task": "", "deadline": days(14)},
            {"title": "Первый", "task": "*Задание*", "deadline": days(7)},
        ],
    )
    assert project.status == Project.Status.DRAFT
    assert project.slug == "tsifrovoi-sled-uroka"
    assert "<strong>жирно</strong>" in project.goal_html
    titles = list(project.stages.order_by("position").values_list("title", "position"))
    assert titles == [("Первый", 1), ("Второй", 2)]
    assert "<em>Задание</em>" in project.stages.get(title="Первый").task_html


def test_project_create_refuses_a_past_deadline_and_restricted_members():
    with pytest.raises(ValidationError) as error:
        services.project_create(
            coordinator=UserFactory(),
            title="Проект",
            summary="Коротко",
            goal="Цель",
            stages=[{"title": "Этап", "deadline": days(-1)}],
        )
    assert "past" in _code(error)
    assert not Project.objects.exists()
    restricted = UserFactory(restricted_until=days(3))
    with pytest.raises(ParticipationRestricted):
        project_draft(restricted)


def test_two_projects_of_one_title_take_two_addresses():
    first, second = project_draft(), project_draft()
    assert first.slug != second.slug
    assert second.slug.startswith(first.slug)


def test_project_update_is_the_coordinators_and_keeps_teams_within_the_size():
    project = project_announced()
    team_of(project, colleague(), colleague(), colleague())
    with pytest.raises(PermissionDenied):
        services.project_update(project=project, editor=UserFactory(), title="Чужой")
    with pytest.raises(ValidationError) as error:
        services.project_update(
            project=project, editor=project.coordinator, team_size=2
        )
    assert "team_size" in _code(error)
    services.project_update(project=project, editor=project.coordinator, title="Новое")
    assert Project.objects.get(pk=project.pk).title == "Новое"


def test_stages_are_added_edited_and_removed_in_deadline_order():
    project = project_draft(stage_count=1)
    coordinator = project.coordinator
    early = services.stage_add(
        project=project, editor=coordinator, title="Разведка", deadline=days(2)
    )
    assert early.__class__.objects.get(pk=early.pk).position == 1
    with pytest.raises(ValidationError) as error:
        services.stage_add(
            project=project, editor=coordinator, title="Поздно", deadline=days(-2)
        )
    assert "past" in _code(error)
    services.stage_update(
        stage=early, editor=coordinator, title="Разведка", deadline=days(30)
    )
    assert list(project.stages.values_list("title", flat=True)) == [
        "Этап 1",
        "Разведка",
    ]
    services.stage_remove(stage=early, editor=coordinator)
    assert project.stages.count() == 1


def test_a_stage_with_results_stays_and_an_announced_project_keeps_one():
    project, team = project_active()
    stage = project.stages.first()
    services.stage_result_submit(
        stage=stage, team=team, user=team.members.first().user, text="Готово"
    )
    with pytest.raises(ValidationError) as error:
        services.stage_remove(stage=stage, editor=project.coordinator)
    assert "results" in _code(error)
    last = project.stages.last()
    services.stage_remove(
        stage=project.stages.exclude(pk=stage.pk).exclude(pk=last.pk).first() or last,
        editor=project.coordinator,
    )
    lone = project_announced(stage_count=1)
    with pytest.raises(ValidationError) as error:
        services.stage_remove(stage=lone.stages.get(), editor=lone.coordinator)
    assert "last" in _code(error)


def test_a_new_deadline_is_reminded_again():
    project, _team = project_active()
    stage = project.stages.first()
    Stage.objects.filter(pk=stage.pk).update(
        reminder_claimed_at=timezone.now(), reminded_at=timezone.now()
    )
    stage.refresh_from_db()
    services.stage_update(
        stage=stage, editor=project.coordinator, title=stage.title, deadline=days(20)
    )
    stage.refresh_from_db()
    assert stage.reminded_at is None
    assert stage.reminder_claimed_at is None


def test_publish_needs_a_stage_and_answers_a_double_submit_as_once():
    project = project_draft(stage_count=0)
    with pytest.raises(ValidationError) as error:
        services.project_publish(project=project, actor=project.coordinator)
    assert "stages" in _code(error)
    services.stage_add(
        project=project, editor=project.coordinator, title="Этап", deadline=days(3)
    )
    with pytest.raises(PermissionDenied):
        services.project_publish(project=project, actor=UserFactory())
    services.project_publish(project=project, actor=project.coordinator)
    again = services.project_publish(project=project, actor=project.coordinator)
    assert again.status == Project.Status.RECRUITING
    assert again.published_at is not None


def test_start_needs_a_team():
    project = project_announced()
    with pytest.raises(ValidationError) as error:
        services.project_start(project=project, actor=project.coordinator)
    assert "teams" in _code(error)
    team_of(project, colleague())
    started = services.project_start(project=project, actor=project.coordinator)
    assert started.status == Project.Status.ACTIVE


def test_a_draft_is_seen_by_its_coordinator_and_moderators_only(moderator):
    project = project_draft()
    assert can_see_project(project.coordinator, project)
    assert can_see_project(moderator, project)
    assert not can_see_project(UserFactory(), project)
    project = services.project_publish(project=project, actor=project.coordinator)
    assert can_see_project(UserFactory(), project)


# --- Teams ------------------------------------------------------------------------


def test_team_counts_schools_and_regions_of_its_members():
    project = project_announced(team_size=5)
    a = colleague(school="Лицей № 1", region="tatarstan")
    b = colleague(school="лицей №1 ", region="tatarstan")  # the same school
    c = colleague(school="Гимназия № 2", region="moscow")
    d = colleague(school="", region="")
    team = team_of(project, a, b, c, d)
    assert (team.member_count, team.school_count, team.region_count) == (4, 2, 2)
    project.refresh_from_db()
    assert (project.team_count, project.member_count) == (1, 4)
    services.team_leave(team=team, user=c)
    team.refresh_from_db()
    assert (team.member_count, team.school_count, team.region_count) == (3, 1, 1)


def test_one_team_per_member_and_project():
    project = project_announced()
    user = colleague()
    first = team_of(project, user)
    other = team_of(project, colleague())
    # A double submit answers as the first.
    again = services.team_join(team=first, user=user)
    assert again.team_id == first.pk
    with pytest.raises(ValidationError) as error:
        services.team_join(team=other, user=user)
    assert "other_team" in _code(error)
    with pytest.raises(ValidationError) as error:
        services.team_create(project=project, user=user, name="Ещё одна")
    assert "other_team" in _code(error)
    assert TeamMember.objects.filter(project=project, user=user).count() == 1
    assert not Team.objects.filter(name="Ещё одна").exists()


def test_a_team_has_room_for_team_size_members_and_a_unique_name():
    project = project_announced(team_size=2)
    team = team_of(project, colleague(), colleague())
    with pytest.raises(ValidationError) as error:
        services.team_join(team=team, user=colleague())
    assert "full" in _code(error)
    with pytest.raises(ValidationError) as error:
        services.team_create(project=project, user=colleague(), name=team.name)
    assert "name" in _code(error)


def test_the_coordinator_joins_no_team_and_drafts_take_none():
    project = project_draft()
    with pytest.raises(ValidationError) as error:
        services.team_create(project=project, user=colleague(), name="Рано")
    assert "closed" in _code(error)
    services.project_publish(project=project, actor=project.coordinator)
    with pytest.raises(ValidationError) as error:
        services.team_create(project=project, user=project.coordinator, name="Я")
    assert "coordinator" in _code(error)
    assert not can_create_team(project.coordinator, project, None)


def test_the_last_member_leaving_a_team_without_results_removes_it():
    project = project_announced()
    user = colleague()
    team = team_of(project, user)
    services.team_leave(team=team, user=user)
    assert not Team.objects.filter(pk=team.pk).exists()
    project.refresh_from_db()
    assert (project.team_count, project.member_count) == (0, 0)
    with pytest.raises(ValidationError) as error:
        services.team_leave(team=team_of(project, colleague()), user=user)
    assert "not_member" in _code(error)


def test_can_join_team_reads_room_and_membership():
    project = project_announced(team_size=2)
    team = team_of(project, colleague())
    team.project = project
    outsider = colleague()
    assert can_join_team(outsider, team, None)
    membership = TeamMember.objects.filter(team=team).first()
    assert not can_join_team(outsider, team, membership)
    team.member_count = 2
    assert not can_join_team(outsider, team, None)


# --- Results and feedback -----------------------------------------------------------


def test_a_member_submits_a_text_and_the_coordinator_is_told():
    project, team = project_active()
    stage = project.stages.first()
    author = team.members.first().user
    result = services.stage_result_submit(
        stage=stage, team=team, user=author, text="Наш **итог**"
    )
    assert result.status == StageResult.Status.SUBMITTED
    assert "<strong>итог</strong>" in result.text_html
    assert _told(project.coordinator, kinds.STAGE_SUBMITTED) == 1
    assert can_submit_result(author, stage, team.members.first())


def test_results_need_a_member_a_project_under_way_and_some_content():
    project = project_announced()
    team = team_of(project, colleague())
    stage = project.stages.first()
    member = team.members.first().user
    with pytest.raises(ValidationError) as error:
        services.stage_result_submit(stage=stage, team=team, user=member, text="Рано")
    assert "closed" in _code(error)
    services.project_start(project=project, actor=project.coordinator)
    with pytest.raises(PermissionDenied):
        services.stage_result_submit(
            stage=stage, team=team, user=colleague(), text="Чужой"
        )
    with pytest.raises(ValidationError) as error:
        services.stage_result_submit(stage=stage, team=team, user=member, text="  ")
    assert "empty" in _code(error)


def test_a_result_material_is_a_published_one_of_the_team():
    project, team = project_active()
    stage = project.stages.first()
    member = team.members.first().user
    with pytest.raises(ValidationError) as error:
        services.stage_result_submit(
            stage=stage, team=team, user=member, material=material_of(UserFactory())
        )
    assert "material" in _code(error)
    draft = material_of(member, status=Material.Status.DRAFT, published_at=None)
    with pytest.raises(ValidationError):
        services.stage_result_submit(
            stage=stage, team=team, user=member, material=draft
        )
    teammate = team.members.last().user
    result = services.stage_result_submit(
        stage=stage, team=team, user=member, material=material_of(teammate)
    )
    assert result.material.author == teammate


def test_feedback_returns_then_accepts_and_the_team_is_told():
    project, team = project_active()
    stage = project.stages.first()
    first, second = (m.user for m in team.members.all())
    result = services.stage_result_submit(stage=stage, team=team, user=first, text="1")
    with pytest.raises(PermissionDenied):
        services.stage_feedback(result=result, coordinator=first, accepted=True)
    with pytest.raises(ValidationError) as error:
        services.stage_feedback(
            result=result, coordinator=project.coordinator, accepted=False
        )
    assert "feedback" in _code(error)
    services.stage_feedback(
        result=result,
        coordinator=project.coordinator,
        accepted=False,
        feedback="Добавьте *примеры*",
    )
    result.refresh_from_db()
    assert result.status == StageResult.Status.RETURNED
    assert "<em>примеры</em>" in result.feedback_html
    assert _told(first, kinds.STAGE_FEEDBACK) == 1
    assert _told(second, kinds.STAGE_FEEDBACK) == 1
    before = result.submitted_at
    again = services.stage_result_submit(stage=stage, team=team, user=second, text="2")
    assert again.pk == result.pk
    assert again.status == StageResult.Status.SUBMITTED
    assert again.submitted_at >= before
    services.stage_feedback(
        result=again, coordinator=project.coordinator, accepted=True
    )
    with pytest.raises(ValidationError) as error:
        services.stage_result_submit(stage=stage, team=team, user=first, text="3")
    assert "accepted" in _code(error)


# --- Completion ---------------------------------------------------------------------


def test_completion_credits_every_team_member_on_the_product():
    a, b, c = colleague(), colleague(), colleague()
    project, team = project_active(members=[a, b, c])
    other = team_of(project, colleague())
    product = material_of(b)
    done = services.project_complete(
        project=project, actor=project.coordinator, team=team, material=product
    )
    assert done.status == Project.Status.COMPLETED
    assert (done.product, done.product_team) == (product, team)
    assert set(product.coauthors.all()) == {a, c}
    assert AuditEntry.objects.filter(action="material_coauthors").exists()
    for user in (a, b, c, other.members.get().user):
        assert _told(user, kinds.PROJECT_COMPLETED) == 1
    # The same call again answers as the first; another product is refused.
    services.project_complete(
        project=project, actor=project.coordinator, team=team, material=product
    )
    with pytest.raises(ValidationError) as error:
        services.project_complete(
            project=project,
            actor=project.coordinator,
            team=team,
            material=material_of(a),
        )
    assert "completed" in _code(error)


def test_completion_needs_the_coordinator_a_team_and_its_material():
    project, team = project_active()
    member = team.members.first().user
    with pytest.raises(PermissionDenied):
        services.project_complete(
            project=project, actor=member, team=team, material=material_of(member)
        )
    with pytest.raises(ValidationError) as error:
        services.project_complete(
            project=project,
            actor=project.coordinator,
            team=team,
            material=material_of(UserFactory()),
        )
    assert "material" in _code(error)
    _elsewhere, other_team = project_active()
    with pytest.raises(ValidationError) as error:
        services.project_complete(
            project=project,
            actor=project.coordinator,
            team=other_team,
            material=material_of(member),
        )
    assert "team" in _code(error)
    hidden = material_of(member, is_hidden=True)
    with pytest.raises(ValidationError):
        services.project_complete(
            project=project, actor=project.coordinator, team=team, material=hidden
        )
    assert Project.objects.get(pk=project.pk).status == Project.Status.ACTIVE


def test_material_coauthors_set_by_its_author_only():
    from materials.services.library import material_coauthors_set

    author = UserFactory()
    material = material_of(author)
    friend = UserFactory()
    with pytest.raises(PermissionDenied):
        material_coauthors_set(material=material, coauthors=[friend], actor=friend)
    users = material_coauthors_set(
        material=material, coauthors=[friend, author], actor=author
    )
    assert users == [friend]
    assert list(material.coauthors.all()) == [friend]


# --- Moderation ---------------------------------------------------------------------


def test_a_moderator_hides_a_project_on_record(moderator):
    project = project_announced()
    with pytest.raises(PermissionDenied):
        services.project_hide(project=project, moderator=UserFactory())
    services.project_hide(project=project, moderator=moderator, reason="спам")
    project.refresh_from_db()
    assert project.is_hidden
    assert not can_see_project(UserFactory(), project)
    assert AuditEntry.objects.filter(action="project_hide", actor=moderator).exists()
    services.project_hide_by_reports(project=project, hidden=False)
    project.refresh_from_db()
    assert not project.is_hidden
    assert AuditEntry.objects.filter(action="project_restore_automatic").exists()


def test_a_hidden_project_takes_no_team():
    project = project_announced()
    Project.objects.filter(pk=project.pk).update(is_hidden=True)
    with pytest.raises(ValidationError) as error:
        services.team_create(project=project, user=colleague(), name="Тихо")
    assert "closed" in _code(error)


def test_deadlines_are_aware():
    project = project_draft()
    for stage in project.stages.all():
        assert timezone.is_aware(stage.deadline)
        assert stage.deadline > timezone.now() + datetime.timedelta(days=6)
