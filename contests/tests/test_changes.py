"""What follows a write in contests, polls and network projects is said in
``contests/changes.py``.

Every public service that writes calls one of its change functions (or is
listed below with the reason it need not), and no other contests module
moves a cache, the index or the feed itself. The behaviour tests show what
a visitor would see stale without them: anonymous pages are kept in the
cache (``community.pagecache``) until a change function moves them on.
"""

import pytest
from django.urls import reverse

from community.models import ActivityEvent, SearchEntry
from community.tests.writes import (
    app_modules,
    app_services,
    cache_mechanisms_used,
    unannounced_writes,
)
from contests import changes, kinds
from contests.services import contests as contest_services
from contests.services import projects as project_services
from contests.tests import helpers_community as make

EXEMPT = {
    "stage_reminders_run": "tells teams once: notify moves their unread counts",
}


def test_every_writing_service_calls_a_change_function():
    assert (
        unannounced_writes(
            app_services("contests"), changes={"contests.changes"}, exempt=EXEMPT
        )
        == {}
    )


def test_only_the_change_functions_move_caches_the_index_and_the_feed():
    used = cache_mechanisms_used(app_modules("contests"))

    assert set(used) == {"contests.changes"}, used


# --- What a visitor sees ------------------------------------------------------


def _seen(client, url: str) -> str:
    """A visitor's page, kept in the cache for the next one."""
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_a_contest_hidden_by_a_moderator_leaves_the_list_search_and_feed(
    client, moderator
):
    contest = make.contest(title="Навязчивая реклама")
    changes.contest_visibility_changed(contest)
    index = reverse("contests:index")
    assert "Навязчивая реклама" in _seen(client, index)
    assert client.get(index)["X-Page-Cache"] == "hit"
    assert SearchEntry.objects.filter(kind="contests", target_id=contest.pk)

    contest_services.contest_hide(contest=contest, moderator=moderator, reason="")

    assert "Навязчивая реклама" not in _seen(client, index)
    assert not SearchEntry.objects.filter(kind="contests", target_id=contest.pk)
    assert not ActivityEvent.objects.filter(
        kind=kinds.CONTEST_ACTIVITY, target_id=contest.pk
    ).exists()


@pytest.mark.django_db
def test_a_project_hidden_by_reports_leaves_the_list(client):
    project = make.project(title="Реклама курсов")
    changes.project_visibility_changed(project)
    index = reverse("projects:index")
    assert "Реклама курсов" in _seen(client, index)

    project_services.project_hide_by_reports(project=project)

    assert "Реклама курсов" not in _seen(client, index)
    assert not SearchEntry.objects.filter(kind="projects", target_id=project.pk)
