"""Embedded players in a real browser: nothing from another host before a
click, one player after it.

A topic with three embedded links (RuTube, VK Video, YouTube) is opened on
phones of 320 and 360 px (touch), desktops of 1280 and 1920 px, and at a
zoom of 125 % (the browser's zoom: fewer CSS pixels, more device pixels per
one). No card is wider than the window, none hides text in itself, and on a
touch screen the play control is at least 44 px high. The browser's network
log shows no request to
any host but the site's until a play control is pressed; then exactly one,
to that service's player, and a sandboxed frame stands where the control
was, with the focus in it. The services' hosts are answered by the test
itself (a tiny page), so nothing leaves the machine. From the keyboard, Tab
reaches a control and Enter plays. axe finds nothing; the Content Security
Policy is never violated.

Set KOLLEGI_SCREENSHOTS to a folder to keep a screenshot of each width.
"""

import io
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from community.embed_providers import FRAME_SOURCES, embed_match
from community.models import EmbedPreview
from conftest import assert_accessible
from forums.tests.factories import TopicFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("vocabulary"),
]

# (width of the window in device-independent pixels, zoom, a touch screen)
SCREENS = [
    (320, 1.0, True),
    (360, 1.0, True),
    (1280, 1.0, False),
    (1920, 1.0, False),
    (1280, 1.25, False),
    (360, 1.25, True),
    (320, 1.25, True),
]
# The least a finger can press (WCAG 2.5.5; the design's --k-target-touch).
TOUCH_TARGET = 44
# Each card's box, and how much wider its content is than the card itself (the
# card clips what does not fit, so the page's own width would not show it).
CARDS = """
() => [...document.querySelectorAll('[data-embed-card]')].map((card) => {
  const box = card.getBoundingClientRect();
  // What a screen reader alone reads (.visually-hidden) is clipped on purpose.
  const hidden = [card, ...card.querySelectorAll('*')]
    .filter((el) => el.getClientRects().length > 0)
    .filter((el) => !el.closest('.visually-hidden'))
    .map((el) => el.scrollWidth - el.clientWidth);
  // The control and its note stand inside the picture's frame.
  const frame = card.querySelector('.k-embed-frame').getBoundingClientRect();
  const inside = [...card.querySelectorAll('.k-embed-play-label, .k-embed-note')]
    .map((el) => el.getBoundingClientRect())
    .every((part) => part.top >= frame.top - 0.5 && part.bottom <= frame.bottom + 0.5);
  return {
    provider: card.dataset.provider,
    left: box.left,
    right: box.right,
    clipped: Math.max(...hidden),
    inside,
  };
})
"""
RUTUBE = "https://rutube.ru/video/0123456789abcdef0123456789abcdef/"
# VK's player needs the hash: a page link makes a card only with it.
VK = "https://vk.com/video-22822305_456241864?hash=9f8e7d6c"
YOUTUBE = "https://youtu.be/dQw4w9WgXcQ"
# Every player host, answered here: a page that asks for nothing more.
PLAYER_HOSTS = re.compile(
    "^(" + "|".join(re.escape(source) for source in FRAME_SOURCES) + ")/"
)
PLAYER_PAGE = "<!DOCTYPE html><title>Плеер</title><p>Плеер</p>"


def _picture() -> ContentFile:
    image = Image.new("RGB", (640, 360), (31, 78, 121))
    draw = ImageDraw.Draw(image)
    for step in range(0, 360, 24):
        draw.rectangle((0, step, 640, step + 12), fill=(38, 96, 148))
    draw.ellipse((420, 60, 600, 240), fill=(238, 243, 248))
    output = io.BytesIO()
    image.save(output, "JPEG", quality=85)
    return ContentFile(output.getvalue(), name="lesson.jpg")


def _topic():
    rutube, vk = embed_match(RUTUBE), embed_match(VK)
    EmbedPreview.objects.create(
        key=rutube.key,
        provider=rutube.provider,
        url=rutube.url,
        title="Дроби на пицце: урок в 5 классе",
        thumbnail=_picture(),
        status=EmbedPreview.Status.FETCHED,
    )
    EmbedPreview.objects.create(
        key=vk.key,
        provider=vk.provider,
        url=vk.url,
        title="Открытый урок: сложение дробей с разными знаменателями",
        status=EmbedPreview.Status.FETCHED,
    )
    # YouTube's: not fetched (yet), a plain card.
    return TopicFactory(
        title="Видео уроков о дробях",
        opening__body=(
            "Собрала записи уроков:\n\n"
            f"{RUTUBE}\n\n<{VK}>\n\n[{YOUTUBE}]({YOUTUBE})\n\nЧто скажете?"
        ),
    )


