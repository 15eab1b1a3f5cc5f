"""Small buttons without a page reload, and the same buttons without JavaScript.

With JavaScript, reacting, bookmarking, watching, following and marking all
read swap in the button (or the list) the server sends: the page is not
loaded again (a marker set on the window survives), the state and the count
change, the focus stays on the button, axe finds nothing, and the Content
Security Policy is never violated (no inline style, no eval). A refusal (a
banned member reacting) shows its reason under the button. Without
JavaScript, the same clicks post the page and come back to it changed.

Set KOLLEGI_SCREENSHOTS to a folder to keep a screenshot of each width.
"""

import os
from pathlib import Path

import pytest

from accounts.models import Bookmark, Follow
from accounts.tests.factories import UserFactory
from community import services as community
from community.models import Notification, Sanction
from community.sanctions import sanction_give
from conftest import assert_accessible, browser_log_in
from forums.models import Reaction, TopicWatch
from forums.tests.factories import PostFactory, TopicFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("vocabulary"),
]

WIDTHS = [360, 1280]
# Before any script of the page: every CSP violation the page meets.
WATCH_CSP = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def _site():
    member = UserFactory()
    author = UserFactory()
    topic = TopicFactory(author=author, title="Как объяснить дроби пятиклассникам")
    PostFactory(topic=topic, author=author)
    for _ in range(3):
        community.notify(
            recipient=member, kind="follow", url="/", actor=UserFactory(), group=False
        )
    return member, author, topic


