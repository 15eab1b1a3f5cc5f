"""Fixtures shared by every app's tests."""

import threading

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection, connections
from django.test import TestCase, TransactionTestCase

from accounts.tests.factories import UserFactory

if "replica" in settings.DATABASES:
    # The replica's alias is a second connection to the test database
    # (community/settings/test.py): a transactional test's visitor pages read
    # through it. A TestCase's run inside its transaction, on the primary.
    TransactionTestCase.databases = {"default", "replica"}
    TestCase.databases = {"default"}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test databases, and their end behind pgbouncer: it keeps its
    server connections to a test database open after the suite, and
    PostgreSQL drops no database anyone is connected to. Nothing but this
    run is, so they are ended first."""
    yield
    if connection.vendor != "postgresql":
        return
    name = connection.settings_dict["NAME"]
    with django_db_blocker.unblock():
        connections.close_all()
        with connection._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Each test: its own media folder and an empty cache (rate limits live there)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    caches["fragments"].clear()
    yield
    cache.clear()
    caches["fragments"].clear()


@pytest.fixture(autouse=True, scope="session")
def _live_server_one_request_at_a_time():
    """The browser tests' live server answers one request at a time.

    Its threads share the test database's one connection (SQLite in memory):
    two requests at once — a reply sent while the editor's preview is asked
    for — would commit while the other's statement is still open ("cannot
    commit transaction - SQL statements in progress"), a 503 no real server
    gives. The test client does not go through this handler.
    """
    from django.core.handlers.wsgi import WSGIHandler

    one_at_a_time = threading.Lock()
    answer = WSGIHandler.__call__

    def serial(self, environ, start_response):
        with one_at_a_time:
            return answer(self, environ, start_response)

    WSGIHandler.__call__ = serial
    yield
    WSGIHandler.__call__ = answer


@pytest.fixture
def member(db):
    """A member with a confirmed e-mail address and a profile."""
    return UserFactory()


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def moderator(db):
    from accounts import services

    user = UserFactory()
    return services.user_grant_role(user=user, role=services.MODERATORS)


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def vocabulary(db):
    """Subjects and grades, and the growth framework, for transactional tests.

    The data migrations fill them, but a transactional test empties every
    table when it ends; a later transactional test puts them back with this.
    """
    from community.models import Grade, Subject
    from community.vocabulary import vocabulary_fill
    from growth.framework_data import framework_load, framework_read

    vocabulary_fill(Subject, Grade)
    framework_load(framework_read(1))


# --- Browser tests ------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {
    "phone": {"width": 375, "height": 740},
    "desktop": {"width": 1280, "height": 800},
}


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; never a downloaded browser."""
    import os

    if not os.path.exists(CHROMIUM):
        reason = (
            f"browser tests need Debian's Chromium at {CHROMIUM} "
            "(apt-get install -y chromium)"
        )
        if os.environ.get("KOLLEGI_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls a
    # test makes between browser steps are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        # Every page asks for reduced motion, so Bootstrap's transitions are
        # off: axe measured a button's contrast halfway through its hover fade.
        new_context = chromium.new_context

        def still_context(**options):
            options.setdefault("reduced_motion", "reduce")
            return new_context(**options)

        chromium.new_context = still_context
        yield chromium
        chromium.close()


def page_watched(context) -> tuple:
    """A new page of ``context`` and the list of what went wrong in it: a
    Content Security Policy violation or a script error (the fixtures that
    hand out pages fail on any). Timeouts are generous: two test workers and
    Chromium share two cores in CI."""
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page, problems


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser, live_server):
    """A fresh page at phone or desktop width; fails on a CSP violation."""
    context = browser.new_context(
        viewport=VIEWPORTS[request.param], base_url=live_server.url, locale="ru-RU"
    )
    page, problems = page_watched(context)
    yield page
    context.close()
    assert not problems, f"errors in the browser: {problems}"


def assert_accessible(page, *, read_style_sheets: bool = True) -> None:
    """Fail on any serious or critical axe-core violation on the current page.

    ``read_style_sheets=False`` for a page whose style sheets ``@import``
    others (Django admin's forms): axe reads those through ``<style>``
    elements of its own, which the Content Security Policy rightly blocks.
    Only the orientation-lock rule needs them.
    """
    from axe_playwright_python.sync_playwright import Axe

    options = {"resultTypes": ["violations"]}
    if not read_style_sheets:
        options["preload"] = False
    # The whole page, not the part parsed so far: a click on a link returns
    # once the navigation has begun, and the service worker streams pages.
    page.wait_for_load_state("load")
    results = Axe().run(page, options=options)
    bad = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{page.url}: " + "; ".join(bad)


def browser_log_in(page, live_server, user) -> None:
    """Sign the browser in as ``user`` without going through the form."""
    from django.conf import settings
    from django.test import Client

    # The live server shares SQLite's connection with this thread: let the
    # browser's last requests (a favicon, a late fetch) finish before writing.
    page.wait_for_load_state("networkidle")

    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session,
                "url": live_server.url,
            }
        ]
    )
