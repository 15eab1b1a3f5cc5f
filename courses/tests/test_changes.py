"""What follows a write in courses is said in ``courses/changes.py``.

Every public service that writes calls one of its change functions (or is
listed below with the reason it need not), and no other courses module moves
a cache, the index or the feed itself. The behaviour tests show what a
visitor would see stale without them: anonymous pages are kept in the cache
(``community.pagecache``) until a change function moves them on.
"""

import pytest
from django.urls import reverse

from community.models import SearchEntry
from community.tests.writes import (
    app_modules,
    app_services,
    cache_mechanisms_used,
    unannounced_writes,
)
from courses import services
from courses.models import Course
from courses.tests.authoring_helpers import (
    course_moderator,
    course_published,
    reading,
)

EXEMPT = {
    "trusted_author_set": "who needs no review: shown to moderators only",
    "review_take": "an expert's place in a round: the queue and pages are signed in",
    "review_assign": "an expert's place in a round: the queue and pages are signed in",
    "review_deadlines_run": "tells reviewers once: notify moves their unread counts",
    "deadlines_run": "tells learners once: notify moves their unread counts",
}


def test_every_writing_service_calls_a_change_function():
    assert (
        unannounced_writes(
            app_services("courses"), changes={"courses.changes"}, exempt=EXEMPT
        )
        == {}
    )


def test_only_the_change_functions_move_caches_the_index_and_the_feed():
    used = cache_mechanisms_used(app_modules("courses"))

    assert set(used) == {"courses.changes"}, used


# --- What a visitor sees ------------------------------------------------------


def _seen(client, url: str) -> str:
    """A visitor's page, kept in the cache for the next one."""
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_a_visitor_sees_the_new_title_after_an_edit(client):
    course = course_published(title="Дроби без страха")
    catalogue = reverse("courses:catalogue")
    assert "Дроби без страха" in _seen(client, course.get_absolute_url())
    assert "Дроби без страха" in _seen(client, catalogue)
    assert client.get(catalogue)["X-Page-Cache"] == "hit"

    services.course_update(course=course, editor=course.author, title="Дроби с улыбкой")

    assert "Дроби с улыбкой" in _seen(client, course.get_absolute_url())
    assert "Дроби с улыбкой" in _seen(client, catalogue)


@pytest.mark.django_db
def test_a_visitor_sees_a_new_optional_unit(client):
    course = course_published()
    assert "Дополнительное чтение" not in _seen(client, course.get_absolute_url())

    reading(course, 2, required=False, title="Дополнительное чтение")

    assert "Дополнительное чтение" in _seen(client, course.get_absolute_url())


@pytest.mark.django_db
def test_a_hidden_course_leaves_the_catalogue_and_search(client, moderator):
    course = course_published(title="Навязчивая реклама")
    catalogue = reverse("courses:catalogue")
    assert "Навязчивая реклама" in _seen(client, catalogue)
    assert SearchEntry.objects.filter(target_id=course.pk, title=course.title)

    services.course_hide(
        course=course, moderator=course_moderator(moderator), reason="Реклама"
    )

    assert "Навязчивая реклама" not in _seen(client, catalogue)
    assert not SearchEntry.objects.filter(target_id=course.pk, title=course.title)


@pytest.mark.django_db
def test_a_course_hidden_by_reports_leaves_the_catalogue(client):
    course = course_published(title="Навязчивая реклама")
    catalogue = reverse("courses:catalogue")
    assert "Навязчивая реклама" in _seen(client, catalogue)

    services.course_hide_by_reports(course=course)

    assert "Навязчивая реклама" not in _seen(client, catalogue)


@pytest.mark.django_db
def test_an_archived_course_leaves_the_catalogue(client):
    course = course_published(title="Прошлогодний курс")
    catalogue = reverse("courses:catalogue")
    assert "Прошлогодний курс" in _seen(client, catalogue)

    services.course_archive(course=course, editor=course.author)

    assert "Прошлогодний курс" not in _seen(client, catalogue)
    assert Course.objects.get(pk=course.pk).status == Course.Status.ARCHIVED
