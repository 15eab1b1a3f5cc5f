"""Tab leaves every Markdown text area for the form's button (WCAG 2.1.2)."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from conftest import browser_log_in
from forums.tests.factories import SectionFactory, TopicFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Past the text area come tags, checkboxes and the like; the profile has the
# most (every subject and grade is a checkbox of its own).
MAX_PRESSES = 80

# What the page is, the text area's id, the form button's name.
FORMS = [
    ("new topic", "forums:topic_create", "id_body", "Опубликовать"),
    ("reply", "topic", "id_body", "Отправить"),
    ("edit a post", "post_edit", "id_body", "Сохранить"),
    ("material", "materials:create", "id_description", "Сохранить"),
    ("profile", "accounts:settings_profile", "id_about", "Сохранить профиль"),
    ("blog post", "accounts:post_create", "id_body", "Опубликовать"),
    ("master-class", "masterclasses:create", "id_description", "Отправить"),
]


def press_tab_to_submit(page, textarea_id: str, button_name: str) -> int:
    """Type into the text area, then Tab until the button has the focus;
    Shift+Tab from the text area leaves it too."""
    editor = page.locator(f"#{textarea_id}")
    # markdownx has taken the text area over: its Tab handler is live.
    page.wait_for_selector(f"#{textarea_id}[data-markdownx-init]", state="attached")
    editor.click()
    page.keyboard.type("Дроби на пицце")
    button = (
        editor.locator("xpath=ancestor::form")
        .get_by_role("button", name=button_name)
        .first
    )
    for presses in range(1, MAX_PRESSES + 1):
        page.keyboard.press("Tab")
        if presses == 1:
            assert not editor.evaluate("node => node === document.activeElement"), (
                "Tab stayed in the text area"
            )
        if button.evaluate("node => node === document.activeElement"):
            break
    else:
        raise AssertionError(f"{MAX_PRESSES} presses of Tab never reached the button")
    # Shift+Tab leaves backwards, and un-indents nothing.
    editor.click()
    page.keyboard.press("Shift+Tab")
    assert not editor.evaluate("node => node === document.activeElement"), (
        "Shift+Tab stayed in the text area"
    )
    return presses


def test_tab_leaves_each_markdown_text_area_for_the_submit_button(page, live_server):
    author = UserFactory(profile__display_name="Анна Морозова")
    section = SectionFactory(title="Математика", slug="matematika")
    topic = TopicFactory(section=section, author=author, title="Дроби")
    opening = topic.posts.get(number=1)
    addresses = {
        "forums:topic_create": reverse("forums:topic_create", args=[section.slug]),
        "topic": topic.get_absolute_url(),
        "post_edit": reverse("forums:post_edit", args=[opening.pk]),
    }
    browser_log_in(page, live_server, author)
    for label, name, textarea_id, button_name in FORMS:
        page.goto(addresses.get(name) or reverse(name))
        press_tab_to_submit(page, textarea_id, button_name)
        value = page.locator(f"#{textarea_id}").input_value()
        assert "\t" not in value, f"{label}: Tab typed a tab character"
        assert value.endswith("Дроби на пицце"), label
