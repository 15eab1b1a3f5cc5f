"""The read replica: which reads go there, and a member's own write never stale.

``community.dbrouter`` sends the reads of visitors' lists, search, feeds and
sitemaps to ``DATABASES["replica"]`` and everything else to the primary; a
browser that wrote (any POST) reads the primary for
``REPLICA_STICKY_SECONDS`` more. The first tests check the decisions on any
database. The last one runs where a real streaming replica answers
(``KOLLEGI_TEST_REPLICA_URL``, set by ``.ci/run``'s PostgreSQL leg): the
replica's replay is paused, a member posts a topic and reads it at once on
the primary, while a visitor's list, read on the replica, lacks it.
"""

import contextvars
import json
import os
import subprocess
import sys
import time
import uuid

import environ
import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from accounts.tests.factories import UserFactory
from community import dbrouter, pagecache
from community.dbrouter import REPLICA, WROTE_COOKIE
from community.generations import generations_bump
from community.tasks import heartbeat_record_task
from forums.models import Topic
from forums.tests.factories import SectionFactory, TopicFactory

REPLICA_URL = os.environ.get("KOLLEGI_TEST_REPLICA_URL", "")


@pytest.fixture
def with_replica(monkeypatch):
    """The decisions as with DATABASE_REPLICA_URL set, on any database: the
    router is asked directly, and the pages' queries still go to the one
    database where the suite runs without a replica."""
    monkeypatch.setattr(dbrouter, "replica_configured", lambda: True)


@pytest.fixture
def an_hour_later(monkeypatch):
    """The router's clock an hour on: nothing changed, nobody wrote lately."""
    monkeypatch.setattr(dbrouter, "_now", lambda: time.time() + 3600)


# --- the router -----------------------------------------------------------------


def test_reads_go_to_the_replica_only_in_a_marked_request(with_replica):
    router = dbrouter.ReplicaRouter()

    assert router.db_for_read(Topic) == DEFAULT_DB_ALIAS
    with dbrouter.replica_reads():
        assert router.db_for_read(Topic) == REPLICA
        with dbrouter.replica_reads(allowed=False):
            assert router.db_for_read(Topic) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Topic) == REPLICA
    assert router.db_for_read(Topic) == DEFAULT_DB_ALIAS


def test_without_a_replica_every_read_goes_to_the_primary(monkeypatch):
    monkeypatch.setattr(dbrouter, "replica_configured", lambda: False)

    with dbrouter.replica_reads():
        assert dbrouter.ReplicaRouter().db_for_read(Topic) == DEFAULT_DB_ALIAS


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_transaction_stay_on_the_primary(with_replica):
    router = dbrouter.ReplicaRouter()

    with dbrouter.replica_reads():
        with transaction.atomic():
            # select_for_update too: it needs a transaction.
            assert router.db_for_read(Topic) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Topic) == REPLICA


def test_writes_and_migrations_go_to_the_primary_alone(with_replica):
    router = dbrouter.ReplicaRouter()

    with dbrouter.replica_reads():
        assert router.db_for_write(Topic) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "forums") is True
    assert router.allow_migrate(REPLICA, "forums") is False


def test_objects_read_from_either_database_may_be_related():
    router = dbrouter.ReplicaRouter()
    primary, replica, elsewhere = Topic(), Topic(), Topic()
    primary._state.db, replica._state.db, elsewhere._state.db = (
        DEFAULT_DB_ALIAS,
        REPLICA,
        "other",
    )

    assert router.allow_relation(primary, replica) is True
    assert router.allow_relation(replica, replica) is True
    assert router.allow_relation(primary, elsewhere) is None


@pytest.mark.django_db
def test_a_task_run_inside_a_marked_request_reads_the_primary(with_replica):
    seen = []

    def spy(execute, sql, params, many, context):
        seen.append(dbrouter._replica_reads.get())
        return execute(sql, params, many, context)

    with dbrouter.replica_reads(), connection.execute_wrapper(spy):
        heartbeat_record_task.apply(kwargs={"name": "replica-test"})
        after = dbrouter._replica_reads.get()

    assert seen, "the task ran no query"
    assert not any(seen)
    assert after is True, "the request's mark is back after the task"


# --- which pages are marked -------------------------------------------------------


def _view_names(patterns, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            )
            names |= _view_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_replica_page_is_a_page_of_the_site():
    assert dbrouter.REPLICA_PAGES - _view_names(get_resolver().url_patterns) == set()


