"""Phones: the results on the first screen, tabs that show they scroll, and
touch targets on every main page.

At 360 × 800 with a touch screen the materials, the master-classes and the
directory show their first result on the first screen: the filters wait
behind «Фильтры (N)», which opens them in a panel from the side (with
JavaScript) or as the address's target (without); the applied filters are
chips above the results, each removing one. The profile's and the settings'
tabs stay on one line, scroll, fade at the edge that hides more, and bring the
current tab into view. On every main page each button, link that stands
alone and form control in the content is at least 24 × 24 px (WCAG 2.5.8;
links inside sentences are exempt) and each primary button at least 44 px
high. Set KOLLEGI_SCREENSHOTS to a folder to keep screenshots.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from accounts.tests.factories import UserFactory
from community import services
from community.models import Subject
from conftest import assert_accessible, browser_log_in
from forums.tests.factories import PostFactory, TopicFactory
from masterclasses.tests.factories import MasterClassFactory
from materials.tests.factories import MaterialFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("vocabulary"),
]

PHONE = {"width": 360, "height": 800}
LAPTOP = {"width": 1280, "height": 800}

# Every target in the content that is not a link inside running text, with
# its size; hidden ones (a closed panel) are left out. The browser rounds
# sub-pixel boxes, so half a pixel is allowed by the callers.
MEASURE = """
() => {
  const main = document.querySelector('#main');
  const selector = [
    'a[href]', 'button', 'summary', 'select', 'textarea',
    'input:not([type=hidden])', '[tabindex]:not([tabindex="-1"])',
  ].join(',');
  return [...main.querySelectorAll(selector)]
    .filter((el) => el.getClientRects().length > 0)
    .filter((el) => getComputedStyle(el).visibility !== 'hidden')
    .filter((el) => getComputedStyle(el).display !== 'inline')
    .map((el) => {
      const box = el.getBoundingClientRect();
      return {
        text: (el.innerText || el.name || el.id || '').trim().slice(0, 40),
        tag: el.tagName.toLowerCase(),
        cls: typeof el.className === 'string' ? el.className : '',
        width: box.width,
        height: box.height,
      };
    });
}
"""
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def _shot(page, name: str) -> None:
    folder = os.environ.get("KOLLEGI_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def _context(browser, live_server, viewport, *, touch=True, script=True):
    context = browser.new_context(
        viewport=viewport,
        base_url=live_server.url,
        locale="ru-RU",
        has_touch=touch,
        is_mobile=touch,
        java_script_enabled=script,
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
    return context, page, problems


def _lists():
    """Something in each list; the addresses filtered two ways, and the
    address of the first result."""
    maths = Subject.objects.get(slug="mathematics")
    author = UserFactory(profile__display_name="Анна Сергеевна Петрова")
    author.profile.subjects.add(maths)
    material = MaterialFactory(author=author, subject=maths)
    masterclass = MasterClassFactory(host=author, subject=maths)
    return {
        "materials": (
            f"/materials/?subject={maths.pk}&kind=lesson_plan",
            material.get_absolute_url(),
        ),
        "masterclasses": (
            f"/masterclasses/?subject={maths.pk}&format=online",
            masterclass.get_absolute_url(),
        ),
        "members": (
            f"/members/?subject={maths.pk}&region=tatarstan",
            f"/u/{author.username}/",
        ),
    }


@pytest.mark.parametrize("which", ["materials", "masterclasses", "members"])
def test_phone_first_result_on_the_first_screen(browser, live_server, which):
    address, result = _lists()[which]
    context, page, problems = _context(browser, live_server, PHONE)
    try:
        page.goto(address)
        toggle = page.locator(".ui-filters-toggle")
        assert toggle.is_visible()
        assert toggle.inner_text().strip() == "Фильтры (2)"
        assert toggle.bounding_box()["height"] >= 43.5
        # The form waits in the closed panel.
        assert not page.locator("#filters form").is_visible()
        first = page.locator(f"#main a[href='{result}']").first
        top = first.bounding_box()["y"]
        assert top < PHONE["height"], f"the first result starts at {top} px"
        assert page.locator(".ui-chip").count() == 2
        assert page.evaluate(OVERFLOW) <= 0
        _shot(page, f"{which}-360")
        assert_accessible(page)

        # The panel opens from the side, closes with Escape and gives the
        # focus back to its button.
        toggle.click()
        panel = page.locator("#filters")
        panel.locator("form").wait_for(state="visible")
        assert page.locator("#filters select[name=subject]").is_visible()
        page.wait_for_timeout(400)
        _shot(page, f"{which}-360-panel")
        assert_accessible(page)
        page.keyboard.press("Escape")
        panel.locator("form").wait_for(state="hidden")
        assert page.evaluate("document.activeElement.id") == "filters-toggle"
        assert not problems, problems
    finally:
        context.close()


@pytest.mark.parametrize("which", ["materials", "masterclasses", "members"])
def test_laptop_shows_the_form_in_the_page(browser, live_server, which):
    address, result = _lists()[which]
    context, page, problems = _context(browser, live_server, LAPTOP, touch=False)
    try:
        page.goto(address)
        assert not page.locator(".ui-filters-toggle").is_visible()
        assert page.locator("#filters form").is_visible()
        assert page.locator("#filters-heading").count() == 1
        assert page.locator(".ui-chip").count() == 2
        assert page.locator(f"#main a[href='{result}']").first.is_visible()
        assert page.evaluate(OVERFLOW) <= 0
        _shot(page, f"{which}-1280")
        assert_accessible(page)
        assert not problems, problems
    finally:
        context.close()


def test_filters_chosen_in_the_panel_become_chips_and_each_removes_one(
    browser, live_server
):
    _lists()
    maths = Subject.objects.get(slug="mathematics")
    context, page, problems = _context(browser, live_server, PHONE)
    try:
        page.goto("/materials/")
        assert page.locator(".ui-filters-toggle").inner_text().strip() == "Фильтры"
        assert page.locator(".ui-chip").count() == 0
        page.locator(".ui-filters-toggle").click()
        page.locator("#filters select[name=subject]").select_option(str(maths.pk))
        page.locator("#filters select[name=kind]").select_option("lesson_plan")
        page.locator("#filters select[name=sort]").select_option("rating")
        with page.expect_navigation():
            page.locator("#filters button[type=submit]").click()
        assert page.locator(".ui-filters-toggle").inner_text().strip() == "Фильтры (3)"
        chips = page.locator(".ui-chip")
        assert chips.count() == 3
        with page.expect_navigation():
            page.locator(".ui-chip", has_text="Тип").click()
        query = parse_qs(urlsplit(page.url).query)
        assert query == {"subject": [str(maths.pk)], "sort": ["rating"]}
        assert page.locator(".ui-chip").count() == 2
        assert page.locator(".ui-filters-toggle").inner_text().strip() == "Фильтры (2)"
        with page.expect_navigation():
            page.get_by_role("link", name="Сбросить все").click()
        assert urlsplit(page.url).path == "/materials/"
        assert urlsplit(page.url).query == ""
        assert page.locator(".ui-chip").count() == 0
        assert not problems, problems
    finally:
        context.close()


@pytest.mark.parametrize("which", ["materials", "masterclasses", "members"])
def test_without_javascript_the_filters_open_and_work_on_a_phone(
    browser, live_server, which
):
    address, result = _lists()[which]
    path = urlsplit(address).path
    context, page, _problems = _context(browser, live_server, PHONE, script=False)
    try:
        page.goto(path)
        assert page.evaluate(OVERFLOW) <= 0
        form = page.locator("#filters form")
        assert not form.is_visible()
        page.locator(".ui-filters-toggle").click()
        form.wait_for(state="visible")
        page.wait_for_timeout(400)
        box = page.locator("#filters select[name=subject]").bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"]
        _shot(page, f"{which}-360-nojs-panel")
        maths = Subject.objects.get(slug="mathematics")
        page.locator("#filters select[name=subject]").select_option(str(maths.pk))
        with page.expect_navigation():
            page.locator("#filters button[type=submit]").click()
        assert parse_qs(urlsplit(page.url).query)["subject"] == [str(maths.pk)]
        assert page.locator(".ui-filters-toggle").inner_text().strip() == "Фильтры (1)"
        assert not form.is_visible()
        assert page.locator(f"#main a[href='{result}']").first.bounding_box()["y"] < 800
        # The close link leaves the panel too.
        page.locator(".ui-filters-toggle").click()
        form.wait_for(state="visible")
        page.locator(".ui-filters-close").click()
        form.wait_for(state="hidden")
        with page.expect_navigation():
            page.locator(".ui-chip").first.click()
        assert page.locator(".ui-chip").count() == 0
    finally:
        context.close()


def test_scrolling_tabs_show_they_scroll_and_bring_the_current_one_into_view(
    browser, live_server
):
    member = UserFactory(profile__display_name="Анна Сергеевна Петрова")
    context, page, problems = _context(browser, live_server, PHONE)
    try:
        page.goto("/forums/")
        browser_log_in(page, live_server, member)
        # The last settings tab is current: scrolled to, the start fades.
        page.goto("/settings/account/")
        frame = page.locator("nav.ui-scroll-tabs")
        current = frame.locator("[aria-current=page]")
        box = current.bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"]
        assert frame.get_attribute("data-more-start") is not None
        assert page.evaluate(OVERFLOW) <= 0
        _shot(page, "settings-tabs-360")
        assert_accessible(page)

        # The profile's tabs: the first is current, the end fades; the
        # keyboard reaches the last tab, which scrolls into view.
        page.goto(f"/u/{member.username}/")
        frame = page.locator("nav.ui-scroll-tabs")
        assert frame.get_attribute("data-more-end") is not None
        assert frame.get_attribute("data-more-start") is None
        _shot(page, "profile-tabs-360")
        last = frame.locator("a").last
        last.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        page.wait_for_timeout(300)
        box = last.bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"] + 0.5
        assert frame.get_attribute("data-more-start") is not None
        assert_accessible(page)
        assert not problems, problems
    finally:
        context.close()


def _site():
    member = UserFactory(profile__display_name="Мария Ивановна Смирнова")
    author = UserFactory(profile__display_name="Анна Сергеевна Петрова")
    topic = TopicFactory(author=author, title="Как объяснить дроби пятиклассникам")
    PostFactory(topic=topic, author=member)
    material = MaterialFactory(author=author)
    masterclass = MasterClassFactory(host=author)
    for _ in range(3):
        services.notify(
            recipient=member, kind="follow", url="/", actor=UserFactory(), group=False
        )
    pages = {
        "home": "/",
        "forums": "/forums/",
        "section": topic.section.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "materials": "/materials/",
        "material": material.get_absolute_url(),
        "masterclasses": "/masterclasses/",
        "masterclass": masterclass.get_absolute_url(),
        "members": "/members/",
        "profile": f"/u/{author.username}/",
        "notifications": "/notifications/",
        "settings": "/settings/profile/",
    }
    return pages, member


def test_touch_targets_on_every_main_page(browser, live_server):
    pages, member = _site()
    context, page, problems = _context(browser, live_server, PHONE)
    try:
        page.goto("/forums/")
        browser_log_in(page, live_server, member)
        assert page.evaluate("matchMedia('(pointer: coarse)').matches")
        small, low = [], []
        for name, address in pages.items():
            page.goto(address)
            targets = page.evaluate(MEASURE)
            assert targets, name
            small += [
                (name, t) for t in targets if t["width"] < 23.5 or t["height"] < 23.5
            ]
            low += [
                (name, t)
                for t in targets
                if "btn-primary" in t["cls"].split() and t["height"] < 43.5
            ]
            assert page.evaluate(OVERFLOW) <= 0, name
            _shot(page, f"targets-{name}-360")
        assert not small, small
        assert not low, low
        assert not problems, problems
    finally:
        context.close()
