"""The header at every width a teacher's screen has, signed in and out.

Phones (320, 360), a tablet (768), laptops (1024, 1280, and 1366 at 125 %
zoom: 1093 CSS px; 1280 at 150 %: 853 CSS px) and a wide screen (1920): on
every main page the document is no wider than the window, the header keeps to
one line, and «Сообщения» and the bell with their counts, the member's menu and
search (signed in) or search and «Войти» (signed out) are inside the window
and take a click.

Set KOLLEGI_SCREENSHOTS to a folder to keep a screenshot of each width.
"""

import itertools
import os
from pathlib import Path

import pytest

from accounts import services as accounts
from accounts.tests.factories import UserFactory
from circles.tests.factories import CommunityFactory
from community import services
from conftest import assert_accessible, browser_log_in
from conversations.models import Participant
from conversations.services._common import (
    conversation_open,
    message_append,
    participant_add,
)
from forums.tests.factories import PostFactory, TopicFactory
from masterclasses.tests.factories import MasterClassFactory
from materials.tests.factories import MaterialFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("vocabulary"),
]

# (CSS width, device scale): what the page lays out at; 1366 px at 125 % zoom
# is 1093 CSS px, 1280 px at 150 % is 853.
SCREENS = [
    (320, 1),
    (360, 1),
    (768, 1),
    (1024, 1),
    (1280, 1),
    (1920, 1),
    (1093, 1.25),
    (853, 1.5),
]
HEIGHT = 720
LONG_NAME = "Мария-Антонина Константиновна Воскресенская-Преображенская"


def _site():
    """One of each main page; returns their addresses and the member."""
    member = UserFactory(profile__display_name=LONG_NAME)
    author = UserFactory()
    topic = TopicFactory(author=author, title="Как объяснить дроби пятиклассникам")
    PostFactory(topic=topic, author=member)
    material = MaterialFactory(author=author)
    masterclass = MasterClassFactory(host=author)
    community = CommunityFactory(founder=author, name="Учителя математики Подмосковья")
    for _ in range(12):
        services.notify(
            recipient=member, kind="follow", url="/", actor=UserFactory(), group=False
        )
    # Unread messages: «Сообщения» shows its count beside the bell's.
    for number in range(12):
        conversation = conversation_open(owner=author, subject=f"Вопрос {number}")
        participant_add(
            conversation=conversation, user=member, status=Participant.Status.ACTIVE
        )
        message_append(conversation=conversation, author=author, body="Здравствуйте")
    addresses = [
        "/",
        "/forums/",
        topic.section.get_absolute_url(),
        topic.get_absolute_url(),
        "/materials/",
        material.get_absolute_url(),
        "/masterclasses/",
        masterclass.get_absolute_url(),
        "/communities/",
        community.get_absolute_url(),
        "/members/",
        f"/u/{author.username}/",
        "/notifications/",
        "/search/?q=дроби",
    ]
    return addresses, member


# The header's items side by side (the sections' list by its items).
BAR_ITEMS = ".site-header-bar > :visible:not(.nav-primary), .nav-primary > li:visible"
# What is wider than its box, for the message of a failed check.
WIDER = """[...document.querySelectorAll('body *')].filter(
  e => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 1
).slice(-4).map(e => e.tagName + '.' + e.className + ' ' + e.scrollWidth)"""


def _inside(page, locator, what: str, where: str) -> None:
    """Visible, wholly inside the window, and clickable (nothing covers it)."""
    assert locator.count() == 1, f"{where}: {what} found {locator.count()} times"
    assert locator.is_visible(), f"{where}: {what} is hidden"
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    outside = f"{where}: {what} is outside the window ({box})"
    assert box["x"] >= 0, outside
    assert box["x"] + box["width"] <= width, outside
    assert box["y"] >= 0, outside
    assert box["y"] + box["height"] <= HEIGHT, outside
    locator.click(trial=True, timeout=2_000)


def _check_header(page, *, signed_in: bool, where: str) -> None:
    width = page.viewport_size["width"]
    document = page.evaluate("document.documentElement.scrollWidth")
    assert document <= width, f"{where}: the page is {document} px wide: " + str(
        page.evaluate(WIDER)
    )
    header = page.locator("body > header")
    # One line: the sections never wrap and nothing in the bar is cut off.
    assert header.bounding_box()["height"] <= 64, f"{where}: the header wraps"
    for link in header.locator(".nav-primary a:visible").all():
        box = link.bounding_box()
        assert box["height"] <= 48, f"{where}: {link.inner_text()} wraps"
        assert box["x"] + box["width"] <= width, f"{where}: {link.inner_text()}"
    # Nothing in the bar overlaps its neighbour.
    boxes = sorted(
        (box["x"], box["x"] + box["width"])
        for box in (item.bounding_box() for item in header.locator(BAR_ITEMS).all())
        if box and box["width"] > 1
    )
    for (_, right), (left, _) in itertools.pairwise(boxes):
        assert left >= right - 1, f"{where}: the bar's items overlap ({boxes})"
    search = header.locator(".search-toggle:visible, #site-search:visible")
    _inside(page, search, "search", where)
    if signed_in:
        _inside(page, header.locator(".header-messages"), "«Сообщения»", where)
        _inside(
            page,
            header.locator(".header-messages .badge"),
            "the messages' count",
            where,
        )
        _inside(page, header.locator(".header-bell"), "the bell", where)
        _inside(page, header.locator(".header-bell .badge"), "the unread count", where)
        _inside(page, header.locator("#user-menu"), "the member's menu", where)
    else:
        login = header.get_by_role("link", name="Войти", exact=True)
        _inside(page, login, "«Войти»", where)


