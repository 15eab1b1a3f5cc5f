"""The catalogue and a material's page keep their parts rendered
(``materials.list_fragments``) under the materials' versions, which the
change functions move (``materials.changes.material_shown``), and the cards
of the people they name (``community.cards``): after every kind of write
they show what rendering afresh shows, in a fixed number of queries.

Each write below changes something a kept part shows and nothing its key
holds (the key holds only the material's id, its author, its downloads and
the page's facts): were the change function not to move the material's
version (or the accounts' the card), the kept part would be shown and the
test would fail."""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import get_template, render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image

from accounts import services as accounts
from accounts.services import bookmark_set
from accounts.tests.factories import UserFactory
from community.models import Grade
from materials import list_fragments, selectors, selectors_lists, services
from materials.models import Material
from materials.tests.factories import MaterialFactory, docx_upload
from materials.tests.test_thumbnails import pdf_file
from materials.uploads import file_check

pytestmark = pytest.mark.django_db

BUDGET = 10


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _main(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('<main id="main"') : html.index("</main>")]


def _cards(response) -> list[str]:
    return re.findall(r'<li class="ui-card ui-card-link.*?</li>', _main(response), re.S)


def _card(response, title: str) -> str | None:
    found = [card for card in _cards(response) if f">{title}</a>" in card]
    assert len(found) <= 1
    return found[0] if found else None


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _png() -> SimpleUploadedFile:
    output = io.BytesIO()
    Image.new("RGB", (50, 50), (10, 200, 30)).save(output, "PNG")
    return SimpleUploadedFile("me.png", output.getvalue(), content_type="image/png")


def _rendered_afresh(user) -> list[str]:
    """The first page's cards as the template renders them from the
    catalogue's models, with nothing kept."""
    with translation.override("ru"):
        return [
            render_to_string(
                "materials/partials/_card.html", {"material": material, "user": user}
            )
            for material in selectors.catalogue()[:20]
        ]


def _strip(cards: list[str]) -> list[str]:
    return [card.strip() for card in cards]


# --- The catalogue's cards ------------------------------------------------------


def test_kept_cards_are_the_cards_the_template_renders(moderator):
    pictured, hidden = UserFactory(), UserFactory()
    for author in (pictured, hidden):
        accounts.profile_avatar_set(profile=author.profile, upload=_png())
    accounts.profile_hide(profile=hidden.profile, moderator=moderator, reason="-")
    MaterialFactory(author=pictured, title="С картинкой")
    graded = MaterialFactory(author=hidden, title="Скрытый автор", download_count=3)
    graded.grades.set(Grade.objects.filter(slug__in=["grade-5", "grade-6"]))
    url = reverse("materials:catalogue")

    for user in (UserFactory(), hidden):
        client = _client(user)
        expected = _strip(_rendered_afresh(user))
        assert _strip(_cards(client.get(url))) == expected
        assert _strip(_cards(client.get(url))) == expected
    # Her own hidden picture shows to her only.
    assert "<img " in _card(_client(hidden).get(url), "Скрытый автор")
    assert "<img " not in _card(_client(UserFactory()).get(url), "Скрытый автор")


@pytest.fixture
def renders(monkeypatch) -> list[list[int]]:
    """The materials of each request whose cards were rendered, not kept."""
    calls: list[list[int]] = []
    original = selectors_lists.materials_for_cards

    def counted(*, pks):
        calls.append(sorted(pks))
        return original(pks=pks)

    monkeypatch.setattr(selectors_lists, "materials_for_cards", counted)
    return calls


def test_members_share_the_cards_and_a_changed_one_is_rendered_alone(renders):
    first, *_others = MaterialFactory.create_batch(3)
    url = reverse("materials:catalogue")
    _client(UserFactory()).get(url)
    _client(UserFactory()).get(url)
    assert len(renders) == 1
    assert len(renders[0]) == 3

    services.rating_set(material=first, user=UserFactory(), score=5)
    _client(UserFactory()).get(url)

    assert renders[1] == [first.pk]


