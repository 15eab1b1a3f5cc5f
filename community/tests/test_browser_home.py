"""The home page in a browser, on a phone (360 × 800, touch) and a laptop (1280).

A member's news is on the first screen: the greeting is one line, the summary
of what waits for her a line or two, and the feed's first item and her first
block follow within 800 px — no introduction in front of them. A visitor gets
the introduction and the network's recent content. Both: axe clean, nothing
wider than the window. Set KOLLEGI_SCREENSHOTS to a folder to keep a
screenshot of each.
"""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from accounts import services as accounts
from accounts.tests.factories import UserFactory
from community import services as community
from conftest import assert_accessible, browser_log_in
from forums.models import Topic
from forums.tests.factories import TopicFactory
from masterclasses.models import Registration
from masterclasses.tests.factories import MasterClassFactory
from materials.models import ReviewAssignment, ReviewRound
from materials.tests.factories import MaterialFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("vocabulary"),
]

HEIGHT = 800
LONG_TITLE = "Как объяснить пятиклассникам десятичные дроби через деньги и измерения"


def _site():
    """A colleague's posts, topics, a material and a master-class; an expert
    member registered for it, with a review to write and unread notices."""
    colleague = UserFactory(
        profile__display_name="Ольга Петровна Смирнова",
        date_joined=timezone.now() - datetime.timedelta(days=60),
    )
    member = accounts.user_grant_role(
        user=UserFactory(profile__display_name="Анна Сергеевна Морозова"),
        role=accounts.EXPERTS,
    )
    accounts.follow_create(follower=member, followee=colleague)
    for number in range(6):
        accounts.post_create(
            author=colleague, title=f"{LONG_TITLE} ({number})", body="x", publish=True
        )
    TopicFactory(author=colleague, kind=Topic.Kind.QUESTION, title=LONG_TITLE)
    masterclass = MasterClassFactory(host=colleague, title="Дроби на пальцах")
    Registration.objects.create(
        masterclass=masterclass, user=member, status=Registration.Status.REGISTERED
    )
    material = MaterialFactory(author=colleague, title="Урок про проценты")
    ReviewAssignment.objects.create(
        round=ReviewRound.objects.create(
            material=material, version=material.current_version
        ),
        reviewer=member,
        due_at=timezone.now() + datetime.timedelta(days=5),
    )
    community.notify(recipient=member, kind="follow", url="/", actor=colleague)
    return member


def _page(browser, live_server, width: int):
    touch = width < 768
    context = browser.new_context(
        viewport={"width": width, "height": HEIGHT},
        base_url=live_server.url,
        locale="ru-RU",
        has_touch=touch,
        is_mobile=touch,
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page


def _no_overflow(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{overflow} px wider than the window"


def _screenshot(page, name: str) -> None:
    folder = os.environ.get("KOLLEGI_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [360, 1280])
def test_member_home_shows_her_news_on_the_first_screen(browser, live_server, width):
    member = _site()
    context, page = _page(browser, live_server, width)
    try:
        page.goto("/")
        browser_log_in(page, live_server, member)
        page.goto("/")

        assert page.locator("#main .hero").count() == 0
        first_news = page.locator("#feed-heading + * li, #feed-heading ~ ul li").first
        first_block = page.locator("#home-masterclasses .ui-row").first
        for what, locator in (("news", first_news), ("block", first_block)):
            box = locator.bounding_box()
            if width >= 992 or what == "news":
                # The feed (and, beside it on a wide screen, her blocks) on
                # the first screen.
                assert box["y"] + box["height"] <= HEIGHT, f"{what} at {box}"
        if width < 992:
            # The phone's summary above the feed leads to each waiting block.
            summary = page.get_by_role("navigation", name="Ждёт вас")
            assert summary.is_visible()
            assert summary.bounding_box()["y"] < first_news.bounding_box()["y"]
            summary.get_by_role("link", name="1 рецензия ждёт вас").click()
            page.wait_for_url("**/#home-reviews")
        _no_overflow(page)
        assert_accessible(page)
        _screenshot(page, f"home-member-{width}")
    finally:
        context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_visitor_home_introduces_the_network_with_recent_content(
    browser, live_server, width
):
    _site()
    context, page = _page(browser, live_server, width)
    try:
        page.goto("/")

        assert page.locator("#main .hero").is_visible()
        recent = page.locator("section[aria-labelledby=recent-heading]")
        assert recent.get_by_role("link", name=LONG_TITLE).is_visible()
        assert recent.get_by_role("link", name="Урок про проценты").is_visible()
        assert recent.get_by_role("link", name="Дроби на пальцах").is_visible()
        _no_overflow(page)
        assert_accessible(page)
        _screenshot(page, f"home-visitor-{width}")
    finally:
        context.close()
