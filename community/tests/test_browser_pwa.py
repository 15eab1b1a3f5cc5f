"""The service worker in Chromium, under the site's real Content Security
Policy: it registers, keeps a member's reading for offline (no more than the
cap, for her alone, never a visitor's), shows the offline page for the rest,
leaves posts and the admin to the network, and keeps nothing once she signs
out (``static/js/sw.js``, ``community.installable``)."""

import time

import pytest
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from accounts import services as accounts
from accounts.selectors_relations import bookmark_list_for_user
from accounts.tests.factories import UserFactory
from community.installable import reader_token
from community.models import PushDevice
from community.push import push_device_add
from conftest import VIEWPORTS, assert_accessible, browser_log_in, page_watched
from masterclasses import services as masterclasses
from masterclasses.tests.factories import MasterClassFactory
from materials.tests.factories import MaterialFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("vocabulary"),
]

# A registration that never comes fails the test, not the run: evaluate()
# waits on a promise without a time limit of its own.
READY = """() => Promise.race([
  navigator.serviceWorker.ready.then(registration => registration.scope),
  new Promise((_resolve, reject) =>
    setTimeout(() => reject(new Error("no service worker after 20 s")), 20000)),
])"""


def _worker_ready(page) -> str:
    """The worker's scope, once it is active for the page."""
    return page.evaluate(READY)


KEPT = """async (addresses) => {
  const names = (await caches.keys()).filter(n => n.startsWith("kollegi-pages-"));
  const found = [];
  for (const name of names) {
    const cache = await caches.open(name);
    for (const address of addresses) {
      if (await cache.match(address)) found.push(address);
    }
  }
  return found;
}"""
PAGE_CACHES = """async () =>
  (await caches.keys()).filter(name => name.startsWith("kollegi-pages-"))"""


@pytest.fixture
def fresh_page(browser, live_server):
    """A page of a context of its own (no worker from another test); fails on
    a CSP violation or a script error, as the shared ``page`` fixture does."""
    context = browser.new_context(
        viewport=VIEWPORTS["phone"],
        base_url=live_server.url,
        locale="ru-RU",
        service_workers="allow",
    )
    page, problems = page_watched(context)
    yield page
    context.close()
    assert not problems, f"errors in the browser: {problems}"


def _eventually(page, script: str, arg, expected, *, seconds: float = 20) -> None:
    """Wait until the page's ``script`` gives ``expected``: the worker keeps and
    drops pages in the background."""
    deadline = time.monotonic() + seconds
    while True:
        got = page.evaluate(script, arg)
        if got == expected or time.monotonic() > deadline:
            break
        page.wait_for_timeout(200)
    assert got == expected


def test_worker_registers_under_the_policy_and_keeps_her_reading_offline(
    fresh_page, live_server
):
    page = fresh_page
    member = UserFactory()
    material = MaterialFactory(title="Дроби на пальцах: карточки для 5 класса")
    accounts.bookmark_set(user=member, key="material", object_id=material.pk, on=True)
    masterclass = MasterClassFactory(title="Как объяснить проценты")
    masterclasses.register(masterclass=masterclass, user=member)
    not_kept = MaterialFactory(title="Не в закладках")

    page.goto("/")
    # The worker is allowed by worker-src 'self' and is at the root.
    scope = _worker_ready(page)
    assert scope == live_server.url + "/"
    browser_log_in(page, live_server, member)

    page.goto("/bookmarks/")
    _worker_ready(page)
    # Told who reads, the worker fetches her lists and what they link.
    addresses = [
        live_server.url + path
        for path in (
            "/bookmarks/",
            "/masterclasses/mine/",
            material.get_absolute_url(),
            masterclass.get_absolute_url(),
        )
    ]
    _eventually(page, KEPT, addresses, addresses)
    page.goto(not_kept.get_absolute_url())  # read online, not hers to keep
    page.wait_for_load_state("networkidle")

    page.context.set_offline(True)
    page.goto(material.get_absolute_url())
    assert page.locator("h1").inner_text() == material.title
    page.goto("/masterclasses/mine/")
    assert page.get_by_role("link", name="Как объяснить проценты").is_visible()
    page.goto(not_kept.get_absolute_url())
    assert page.locator("h1").inner_text() == "Нет соединения"
    page.goto("/forums/")
    assert page.locator("h1").inner_text() == "Нет соединения"
    assert page.get_by_role("link", name="Закладки").is_visible()
    assert_accessible(page)
    # The offline page named nobody: what was kept is still there.
    _eventually(page, KEPT, addresses, addresses)

    page.context.set_offline(False)
    page.goto("/accounts/logout/")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")
    _eventually(page, PAGE_CACHES, None, [])
    page.context.set_offline(True)
    page.goto(material.get_absolute_url())
    assert page.locator("h1").inner_text() == "Нет соединения"


