"""Sharing a material and rating it, in a browser, at phone and desktop width."""

import pytest

from accounts.tests.factories import UserFactory
from conftest import assert_accessible, browser_log_in
from materials.models import Material
from materials.tests.factories import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_share_a_material_then_a_colleague_downloads_and_rates_it(
    page, live_server, tmp_path, vocabulary
):
    author = UserFactory(profile__display_name="Анна Морозова")
    colleague = UserFactory(profile__display_name="Иван Петров")
    lesson = tmp_path / "План урока «Дроби».pdf"
    lesson.write_bytes(PDF)
    fake = tmp_path / "игра.pdf"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)

    browser_log_in(page, live_server, author)
    page.goto(f"{live_server.url}/materials/")
    assert_accessible(page)
    page.get_by_role("link", name="Поделиться материалом").first.click()
    page.fill("#id_title", "Дроби. Урок для 5 класса")
    page.fill("#id_summary", "Конспект и рабочий лист.")
    page.select_option("#id_subject", label="Математика")
    page.get_by_label("5 класс").check()
    page.select_option("#id_kind", value="lesson_plan")
    page.get_by_label("CC BY 4.0").check()
    page.get_by_label("Я автор или имею право делиться этим материалом").check()
    page.set_input_files("#id_files", [str(lesson), str(fake)])
    page.get_by_role("button", name="Сохранить").click()
    # The executable is named in the error; the typed text is still there.
    assert page.get_by_text("Файл «игра.pdf»").is_visible()
    assert page.input_value("#id_title") == "Дроби. Урок для 5 класса"
    assert_accessible(page)
    page.set_input_files("#id_files", [str(lesson)])
    page.get_by_label("Я автор или имею право делиться этим материалом").check()
    page.get_by_role("button", name="Сохранить").click()
    page.wait_for_url("**/materials/*/")
    material = Material.objects.get()
    assert material.is_published
    assert_accessible(page)

    page.context.clear_cookies()
    browser_log_in(page, live_server, colleague)
    page.goto(f"{live_server.url}{material.get_absolute_url()}")
    with page.expect_download() as download:
        page.get_by_role("link", name="План урока «Дроби».pdf").click()
    assert download.value.suggested_filename == "План урока «Дроби».pdf"
    page.get_by_label("5", exact=True).check()
    page.fill("#id_comment", "Возьму в свой класс")
    page.get_by_role("button", name="Оценить").click()
    page.wait_for_url(f"**{material.get_absolute_url()}")
    assert page.locator("li", has_text="Возьму в свой класс").is_visible()
    assert_accessible(page)
    material.refresh_from_db()
    assert (material.download_count, material.rating_count) == (1, 1)


def _rubric(page, scores: dict[str, int]) -> None:
    for key, score in scores.items():
        page.locator(f'input[name="{key}"][value="{score}"]').check()


def test_submit_then_two_experts_review_and_the_mark_appears(
    page, live_server, vocabulary
):
    from accounts import services as accounts
    from community.models import Subject
    from materials.models import ReviewRound
    from materials.tests.factories import MaterialFactory

    maths = Subject.objects.get(slug="mathematics")
    material = MaterialFactory(title="Дроби на пицце", subject=maths)
    experts = []
    for name in ("Ирина Петрова", "Елена Смирнова"):
        user = UserFactory(profile__display_name=name)
        user.profile.subjects.set([maths])
        experts.append(accounts.user_grant_role(user=user, role=accounts.EXPERTS))

    browser_log_in(page, live_server, material.author)
    page.goto(f"{live_server.url}{material.get_absolute_url()}")
    page.get_by_role("button", name="Отправить на экспертизу").click()
    page.wait_for_url("**#review")
    assert page.get_by_text("на экспертизе").first.is_visible()
    assert ReviewRound.objects.get().status == "open"

    for index, reviewer in enumerate(experts):
        page.context.clear_cookies()
        browser_log_in(page, live_server, reviewer)
        page.goto(f"{live_server.url}/materials/reviews/")
        if index == 0:
            assert_accessible(page)
        page.get_by_role("button", name="Взять на экспертизу").click()
        page.wait_for_url("**/materials/reviews/a/*/")
        _rubric(page, {"accuracy": 5, "methodology": 5, "structure": 4,
                       "usefulness": 5, "design": 4})  # fmt: skip
        page.locator('input[name="recommendation"][value="recommend"]').check()
        page.fill("#id_summary", "Полезный урок, беру в работу.")
        if index == 0:
            assert_accessible(page)
        page.get_by_role("button", name="Отправить рецензию").click()
        page.wait_for_url("**/materials/reviews/")

    page.context.clear_cookies()
    browser_log_in(page, live_server, material.author)
    page.goto(f"{live_server.url}{material.get_absolute_url()}")
    assert page.get_by_text("Рекомендовано экспертами").first.is_visible()
    assert page.get_by_text("Эксперт 1").is_visible()
    assert page.get_by_text("Ирина Петрова").count() == 0  # blind review
    assert_accessible(page)
