"""Site search: what it finds, what it never shows, and odd input.

Rows are written through the apps' services, which keep the index current;
the PostgreSQL-only tests (stemming, weights, trigram, the stored vector)
run in the PostgreSQL leg of CI.
"""

import datetime
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts
from accounts.tests.factories import BlogPostFactory, UserFactory
from community.models import Grade, SearchEntry, Subject
from community.search import SearchFilters, search, search_index
from forums import services as forums
from forums.tests.factories import SectionFactory
from materials import services as materials
from materials.models import Licence, Material
from materials.tests.factories import MaterialFactory, pdf_upload
from materials.uploads import file_check

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_premoderation(settings):
    settings.MODERATION_PREMODERATED_POSTS = 0


def needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: full-text search in the russian configuration")


def _material(author=None, *, title, summary="Конспект", description="", **extra):
    return materials.material_create(
        author=author or UserFactory(),
        files=[file_check(pdf_upload())],
        title=title,
        summary=summary,
        description=description,
        subject=extra.pop("subject", Subject.objects.get(slug="mathematics")),
        kind=Material.Kind.LESSON_PLAN,
        language=Material.Language.RU,
        licence=Licence.CC_BY,
        rights_confirmed=True,
        grades=extra.pop("grades", Grade.objects.filter(slug="grade-5")),
        tags=extra.pop("tags", ()),
    )


def _titles(text, user=None, **kwargs) -> list[str]:
    results = search(text=text, user=user or AnonymousUser(), **kwargs)
    return [entry.title for entry in results.entries]


# --- both databases -------------------------------------------------------------


def test_a_teachers_words_find_the_material():
    _material(title="Дробные числа. Урок для 5-го класса")
    _material(title="Тест по орфографии")

    assert _titles("дроби 5 класс") == ["Дробные числа. Урок для 5-го класса"]
    assert _titles("ДРОБИ") == ["Дробные числа. Урок для 5-го класса"]


def test_every_kind_is_searched_and_counted(member):
    section = SectionFactory()
    topic = forums.topic_create(
        section=section, author=member, title="Дроби в 5 классе", body="Как объяснить?"
    )
    forums.post_create(topic=topic, author=UserFactory(), body="Через пиццу и дроби.")
    forums.topic_fanout(topic_id=topic.pk)  # a reply is indexed with the fan-out
    _material(title="Дроби: рабочий лист")
    accounts.post_create(
        author=member, title="Мои уроки", body="Про дроби и доли.", publish=True
    )
    accounts.profile_update(
        profile=member.profile, editor=member, about="Люблю объяснять дроби."
    )

    results = search(text="дроби", user=member)

    assert results.counts == {
        "topics": 1,
        "posts": 1,
        "materials": 1,
        "blog": 1,
        "members": 1,
    }
    assert results.kind == "topics"
    assert [entry.title for entry in results.entries] == ["Дроби в 5 классе"]


def test_hidden_drafts_private_and_pending_never_appear(member, moderator, settings):
    section = SectionFactory()
    topic = forums.topic_create(
        section=section, author=member, title="Открытая тема", body="Текст"
    )
    reply = forums.post_create(topic=topic, author=UserFactory(), body="Секретик раз")
    forums.post_hide(post=reply, moderator=moderator, reason="спам")
    accounts.post_create(author=member, title="Черновик секретик", body="x")
    shy = UserFactory()
    accounts.profile_update(profile=shy.profile, editor=shy, about="секретик три")
    accounts.profile_privacy_update(profile=shy.profile, listed_in_directory=False)
    hidden = _material(title="Секретик материал")
    materials.material_hide(material=hidden, moderator=moderator)
    settings.MODERATION_PREMODERATED_POSTS = 5
    newcomer = UserFactory(date_joined=timezone.now())
    forums.topic_create(
        section=section, author=newcomer, title="Секретик на проверке", body="x"
    )

    assert search(text="секретик", user=member).counts == {}


def test_the_index_follows_an_edit_and_a_delete(member):
    material = _material(author=member, title="Старое название")
    assert _titles("старое") == ["Старое название"]

    materials.material_update(material=material, editor=member, title="Новое имя")
    assert _titles("старое") == []
    assert _titles("новое") == ["Новое имя"]

    materials.material_delete(material=material, actor=member)
    assert _titles("новое") == []
    assert not SearchEntry.objects.exists()


def test_filters_by_subject_grade_and_date():
    physics = Subject.objects.get(slug="physics")
    _material(title="Урок про силы", subject=physics)
    _material(title="Урок про дроби", grades=Grade.objects.filter(slug="grade-7"))
    old = _material(title="Урок прошлых лет")
    SearchEntry.objects.filter(target_id=old.pk).update(
        date=timezone.now() - datetime.timedelta(days=400)
    )

    def found(**filters):
        return sorted(_titles("урок", filters=SearchFilters(**filters)))

    assert found(subject_id=physics.pk) == ["Урок про силы"]
    assert found(grade_slug="grade-7") == ["Урок про дроби"]
    assert found(since=timezone.now() - datetime.timedelta(days=30)) == [
        "Урок про дроби",
        "Урок про силы",
    ]


def test_the_results_page_with_tabs_snippets_and_pagination(client):
    for number in range(25):
        _material(title=f"Дроби, урок {number}", description="Складываем **дроби**.")
    BlogPostFactory()  # made without the service: not indexed
    url = reverse("search")

    first = client.get(url, {"q": "дроби"})
    second = client.get(url, {"q": "дроби", "kind": "materials", "page": 2})

    page = first.content.decode()
    assert first.status_code == 200
    assert "<mark>дроби</mark>" in page
    assert 'aria-current="page"' in page
    assert page.count('<h2 class="h6 mb-1">') == 20
    assert second.content.decode().count('<h2 class="h6 mb-1">') == 5