def _screenshot(page, name: str) -> None:
    folder = os.environ.get("KOLLEGI_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


@pytest.mark.parametrize("signed_in", [True, False], ids=["member", "visitor"])
def test_the_header_fits_every_width_on_every_main_page(
    browser, live_server, signed_in
):
    addresses, member = _site()
    role = "member" if signed_in else "visitor"
    for width, scale in SCREENS:
        context = browser.new_context(
            viewport={"width": width, "height": HEIGHT},
            device_scale_factor=scale,
            base_url=live_server.url,
            locale="ru-RU",
        )
        page = context.new_page()
        page.set_default_timeout(20_000)
        try:
            if signed_in:
                browser_log_in(page, live_server, member)
            for number, address in enumerate(addresses):
                page.goto(address)
                where = f"{role} {width}@{scale} {address}"
                _check_header(page, signed_in=signed_in, where=where)
                if number == 0:
                    assert_accessible(page)
                    _screenshot(page, f"{role}-{width}@{scale}")
        finally:
            context.close()


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        viewport={"width": 360, "height": HEIGHT},
        base_url=live_server.url,
        locale="ru-RU",
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if message.type == "error" else None
        ),
    )
    yield page
    context.close()
    assert not errors


def test_the_menus_work_from_the_keyboard_on_a_phone(phone, live_server):
    member = UserFactory(profile__display_name=LONG_NAME)
    accounts.profile_update(profile=member.profile, display_name=LONG_NAME)
    services.notify(recipient=member, kind="follow", url="/", actor=UserFactory())
    browser_log_in(phone, live_server, member)
    phone.goto("/forums/")

    # Tab reaches, in order: skip link, site name, menu, search, messages,
    # bell, own menu.
    order = []
    for _ in range(7):
        phone.keyboard.press("Tab")
        order.append(
            phone.evaluate(
                "document.activeElement.id || document.activeElement.className"
            )
        )
    assert order[0].startswith("visually-hidden-focusable")
    assert order[1:] == [
        "navbar-brand fw-semibold",
        "nav-more",
        "header-button search-toggle",
        "header-messages",
        "header-bell",
        "user-menu",
    ]
    assert phone.locator(".header-bell .badge").inner_text().startswith("1")

    # The sections menu: Enter opens it, Escape closes it and keeps the focus.
    phone.focus("#nav-more")
    phone.keyboard.press("Enter")
    sections = phone.locator(".nav-more .header-dropdown")
    assert sections.get_by_role("link", name="Мастер-классы").is_visible()
    assert (
        sections.get_by_role("link", name="Форумы").get_attribute("aria-current")
        == "page"
    )
    phone.keyboard.press("Escape")
    assert not sections.is_visible()
    assert phone.evaluate("document.activeElement.id") == "nav-more"

    # The member's menu: Space opens it (and closes the other), Escape closes it.
    phone.focus("#user-menu")
    phone.keyboard.press("Space")
    own = phone.locator(".user-menu .header-dropdown")
    assert own.get_by_role("link", name="Выйти").is_visible()
    assert own.get_by_text(LONG_NAME).is_visible()
    _inside(phone, own.get_by_role("link", name="Выйти"), "«Выйти»", "phone")
    phone.keyboard.press("Escape")
    assert not own.is_visible()
    assert phone.evaluate("document.activeElement.id") == "user-menu"

    # Search: the icon opens a full-width field with the cursor in it.
    phone.get_by_role("link", name="Поиск", exact=True).click()
    field = phone.get_by_label("Искать по сети")
    assert field.is_visible()
    assert phone.evaluate("document.activeElement.id") == "site-search"
    assert field.bounding_box()["width"] > 200
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(phone)
    phone.keyboard.press("Escape")
    assert not field.is_visible()
    phone.get_by_role("link", name="Поиск", exact=True).click()
    field.fill("дроби")
    field.press("Enter")
    phone.wait_for_url("**/search/?q=*")


def test_the_header_works_without_javascript(browser, live_server):
    context = browser.new_context(
        viewport={"width": 360, "height": HEIGHT},
        base_url=live_server.url,
        locale="ru-RU",
        java_script_enabled=False,
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto("/forums/")
        page.locator("#nav-more").click()
        page.locator(".nav-more").get_by_role("link", name="Материалы").click()
        page.wait_for_url("**/materials/")
        page.get_by_role("link", name="Поиск", exact=True).click()
        page.wait_for_url("**/search/")
        assert page.locator("main input[name=q]").is_visible()
    finally:
        context.close()