def test_the_middleware_comes_after_authentication_and_before_the_page_cache():
    order = settings.MIDDLEWARE
    here = order.index("community.dbrouter.ReplicaReadsMiddleware")

    assert order.index("django.contrib.auth.middleware.AuthenticationMiddleware") < here
    assert here < order.index("community.pagecache.AnonymousPageCacheMiddleware")


def _marked(request) -> bool:
    """Whether the middleware marks ``request`` (in a context of its own)."""
    request.resolver_match = resolve(request.path_info)
    middleware = dbrouter.ReplicaReadsMiddleware(lambda request: None)

    def view_step() -> bool:
        middleware.process_view(request, None, (), {})
        return dbrouter._replica_reads.get()

    return contextvars.copy_context().run(view_step)


REPLICA_PATHS = [
    "/",
    "/search/?q=дроби",
    "/forums/",
    "/forums/s/algebra/",
    "/forums/s/algebra/feed/rss/",
    "/forums/questions/unanswered/",
    "/tags/fractions/",
    "/tags/fractions/feed/atom/",
    "/materials/",
    "/materials/feed/rss/",
    "/masterclasses/",
    "/masterclasses/calendar/",
    "/masterclasses/feed/secret-token.ics",
    "/communities/",
    "/courses/",
    "/contests/",
    "/projects/",
    "/members/",
    "/sitemap.xml",
    "/sitemap-forums.xml",
]
PRIMARY_PATHS = [
    "/forums/t/1/",  # the page a member is sent to after replying
    "/forums/new/",  # her «new since last visit»
    "/notifications/",
    "/bookmarks/",
    "/settings/profile/",
    "/messages/",
    "/materials/mine/",
    "/accounts/login/",
    "/admin/inbox/reports/",
    "/healthz",
]


@pytest.mark.parametrize("path", REPLICA_PATHS)
def test_visitors_lists_search_feeds_and_sitemaps_are_marked(
    with_replica, an_hour_later, path
):
    for method in ("get", "head"):
        request = getattr(RequestFactory(), method)(path)
        request.user = AnonymousUser()
        assert _marked(request), f"{method.upper()} {path}"


@pytest.mark.parametrize("path", PRIMARY_PATHS)
def test_every_other_page_reads_the_primary(with_replica, path):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()

    assert not _marked(request)


def test_a_post_to_a_listed_address_reads_the_primary(with_replica):
    request = RequestFactory().post("/search/?q=x")
    request.user = AnonymousUser()

    assert not _marked(request)


def test_nothing_is_marked_without_a_replica(monkeypatch):
    monkeypatch.setattr(dbrouter, "replica_configured", lambda: False)
    request = RequestFactory().get("/forums/")
    request.user = AnonymousUser()

    assert not _marked(request)


def test_a_forged_write_time_is_not_believed(with_replica, an_hour_later):
    request = RequestFactory().get("/forums/")
    request.user = AnonymousUser()
    # Unsigned, as a browser could make it: the cookie is ignored.
    request.COOKIES[WROTE_COOKIE] = str(time.time())

    assert _marked(request)


@pytest.mark.django_db
def test_a_visitors_kept_page_reads_the_primary_just_after_what_it_shows_changed(
    with_replica, monkeypatch
):
    generations_bump([pagecache.GENERATION_KEY])
    visitor = RequestFactory().get("/forums/")
    visitor.user = AnonymousUser()

    # Rendered now from a replica that may not have replayed the change, the
    # page would be kept without it until the next change.
    assert not _marked(visitor)
    # Past the window the replica has it.
    monkeypatch.setattr(
        dbrouter, "_now", lambda: time.time() + settings.REPLICA_STICKY_SECONDS + 1
    )
    assert _marked(visitor)


@pytest.mark.django_db
def test_pages_the_visitors_cache_does_not_keep_ignore_recent_changes(with_replica):
    generations_bump([pagecache.GENERATION_KEY])
    member = RequestFactory().get("/forums/")
    member.user = UserFactory.build()
    with_session = RequestFactory().get("/forums/")
    with_session.user = AnonymousUser()
    with_session.COOKIES[settings.SESSION_COOKIE_NAME] = "a-visitor-s-session"

    assert _marked(member)
    assert _marked(with_session)


# --- after a write: the primary for the sticky window ---------------------------------


