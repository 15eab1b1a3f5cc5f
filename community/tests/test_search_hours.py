"""The site search's hours filter: courses found by their academic hours,
through ``search`` and through the page's courses tab, on both databases
(their search engines differ: run this file on SQLite and on PostgreSQL)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from community.models import SearchEntry
from community.search import SearchFilters, search, search_index
from courses.models import Course
from courses.tests.authoring_helpers import course_published
from forums import services as forums
from forums.tests.factories import SectionFactory

pytestmark = pytest.mark.django_db

LONG = "Дроби для начинающих"  # 18 academic hours
SHORT = "Дроби кратко"  # 8 academic hours


@pytest.fixture(autouse=True)
def _no_premoderation(settings):
    settings.MODERATION_PREMODERATED_POSTS = 0


@pytest.fixture
def courses() -> tuple[Course, Course]:
    return (
        course_published(hours=(10, 8), title=LONG),
        course_published(hours=(8,), title=SHORT),
    )


def _found(kind: str | None = "courses", **filters) -> list[str]:
    results = search(
        text="дроби",
        user=AnonymousUser(),
        kind=kind,
        filters=SearchFilters(**filters),
    )
    return sorted(entry.title for entry in results.entries)


def _page(client, **params):
    return client.get(reverse("search"), {"q": "дроби", **params})


def test_search_entry_keeps_a_courses_hours(courses):
    long, short = courses

    assert (long.hours, short.hours) == (18, 8)
    assert dict(SearchEntry.objects.values_list("title", "hours")) == {
        LONG: 18,
        SHORT: 8,
    }


def test_search_index_writes_the_hours_again(courses):
    long, _ = courses
    # Hours changed without a service (as a rebuild would find them).
    Course.objects.filter(pk=long.pk).update(hours=30)
    long.refresh_from_db()

    search_index(long)

    assert SearchEntry.objects.get(title=LONG).hours == 30


def test_search_hours_min_finds_only_the_longer_course(courses):
    assert _found(hours_min=16) == [LONG]


def test_search_hours_max_finds_only_the_shorter_course(courses):
    assert _found(hours_max=10) == [SHORT]


def test_search_hours_bounds_are_inclusive_and_combine(courses):
    assert _found() == sorted([LONG, SHORT])
    assert _found(hours_min=8, hours_max=8) == [SHORT]
    assert _found(hours_min=18, hours_max=18) == [LONG]
    assert _found(hours_min=9, hours_max=17) == []
    assert _found(hours_min=0) == sorted([LONG, SHORT])


def test_search_hours_leave_the_kinds_without_hours_alone(courses, member):
    forums.topic_create(
        section=SectionFactory(), author=member, title="Дроби на форуме", body="Как?"
    )

    results = search(
        text="дроби", user=AnonymousUser(), filters=SearchFilters(hours_min=16)
    )

    assert results.counts["courses"] == 1
    assert results.counts["topics"] == 1
    assert _found(kind="topics", hours_min=16) == ["Дроби на форуме"]


def test_search_kept_counts_and_pages_follow_the_hours(courses):
    narrowed = search(
        text="дроби",
        user=AnonymousUser(),
        kind="courses",
        filters=SearchFilters(hours_min=16),
    )
    assert narrowed.counts["courses"] == 1
    assert [entry.title for entry in narrowed.page(0, 20)] == [LONG]

    for filters, count in [
        (SearchFilters(), 2),
        (SearchFilters(hours_max=10), 1),
        (SearchFilters(hours_min=16), 1),
    ]:
        results = search(
            text="дроби", user=AnonymousUser(), kind="courses", filters=filters
        )
        assert results.counts["courses"] == count
        assert len(results.page(0, 20)) == count

    shorter = search(
        text="дроби",
        user=AnonymousUser(),
        kind="courses",
        filters=SearchFilters(hours_max=10),
    )
    assert [entry.title for entry in shorter.page(0, 20)] == [SHORT]


def test_search_page_filters_the_courses_tab_by_hours(client, courses):
    response = _page(client, kind="courses", hours_min=16)

    page = response.content.decode()
    assert response.status_code == 200
    assert LONG in page
    assert SHORT not in page
    assert 'name="hours_min"' in page
    assert 'value="16"' in page


def test_search_page_hours_max_on_the_courses_tab(client, courses):
    page = _page(client, kind="courses", hours_max=10).content.decode()

    assert SHORT in page
    assert LONG not in page


def test_search_page_offers_hours_only_on_the_courses_tab(client, courses, member):
    forums.topic_create(
        section=SectionFactory(), author=member, title="Дроби на форуме", body="Как?"
    )

    topics = _page(client, kind="topics").content.decode()
    found_courses = _page(client, kind="courses").content.decode()

    assert 'name="hours_min"' not in topics
    assert 'name="hours_min"' in found_courses
    assert 'name="hours_max"' in found_courses


def test_search_page_keeps_the_hours_on_another_tab(client, courses, member):
    forums.topic_create(
        section=SectionFactory(), author=member, title="Дроби на форуме", body="Как?"
    )

    page = _page(client, kind="topics", hours_min=16).content.decode()

    assert '<input type="hidden" name="hours_min" value="16">' in page
    assert "Дроби на форуме" in page


@pytest.mark.parametrize(
    "params",
    [
        {"hours_min": "много"},
        {"hours_min": "-1"},
        {"hours_max": "1001"},
        {"hours_min": "1.5"},
        {"hours_min": "20", "hours_max": "10"},
    ],
)
def test_search_page_bad_hours_are_a_400_with_the_text_kept(client, courses, params):
    response = _page(client, kind="courses", **params)

    page = response.content.decode()
    assert response.status_code == 400
    assert 'role="search"' in page
    assert 'aria-invalid="true"' in page
    assert 'class="invalid-feedback" id="hours_' in page
    for name, value in params.items():
        assert f'name="{name}"' in page
        assert f'value="{value}"' in page
    assert LONG not in page


def test_search_page_bad_hours_are_shown_on_any_tab(client, courses):
    response = _page(client, kind="topics", hours_max="x")

    assert response.status_code == 400
    assert 'id="hours_max-errors"' in response.content.decode()


def test_search_page_with_hours_keeps_its_queries(
    client, django_assert_max_num_queries
):
    for number in range(55):
        course_published(
            hours=(10, 8) if number % 2 else (8,), title=f"Дроби, часть {number}"
        )

    with django_assert_max_num_queries(6):
        response = _page(client, kind="courses", hours_min=16)

    assert response.status_code == 200
    assert response.content.decode().count('<h2 class="h6 mb-1">') == 20
