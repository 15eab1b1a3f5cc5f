"""A poll on a topic page in Chromium, at a phone's 320 px and a laptop's
width: voted in with the keyboard alone, no horizontal scrolling, axe
clean before and after the vote (the radio buttons a labelled group, the
results bars named by their answers)."""

import os
from pathlib import Path

import pytest

from accounts.tests.factories import UserFactory
from conftest import assert_accessible, browser_log_in
from contests.tests.helpers_polls import (
    counts,
    poll_made,
    polls_registered,  # noqa: F401 (autouse)
    topic_made,
    voters_made,
)

LONG_ANSWER = (
    "Оставить шестидневку для старших классов, а младшим перейти на пятидневку "
    "со следующего учебного года"
)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("vocabulary")
@pytest.mark.parametrize("width", [320, 1280])
def test_a_member_votes_with_the_keyboard_at_phone_and_laptop_widths(
    browser, live_server, width
):
    topic = topic_made(title="Пятидневка в нашей школе")
    poll = poll_made(
        topic, options=["Да", "Нет", LONG_ANSWER], question="Переходим на пятидневку?"
    )
    voters_made(poll, 3)
    member = UserFactory()
    context = browser.new_context(
        viewport={"width": width, "height": 800},
        base_url=live_server.url,
        locale="ru-RU",
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto(topic.get_absolute_url())
        browser_log_in(page, live_server, member)
        page.goto(topic.get_absolute_url())

        group = page.get_by_role("group", name="Переходим на пятидневку?")
        assert group.get_by_role("radio").count() == 3
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(page)

        group.get_by_role("radio", name="Да", exact=True).focus()
        page.keyboard.press("ArrowDown")  # to «Нет», checked as it goes
        page.keyboard.press("ArrowDown")  # to the long answer
        assert group.get_by_role("radio", name=LONG_ANSWER).is_checked()
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        assert focused == "Проголосовать"
        with page.expect_navigation():
            page.keyboard.press("Enter")

        assert counts(poll) == (4, [3, 0, 1])
        results = page.locator("#poll progress")
        assert results.count() == 3
        bar = page.get_by_role("progressbar", name=LONG_ANSWER)
        assert bar.get_attribute("value") == "25"
        assert "ваш выбор" in page.locator("#poll").inner_text().lower()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(page)
        folder = os.environ.get("KOLLEGI_SCREENSHOTS")
        if folder:
            page.locator("#poll").screenshot(
                path=str(Path(folder) / f"poll-{width}.png")
            )
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("vocabulary")
def test_the_new_poll_form_is_accessible_at_a_phone_s_width(browser, live_server):
    topic = topic_made()
    context = browser.new_context(
        viewport={"width": 320, "height": 800},
        base_url=live_server.url,
        locale="ru-RU",
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto(topic.get_absolute_url())
        browser_log_in(page, live_server, topic.author)
        page.goto(topic.get_absolute_url())
        with page.expect_navigation():
            page.get_by_role("link", name="Добавить опрос").click()

        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        assert_accessible(page)
        page.get_by_label("Вопрос").fill("Когда собираемся?")
        page.get_by_label("Варианты ответа").fill("Во вторник\nВ четверг")
        with page.expect_navigation():
            page.get_by_role("button", name="Добавить опрос").click()

        assert page.get_by_role("group", name="Когда собираемся?").is_visible()
        assert_accessible(page)
    finally:
        context.close()