@dataclass
class Scene:
    material: Material
    reader: object
    moderator: object
    raters: list


def _scene(moderator) -> Scene:
    author = UserFactory(profile__display_name="Анна Петрова")
    material = MaterialFactory(author=author, title="Дроби")
    material.grades.set(Grade.objects.filter(slug="grade-5"))
    material.tags.add("дробь")
    MaterialFactory(title="Соседний материал")
    raters = [UserFactory(profile__display_name=f"Оценщик {n}") for n in range(3)]
    for rater in raters[:2]:
        services.rating_set(material=material, user=rater, score=4, comment="Полезно")
    return Scene(Material.objects.get(pk=material.pk), UserFactory(), moderator, raters)


def _recommended(scene: Scene) -> None:
    round_ = services.review_request(
        material=scene.material, author=scene.material.author
    )
    services.review_decide(
        round_=round_, moderator=scene.moderator, decision="recommend"
    )


def _tag_renamed(scene: Scene) -> None:
    from taggit.models import Tag

    from community.tags import tag_rename

    tag = Tag.objects.get(name="дробь")
    tag.name = "обыкновенная дробь"
    tag_rename(tag=tag, moderator=scene.moderator)


def _new_version(scene: Scene) -> None:
    services.material_version_add(
        material=scene.material,
        author=scene.material.author,
        files=[file_check(docx_upload())],
    )


# Each write, a text, and whether the reader's card says it after the write
# (and not before) or no longer says it.
CARD_WRITES: dict[str, tuple[Callable[[Scene], object], str, bool]] = {
    "edit: the summary": (
        lambda s: services.material_update(
            material=s.material, editor=s.material.author, summary="Новое описание"
        ),
        "Новое описание",
        True,
    ),
    "edit: the grades": (
        lambda s: services.material_update(
            material=s.material,
            editor=s.material.author,
            grades=Grade.objects.filter(slug__in=["grade-5", "grade-7"]),
        ),
        "5 класс, 7 класс",
        True,
    ),
    "a new version": (_new_version, "#file-earmark-word", True),
    "a rating": (
        lambda s: services.rating_set(material=s.material, user=s.raters[2], score=5),
        "(3 оценки)",
        True,
    ),
    "a review's decision": (_recommended, "Рекомендовано экспертами", True),
    "the author renamed": (
        lambda s: accounts.profile_update(
            profile=s.material.author.profile, display_name="Анна Новая"
        ),
        "Анна Новая",
        True,
    ),
    "the author's picture": (
        lambda s: accounts.profile_avatar_set(
            profile=s.material.author.profile, upload=_png()
        ),
        "<img ",
        True,
    ),
    "the author hidden": (
        lambda s: accounts.profile_hide(
            profile=s.material.author.profile, moderator=s.moderator, reason="-"
        ),
        "<img ",
        False,
    ),
    "a download counted": (
        lambda s: services.download_record(material=s.material, user=s.reader),
        "1 скачивание",
        True,
    ),
}


def _says(html: str, text: str) -> bool:
    return text in html or text in _text(html)


@pytest.mark.parametrize("name", list(CARD_WRITES))
def test_a_write_reaches_a_member_who_saw_the_catalogue(name, moderator):
    write, text, shown = CARD_WRITES[name]
    scene = _scene(moderator)
    if name == "the author hidden":
        accounts.profile_avatar_set(
            profile=scene.material.author.profile, upload=_png()
        )
    client = _client(scene.reader)
    url = reverse("materials:catalogue")
    assert _says(_card(client.get(url), "Дроби"), text) is not shown

    write(scene)
    cards = _cards(client.get(url))

    assert _says(_card_in(cards, "Дроби"), text) is shown
    assert _strip(cards) == _strip(_rendered_afresh(scene.reader))


def _card_in(cards: list[str], title: str) -> str:
    return next(card for card in cards if f">{title}</a>" in card)


