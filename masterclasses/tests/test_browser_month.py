"""The month calendar and the list's cards in a browser.

At 360 px the month is an agenda: only the days with master-classes, each
under a heading with its weekday, nothing wider than the window, Sunday's
too. At 1280 px it is seven columns of equal width under the weekdays, the
first day under its weekday, however long a title. Both axe clean, each link
one tab stop. Set KOLLEGI_SCREENSHOTS to a folder to keep a screenshot of each.
"""

import datetime
import io
import os
import zoneinfo
from pathlib import Path

import pytest
from PIL import Image

from accounts.tests.factories import UserFactory
from conftest import assert_accessible, browser_log_in
from masterclasses.models import MasterClass, Registration
from masterclasses.tests.factories import MasterClassFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("vocabulary"),
]

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
LONG_TITLE = (
    "Как готовить девятиклассников к устному собеседованию по русскому языку: "
    "приёмы, тексты и критерии оценивания на примерах прошлых лет"
)


def _at(day: int, hour: int) -> datetime.datetime:
    return datetime.datetime(2030, 3, day, hour, 0, tzinfo=MOSCOW)


def _month() -> None:
    """March 2030 begins on a Friday; the 10th is a Sunday."""
    for day, hour, title in [
        (4, 16, "Дроби без страха"),
        (10, 11, "Воскресный разбор задач"),
        (10, 18, "Вечерняя физика"),
        (15, 15, LONG_TITLE),
        (31, 12, "Итоги месяца"),
    ]:
        MasterClassFactory(
            title=title,
            starts_at=_at(day, hour),
            ends_at=_at(day, hour) + datetime.timedelta(hours=1),
        )


def _page(browser, live_server, width: int):
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        base_url=live_server.url,
        locale="ru-RU",
        has_touch=width < 768,
        is_mobile=width < 768,
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page


def _shot(page, name: str) -> None:
    folder = os.environ.get("KOLLEGI_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _overflow(page) -> float:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _tab_stops(page) -> list[str]:
    """The addresses of the links in the calendar that Tab reaches, in order."""
    page.locator("#month-heading").evaluate("(el) => { el.tabIndex = -1; el.focus(); }")
    stops = []
    for _step in range(30):
        page.keyboard.press("Tab")
        inside = page.evaluate(
            "document.activeElement.closest('.mc-month') !== null"
            " || document.activeElement.rel === 'next'"
        )
        if not inside:
            break
        stops.append(page.evaluate("document.activeElement.getAttribute('href')"))
    return stops


def test_month_is_an_agenda_on_a_phone(browser, live_server):
    _month()
    context, page = _page(browser, live_server, 360)
    try:
        page.goto("/masterclasses/calendar/2030/3/")

        assert _overflow(page) <= 0
        assert not page.locator(".mc-weekdays").is_visible()
        days = page.get_by_role("heading", level=2)
        assert days.all_inner_texts() == [
            "Понедельник, 4 марта",
            "Воскресенье, 10 марта",
            "Пятница, 15 марта",
            "Воскресенье, 31 марта",
        ]
        assert page.locator(".mc-day").count() == 31
        assert page.locator(".mc-day:visible").count() == 4
        sunday = page.get_by_role("link", name="11:00 Воскресный разбор задач")
        assert sunday.is_visible()
        box = sunday.bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 360
        assert box["height"] >= 24
        # The long title wraps in full on a phone.
        assert page.get_by_text(LONG_TITLE).is_visible()

        stops = _tab_stops(page)
        assert len(stops) == len(set(stops)) == 6  # five master-classes, "next"
        assert_accessible(page)
        _shot(page, "month-360")
    finally:
        context.close()


def test_month_has_seven_equal_columns_on_a_laptop(browser, live_server):
    _month()
    context, page = _page(browser, live_server, 1280)
    try:
        page.goto("/masterclasses/calendar/2030/3/")

        assert _overflow(page) <= 0
        headers = page.locator(".mc-weekdays > span")
        assert headers.all_inner_texts() == ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"]
        columns = [headers.nth(index).bounding_box() for index in range(7)]
        # The week of 4 to 10 March, Monday to Sunday (two on Sunday); the long
        # title is on Friday the 15th.
        week = [
            page.locator(f'.mc-day time[datetime="2030-03-{day:02d}"]')
            .locator("xpath=ancestor::li[contains(@class, 'mc-day')]")
            .bounding_box()
            for day in range(4, 11)
        ]
        widths = [cell["width"] for cell in week]
        assert max(widths) - min(widths) <= 2, widths
        for cell, column in zip(week, columns, strict=True):
            assert abs(cell["x"] - column["x"]) <= 2
            assert abs(cell["width"] - column["width"]) <= 2
        friday = (
            page.locator('.mc-day time[datetime="2030-03-15"]')
            .locator("xpath=ancestor::li[contains(@class, 'mc-day')]")
            .bounding_box()
        )
        assert abs(friday["width"] - widths[0]) <= 2
        first = (
            page.locator('.mc-day time[datetime="2030-03-01"]')
            .locator("xpath=ancestor::li[contains(@class, 'mc-day')]")
            .bounding_box()
        )
        assert abs(first["x"] - columns[4]["x"]) <= 2  # a Friday
        main = page.locator("#main").bounding_box()
        assert week[6]["x"] + week[6]["width"] <= main["x"] + main["width"] + 1
        sunday = page.get_by_role("link", name="11:00 Воскресный разбор задач")
        assert sunday.is_visible()

        stops = _tab_stops(page)
        assert len(stops) == len(set(stops)) == 6
        assert_accessible(page)
        _shot(page, "month-1280")
    finally:
        context.close()


def _cover() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (1600, 900), (60, 120, 170)).save(output, "JPEG")
    return output.getvalue()


