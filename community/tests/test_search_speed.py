"""Site search on a large index: counts that stop at a limit (shown
«1 000+»), one query for every kind's count, and pages that end where the
counting stopped. Runs on both databases; the index per kind on PostgreSQL.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from community import search as search_module
from community.models import Grade, SearchEntry, Subject
from community.search import search
from community.views_search import count_shown
from materials import services as materials
from materials.models import Licence, Material
from materials.tests.factories import pdf_upload
from materials.uploads import file_check

pytestmark = pytest.mark.django_db


def _materials(count: int, title: str = "Дроби", description: str = "") -> None:
    # A member of a year's standing: no newcomer's hourly limit.
    author = UserFactory(date_joined=timezone.now() - datetime.timedelta(days=365))
    subject = Subject.objects.get(slug="mathematics")
    grades = Grade.objects.filter(slug="grade-5")
    for number in range(count):
        materials.material_create(
            author=author,
            files=[file_check(pdf_upload())],
            title=f"{title}, урок {number}",
            summary="Конспект",
            description=description,
            subject=subject,
            kind=Material.Kind.LESSON_PLAN,
            language=Material.Language.RU,
            licence=Licence.CC_BY,
            rights_confirmed=True,
            grades=grades,
            tags=(),
        )


@pytest.fixture
def limit_3(monkeypatch):
    monkeypatch.setattr(search_module, "COUNT_LIMIT", 3)


def test_a_count_stops_one_past_the_limit(limit_3):
    _materials(5)

    results = search(text="дроби", user=AnonymousUser())

    assert results.counts == {"materials": 4}
    assert search_module.count_capped(results.counts["materials"])
    # Below the limit a count is exact.
    assert search(text="урок 4", user=AnonymousUser()).counts == {"materials": 1}


def test_every_kinds_count_is_one_query(django_assert_num_queries):
    _materials(2)
    # On PostgreSQL the query's first search spells its prefixes out first
    # (two small queries, ``test_search_words``), then counts.
    spelling = 2 if connection.vendor == "postgresql" else 0
    with CaptureQueriesContext(connection) as made:
        search(text="дроби", user=AnonymousUser())
    assert len(made.captured_queries) == spelling + 1
    assert "LIMIT" in made.captured_queries[-1]["sql"].upper()


def test_a_capped_count_is_shown_with_a_plus_in_the_language():
    with translation.override("ru"):
        assert count_shown({"posts": 1001}, "posts") == "1\xa0000+"
        assert count_shown({"posts": 1000}, "posts") == "1\xa0000"
        assert count_shown({"posts": 7}, "posts") == "7"
        assert count_shown({}, "posts") == "0"
    with translation.override("en"):
        assert count_shown({"posts": 5000}, "posts") == "1,000+"


def test_the_page_shows_a_capped_count_and_ends_its_pages_there(
    client, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(search_module, "COUNT_LIMIT", 30)
    _materials(55)
    url = reverse("search")

    with django_assert_max_num_queries(10):
        first = client.get(url, {"q": "дроби"})
    last = client.get(url, {"q": "дроби", "page": 2})
    beyond = client.get(url, {"q": "дроби", "page": 3})

    page = first.content.decode()
    assert '<span class="badge text-bg-secondary">30+</span>' in page
    assert page.count('<h2 class="h6 mb-1">') == 20
    # 30 results in pages of 20: the second page is the last, with ten.
    assert last.content.decode().count('<h2 class="h6 mb-1">') == 10
    assert beyond.content.decode().count('<h2 class="h6 mb-1">') == 10


def test_each_kind_but_the_replies_has_its_own_full_text_index():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's GIN indexes")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE tablename = 'community_searchentry'"
        )
        indexes = dict(cursor.fetchall())
    for kind in search_module.search_kinds():
        name = f"community_search_{kind.key}_gin"
        if kind.key == "posts":
            assert name not in indexes
        else:
            assert f"WHERE ((kind)::text = '{kind.key}'" in indexes[name]


def test_a_capped_kind_ranks_its_newest_matches(limit_3):
    if connection.vendor != "postgresql":
        pytest.skip("ranking by weights: PostgreSQL")
    _materials(2, title="Геометрия")  # the oldest: the word in their titles
    _materials(3, title="Урок", description="Немного о геометрии.")
    SearchEntry.objects.filter(title__startswith="Геометрия").update(
        date=timezone.now() - datetime.timedelta(days=30)
    )

    results = search(text="геометрия", user=AnonymousUser())

    assert results.counts == {"materials": 4}  # five matches, counted to four
    # Only the three newest were ranked: the titles are past the limit.
    assert sorted(entry.title for entry in results.entries) == [
        "Урок, урок 0",
        "Урок, урок 1",
        "Урок, урок 2",
    ]


def test_within_the_limit_a_title_still_outranks_the_text(limit_3):
    if connection.vendor != "postgresql":
        pytest.skip("ranking by weights: PostgreSQL")
    _materials(1, title="Геометрия")
    _materials(2, title="Урок", description="Немного о геометрии.")
    SearchEntry.objects.filter(title__startswith="Геометрия").update(
        date=timezone.now() - datetime.timedelta(days=30)
    )

    results = search(text="геометрия", user=AnonymousUser())
    titles = [entry.title for entry in results.entries]

    assert titles[0] == "Геометрия, урок 0"
    assert len(titles) == 3


def test_whole_stems_past_the_limit_spare_the_prefixes(limit_3):
    if connection.vendor != "postgresql":
        pytest.skip("stems and prefixes: PostgreSQL")
    _materials(2, title="Дроби")  # «дроб»: the stem itself
    _materials(3, title="Дробные числа")  # «дробн»: found by the prefix only

    # Two whole stems, not past the limit: the prefixes are counted.
    assert search(text="дроби", user=AnonymousUser()).counts == {"materials": 4}
    assert search(text="дробные", user=AnonymousUser()).counts == {"materials": 3}
    _materials(2, title="Дроби")
    # Four whole stems, past it: counted no further.
    with CaptureQueriesContext(connection) as made:
        counts = search(text="дроби", user=AnonymousUser()).counts
    assert counts == {"materials": 4}
    assert "CASE WHEN" in made.captured_queries[-1]["sql"]