def _open(browser, live_server, width: int, zoom: float = 1.0, touch: bool = False):
    # A zoom of 125 % shows a window of width / 1.25 CSS pixels, each drawn
    # with 1.25 device pixels: the layout a zoomed page gets.
    context = browser.new_context(
        viewport={"width": round(width / zoom), "height": round(800 / zoom)},
        device_scale_factor=zoom,
        has_touch=touch,
        is_mobile=touch,
        base_url=live_server.url,
        locale="ru-RU",
    )
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    context.route(
        PLAYER_HOSTS,
        lambda route: route.fulfill(
            status=200, content_type="text/html; charset=utf-8", body=PLAYER_PAGE
        ),
    )
    # Kollegi's stored pictures, served as the web server serves /media/.
    context.route(
        re.compile(re.escape(live_server.url) + r"/media/"),
        lambda route: route.fulfill(
            path=str(Path(settings.MEDIA_ROOT) / urlsplit(route.request.url).path[7:])
        ),
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return context, page, requests, errors


def _elsewhere(requests: list[str], live_server) -> list[str]:
    own = urlsplit(live_server.url).netloc
    return [url for url in requests if urlsplit(url).netloc != own]


@pytest.mark.parametrize(
    ("width", "zoom", "touch"),
    SCREENS,
    ids=[f"{width}@{zoom}{'-touch' * touch}" for width, zoom, touch in SCREENS],
)
def test_no_request_leaves_before_play_and_one_player_after(
    browser, live_server, width, zoom, touch
):
    topic = _topic()
    context, page, requests, errors = _open(browser, live_server, width, zoom, touch)
    try:
        page.goto(topic.get_absolute_url())
        page.wait_for_load_state("networkidle")

        cards = page.locator("[data-embed-card]")
        assert cards.count() == 3
        assert page.locator("iframe").count() == 0
        assert _elsewhere(requests, live_server) == []
        # The stored picture is Kollegi's own, and it loaded.
        picture = page.locator("[data-provider=rutube] img.k-embed-thumb")
        assert picture.evaluate("img => img.complete && img.naturalWidth") == 640
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0, f"{overflow} px wider than the window"
        inner = page.evaluate("window.innerWidth")
        for card in page.evaluate(CARDS):
            assert card["left"] >= 0, card
            assert card["right"] <= inner + 0.5, card
            assert card["clipped"] <= 0, card
            assert card["inside"], card
        if touch:
            for control in page.locator("[data-embed-play]").all():
                for part in (control, control.locator(".k-embed-play-label")):
                    height = part.bounding_box()["height"]
                    assert height >= TOUCH_TARGET - 0.5, f"{height} px high"
        assert_accessible(page)
        folder = os.environ.get("KOLLEGI_SCREENSHOTS")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            cards.first.scroll_into_view_if_needed()
            name = f"embeds-{width}" + (f"@{zoom}" if zoom != 1 else "")
            page.screenshot(path=f"{folder}/{name}.png", full_page=True)

        with page.expect_request(PLAYER_HOSTS):
            page.locator("[data-provider=rutube] [data-embed-play]").click()
        page.wait_for_load_state("networkidle")

        elsewhere = _elsewhere(requests, live_server)
        assert elsewhere == [
            "https://rutube.ru/play/embed/0123456789abcdef0123456789abcdef/"
        ]
        frame = page.locator("[data-provider=rutube] iframe")
        assert frame.count() == 1
        assert frame.get_attribute("sandbox") == (
            "allow-scripts allow-same-origin allow-presentation allow-popups"
        )
        assert frame.get_attribute("referrerpolicy") == "strict-origin"
        assert page.evaluate("document.activeElement.tagName") == "IFRAME"
        assert page.locator("iframe[sandbox]").count() == 1
        assert page.locator("[data-provider=rutube] [data-embed-play]").count() == 0
        assert page.locator("[data-provider=rutube] img").count() == 0
        box = frame.bounding_box()
        assert abs(box["width"] / box["height"] - 16 / 9) < 0.05
        assert page.frame_locator("[data-provider=rutube] iframe").locator(
            "p"
        ).inner_text() == ("Плеер")
        assert not errors, errors
    finally:
        context.close()


def test_the_keyboard_reaches_a_control_and_plays_it(browser, live_server):
    topic = _topic()
    context, page, requests, errors = _open(browser, live_server, 360)
    try:
        page.goto(topic.get_absolute_url())
        page.wait_for_load_state("networkidle")
        control = page.locator("[data-provider=vk] [data-embed-play]")

        for _ in range(80):
            page.keyboard.press("Tab")
            if control.evaluate("element => element === document.activeElement"):
                break
        else:
            pytest.fail("Tab never reached the VK card's play control")
        assert _elsewhere(requests, live_server) == []
        with page.expect_request(PLAYER_HOSTS):
            page.keyboard.press("Enter")
        page.wait_for_load_state("networkidle")

        assert _elsewhere(requests, live_server) == [
            "https://vkvideo.ru/video_ext.php?oid=-22822305&id=456241864&hash=9f8e7d6c"
        ]
        assert page.locator("[data-provider=vk] iframe[sandbox]").count() == 1
        assert page.evaluate("document.activeElement.tagName") == "IFRAME"
        assert page.url.endswith(topic.get_absolute_url())  # still on the page
        assert not errors, errors
    finally:
        context.close()


def test_without_javascript_the_control_is_a_link_to_the_original(browser, live_server):
    topic = _topic()
    context = browser.new_context(
        base_url=live_server.url, locale="ru-RU", java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(topic.get_absolute_url())

        control = page.locator("[data-provider=youtube] [data-embed-play]")
        assert control.get_attribute("href") == (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
        )
        assert page.locator("iframe").count() == 0
    finally:
        context.close()
