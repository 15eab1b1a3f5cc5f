"""The catalogue's cards: the first page or the file's icon, the expert mark,
the author with their picture, subject, grades, rating and downloads; a grid
in a fixed number of queries; in a browser at a phone's and a laptop's width."""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from community.models import Grade
from conftest import assert_accessible, browser_log_in
from materials import services
from materials.models import Material
from materials.tests.factories import MaterialFactory, docx_upload
from materials.tests.test_thumbnails import pdf_file
from materials.uploads import file_check

pytestmark = pytest.mark.django_db


def _main(response) -> str:
    text = response.content.decode()
    return text[text.index('<main id="main"') : text.index("</main>")]


def _card(page: str, title: str) -> str:
    """The <li> of the card whose title is ``title``."""
    at = page.index(f">{title}</a>")
    start = page.rindex('<li class="ui-card', 0, at)
    return page[start : page.index("</li>", at) + len("</li>")]


def _with_files(material: Material, *uploads) -> Material:
    services.material_version_add(
        material=material,
        author=material.author,
        files=[file_check(upload) for upload in uploads],
    )
    return material


def test_a_card_with_a_pdf_shows_its_first_page(django_capture_on_commit_callbacks):
    material = MaterialFactory(title="Дроби с картинкой")
    with django_capture_on_commit_callbacks(execute=True):
        _with_files(material, pdf_file())
    material.refresh_from_db()

    card = _card(_main(Client().get(reverse("materials:catalogue"))), material.title)

    image = re.search(r"<img [^>]*>", card)[0]
    assert f'src="{material.thumbnail_small.url}"' in image
    assert f"{material.thumbnail_small.url} 240w" in image
    assert f"{material.thumbnail.url} 480w" in image
    assert 'width="480" height="480"' in image
    assert 'alt=""' in image
    assert 'loading="lazy"' in image
    assert "#file-earmark" not in card


def test_a_card_without_a_pdf_shows_the_files_icon(django_capture_on_commit_callbacks):
    material = MaterialFactory(title="Рабочий лист в Word")
    with django_capture_on_commit_callbacks(execute=True):
        _with_files(material, docx_upload())

    card = _card(_main(Client().get(reverse("materials:catalogue"))), material.title)

    assert "<img" not in card
    assert "#file-earmark-word" in card
    assert ">Word</span>" in card


def test_a_damaged_pdf_shows_the_pdf_icon():
    material = MaterialFactory(title="Сломанный PDF")

    card = _card(_main(Client().get(reverse("materials:catalogue"))), material.title)

    assert "#file-earmark-pdf" in card
    assert ">PDF</span>" in card


def test_a_card_shows_the_expert_mark_in_words_and_an_icon():
    recommended = MaterialFactory(
        title="Одобренный урок", review_status=Material.Review.RECOMMENDED
    )
    plain = MaterialFactory(title="Обычный урок")

    page = _main(Client().get(reverse("materials:catalogue")))

    card = _card(page, recommended.title)
    assert "Рекомендовано экспертами" in card
    assert "#patch-check-fill" in card
    assert "Рекомендовано экспертами" not in _card(page, plain.title)


def test_a_card_shows_author_subject_grades_rating_and_downloads():
    author = UserFactory()
    author.profile.display_name = "Анна Петрова"
    author.profile.save()
    material = MaterialFactory(
        author=author, title="Полный урок", download_count=12, rating_count=3
    )
    Material.objects.filter(pk=material.pk).update(rating_average="4.67")
    material.grades.set(Grade.objects.filter(slug__in=["grade-5", "grade-6"]))

    card = _card(_main(Client().get(reverse("materials:catalogue"))), material.title)

    assert author.profile.shown_name in card
    assert "avatar" in card
    assert "Математика" in card
    assert "5 класс, 6 класс" in card
    assert "★ 4,7 (3 оценки)" in card
    assert "12 скачиваний" in card
    assert "#download" in card
    # The title is the card's one link.
    assert card.count("<a ") == 1


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_grid_keeps_fixed_queries(django_assert_max_num_queries, signed_in, member):
    grades = list(Grade.objects.filter(slug__in=["grade-5", "grade-6"]))
    for index, material in enumerate(MaterialFactory.create_batch(55)):
        material.grades.set(grades)
        if index % 3 == 0:
            _with_files(material, docx_upload(), pdf_file())
        elif index % 3 == 1:
            Material.objects.filter(pk=material.pk).update(
                thumbnail=f"materials/thumbnails/{material.pk}/a-480.jpg",
                thumbnail_small=f"materials/thumbnails/{material.pk}/a-240.jpg",
                thumbnail_width=480,
                thumbnail_height=480,
                review_status=Material.Review.RECOMMENDED,
            )
    client = Client()
    if signed_in:
        client.force_login(member)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("materials:catalogue"))

    assert response.status_code == 200
    page = _main(response)
    assert page.count('<li class="ui-card') == 20
    assert "<img src=" in page
    assert "#file-earmark-pdf" in page


