"""Two web hosts on one PostgreSQL and one Redis: what scaling out relies on.

Two gunicorn processes, started as production starts them (the production
settings, deploy/gunicorn.conf.py), and a Celery worker share the test
database and this pytest worker's Redis database. Requests are plain HTTP as
nginx passes them on (``X-Forwarded-Proto: https``), so the cookies are
``Secure`` and are kept here by hand. One test, one boot of the processes: a
member signs in on one host and is known on the other, a write through one
host refreshes the search counts the other has cached, and the task that
write enqueued is run by the worker.

Runs where DATABASE_URL points at PostgreSQL and REDIS_URL at Redis (.ci/run);
skipped, with that reason, on the embedded default.
"""

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.cache import cache
from django.db import connection

from accounts.tests.factories import PASSWORD, UserFactory
from community import search
from community.models import BadgeAward
from community.tests.processes import celery_worker_command
from forums.models import Topic
from forums.tests.factories import SectionFactory, TopicFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)
LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")
START_SECONDS = 30


def _needs_services() -> None:
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)")


def _wait_for(predicate, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _production_env(tmp_path: Path, static_root: Path) -> dict[str, str]:
    """The environment of a production host, on this test's database and Redis."""
    db = connection.settings_dict
    env = {
        key: value
        for key, value in os.environ.items()
        # Nothing of the calling shell's configuration leaks in.
        if not key.startswith(("DJANGO_", "GUNICORN_"))
        and key
        not in {
            "DATABASE_URL",
            "DATABASE_REPLICA_URL",
            "REDIS_URL",
            "EMAIL_URL",
            "PYTEST_XDIST_WORKER",
        }
    }
    password = quote(db["PASSWORD"] or "", safe="")
    env.update(
        DJANGO_SETTINGS_MODULE="community.settings.production",
        DJANGO_SECRET_KEY="two-hosts-test-key-" + "k" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        # The hosts write to the very database this test reads from...
        DATABASE_URL=(
            f"postgres://{db['USER']}:{password}@{db['HOST'] or '127.0.0.1'}"
            f":{db['PORT'] or 5432}/{db['NAME']}"
        ),
        # ...and use this pytest worker's own Redis database (settings.test).
        REDIS_URL=settings.CELERY_BROKER_URL,
        # ...under this run's prefix: its cache keys and queues, no other run's.
        DJANGO_REDIS_PREFIX=settings.REDIS_PREFIX,
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        DJANGO_MATERIALS_FILES_ROOT=str(tmp_path / "materials"),
        # A new member's first topic is published at once (no moderator here).
        DJANGO_MODERATION_PREMODERATED_POSTS="0",
        DJANGO_LOG_LEVEL="WARNING",
        GUNICORN_BIND="127.0.0.1:0",  # a free port, chosen by the kernel
        GUNICORN_WORKERS="1",
    )
    return env


@pytest.fixture(scope="session")
def static_root(tmp_path_factory) -> Path:
    """collectstatic, once: the production storage needs its manifest."""
    root = tmp_path_factory.mktemp("static")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "community.settings.production",
        "DJANGO_SECRET_KEY": "two-hosts-test-key-" + "k" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(root),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    return root


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path
    port: int = 0
    # gunicorn: SIGINT is its quick shutdown (TERM waits for a quiet moment).
    stop_signal: int = signal.SIGTERM

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def _stop(processes: list[Process]) -> None:
    """Terminate all at once, then wait for each; kill what does not end."""
    for process in processes:
        if process.popen.poll() is None:
            process.popen.send_signal(process.stop_signal)
    for process in processes:
        try:
            process.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.popen.kill()
            process.popen.wait(timeout=10)
        # Shown by pytest only when the test fails.
        print(f"--- {process.name} ---\n{process.output()}")


def _spawn(name: str, command: list[str], env: dict, tmp_path: Path) -> Process:
    log = tmp_path / f"{name}.log"
    with log.open("w") as handle:
        popen = subprocess.Popen(  # noqa: S603 - our own command line
            command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT
        )
    return Process(name=name, popen=popen, log=log)


def _gunicorn(name: str, env: dict, tmp_path: Path) -> Process:
    host = _spawn(
        name,
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "deploy/gunicorn.conf.py",
            "community.wsgi",
        ],
        env,
        tmp_path,
    )
    host.stop_signal = signal.SIGINT
    return host


def _listening(host: Process) -> None:
    """Wait for gunicorn to say its port, then for /healthz to answer 200."""

    def port_known() -> bool:
        if host.popen.poll() is not None:
            raise AssertionError(f"{host.name} exited:\n{host.output()}")
        match = LISTENING.search(host.output())
        if match:
            host.port = int(match.group(1))
        return bool(match)

    assert _wait_for(port_known, START_SECONDS), f"{host.name} did not start"

    def healthy() -> bool:
        if host.popen.poll() is not None:
            raise AssertionError(f"{host.name} exited:\n{host.output()}")
        try:
            return Browser().get(host.port, "/healthz").status == 200
        except OSError:
            return False

    assert _wait_for(healthy, START_SECONDS), f"{host.name}: /healthz is not 200"


@pytest.fixture
def services_env(request, tmp_path) -> dict[str, str]:
    _needs_services()
    return _production_env(tmp_path, request.getfixturevalue("static_root"))


