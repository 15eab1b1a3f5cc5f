"""Avatars in a browser: the notifications page with pictures and initials at
a phone's and a laptop's width, and the copy the browser picks for its screen.

Set KOLLEGI_SCREENSHOTS to a folder to keep a screenshot of each.
"""

import io
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts import avatars
from accounts import services as accounts
from accounts.tests.factories import UserFactory
from community import services
from conftest import assert_accessible, browser_log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("vocabulary"),
]

NAMES = ["Анна Петрова", "Иван Соколов", "Марина Лебедева", "Олег Смирнов"]


def _picture() -> SimpleUploadedFile:
    output = io.BytesIO()
    Image.new("RGB", (500, 400), (30, 90, 160)).save(output, "JPEG")
    return SimpleUploadedFile("me.jpg", output.getvalue(), "image/jpeg")


@pytest.mark.parametrize(("width", "scale"), [(360, 2), (1280, 1)])
def test_notifications_show_faces_and_pick_the_copy_for_the_screen(
    browser, live_server, width, scale
):
    member = UserFactory(profile__display_name="Мария Сидорова")
    actors = [UserFactory(profile__display_name=name) for name in NAMES]
    with_picture = accounts.profile_avatar_set(
        profile=actors[0].profile, upload=_picture()
    ).avatar.name
    for actor in actors:
        services.notify(
            recipient=member, kind="follow", actor=actor, url="/", group=False
        )
    services.notify(recipient=member, kind="follow", url="/", group=False)
    context = browser.new_context(
        viewport={"width": width, "height": 800},
        device_scale_factor=scale,
        base_url=live_server.url,
        locale="ru-RU",
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto("/")
        browser_log_in(page, live_server, member)
        page.goto("/notifications/")

        overflow = page.evaluate(
            "document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0, f"{overflow} px wider than the window"
        rows = page.locator("main .list-group-item")
        assert rows.count() == 5
        # Each line has its circle, 32 px, beside the text.
        for index in range(5):
            box = rows.nth(index).locator(".avatar").bounding_box()
            assert box
            assert round(box["width"]) == round(box["height"]) == 32
        # The browser takes the copy for its screen: 48 px at 1x, 96 at 2x.
        wanted = avatars.variant_name(with_picture, 96 if scale == 2 else 48)
        source = page.locator("main img.avatar").evaluate("img => img.currentSrc")
        assert source.endswith("/media/" + wanted)
        # The header's initials: the member's own light colour.
        header = page.locator(".user-menu .avatar-initial")
        assert f"avatar-tone-{avatars.tone(member.pk)}" in header.get_attribute("class")
        assert_accessible(page)
        folder = os.environ.get("KOLLEGI_SCREENSHOTS")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{folder}/notifications-{width}.png", full_page=True)
    finally:
        context.close()
