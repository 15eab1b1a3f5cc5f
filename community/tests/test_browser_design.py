"""The components page in a browser: axe, no overflow, target sizes.

A phone (360 px, touch: a coarse pointer) and a laptop (1280 px, mouse; and
with touch, as a tablet). On a coarse pointer the content's buttons are at
least 44 px high; everywhere every button, link that stands alone, checkbox
and radio button is at least 24 × 24 px (WCAG 2.5.8; links inside sentences
are exempt). Set KOLLEGI_SCREENSHOTS to a folder to keep a screenshot of each.
"""

import os
from pathlib import Path

import pytest

from accounts.tests.factories import UserFactory
from conftest import assert_accessible, browser_log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("vocabulary"),
]

# Every target of the content that is not a link inside running text, with its
# size; the browser rounds sub-pixel boxes, so half a pixel is allowed.
MEASURE = """
() => {
  const main = document.querySelector('#main');
  const selector = 'a[href], button, input[type=checkbox], input[type=radio]';
  return [...main.querySelectorAll(selector)]
    .filter((el) => el.getClientRects().length > 0)
    .filter((el) => getComputedStyle(el).display !== 'inline')
    .map((el) => {
      const box = el.getBoundingClientRect();
      return {
        text: (el.innerText || el.id || '').trim().slice(0, 40),
        tag: el.tagName.toLowerCase(),
        cls: el.className && el.className.baseVal === undefined ? el.className : '',
        width: box.width,
        height: box.height,
      };
    });
}
"""


@pytest.mark.parametrize(("width", "touch"), [(360, True), (1280, False), (1280, True)])
def test_components_page_sizes_and_accessibility(browser, live_server, width, touch):
    staff = UserFactory(is_staff=True)
    context = browser.new_context(
        viewport={"width": width, "height": 800},
        base_url=live_server.url,
        locale="ru-RU",
        has_touch=touch,
        is_mobile=touch,
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        page.goto("/")
        browser_log_in(page, live_server, staff)
        page.goto("/design/")
        assert page.get_by_role("heading", name="Компоненты", level=1).is_visible()
        assert page.evaluate("matchMedia('(pointer: coarse)').matches") is touch

        overflow = page.evaluate(
            "document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0, f"{overflow} px wider than the window"

        targets = page.evaluate(MEASURE)
        assert any(t["tag"] == "input" for t in targets)
        small = [t for t in targets if t["width"] < 23.5 or t["height"] < 23.5]
        assert not small, small

        buttons = [t for t in targets if "btn-primary" in t["cls"]]
        assert len(buttons) >= 4
        if touch:
            low = [
                t
                for t in targets
                if "btn" in t["cls"].split()
                and "btn-quiet" not in t["cls"]
                and t["height"] < 43.5
            ]
            assert not low, low
        else:
            # With a mouse the small buttons stay small (Bootstrap's 31 px).
            assert min(t["height"] for t in buttons) < 40

        # The whole card is its link's target: a click on its text follows it.
        card = page.locator(".ui-card-link").first
        box = card.bounding_box()
        assert box["height"] >= 44

        folder = os.environ.get("KOLLEGI_SCREENSHOTS")
        if folder:
            name = f"design-{width}{'-touch' if touch else ''}.png"
            # A full-page capture drops Chromium's touch emulation (the
            # buttons shrink back), so with touch only the window is taken.
            if touch:
                page.locator("#buttons").scroll_into_view_if_needed()
            page.screenshot(path=str(Path(folder) / name), full_page=not touch)

        assert_accessible(page)
        assert not problems, problems
    finally:
        context.close()
