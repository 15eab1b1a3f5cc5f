"""The largest text size in a browser: the layout grows with it and still fits.

At 360 and 1280 px wide, a member reading at «ещё крупнее» opens the home
page, a topic and the materials catalogue: nothing runs past the right edge
and axe finds nothing serious. Set KOLLEGI_SCREENSHOTS to a folder to keep a
screenshot of each.
"""

import os
from pathlib import Path

import pytest

from accounts import services
from accounts.tests.factories import UserFactory
from conftest import assert_accessible, browser_log_in
from forums.tests.factories import PostFactory, TopicFactory
from materials.tests.factories import MaterialFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [360, 1280])
def test_the_largest_text_size_fits_the_width(browser, live_server, vocabulary, width):
    member = UserFactory(profile__display_name="Анна Морозова")
    services.profile_update(profile=member.profile, text_size="larger")
    topic = TopicFactory(
        title="Как объяснить дроби в пятом классе, чтобы поняли все",
        opening__body_html=(
            "<ul><li>Сначала — на глаз</li><li>Потом — на бумаге</li></ul>"
        ),
    )
    PostFactory(topic=topic, body_html="<p>Согласна, у нас так же.</p>")
    MaterialFactory(title="Дроби. Урок для 5 класса с рабочим листом")

    context = browser.new_context(
        viewport={"width": width, "height": 800}, locale="ru-RU"
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto(f"{live_server.url}/")
        browser_log_in(page, live_server, member)
        for name, path in (
            ("home", "/"),
            ("topic", topic.get_absolute_url()),
            ("materials", "/materials/"),
        ):
            page.goto(f"{live_server.url}{path}")
            root = page.evaluate("getComputedStyle(document.documentElement).fontSize")
            assert root == "20px", (name, root)  # 125 % of 16 px
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, (name, width, overflow)
            assert_accessible(page)
            folder = os.environ.get("KOLLEGI_SCREENSHOTS")
            if folder:
                page.screenshot(
                    path=str(Path(folder) / f"text-larger-{name}-{width}.png"),
                    full_page=True,
                )
    finally:
        context.close()


def test_the_admin_follows_the_text_size(browser, live_server, moderator):
    services.profile_update(profile=moderator.profile, text_size="larger")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/")
        browser_log_in(page, live_server, moderator)
        page.goto(f"{live_server.url}/admin/")
        assert (
            page.evaluate("getComputedStyle(document.documentElement).fontSize")
            == "20px"
        )
    finally:
        context.close()