def _registration_id(page) -> tuple[object, str]:
    """A DevTools session on the page, and its worker's registration."""
    session = page.context.new_cdp_session(page)
    found: list[str] = []
    session.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: found.extend(
            item["registrationId"]
            for item in event["registrations"]
            if not item.get("isDeleted")
        ),
    )
    session.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while not found and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert found, "no registration"
    return session, found[-1]


def test_every_push_shows_a_notification_even_one_it_cannot_read(
    fresh_page, live_server
):
    page = fresh_page
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    page.goto("/")
    _worker_ready(page)
    session, registration = _registration_id(page)
    shown = """() => navigator.serviceWorker.ready
      .then(registration => registration.getNotifications())
      .then(list => list.map(n => [n.title, n.body, n.tag, n.data.url, n.lang]))"""

    # As the push service delivers them: a payload of ours, then garbage.
    session.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": live_server.url,
            "registrationId": registration,
            "data": '{"title": "Коллеги", "body": "Ответ в теме «Дроби»", '
            '"tag": "reply:7", "url": "/forums/"}',
        },
    )
    _eventually(
        page,
        shown,
        None,
        [
            [
                "Коллеги",
                "Ответ в теме «Дроби»",
                "reply:7",
                f"{live_server.url}/forums/",
                "ru",
            ]
        ],
    )
    session.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": live_server.url, "registrationId": registration, "data": "\x00?"},
    )
    generic = [
        "Коллеги",
        "Для вас есть новое в «Коллегах».",
        "",
        f"{live_server.url}/notifications/",
        "ru",
    ]
    _eventually(page, f"async () => (await ({shown})()).length", None, 2)
    assert generic in page.evaluate(shown)


# --- How much is kept, and for whom -----------------------------------------------

KEYS = """async () => {
  const names = (await caches.keys()).filter(n => n.startsWith("kollegi-pages-"));
  const found = [];
  for (const name of names) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) found.push(new URL(request.url).pathname);
  }
  return found;
}"""
ALL_KEPT = """async () => {
  const found = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) found.push(request.url);
  }
  return found;
}"""
NO_CONNECTION = "Нет соединения"


def _controlled(page) -> None:
    """Wait until the worker answers this page's requests."""
    _worker_ready(page)
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()
    assert page.evaluate("!!navigator.serviceWorker.controller")


def _bookmarked(member, count: int) -> list:
    found = []
    for number in range(count):
        material = MaterialFactory(title=f"Читает {member.pk}: материал {number + 1}")
        accounts.bookmark_set(
            user=member, key="material", object_id=material.pk, on=True
        )
        found.append(material)
    return found


