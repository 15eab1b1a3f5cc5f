"""Search in a browser: the box in the navigation, tabs, keyboard only."""

import pytest

from accounts.tests.factories import UserFactory
from community.search import search_index
from conftest import assert_accessible
from materials.tests.factories import MaterialFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("vocabulary"),
]


def test_search_from_the_navigation_by_keyboard(page, live_server):
    search_index(MaterialFactory(title="Дробные числа. Урок для 5-го класса"))
    search_index(UserFactory(profile__about="Люблю дроби").profile)

    page.goto("/")
    # On a phone the search icon opens the field.
    if page.get_by_role("link", name="Поиск", exact=True).is_visible():
        page.get_by_role("link", name="Поиск", exact=True).click()
    page.get_by_label("Искать по сети").fill("дроби 5 класс")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")

    assert page.get_by_role(
        "link", name="Дробные числа. Урок для 5-го класса"
    ).is_visible()
    assert_accessible(page)
    page.get_by_label("Поиск", exact=True).fill("?!")
    page.get_by_label("Поиск", exact=True).press("Enter")
    page.wait_for_load_state()
    assert page.get_by_text("Напишите слово или число").is_visible()
    assert_accessible(page)