def test_a_thumbnail_made_after_a_new_version_reaches_the_card(
    member, django_capture_on_commit_callbacks
):
    material = MaterialFactory(title="С первой страницей")
    # The task the new version enqueues after its commit is not run yet.
    with django_capture_on_commit_callbacks(execute=False):
        services.material_version_add(
            material=material, author=material.author, files=[file_check(pdf_file())]
        )
    client = _client(member)
    url = reverse("materials:catalogue")
    assert "<img " not in _card(client.get(url), "С первой страницей")

    # What that task does.
    services.material_thumbnail_update(material_id=material.pk)

    assert "<img " in _card(client.get(url), "С первой страницей")


@pytest.mark.parametrize("write", ["hide", "unpublish"])
def test_a_material_hidden_or_taken_back_leaves_the_catalogue_at_once(
    write, moderator, member
):
    material = MaterialFactory(title="Уходящий")
    client = _client(member)
    url = reverse("materials:catalogue")
    assert _card(client.get(url), "Уходящий")

    if write == "hide":
        services.material_hide(material=material, moderator=moderator)
    else:
        services.material_unpublish(material=material, actor=material.author)

    assert _card(client.get(url), "Уходящий") is None


def test_the_filters_follow_the_vocabulary_edited_in_the_admin(member):
    MaterialFactory()
    client = _client(member)
    url = reverse("materials:catalogue")
    assert "Алгебра и начала" not in _main(client.get(url))

    # The admin saves a grade as it is: no change function, and no kept
    # filter or card shows the old name.
    Grade.objects.filter(slug="grade-5").update(name_ru="Алгебра и начала")

    assert "Алгебра и начала" in _main(client.get(url))


def test_the_catalogue_reads_little_however_many_materials(
    member, django_assert_max_num_queries
):
    grades = list(Grade.objects.filter(slug__in=["grade-5", "grade-6"]))
    for material in MaterialFactory.create_batch(55):
        material.grades.set(grades)
    client = _client(member)
    url = reverse("materials:catalogue")

    with django_assert_max_num_queries(BUDGET):  # nothing kept yet
        first = client.get(url)
    # The session (in the cache in production), the member, the vocabulary,
    # the rows, the header's unread counts.
    with django_assert_max_num_queries(5):
        again = client.get(url)
    with django_assert_max_num_queries(BUDGET):
        third = client.get(url, {"page": 3, "grade": grades[0].pk})

    assert _cards(first) == _cards(again)
    assert len(_cards(again)) == 20
    assert len(_cards(third)) == 15


# --- A material's page ----------------------------------------------------------


def _unmasked(html: str) -> str:
    """``html`` without its CSRF tokens' values (masked anew each time)."""
    return re.sub(r'(name="csrfmiddlewaretoken") value="[^"]+"', r"\1", html)


def _page(client, material: Material) -> str:
    return _unmasked(_main(client.get(material.get_absolute_url())))


# Each write, a text, and whether the page says it after the write (and not
# before) or no longer says it; the page is read by the reader, or by the
# author where only she sees what changed.
PAGE_WRITES: dict[str, tuple[Callable[[Scene], object], str, bool, str]] = {
    "edit: the title": (
        lambda s: services.material_update(
            material=s.material, editor=s.material.author, title="Десятичные дроби"
        ),
        "Десятичные дроби",
        True,
        "reader",
    ),
    "edit: the tags": (
        lambda s: services.material_update(
            material=s.material, editor=s.material.author, tags=["дроби"]
        ),
        "#дроби",
        True,
        "reader",
    ),
    "a tag renamed by a moderator": (
        _tag_renamed,
        "#обыкновенная дробь",
        True,
        "reader",
    ),
    "co-authors": (
        lambda s: services.material_coauthors_set(
            material=s.material, coauthors=[s.raters[2]], actor=s.material.author
        ),
        "Соавторы",
        True,
        "reader",
    ),
    "a new version": (_new_version, "Файлы (версия 2)", True, "reader"),
    "a rating": (
        lambda s: services.rating_set(
            material=s.material, user=s.raters[2], score=5, comment="Спасибо большое"
        ),
        "Спасибо большое",
        True,
        "reader",
    ),
    "a rating taken back": (
        lambda s: services.rating_delete(material=s.material, user=s.raters[0]),
        "Оценщик 0",
        False,
        "reader",
    ),
    "a review's decision": (_recommended, "Рекомендовано экспертами", True, "reader"),
    "the author renamed": (
        lambda s: accounts.profile_update(
            profile=s.material.author.profile, display_name="Анна Новая"
        ),
        "Анна Новая",
        True,
        "reader",
    ),
    "a rater renamed": (
        lambda s: accounts.profile_update(
            profile=s.raters[0].profile, display_name="Оценщица Новая"
        ),
        "Оценщица Новая",
        True,
        "reader",
    ),
    "hidden": (
        lambda s: services.material_hide(material=s.material, moderator=s.moderator),
        "скрыто модератором",
        True,
        "author",
    ),
    "taken back to drafts": (
        lambda s: services.material_unpublish(
            material=s.material, actor=s.material.author
        ),
        '<span class="badge text-bg-secondary">черновик</span>',
        True,
        "author",
    ),
    "bookmarked": (
        lambda s: bookmark_set(
            user=s.reader, key="material", object_id=s.material.pk, on=True
        ),
        "Убрать из закладок",
        True,
        "reader",
    ),
}