@pytest.fixture
def hosts(services_env, tmp_path):
    """Two gunicorn hosts, A and B: their ports."""
    started: list[Process] = []
    try:
        for name in ("host-a", "host-b"):  # both boot at the same time
            started.append(_gunicorn(name, services_env, tmp_path))
        for host in started:
            _listening(host)
        yield started[0].port, started[1].port
    finally:
        _stop(started)


@pytest.fixture
def worker(services_env, tmp_path):
    """A Celery worker on the default queue of this test's Redis database.

    The hosts enqueue on the default queue; the Redis database is this pytest
    worker's own and the keys this run's (settings.test), so no other test's
    or run's worker consumes from it.
    Requested before ``hosts``, it boots while they do.
    """
    process = _spawn(
        "celery-worker",
        celery_worker_command(),
        services_env,
        tmp_path,
    )
    try:
        yield process
    finally:
        _stop([process])


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    text: str


@dataclass
class Browser:
    """Plain HTTP as nginx passes it on; cookies kept by hand (they are Secure)."""

    cookies: dict[str, str] = field(default_factory=dict)

    def get(self, port: int, path: str) -> Answer:
        return self._request("GET", port, path)

    def post(self, port: int, path: str, data: dict) -> Answer:
        form = {**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        return self._request("POST", port, path, urlencode(form).encode())

    def _request(
        self, method: str, port: int, path: str, body: bytes | None = None
    ) -> Answer:
        origin = f"https://127.0.0.1:{port}"
        headers = {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "192.0.2.10",
            "User-Agent": "kollegi-two-hosts-test",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = origin
            headers["Referer"] = origin + path
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode(errors="replace")
        finally:
            conn.close()
        for line in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(line)
            for name, morsel in jar.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return Answer(response.status, response.headers, text)


def _member():
    """A member with a verified address, whose password production can check."""
    member = UserFactory()
    # The test settings hash with MD5, which production does not accept.
    hasher = Argon2PasswordHasher()
    member.password = hasher.encode(PASSWORD, hasher.salt())
    member.save(update_fields=["password"])
    return member


def _sign_in(browser: Browser, port: int, member) -> None:
    assert browser.get(port, "/accounts/login/").status == 200
    answer = browser.post(
        port, "/accounts/login/", {"login": member.email, "password": PASSWORD}
    )
    assert answer.status == 302, answer.text[-3000:]
    assert settings.SESSION_COOKIE_NAME in browser.cookies


def _search_counts(browser: Browser, port: int, word: str) -> dict[str, int]:
    """The counts per kind in the search page's tabs."""
    answer = browser.get(port, f"/search/?q={quote(word)}")
    assert answer.status == 200, answer.text[-3000:]
    return {
        kind: int(count)
        for kind, count in re.findall(
            r'href="\?[^"]*kind=([\w-]+)[^"]*">[^<]*<span class="badge[^"]*">(\d+)<',
            answer.text,
        )
    }


def _topic_through(browser: Browser, port: int, section, title: str) -> Answer:
    answer = browser.post(
        port,
        f"/forums/s/{section.slug}/new/",
        {
            "title": title,
            "kind": Topic.Kind.DISCUSSION,
            "body": "Как вы объясняете это пятиклассникам?",
            "tags": "",
        },
    )
    assert answer.status == 302, answer.text[-3000:]
    return answer


def test_two_hosts_share_sessions_cache_and_tasks(worker, hosts):
    host_a, host_b = hosts
    member = _member()
    section = SectionFactory()
    word = f"qz{uuid.uuid4().hex[:10]}"
    search.search_index(TopicFactory(section=section, title=f"Урок {word}"))
    browser = Browser()

    # a. A session made on A is valid on B: sessions live in PostgreSQL, read
    # through the shared Redis.
    _sign_in(browser, host_a, member)
    page = browser.get(host_b, "/notifications/")
    assert page.status == 200, f"B does not know A's session:\n{page.text[-3000:]}"
    assert Browser().get(host_b, "/notifications/").status == 302, "not members-only"

    # b. A cache entry invalidated through B is gone on A. A caches the search
    # counts in Redis, shared by both hosts (and by this test)...
    assert _search_counts(browser, host_a, word) == {"topics": 1}
    assert cache.keys("search:counts:*"), "A did not cache the counts in Redis"
    generation = cache.get(search.GENERATION_KEY)
    _topic_through(browser, host_b, section, f"Ещё один урок {word}")
    # ...so B's index write moved the generation on for A as well. With a
    # cache in each process A would still answer the count it had: 1.
    assert cache.get(search.GENERATION_KEY) > generation
    assert _search_counts(browser, host_a, word) == {"topics": 2}, "A's counts stale"

    # c. A task enqueued through B is run by the worker. The hosts hand tasks
    # to the broker and never run one themselves; the member's first forum
    # post (the topic above) asked, after its commit, for a badge evaluation.
    assert json.loads(Browser().get(host_b, "/healthz").text)["tasks"] == "broker"
    assert _wait_for(
        BadgeAward.objects.filter(user=member, badge__key="first-post").exists, 30
    ), "no worker awarded the first post's badge within 30 s"
    assert worker.popen.poll() is None, "the worker exited"