def test_a_tag_page_lists_materials_as_rows_with_the_expert_mark():
    material = MaterialFactory(
        title="Урок с тегом", review_status=Material.Review.RECOMMENDED
    )
    material.tags.set(["дроби"])
    tag = material.tags.get()

    response = Client().get(reverse("tag", kwargs={"slug": tag.slug}))

    page = _main(response)
    assert "Урок с тегом" in page
    assert "Рекомендовано экспертами" in page
    assert "#patch-check-fill" in page


def test_nothing_found_is_an_empty_state():
    response = Client().get(reverse("materials:catalogue"))

    assert "ui-empty" in _main(response)


# --- In a browser ------------------------------------------------------------------


SHOTS = (
    Path(os.environ.get("KOLLEGI_SCREENSHOTS", ""))
    if os.environ.get("KOLLEGI_SCREENSHOTS")
    else None
)


def _serve_media(page) -> None:
    """The live server does not serve uploads (DEBUG is off): the browser
    reads them from the test's media folder."""
    root = Path(settings.MEDIA_ROOT)

    def fulfil(route) -> None:
        path = root / route.request.url.split("/media/", 1)[1]
        if path.is_file():
            route.fulfill(path=str(path))
        else:
            route.fulfill(status=404)

    page.route("**/media/**", fulfil)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("vocabulary")
@pytest.mark.parametrize("width", [360, 1280])
def test_the_catalogue_grid_in_a_browser(browser, live_server, width):
    grades = list(Grade.objects.filter(slug__in=["grade-5", "grade-6", "grade-7"]))
    author = UserFactory()
    author.profile.display_name = "Мария Ивановна Кузнецова-Оболенская"
    author.profile.save()
    for index in range(7):
        material = MaterialFactory(
            author=author if index % 2 else UserFactory(),
            title=(
                "Проверочная работа по теме «Обыкновенные дроби и действия с ними»"
                if index == 3
                else f"Урок № {index + 1}: дроби"
            ),
            review_status=(
                Material.Review.RECOMMENDED if index in (0, 3) else Material.Review.NONE
            ),
            download_count=index * 7,
            rating_count=3 if index % 2 else 0,
            rating_average="4.33" if index % 2 else None,
        )
        material.grades.set(grades[: 1 + index % 3])
        if index in (0, 3, 5):
            _with_files(material, pdf_file(top=["red", "blue", "green"][index % 3]))
        elif index == 4:
            _with_files(material, docx_upload())
    assert Material.objects.exclude(thumbnail="").count() == 3

    context = browser.new_context(
        viewport={"width": width, "height": 900},
        base_url=live_server.url,
        locale="ru-RU",
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    _serve_media(page)
    try:
        page.goto("/")
        browser_log_in(page, live_server, UserFactory())
        page.goto(reverse("materials:catalogue"))
        cards = page.locator("#main .ui-card-grid > li")
        assert cards.count() == 7

        overflow = page.evaluate(
            "document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0, f"{overflow} px wider than the window"
        boxes = [cards.nth(index).bounding_box() for index in range(3)]
        tops = {round(box["y"]) for box in boxes}
        if width == 360:
            assert len(tops) == 3, "one card a row on a phone"
        else:
            assert len(tops) == 1, "cards side by side on a laptop"
        # Pictures and icons take the same box.
        thumbs = page.locator("#main .ui-thumb")
        heights = {round(thumbs.nth(i).bounding_box()["height"]) for i in range(3)}
        assert len(heights) == 1
        page.locator("#main .ui-thumb img").last.scroll_into_view_if_needed()
        page.wait_for_load_state("networkidle")
        loaded = page.evaluate(
            "[...document.querySelectorAll('#main .ui-thumb img')]"
            ".filter((img) => img.complete && img.naturalWidth > 0).length"
        )
        assert loaded >= 1
        assert_accessible(page)
        if SHOTS:
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(SHOTS / f"catalogue-{width}.png"), full_page=True)
        # The whole card opens the material, not only its title.
        page.evaluate("window.scrollTo(0, 0)")
        box = cards.first.locator(".ui-thumb").bounding_box()
        with page.expect_navigation():
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        assert re.search(r"/materials/\d+/$", page.url)
    finally:
        context.close()
    assert not problems, problems