def _reads_marked(client, path: str) -> list[bool]:
    """For each query a GET of ``path`` runs: was the request marked?"""
    seen: list[bool] = []

    def spy(execute, sql, params, many, context):
        seen.append(dbrouter._replica_reads.get())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        response = client.get(path)
    assert response.status_code == 200, path
    return seen


@pytest.mark.django_db
def test_a_member_reads_the_primary_for_a_while_after_she_writes(
    with_replica, client, monkeypatch, settings
):
    settings.MODERATION_PREMODERATED_POSTS = 0
    member = UserFactory()
    topic = TopicFactory()
    client.force_login(member)
    section_page = reverse("forums:section", args=[topic.section.slug])
    # Before her first write, her lists may come from the replica; the
    # session and the member were read first, from the primary.
    seen = _reads_marked(client, section_page)
    assert any(seen)
    assert seen[0] is False

    response = client.post(
        reverse("forums:reply", args=[topic.pk]), {"body": "Спасибо, попробую."}
    )

    assert response.status_code == 302
    cookie = response.cookies[WROTE_COOKIE]
    assert int(cookie["max-age"]) == settings.REPLICA_STICKY_SECONDS
    assert cookie["httponly"]
    assert not any(_reads_marked(client, response["Location"]))
    assert not any(_reads_marked(client, section_page))

    # Past the window she reads the replica again.
    wrote_at = time.time()
    monkeypatch.setattr(
        dbrouter, "_now", lambda: wrote_at + settings.REPLICA_STICKY_SECONDS + 1
    )
    assert any(_reads_marked(client, section_page))


@pytest.mark.django_db
def test_a_visitor_who_posts_gets_the_same_window(with_replica, client):
    response = client.post(
        reverse("language_set"), {"language": "en", "next": "/forums/"}
    )

    assert WROTE_COOKIE in response.cookies
    seen = _reads_marked(client, "/forums/")
    assert seen
    assert not any(seen)


@pytest.mark.django_db
def test_a_get_sets_no_write_time(with_replica, client):
    response = client.get("/forums/")

    assert WROTE_COOKIE not in response.cookies


# --- the settings -------------------------------------------------------------------

PRINT_DATABASES = """
import json
from django.conf import settings
print(json.dumps({
    "databases": settings.DATABASES,
    "routers": settings.DATABASE_ROUTERS,
}, default=str))
"""


