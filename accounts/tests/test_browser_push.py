"""The «Включить уведомления на этом устройстве» button in a real browser.

Headless Chromium has no push service to subscribe to, and the service worker
is another page's concern; so where the browser would reach them, a script
run before the page stands in for the two (the worker's registration and its
push manager) and notes what the page asked of them. Everything of ours runs
for real: the permission prompt answered by the browser, the page's script
under the site's Content Security Policy, the POST with its CSRF header, the
server's answer and the list after the reload.
"""

import re

import pytest

from accounts.tests.factories import UserFactory
from community.models import PushDevice
from conftest import assert_accessible, browser_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUTTON = "Включить уведомления на этом устройстве"

# The worker's registration, with a push manager that hands out a made-up
# subscription; "pushAsked" in the session's storage keeps what the page
# asked for (across the reload).
FAKE_PUSH_SERVICE = """
(() => {
  const subscription = {
    toJSON: () => ({
      endpoint: "https://fcm.googleapis.com/fcm/send/browser-1",
      keys: {p256dh: "BKeyOfTheBrowser", auth: "secret"},
    }),
  };
  const registration = {
    pushManager: {
      getSubscription: () => Promise.resolve(null),
      subscribe: (options) => {
        sessionStorage.setItem("pushAsked", JSON.stringify({
          userVisibleOnly: options.userVisibleOnly,
          key: Array.from(options.applicationServerKey),
        }));
        return Promise.resolve(subscription);
      },
    },
  };
  Object.defineProperty(ServiceWorkerContainer.prototype, "ready", {
    get: () => Promise.resolve(registration),
  });
})();
"""

ASKED = "JSON.parse(sessionStorage.getItem('pushAsked'))"
NO_PUSH = "delete window.PushManager;"


@pytest.fixture
def push_on(settings):
    settings.PUSH_ENABLED = True
    # base64url of the bytes 1, 2, 3, 250, 251: the page turns it back into them.
    settings.PUSH_VAPID_PUBLIC_KEY = "AQID-vs"
    settings.PUSH_VAPID_PRIVATE_KEY = "private-key"


def _status(page) -> str:
    return page.locator("[data-push-status]").inner_text()


def test_turning_push_on_stores_the_device_and_lists_it(page, live_server, push_on):
    teacher = UserFactory()
    browser_log_in(page, live_server, teacher)
    page.context.grant_permissions(["notifications"])
    page.add_init_script(FAKE_PUSH_SERVICE)

    page.goto("/settings/devices/")
    assert_accessible(page)
    assert page.get_by_text("Пока ни одно устройство не получает уведомлений.").count()
    with page.expect_navigation():  # the script reloads the page
        page.get_by_role("button", name=BUTTON).click()

    page.get_by_text("Уведомления на этом устройстве включены.").wait_for()
    asked = page.evaluate(ASKED)
    assert asked == {"userVisibleOnly": True, "key": [1, 2, 3, 250, 251]}
    device = PushDevice.objects.get()
    assert device.user == teacher
    assert device.endpoint == "https://fcm.googleapis.com/fcm/send/browser-1"
    assert device.label.startswith("Chrome")
    remove = re.compile(rf"^Удалить\s*: {re.escape(device.label)}$")
    assert page.get_by_role("button", name=remove).count() == 1
    assert_accessible(page)


def test_a_browser_without_push_says_it_cannot(page, live_server, push_on):
    browser_log_in(page, live_server, UserFactory())
    page.add_init_script(NO_PUSH)

    page.goto("/settings/devices/")
    page.get_by_role("button", name=BUTTON).click()

    assert "не умеет получать уведомления" in _status(page)
    assert page.locator("[data-push-status]").get_attribute("aria-live") == "polite"
    assert not PushDevice.objects.exists()


def test_a_blocked_permission_says_how_to_allow_it(page, live_server, push_on):
    browser_log_in(page, live_server, UserFactory())
    page.add_init_script(FAKE_PUSH_SERVICE)
    # The member said no to the browser's question.
    page.add_init_script(
        "Notification.requestPermission = () => Promise.resolve('denied');"
    )

    page.goto("/settings/devices/")
    page.get_by_role("button", name=BUTTON).click()

    page.wait_for_function(
        "document.querySelector('[data-push-status]').textContent.includes('Разрешите')"
    )
    assert "запрещены в браузере" in _status(page)
    assert page.evaluate(ASKED) is None
    assert not PushDevice.objects.exists()
    # The button works again, for after she allows them.
    assert page.get_by_role("button", name=BUTTON).is_enabled()


def test_the_button_is_reached_and_pressed_from_the_keyboard(
    page, live_server, push_on
):
    browser_log_in(page, live_server, UserFactory())
    page.add_init_script(NO_PUSH)
    page.goto("/settings/devices/")

    for _press in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.hasAttribute('data-push-enable')"):
            break
    else:
        pytest.fail("the button is not reached with Tab")
    page.keyboard.press("Enter")

    assert "не умеет получать уведомления" in _status(page)