@pytest.mark.parametrize("name", list(PAGE_WRITES))
def test_a_write_reaches_a_member_who_saw_the_page(name, moderator):
    write, text, shown, who = PAGE_WRITES[name]
    scene = _scene(moderator)
    viewer = scene.reader if who == "reader" else scene.material.author
    client = _client(viewer)
    assert _says(_page(client, scene.material), text) is not shown

    write(scene)
    page = _page(client, scene.material)

    assert _says(page, text) is shown
    cache.clear()  # nothing kept: the page rendered afresh
    assert page == _page(client, scene.material)


def test_a_hidden_material_is_a_404_to_a_member_who_saw_it(moderator, member):
    material = MaterialFactory()
    client = _client(member)
    assert client.get(material.get_absolute_url()).status_code == 200

    services.material_hide(material=material, moderator=moderator)

    assert client.get(material.get_absolute_url()).status_code == 404


def test_kept_parts_hold_no_csrf_token_and_the_member_s_own_state_stays_live(
    member,
):
    for name in list_fragments.TEMPLATES:
        assert "csrf_token" not in get_template(name).template.source, name
    material = MaterialFactory()
    services.rating_set(material=material, user=member, score=4, comment="Моя")
    services.collection_create(owner=member, title="Моя подборка")
    _client(UserFactory()).get(material.get_absolute_url())  # kept by another

    page = _page(_client(member), material)

    assert "Моя подборка" in page
    assert "Изменить мою оценку" in _text(page)
    assert page.count('name="csrfmiddlewaretoken"') >= 3


def test_a_material_s_page_reads_little_however_many_ratings(
    member, django_assert_max_num_queries
):
    material = MaterialFactory()
    material.coauthors.add(UserFactory())
    for _rater in range(55):
        services.rating_set(
            material=material, user=UserFactory(), score=4, comment="Спасибо"
        )
    client = _client(member)
    url = material.get_absolute_url()

    with django_assert_max_num_queries(BUDGET):  # nothing kept yet
        first = client.get(url)
    # The session (in the cache in production), the member, the material
    # with her bookmark and rating, her collections, the header's counts.
    with django_assert_max_num_queries(5):
        again = client.get(url)
    with django_assert_max_num_queries(BUDGET):
        client.get(url, {"page": 3})

    assert _unmasked(_main(first)) == _unmasked(_main(again))
    assert _text(_main(again)).count("Спасибо") == 20


def test_the_member_s_own_rating_fills_her_form_after_she_changes_it(member):
    material = MaterialFactory()
    client = _client(member)
    services.rating_set(material=material, user=member, score=4, comment="Первая")
    assert "Первая</textarea>" in _page(client, material)

    services.rating_set(material=material, user=member, score=5, comment="Вторая")
    page = _page(client, material)

    assert "Вторая</textarea>" in page
    assert "Первая</textarea>" not in page
