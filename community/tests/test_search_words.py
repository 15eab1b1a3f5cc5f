"""The words the search index holds (``SearchWord``) and the prefixes of a
query spelled out as those words (``community.search._prefixes_spelled``):
the same entries found, the GIN index skipping through whole words instead
of gathering every entry of every word a prefix begins. PostgreSQL only:
SQLite's search has no vectors."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community import search as search_module
from community.models import SearchEntry, SearchWord
from community.search import _prefixes_spelled, _tsquery, query_words, search
from community.tests.test_search_speed import _materials

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: vectors"
    ),
]


def _found(query) -> set[int]:
    return set(
        SearchEntry.objects.filter(search_vector=query).values_list("pk", flat=True)
    )


def test_indexing_an_entry_adds_its_words():
    _materials(1, title="Дробные числа", description="Сложение дробей")

    words = set(SearchWord.objects.values_list("word", flat=True))

    assert {"дробн", "числ", "сложен", "дроб"} <= words


def test_a_prefix_is_spelled_as_the_words_it_begins():
    _materials(1, title="Дроби")
    _materials(1, title="Дробные числа для 5 класса")

    assert _prefixes_spelled(["дроби", "5", "класс"]) == (
        "(дроб | дробн) & (5) & (класс)"
    )


def test_the_spelled_query_finds_what_the_prefixes_find():
    _materials(2, title="Дроби, 5 класс")
    _materials(2, title="Дробные числа, классная работа")
    _materials(1, title="Проценты, 50 задач")
    _materials(1, title="Классики литературы")
    for text in ("дроби класс", "дроби", "класс", "дробные числа", "кла", "проц"):
        words = query_words(text)
        spelled = search_module.SearchQuery(
            _prefixes_spelled(words), config="simple", search_type="raw"
        )
        assert _found(spelled) == _found(_tsquery(words)), text
        assert _found(spelled), text


def test_a_number_finds_its_classes_but_no_other_number():
    _materials(1, title="Дроби для 5-го класса")
    _materials(1, title="Дроби, 5а и 5б")
    _materials(1, title="Дроби: 50 задач")

    assert _prefixes_spelled(["дроби", "5"]) == "(дроб) & (5 | 5а | 5б)"
    assert search(text="дроби 5", user=AnonymousUser()).counts == {"materials": 2}
    assert search(text="дроби 50", user=AnonymousUser()).counts == {"materials": 1}


def test_too_many_words_or_none_known_stay_a_prefix(monkeypatch):
    _materials(1, title="Дроби и дробные числа")
    monkeypatch.setattr(search_module, "SPELLED_LIMIT", 1)

    assert _prefixes_spelled(["дроби"]) == "дроб:*"
    # A stem no indexed word begins (a word the table does not hold yet)
    # is still a prefix: nothing the prefix would find is lost.
    SearchWord.objects.all().delete()
    assert _prefixes_spelled(["дроби"]) == "дроб:*"
    assert search(text="дроби", user=AnonymousUser()).counts == {"materials": 1}


def test_stop_words_alone_find_nothing_as_before():
    _materials(1, title="К уроку")

    assert _prefixes_spelled(["к", "и"]) == ""
    assert search(text="к и", user=AnonymousUser()).counts == {}


def test_a_query_asked_again_is_not_spelled_again():
    _materials(2, title="Дробные числа")
    search(text="дроби", user=AnonymousUser())

    with CaptureQueriesContext(connection) as made:
        results = search(text="дроби", user=AnonymousUser())
        list(results.entries[:20])

    assert not [
        query for query in made.captured_queries if "searchword" in query["sql"]
    ]
    assert results.counts == {"materials": 2}


def test_the_migration_gathers_the_words_of_entries_written_before_it():
    _materials(1, title="Фотосинтез в 6 классе")
    SearchWord.objects.all().delete()
    migration = importlib.import_module("community.migrations.0022_search_words")

    with connection.schema_editor() as editor:
        migration.words_gather(apps, editor)

    assert {"фотосинтез", "6", "класс"} <= set(
        SearchWord.objects.values_list("word", flat=True)
    )


def test_the_words_are_read_from_the_database_the_search_reads(monkeypatch):
    asked = []

    def spelled(words, using="default"):
        asked.append(using)
        return ""

    monkeypatch.setattr(search_module, "_prefixes_spelled", spelled)
    # A visitor's search may read a replica (``community.dbrouter``): its
    # words are read there too, not from the primary.
    search_module._matching(SearchEntry.objects.using("replica"), ["дроби"])

    assert asked == ["replica"]