def test_user_text_in_snippets_is_escaped(client):
    _material(title="Урок", description="Дроби `<script>alert(1)</script>` тут")

    page = client.get(reverse("search"), {"q": "дроби"}).content.decode()

    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;" in page


@pytest.mark.parametrize(
    ("query", "status"),
    [("", 200), ("   ", 200), ("?!…—", 400), ("д" * 1000, 400), ("%_*:&|!()", 400)],
)
def test_odd_input_gives_a_friendly_page(client, query, status):
    response = client.get(reverse("search"), {"q": query, "page": "x", "kind": "?"})

    assert response.status_code == status
    assert 'role="search"' in response.content.decode()


def test_operators_in_the_words_are_only_words():
    _material(title="Дроби и проценты")

    assert _titles("дроби & | ! :* проценты") == ["Дроби и проценты"]
    assert _titles("'дроби'") == ["Дроби и проценты"]


def test_the_results_page_keeps_its_queries(client, django_assert_max_num_queries):
    for number in range(60):
        _material(title=f"Дроби {number}", tags=["дроби"])

    with django_assert_max_num_queries(6):
        response = client.get(reverse("search"), {"q": "дроби"})

    assert response.status_code == 200


def test_rebuild_fills_the_index_for_rows_made_without_services():
    MaterialFactory(title="Дроби из старой базы")
    BlogPostFactory(title="Дроби в блоге")
    BlogPostFactory(title="Черновик", status="draft", published_at=None)
    assert _titles("дроби") == []
    out = io.StringIO()

    call_command("rebuild_search_index", "--batch-size", "1", stdout=out, stderr=out)

    assert sorted(
        SearchEntry.objects.exclude(kind="members").values_list("title", flat=True)
    ) == ["Дроби в блоге", "Дроби из старой базы"]
    assert "materials: в поиске 1 из 1 записи" in out.getvalue()
    with pytest.raises(Exception, match="Неизвестный вид"):
        call_command("rebuild_search_index", "nonsense")


# --- PostgreSQL ---------------------------------------------------------------


def test_stemming_finds_other_forms():
    needs_postgresql()
    _material(title="Сложение дробей")

    assert _titles("дроби") == ["Сложение дробей"]
    assert _titles("дробь") == ["Сложение дробей"]


def test_a_title_outweighs_the_text_and_freshness_breaks_ties():
    needs_postgresql()
    body = _material(title="Урок", description="Здесь о геометрии немного.")
    title = _material(title="Геометрия", description="Урок.")
    twin = _material(title="Геометрия", description="Урок.")
    SearchEntry.objects.filter(target_id=title.pk).update(
        date=timezone.now() - datetime.timedelta(days=3)
    )

    assert [e.url for e in search(text="геометрия", user=AnonymousUser()).entries] == [
        twin.get_absolute_url(),
        title.get_absolute_url(),
        body.get_absolute_url(),
    ]


def test_a_typo_still_finds_titles_and_names():
    needs_postgresql()
    _material(title="Дробные числа")

    results = search(text="Дробные чсла", user=AnonymousUser())

    assert results.similar
    assert [entry.title for entry in results.entries] == ["Дробные числа"]


def test_the_stored_vector_is_indexed_and_follows_an_edit(member):
    needs_postgresql()
    material = _material(author=member, title="Фотосинтез")
    entry = SearchEntry.objects.get()
    assert "фотосинтез" in str(entry.search_vector)

    materials.material_update(material=material, editor=member, title="Дыхание")

    assert "дыхан" in str(SearchEntry.objects.get().search_vector)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'community_searchentry'"
        )
        indexes = " ".join(row[0] for row in cursor.fetchall())
    assert "USING gin (search_vector)" in indexes
    assert "gin_trgm_ops" in indexes
    search_index(material)  # twice is harmless
    assert SearchEntry.objects.count() == 1


def test_counts_are_kept_until_the_index_changes(django_assert_num_queries):
    _material(title="Дроби")
    search(text="дроби", user=AnonymousUser())

    with django_assert_num_queries(0):  # the next page or tab: counts known
        again = search(text="дроби", user=AnonymousUser(), kind="materials")
    assert again.counts == {"materials": 1}

    _material(title="Дроби снова")
    assert search(text="дроби", user=AnonymousUser()).counts == {"materials": 2}


def test_result_pages_are_kept_until_the_index_changes(django_assert_num_queries):
    from accounts.tests.factories import UserFactory

    _material(title="Дроби")
    first, second = UserFactory(), UserFactory()
    assert [e.title for e in search(text="дроби", user=first).page(0, 20)] == ["Дроби"]

    # Another member, the same search: only their communities are read (what
    # a member finds depends on them), not the index.
    with CaptureQueriesContext(connection) as read:
        kept = search(text="дроби", user=second).page(0, 20)
    assert [entry.title for entry in kept] == ["Дроби"]
    assert len(read.captured_queries) == 1
    assert "circles_membership" in read.captured_queries[0]["sql"]
    with django_assert_num_queries(0):  # the same member again: all kept
        search(text="дроби", user=second).page(0, 20)

    _material(title="Дроби снова")
    titles = {entry.title for entry in search(text="дроби", user=second).page(0, 20)}
    assert titles == {"Дроби", "Дроби снова"}