def test_at_most_the_cap_is_kept_the_oldest_first_the_lists_last(
    fresh_page, live_server, settings
):
    page = fresh_page
    # Four pages instead of fifty (test_pwa.py holds the default): two lists
    # and the two pages read last.
    settings.OFFLINE_MAX_PAGES = 4
    member = UserFactory()
    first, second, third = _bookmarked(member, 3)
    lists = ["/bookmarks/", "/masterclasses/mine/"]

    page.goto("/")
    _worker_ready(page)
    browser_log_in(page, live_server, member)
    page.goto("/")
    # Told who reads, the worker keeps her lists and what fits of the first.
    _eventually(page, f"async () => (await ({KEYS})()).length", None, 4)
    assert set(lists) <= set(page.evaluate(KEYS))
    for material in (first, second, third):
        page.goto(material.get_absolute_url())
        address = material.get_absolute_url()
        _eventually(page, f"async () => (await ({KEYS})()).at(-1)", None, address)

    # Six pages were kept: the oldest two went, the lists (older still) stayed.
    assert page.evaluate(KEYS) == [
        *lists,
        second.get_absolute_url(),
        third.get_absolute_url(),
    ]
    page.context.set_offline(True)
    page.goto(first.get_absolute_url())
    assert page.locator("h1").inner_text() == NO_CONNECTION
    page.goto(third.get_absolute_url())
    assert page.locator("h1").inner_text() == third.title
    page.goto("/bookmarks/")
    assert page.get_by_role("link", name=third.title).is_visible()


def test_a_post_goes_to_the_network_and_offline_fails_unkept_and_unsent(
    fresh_page, live_server
):
    page = fresh_page
    member = UserFactory()
    material = MaterialFactory(title="Задачи на движение")
    page.goto("/")
    browser_log_in(page, live_server, member)
    page.goto(material.get_absolute_url())
    _controlled(page)
    # A page's GET is the worker's to answer: the contrast for the posts below.
    assert page.goto(material.get_absolute_url()).from_service_worker

    with page.expect_response(
        lambda response: response.request.method == "POST"
    ) as posted:
        page.get_by_role("button", name="В закладки").click()
    assert posted.value.ok
    assert not posted.value.from_service_worker
    page.get_by_role("button", name="Убрать из закладок").wait_for()
    assert bookmark_list_for_user(user=member).count() == 1

    page.context.set_offline(True)
    # htmx sends the form again as a page, and the browser says it failed: no
    # answer made up by the worker, neither its offline page nor a copy.
    with (
        pytest.raises(PlaywrightError, match="ERR_INTERNET_DISCONNECTED"),
        page.expect_navigation(),
    ):
        page.get_by_role("button", name="Убрать из закладок").click()

    page.context.set_offline(False)
    page.goto(material.get_absolute_url())
    page.wait_for_timeout(1000)  # time enough for a post sent again
    assert bookmark_list_for_user(user=member).count() == 1
    assert page.get_by_role("button", name="Убрать из закладок").is_visible()
    assert not [address for address in page.evaluate(ALL_KEPT) if "/toggle/" in address]


def test_the_admin_is_never_kept_nor_answered_from_the_kept(
    fresh_page, live_server, moderator
):
    page = fresh_page
    page.goto("/")
    browser_log_in(page, live_server, moderator)
    page.goto("/")
    _controlled(page)
    assert page.goto("/admin/").ok
    page.goto("/")
    page.wait_for_load_state("networkidle")
    assert not [path for path in page.evaluate(KEYS) if path.startswith("/admin/")]

    # Even a copy found in her cache is not what the admin reads offline.
    page.evaluate(
        """async (reader) => {
          const cache = await caches.open("kollegi-pages-1-" + reader);
          await cache.put(new URL("/admin/", location.href).href, new Response(
            "<h1>Сохранённая админка</h1>",
            {headers: {"Content-Type": "text/html; charset=utf-8"}}
          ));
        }""",
        reader_token(moderator),
    )
    page.context.set_offline(True)
    # Answered, the address would read (the copy, or the offline page): it
    # fails as the network does.
    with pytest.raises(PlaywrightError, match=r"net::ERR_"):
        page.goto("/admin/")