@pytest.mark.parametrize("width", [360, 1280])
def test_list_cards_fit_and_are_accessible(browser, live_server, width):
    member = UserFactory(profile__display_name="Ирина Соколова")
    host = UserFactory(profile__display_name="Анна Морозова")
    base = datetime.datetime.now(tz=MOSCOW).replace(
        hour=15, minute=0, second=0, microsecond=0
    ) + datetime.timedelta(days=3)
    registered = MasterClassFactory(
        title="Дроби без страха",
        host=host,
        cover="masterclasses/cover-1.jpg",
        capacity=20,
        registered_count=12,
        starts_at=base,
        ends_at=base + datetime.timedelta(hours=1),
    )
    MasterClassFactory(
        title=LONG_TITLE,
        host=host,
        format=MasterClass.Format.OFFLINE,
        venue="Гимназия № 2, актовый зал",
        room_url="",
        capacity=30,
        registered_count=30,
        starts_at=base + datetime.timedelta(days=1),
        ends_at=base + datetime.timedelta(days=1, hours=2),
    )
    MasterClassFactory(
        title="Физика на кухне",
        format=MasterClass.Format.HYBRID,
        venue="Лицей № 1",
        starts_at=base + datetime.timedelta(days=2),
        ends_at=base + datetime.timedelta(days=2, hours=1),
    )
    Registration.objects.create(
        masterclass=registered, user=member, status=Registration.Status.REGISTERED
    )
    cover = _cover()
    context, page = _page(browser, live_server, width)
    page.route(
        "**/media/masterclasses/**",
        lambda route: route.fulfill(status=200, content_type="image/jpeg", body=cover),
    )
    try:
        page.goto("/")
        browser_log_in(page, live_server, member)
        page.goto("/masterclasses/")

        assert _overflow(page) <= 0
        cards = page.locator(".mc-card")
        assert cards.count() == 3
        boxes = [cards.nth(index).bounding_box() for index in range(3)]
        if width == 360:
            assert len({round(box["x"]) for box in boxes}) == 1  # one column
        else:
            assert len({round(box["y"]) for box in boxes}) == 1  # side by side
        assert page.get_by_text("Вы записаны", exact=True).is_visible()
        # Her own place, not the seats others may still take.
        assert page.get_by_text("Осталось 8 мест").count() == 0
        assert page.get_by_text("Мест нет: лист ожидания").is_visible()
        image = page.locator("img.mc-cover")
        image.scroll_into_view_if_needed()
        page.wait_for_function(
            "document.querySelector('img.mc-cover').naturalWidth > 0"
        )
        assert_accessible(page)
        _shot(page, f"cards-{width}")
    finally:
        context.close()
