"""The subject chooser in a browser: type to filter the 40 subjects, check
some, and the form saves them; the licences read in plain words."""

import pytest

from accounts.models import Profile
from accounts.tests.factories import UserFactory
from conftest import assert_accessible, browser_log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("vocabulary"),
]


def test_subject_chooser_filters_by_typing_and_keeps_checked_subjects(
    page, live_server
):
    teacher = UserFactory(profile__display_name="Ольга Смирнова")
    browser_log_in(page, live_server, teacher)
    page.goto("/settings/profile/")
    subjects = page.locator("fieldset[data-choice-filter]").first
    search = subjects.get_by_role("searchbox", name="Найти в списке")
    checkboxes = subjects.locator("input[type=checkbox][name=subjects]")
    total = checkboxes.count()
    assert total >= 30

    # Typing hides what does not match, and the count is announced.
    search.fill("физ")
    visible = subjects.locator(".form-check:visible")
    assert visible.count() < total
    assert subjects.get_by_role("checkbox", name="Физика", exact=True).is_visible()
    status = subjects.locator("[aria-live=polite]")
    assert status.inner_text().startswith(f"Показано: {visible.count()} из {total}")

    # Enter checks the first match without sending the form; it shows as a chip.
    search.press("Enter")
    assert subjects.get_by_role("checkbox", name="Физика", exact=True).is_checked()
    assert page.url.endswith("/settings/profile/")
    chips = subjects.get_by_role("list", name="Выбрано")
    assert chips.get_by_role("button", name="Убрать «Физика»").is_visible()

    # Another subject found by typing; Escape brings the whole list back.
    search.fill("хим")
    subjects.get_by_role("checkbox", name="Химия", exact=True).check()
    search.fill("нет такого предмета")
    assert status.inner_text() == (
        "Ничего не найдено. Очистите поиск, чтобы увидеть весь список."
    )
    search.press("Escape")
    assert subjects.locator(".form-check:visible").count() == total
    assert subjects.get_by_role("checkbox", name="Физика", exact=True).is_checked()
    assert subjects.get_by_role("checkbox", name="Химия", exact=True).is_checked()
    assert_accessible(page)

    # A chip takes its subject off; focus stays among the chips.
    chips.get_by_role("button", name="Убрать «Химия»").click()
    assert not subjects.get_by_role("checkbox", name="Химия", exact=True).is_checked()
    assert page.evaluate("document.activeElement.textContent").startswith("Физика")

    # Filtered out of sight, a checked subject is still sent with the form.
    search.fill("ист")
    assert not subjects.get_by_role("checkbox", name="Физика", exact=True).is_visible()
    # The form posts to the page it is on: wait for the answer, not the address.
    with page.expect_navigation():
        page.get_by_role("button", name="Сохранить профиль").click()
    page.wait_for_load_state("load")
    saved = Profile.objects.get(user=teacher).subjects.values_list("slug", flat=True)
    assert list(saved) == ["physics"]


def test_licences_read_in_plain_words_with_cc_by_checked(page, live_server):
    browser_log_in(page, live_server, UserFactory())
    page.goto("/materials/new/")

    cc_by = page.get_by_role("radio", name="CC BY 4.0")
    assert cc_by.is_checked()
    description = page.locator(f"#{cc_by.get_attribute('aria-describedby')}")
    assert "указав вас как автора" in description.inner_text()
    assert page.get_by_text("* — обязательные поля").first.is_visible()
    assert_accessible(page)