def _databases(module: str, **variables: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_")
        and key not in {"DATABASE_URL", "DATABASE_REPLICA_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE=module,
        DJANGO_SECRET_KEY="replica-settings-test-" + "k" * 40,
        DJANGO_ALLOWED_HOSTS="kollegi.example",
        **variables,
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", PRINT_DATABASES],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_replica_and_pgbouncer_are_switched_on_by_the_environment():
    plain = _databases(
        "community.settings.production",
        DATABASE_URL="postgres://kollegi@db.internal:5432/kollegi",
    )
    assert set(plain["databases"]) == {"default"}
    assert plain["routers"] == []
    assert "DISABLE_SERVER_SIDE_CURSORS" not in plain["databases"]["default"]

    scaled = _databases(
        "community.settings.production",
        DATABASE_URL="postgres://kollegi@bouncer.internal:6432/kollegi",
        DATABASE_REPLICA_URL="postgres://kollegi@replica.internal:5432/kollegi",
        DJANGO_PGBOUNCER="true",
    )
    default, replica = scaled["databases"]["default"], scaled["databases"]["replica"]
    assert scaled["routers"] == ["community.dbrouter.ReplicaRouter"]
    assert (replica["HOST"], replica["PORT"]) == ("replica.internal", 5432)
    assert replica["NAME"] == "kollegi"
    assert replica["CONN_MAX_AGE"] == default["CONN_MAX_AGE"] == 60
    assert replica["CONN_HEALTH_CHECKS"] is True
    assert replica["OPTIONS"] == default.get("OPTIONS", {})
    assert default["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert replica["DISABLE_SERVER_SIDE_CURSORS"] is True


def test_the_suite_reads_its_own_rows_through_the_replicas_alias():
    found = _databases(
        "community.settings.test",
        DATABASE_URL="postgres://postgres@127.0.0.1:6432/kollegi",
        DATABASE_REPLICA_URL="postgres://postgres@127.0.0.1:5433/kollegi",
        KOLLEGI_TEST_RUN="r1",
    )
    default, replica = found["databases"]["default"], found["databases"]["replica"]

    assert replica["TEST"] == {"MIRROR": "default"}
    assert (replica["HOST"], replica["PORT"], replica["NAME"]) == (
        default["HOST"],
        default["PORT"],
        default["NAME"],
    )


# --- a real replica -----------------------------------------------------------------


def _sql(database, sql: str, params=()):
    with database.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _wait(predicate, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"the replica: {what} not within {seconds} s")
        time.sleep(0.05)


def _caught_up(replica) -> None:
    """Wait until the replica has replayed everything committed so far."""
    written = _sql(connection, "SELECT pg_current_wal_lsn()::text")
    _wait(
        lambda: _sql(
            replica, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [written]
        ),
        "catching up",
    )


@pytest.fixture
def real_replica(settings):
    """The replica's alias on the real streaming replica, for this test: the
    same test database, which the replica streams from the primary."""
    if connection.vendor != "postgresql" or not REPLICA_URL:
        pytest.skip(
            "needs PostgreSQL and a streaming replica of it: KOLLEGI_TEST_REPLICA_URL "
            "(.ci/run's PostgreSQL leg starts one and sets it)"
        )
    address = environ.Env.db_url_config(REPLICA_URL)
    settings_dict = {
        **connections[DEFAULT_DB_ALIAS].settings_dict,
        **{key: address[key] for key in ("HOST", "PORT", "USER", "PASSWORD")},
        "TEST": {"MIRROR": None},
    }
    settings_dict.pop("DISABLE_SERVER_SIDE_CURSORS", None)
    kept_settings = connections.settings.get(REPLICA)
    kept_connection = getattr(connections._connections, REPLICA, None)
    connections.settings[REPLICA] = settings_dict
    replica = connections.create_connection(REPLICA)
    connections[REPLICA] = replica
    settings.DATABASE_ROUTERS = ["community.dbrouter.ReplicaRouter"]
    try:
        assert _sql(replica, "SELECT pg_is_in_recovery()") is True
        yield replica
    finally:
        replica.close()
        if kept_connection is not None:
            connections[REPLICA] = kept_connection
        else:
            del connections[REPLICA]
        if kept_settings is not None:
            connections.settings[REPLICA] = kept_settings
        else:
            del connections.settings[REPLICA]


@pytest.mark.django_db(transaction=True)
def test_a_member_reads_her_own_write_at_once_while_the_replica_lags(
    real_replica, client, settings, monkeypatch
):
    settings.MODERATION_PREMODERATED_POSTS = 0
    member = UserFactory()
    section = SectionFactory()
    section_page = reverse("forums:section", args=[section.slug])
    title = f"Дроби на реплике {uuid.uuid4().hex[:8]}"
    visitor = client.__class__()
    client.force_login(member)
    _caught_up(real_replica)

    _sql(real_replica, "SELECT pg_wal_replay_pause()::text")
    try:
        _wait(
            lambda: (
                _sql(real_replica, "SELECT pg_get_wal_replay_pause_state()") == "paused"
            ),
            "pausing",
        )

        # She starts a topic: the page she is sent to, and the section's list
        # she opens next (a replica page), both read the primary.
        response = client.post(
            reverse("forums:topic_create", args=[section.slug]),
            {
                "title": title,
                "kind": Topic.Kind.DISCUSSION,
                "body": "Как вы объясняете это пятиклассникам?",
                "tags": "",
            },
            follow=True,
        )
        wrote_at = time.time()
        assert response.status_code == 200
        assert response.redirect_chain, "the topic was not created"
        assert title in response.text
        assert title in client.get(section_page).text
        # So does a visitor's list that the visitors' cache keeps, its
        # content having just changed.
        assert title in visitor.get(section_page).text

        # The replica has not replayed it...
        assert Topic.objects.filter(title=title).exists()
        assert not Topic.objects.using(REPLICA).filter(title=title).exists()
        # ...and past the window (the replica still paused) her list and a
        # visitor's (not yet kept: another address) are read there, without
        # it: the routing is real.
        monkeypatch.setattr(
            dbrouter, "_now", lambda: wrote_at + settings.REPLICA_STICKY_SECONDS + 1
        )
        assert title not in client.get(section_page).text
        assert title not in visitor.get(f"{section_page}?page=1").text
    finally:
        _sql(real_replica, "SELECT pg_wal_replay_resume()::text")

    # Replayed, the replica shows it to her and to visitors as well.
    _caught_up(real_replica)
    assert title in client.get(section_page).text
    assert title in visitor.get(f"{section_page}?page=2").text
