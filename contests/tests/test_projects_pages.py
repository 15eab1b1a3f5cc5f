"""Network projects' pages: the index (paginated) and a project's page
within the page budget with 55 teams and their members and results, no
write on a GET, deadlines in the viewer's time zone, a draft a 404 to
others, bad input a 400 with the text kept, and the forms of the
coordinator and the teams from announcement to the product in the library
with its co-authors."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from contests.models import Project, StageResult, Team, TeamMember
from contests.services import projects as services
from contests.tests.helpers_projects import (
    MANY,
    colleague,
    crowded_project,
    days,
    material_of,
    project_active,
    project_announced,
    project_draft,
    team_of,
)

pytestmark = pytest.mark.django_db

BUDGET = 10
TEAM = re.compile(r'id="team-\d+"')
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def _writes(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if WRITE.match(q["sql"])]


def _signed_in(client, user):
    client.force_login(user)
    return client


# --- The index --------------------------------------------------------------------


def test_the_index_lists_public_projects_page_by_page(client, settings):
    settings.CONTESTS_PER_PAGE = 20
    draft = project_draft(title="Черновик координатора")
    shown = project_announced(title="Открытый проект")
    hidden = project_announced(title="Скрытый проект")
    Project.objects.filter(pk=hidden.pk).update(is_hidden=True)
    response = client.get(reverse("projects:index"))
    assert response.status_code == 200
    assert shown.title in response.content.decode()
    assert draft.title not in response.content.decode()
    assert hidden.title not in response.content.decode()
    recruiting = client.get(reverse("projects:index"), {"status": "completed"})
    assert shown.title not in recruiting.content.decode()
    assert (
        client.get(reverse("projects:index"), {"status": "nonsense"}).status_code == 400
    )
    mine = _signed_in(client, draft.coordinator).get(
        reverse("projects:index"), {"status": "mine"}
    )
    assert draft.title in mine.content.decode()
    assert shown.title not in mine.content.decode()


def test_the_index_keeps_its_budget_with_many_projects(
    client, django_assert_max_num_queries
):
    coordinator = UserFactory()
    now = timezone.now()
    Project.objects.bulk_create(
        Project(
            title=f"Проект {number}",
            slug=f"proekt-{number}",
            summary="Коротко",
            goal="Цель",
            coordinator=coordinator if number % 2 else UserFactory(),
            status=Project.Status.RECRUITING,
            published_at=now - datetime.timedelta(minutes=number),
        )
        for number in range(MANY)
    )
    with django_assert_max_num_queries(BUDGET):
        response = client.get(reverse("projects:index"), {"page": 2})
    assert response.status_code == 200
    assert "Проект 20" in response.content.decode()
    _signed_in(client, coordinator)
    with django_assert_max_num_queries(BUDGET), CaptureQueriesContext(connection) as q:
        client.get(reverse("projects:index"), {"status": "mine"})
    assert not _writes(q)


# --- A project's page ---------------------------------------------------------------


def test_the_project_page_keeps_its_budget_with_55_teams(
    client, django_assert_max_num_queries, settings
):
    settings.CONTESTS_PER_PAGE = 60
    project = crowded_project()
    member = TeamMember.objects.filter(project=project).last().user
    url = project.get_absolute_url()
    with django_assert_max_num_queries(BUDGET):
        response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert len(TEAM.findall(body)) == MANY + 1
    assert "Группа 54" in body
    for viewer in (member, project.coordinator, UserFactory()):
        _signed_in(client, viewer)
        with (
            django_assert_max_num_queries(BUDGET),
            CaptureQueriesContext(connection) as queries,
        ):
            assert client.get(url).status_code == 200
        assert not _writes(queries)


def test_teams_are_paginated_on_the_project_page(client, settings):
    settings.CONTESTS_PER_PAGE = 20
    project = crowded_project(teams=25, members=1)
    first = client.get(project.get_absolute_url()).content.decode()
    second = client.get(project.get_absolute_url(), {"page": 2}).content.decode()
    assert "Группа 0<" in first
    assert "Группа 24<" not in first
    assert "Группа 24<" in second


def test_the_page_shows_teams_schools_regions_and_encourages_mixing(client):
    project = project_announced(team_size=4)
    a = colleague(school="Лицей № 1", region="tatarstan")
    b = colleague(school="Гимназия № 7", region="moscow")
    team_of(project, a, b, name="Смешанная")
    solo = team_of(project, colleague(school="Лицей № 1"), name="Одиночка")
    visitor = colleague(school="Лицей № 1", region="tatarstan")
    body = _signed_in(client, visitor).get(project.get_absolute_url()).content.decode()
    assert "2 школы" in body or "2 schools" in body
    assert "2 региона" in body or "2 regions" in body
    assert len(TEAM.findall(body)) == 2
    join = reverse("projects:team_join", args=[project.slug, solo.pk])
    assert join in body
    assert ("смешанная команда" in body) or ("mixed team" in body)


def test_deadlines_show_in_the_viewers_time_zone(client):
    project = project_draft()
    stage = project.stages.first()
    moment = datetime.datetime(2031, 3, 10, 12, 0, tzinfo=datetime.UTC)
    stage.__class__.objects.filter(pk=stage.pk).update(deadline=moment)
    coordinator = project.coordinator
    coordinator.profile.time_zone = "Asia/Vladivostok"
    coordinator.profile.save(update_fields=["time_zone"])
    body = (
        _signed_in(client, coordinator).get(project.get_absolute_url()).content.decode()
    )
    assert "22:00" in body  # UTC+10
    assert 'datetime="2031-03-10T22:00:00+10:00"' in body
    client.logout()
    Project.objects.filter(pk=project.pk).update(status=Project.Status.RECRUITING)
    body = client.get(project.get_absolute_url()).content.decode()
    assert "15:00" in body  # a visitor reads Moscow time


def test_a_draft_is_a_404_to_others(client, moderator):
    project = project_draft()
    url = project.get_absolute_url()
    assert client.get(url).status_code == 404
    assert _signed_in(client, UserFactory()).get(url).status_code == 404
    assert client.get(reverse("projects:edit", args=[project.slug])).status_code == 404
    assert _signed_in(client, project.coordinator).get(url).status_code == 200
    assert _signed_in(client, moderator).get(url).status_code == 200
    assert client.get(reverse("projects:detail", args=["missing"])).status_code == 404


def test_someone_elses_forms_are_403(client):
    project, _team = project_active()
    stage = project.stages.first()
    outsider = _signed_in(client, UserFactory())
    assert (
        outsider.get(reverse("projects:edit", args=[project.slug])).status_code == 403
    )
    assert (
        outsider.get(
            reverse("projects:result_submit", args=[project.slug, stage.pk])
        ).status_code
        == 403
    )
    assert (
        outsider.get(reverse("projects:complete", args=[project.slug])).status_code
        == 403
    )
    assert outsider.get(reverse("projects:new")).status_code == 200


def test_forms_make_no_writes_on_get(client):
    project, team = project_active()
    stage = project.stages.first()
    member = team.members.first().user
    result = services.stage_result_submit(stage=stage, team=team, user=member, text="1")
    pages = [
        (project.coordinator, reverse("projects:new")),
        (project.coordinator, reverse("projects:edit", args=[project.slug])),
        (project.coordinator, reverse("projects:stage_add", args=[project.slug])),
        (
            project.coordinator,
            reverse("projects:stage_edit", args=[project.slug, stage.pk]),
        ),
        (
            project.coordinator,
            reverse("projects:result_feedback", args=[project.slug, result.pk]),
        ),
        (project.coordinator, reverse("projects:complete", args=[project.slug])),
        (member, reverse("projects:result_submit", args=[project.slug, stage.pk])),
        (UserFactory(), reverse("projects:team_new", args=[project.slug])),
    ]
    for user, url in pages:
        _signed_in(client, user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        assert not _writes(queries), url


# --- The forms, from a draft to the product --------------------------------------


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _new_project_data(**changes) -> dict:
    data = {
        "title": "Сетевой проект «Краеведение»",
        "summary": "Команды собирают маршрут.",
        "goal": "Маршрут с **заданиями**.",
        "subject": "",
        "team_size": "5",
        "stages-TOTAL_FORMS": "3",
        "stages-INITIAL_FORMS": "0",
        "stages-MIN_NUM_FORMS": "0",
        "stages-MAX_NUM_FORMS": "12",
        "stages-0-title": "Разведка",
        "stages-0-task": "Найдите источники",
        "stages-0-deadline": _local(days(7)),
        "stages-1-title": "Маршрут",
        "stages-1-task": "",
        "stages-1-deadline": _local(days(14)),
    }
    data.update(changes)
    return data


def test_a_project_is_made_with_its_stages_and_announced(client):
    coordinator = _signed_in(client, UserFactory())
    response = coordinator.post(reverse("projects:new"), _new_project_data())
    project = Project.objects.get()
    assert response.status_code == 302
    assert response.url == project.get_absolute_url()
    assert list(project.stages.values_list("title", flat=True)) == [
        "Разведка",
        "Маршрут",
    ]
    response = coordinator.post(reverse("projects:publish", args=[project.slug]))
    assert response.status_code == 302
    assert Project.objects.get().status == Project.Status.RECRUITING


def test_bad_input_is_a_400_with_the_text_kept(client):
    coordinator = _signed_in(client, UserFactory())
    data = _new_project_data(**{"stages-0-deadline": _local(days(-3))})
    response = coordinator.post(reverse("projects:new"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Маршрут с **заданиями**." in body
    assert "Найдите источники" in body
    assert not Project.objects.exists()
    response = coordinator.post(reverse("projects:new"), _new_project_data(title=""))
    assert response.status_code == 400
    assert "Команды собирают маршрут." in response.content.decode()


def test_a_result_with_a_foreign_address_is_a_400_with_the_text_kept(client):
    project, team = project_active()
    stage = project.stages.first()
    member = _signed_in(client, team.members.first().user)
    url = reverse("projects:result_submit", args=[project.slug, stage.pk])
    response = member.post(
        url, {"text": "Наш текст итога", "material": "https://example.org/x/"}
    )
    assert response.status_code == 400
    assert "Наш текст итога" in response.content.decode()
    other = material_of(UserFactory())
    response = member.post(
        url, {"text": "Ещё текст", "material": f"/materials/{other.pk}/"}
    )
    assert response.status_code == 400
    assert "Ещё текст" in response.content.decode()
    assert not StageResult.objects.exists()


def test_teams_form_join_submit_get_feedback_and_complete(client):
    project = project_announced()
    coordinator = project.coordinator
    a, b = colleague(), colleague()
    _signed_in(client, a)
    response = client.post(
        reverse("projects:team_new", args=[project.slug]), {"name": "Искатели"}
    )
    team = Team.objects.get()
    assert response.status_code == 302
    assert f"#team-{team.pk}" in response.url
    _signed_in(client, b)
    join = reverse("projects:team_join", args=[project.slug, team.pk])
    assert client.post(join).status_code == 302
    assert client.post(join).status_code == 302  # a double submit, as once
    other = team_of(project, colleague(), name="Другие")
    refused = client.post(reverse("projects:team_join", args=[project.slug, other.pk]))
    assert refused.status_code == 409
    assert TeamMember.objects.filter(user=b).count() == 1
    _signed_in(client, coordinator)
    client.post(reverse("projects:start", args=[project.slug]))
    stage = project.stages.order_by("position").first()
    _signed_in(client, a)
    response = client.post(
        reverse("projects:result_submit", args=[project.slug, stage.pk]),
        {"text": "Список источников"},
    )
    assert response.status_code == 302
    result = StageResult.objects.get()
    _signed_in(client, coordinator)
    feedback = reverse("projects:result_feedback", args=[project.slug, result.pk])
    response = client.post(feedback, {"decision": "return", "feedback": ""})
    assert response.status_code == 400
    response = client.post(feedback, {"decision": "accept", "feedback": "Отлично"})
    assert response.status_code == 302
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Отлично" in page
    assert "Список источников" in page
    product = material_of(a, title="Маршрут по родному краю")
    response = client.post(
        reverse("projects:complete", args=[project.slug]),
        {"team": team.pk, "material": f"http://testserver/materials/{product.pk}/"},
    )
    assert response.status_code == 302
    assert Project.objects.get().status == Project.Status.COMPLETED
    assert list(product.coauthors.all()) == [b]


def test_the_material_page_shows_its_coauthors(client):
    a, b, c = colleague(), colleague(), colleague()
    project, team = project_active(members=[a, b, c])
    product = material_of(a)
    services.project_complete(
        project=project, actor=project.coordinator, team=team, material=product
    )
    body = client.get(product.get_absolute_url()).content.decode()
    assert "Co-authors" in body or "Соавторы" in body
    for user in (b, c):
        assert user.profile.shown_name in body
        assert user.get_absolute_url() in body
    project_page = client.get(project.get_absolute_url()).content.decode()
    assert product.get_absolute_url() in project_page


def test_leaving_a_team_from_the_page(client):
    project = project_announced()
    user = colleague()
    team = team_of(project, user, colleague())
    _signed_in(client, user)
    response = client.post(reverse("projects:team_leave", args=[project.slug, team.pk]))
    assert response.status_code == 302
    assert not TeamMember.objects.filter(user=user).exists()
    response = client.post(reverse("projects:team_leave", args=[project.slug, team.pk]))
    assert response.status_code == 400