def _open(browser, live_server, user, width: int, *, javascript: bool = True):
    context = browser.new_context(
        viewport={"width": width, "height": 800},
        base_url=live_server.url,
        locale="ru-RU",
        java_script_enabled=javascript,
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
    page.add_init_script(WATCH_CSP)
    browser_log_in(page, live_server, user)
    return context, page, errors


def _go(page, address: str) -> None:
    page.goto(address)
    page.wait_for_function("() => window.htmx !== undefined")
    # Gone if the page is loaded again.
    page.evaluate("window.notReloaded = true")


def _click(page, selector: str, *, keyboard: bool = False) -> None:
    if keyboard:
        page.focus(selector)
        page.keyboard.press("Enter")
    else:
        page.click(selector)


def _wait_for_new_text(page, selector: str, old: str) -> None:
    # A function, not an expression: Playwright would eval an expression,
    # which the page's CSP refuses.
    page.wait_for_function(
        "([selector, old]) => document.querySelector(selector).innerText !== old",
        arg=[selector, old],
    )


def _after_swap(page, selector: str, where: str) -> None:
    """No reload, the focus on the new button, no CSP violation."""
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.notReloaded") is True, f"{where}: page reloaded"
    focused = page.evaluate("document.activeElement && document.activeElement.id")
    assert f"#{focused}" == selector, f"{where}: the focus went to {focused!r}"
    assert page.evaluate("window.cspViolations") == [], where


def _screenshot(page, name: str) -> None:
    folder = os.environ.get("KOLLEGI_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_small_buttons_change_without_a_reload(browser, live_server, width):
    member, author, topic = _site()
    context, page, errors = _open(browser, live_server, member, width)

    # The topic: a reaction (by keyboard), the bookmark, watching.
    _go(page, topic.get_absolute_url())
    thanks = "#reaction-2-thanks"
    _click(page, thanks, keyboard=True)
    page.wait_for_selector(f'{thanks}[aria-pressed="true"]')
    assert page.inner_text(thanks).endswith("· 1")
    _after_swap(page, thanks, "reaction")
    _click(page, thanks)
    page.wait_for_selector(f'{thanks}[aria-pressed="false"]')
    assert page.inner_text(thanks).endswith("· 0")
    _after_swap(page, thanks, "reaction taken back")
    _click(page, "#reaction-2-useful")
    page.wait_for_selector('#reaction-2-useful[aria-pressed="true"]')
    _after_swap(page, "#reaction-2-useful", "useful")

    bookmark = f"#bookmark-topic-{topic.pk}"
    label = page.inner_text(bookmark)
    _click(page, bookmark)
    _wait_for_new_text(page, bookmark, label)
    _after_swap(page, bookmark, "bookmark")

    label = page.inner_text("#topic-watch")
    _click(page, "#topic-watch")
    _wait_for_new_text(page, "#topic-watch", label)
    _after_swap(page, "#topic-watch", "watch")
    assert_accessible(page)
    _screenshot(page, f"htmx-topic-{width}")

    assert Reaction.objects.filter(user=member, kind="useful").count() == 1
    assert not Reaction.objects.filter(user=member, kind="thanks").exists()
    assert Bookmark.objects.filter(user=member, object_id=topic.pk).exists()
    assert TopicWatch.objects.filter(user=member, topic=topic).exists()

    # A colleague's space: follow.
    _go(page, author.get_absolute_url())
    label = page.inner_text("#follow-button")
    _click(page, "#follow-button")
    page.wait_for_selector('input[name="action"][value="unfollow"]', state="attached")
    assert page.inner_text("#follow-button") != label
    # The profile's "N followers" says the new count, without a reload.
    page.wait_for_function(
        "document.querySelector('[data-follower-count]').textContent"
        ".includes('1 подписчик')"
    )
    _after_swap(page, "#follow-button", "follow")
    assert_accessible(page)
    _screenshot(page, f"htmx-follow-{width}")
    assert Follow.objects.filter(follower=member, followee=author).exists()

    # Notifications: mark all read; the list and the bell change.
    _go(page, "/notifications/")
    assert page.locator(".notification-unread").count() == 3
    _click(page, "#notifications-read-all")
    page.wait_for_selector(".notification-unread", state="detached")
    assert page.locator("#header-bell .badge").count() == 0
    assert page.locator("#main .messages").is_visible()
    _after_swap(page, "#notifications-read-all", "mark all read")
    assert_accessible(page)
    _screenshot(page, f"htmx-notifications-{width}")
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True)

    context.close()
    assert not errors, errors


def test_a_refusal_is_shown_under_the_button(browser, live_server, moderator):
    member, _author, topic = _site()
    context, page, errors = _open(browser, live_server, member, 1280)
    _go(page, topic.get_absolute_url())
    # Banned while the page is open: the click is refused, and says why.
    sanction_give(
        member=member,
        moderator=moderator,
        kind=Sanction.Kind.BAN,
        reason="Реклама в каждой теме",
    )
    _click(page, "#reaction-2-thanks")
    alert = page.wait_for_selector(".htmx-refusal[role=alert]")
    assert "Реклама в каждой теме" in alert.inner_text()
    assert page.get_attribute("#reaction-2-thanks", "aria-pressed") == "false"
    _after_swap(page, "#reaction-2-thanks", "refusal")
    assert_accessible(page)
    _screenshot(page, "htmx-refusal-1280")
    assert not Reaction.objects.exists()
    context.close()
    assert not errors, errors


@pytest.mark.parametrize("width", WIDTHS)
def test_without_javascript_the_buttons_post_the_page(browser, live_server, width):
    member, author, topic = _site()
    context, page, _errors = _open(
        browser, live_server, member, width, javascript=False
    )

    page.goto(topic.get_absolute_url())
    for selector in ["#reaction-2-thanks", f"#bookmark-topic-{topic.pk}"]:
        with page.expect_navigation():
            page.click(selector)
    page.wait_for_url(f"**{topic.get_absolute_url()}*")
    assert page.get_attribute("#reaction-2-thanks", "aria-pressed") == "true"
    with page.expect_navigation():
        page.click("#topic-watch")
    assert page.locator('input[name="watch"][value="0"]').count() == 1

    page.goto(author.get_absolute_url())
    with page.expect_navigation():
        page.click("#follow-button")
    assert page.locator('input[name="action"][value="unfollow"]').count() == 1

    page.goto("/notifications/")
    with page.expect_navigation():
        page.click("#notifications-read-all")
    assert page.locator(".notification-unread").count() == 0
    _screenshot(page, f"htmx-nojs-notifications-{width}")

    assert Reaction.objects.filter(user=member, kind="thanks").exists()
    assert Bookmark.objects.filter(user=member, object_id=topic.pk).exists()
    assert TopicWatch.objects.filter(user=member, topic=topic).exists()
    assert Follow.objects.filter(follower=member, followee=author).exists()
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True)
    context.close()