def test_another_member_signing_in_finds_none_of_the_first_ones_pages(
    fresh_page, live_server
):
    page = fresh_page
    first, second = UserFactory(), UserFactory()
    (hers,) = _bookmarked(first, 1)
    (his,) = _bookmarked(second, 1)

    page.goto("/")
    _worker_ready(page)
    browser_log_in(page, live_server, first)
    page.goto("/")
    _eventually(
        page,
        KEYS,
        None,
        ["/bookmarks/", hers.get_absolute_url(), "/masterclasses/mine/"],
    )

    # Her session ended without signing out; he signs in on the same browser.
    browser_log_in(page, live_server, second)
    page.goto("/")
    _eventually(
        page,
        KEYS,
        None,
        ["/bookmarks/", his.get_absolute_url(), "/masterclasses/mine/"],
    )
    assert page.evaluate(PAGE_CACHES) == [f"kollegi-pages-1-{reader_token(second)}"]

    page.context.set_offline(True)
    page.goto(hers.get_absolute_url())
    assert page.locator("h1").inner_text() == NO_CONNECTION
    page.goto("/bookmarks/")
    assert page.get_by_role("link", name=his.title).is_visible()
    assert not page.get_by_role("link", name=hers.title).count()


def test_a_visitors_pages_are_never_kept_and_drop_a_members(fresh_page, live_server):
    page = fresh_page
    member = UserFactory()
    (material,) = _bookmarked(member, 1)
    masterclass = MasterClassFactory(title="Открытый урок")

    page.goto("/")
    _worker_ready(page)
    browser_log_in(page, live_server, member)
    page.goto("/")
    _eventually(page, f"async () => (await ({KEYS})()).length", None, 3)

    # Her session is over (it expired: no sign-out, header.js never ran).
    page.context.clear_cookies()
    for address in ("/", material.get_absolute_url(), masterclass.get_absolute_url()):
        page.goto(address)
        _controlled(page)
    page.goto("/bookmarks/")  # the sign-in page, for a visitor
    page.wait_for_load_state("networkidle")
    _eventually(page, PAGE_CACHES, None, [])

    page.context.set_offline(True)
    for address in (material.get_absolute_url(), masterclass.get_absolute_url()):
        page.goto(address)
        assert page.locator("h1").inner_text() == NO_CONNECTION
    assert page.evaluate(PAGE_CACHES) == []


# --- A narrow phone ----------------------------------------------------------------

NARROW = {"width": 320, "height": 640}
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def narrow_page(browser, live_server):
    context = browser.new_context(
        viewport=NARROW, base_url=live_server.url, locale="ru-RU"
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
    yield page
    context.close()
    assert not problems, f"errors in the browser: {problems}"


def test_the_offline_page_fits_a_narrow_phone(narrow_page):
    page = narrow_page
    page.goto("/offline/?lang=ru")

    assert page.locator("h1").inner_text() == NO_CONNECTION
    assert page.evaluate(OVERFLOW) == 0
    assert_accessible(page)


def test_the_devices_page_fits_a_narrow_phone(narrow_page, live_server, settings):
    page = narrow_page
    settings.PUSH_ENABLED = True
    settings.PUSH_VAPID_PUBLIC_KEY = "BPublicKeyForTheBrowser"
    settings.PUSH_VAPID_PRIVATE_KEY = "private"
    member = UserFactory()
    for number, label in enumerate(
        ("Chrome, Android, телефон в учительской", "Яндекс Браузер, Windows 11")
    ):
        push_device_add(
            user=member,
            endpoint=f"https://fcm.googleapis.com/fcm/send/{number}",
            p256dh="k",
            auth="a",
            label=label,
        )
    push_device_add(
        user=member,
        endpoint="https://fcm.googleapis.com/fcm/send/failing",
        p256dh="k",
        auth="a",
        label="Firefox, Linux",
    )
    PushDevice.objects.filter(label="Firefox, Linux").update(
        failures=5, disabled_at=timezone.now()
    )

    page.goto("/")
    browser_log_in(page, live_server, member)
    page.goto("/settings/devices/")

    assert page.get_by_role(
        "button", name="Включить уведомления на этом устройстве"
    ).is_visible()
    assert page.get_by_role("button", name="Удалить").count() == 3
    assert page.evaluate(OVERFLOW) == 0
    assert_accessible(page)
