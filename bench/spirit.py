"""Benchmark: Kollegi's forum against Spirit's on the same members and posts.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kollegi \\
    REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/spirit.py [--scale 1.0] [--seconds 10] \\
            [--rounds 3] [--workers 3] [--connections 16] [--spirit-venv DIR]

Spirit (PyPI ``django-spirit``, the release pinned below) is installed into
a virtual environment of its own outside the repository (``--spirit-venv``,
by default under the user's cache folder), with a project made by Spirit's
``spirit startproject`` whose production settings module is extended only
with what a deployment sets: its PostgreSQL database (``DATABASE_URL``'s
name plus ``--suffix`` plus ``_spirit``), a Redis cache and cached sessions
as Kollegi has, the same language, DEBUG off. Nothing of Spirit is kept in
this repository: the script installs it and drives it with a small program
it writes into that project.

Kollegi's benchmark database (``bench/pages.py``'s, filled once at
``--scale``) is exported to a JSON-lines file: its members, the site's
sections, their visible topics and posts, in order. The program loads them
into Spirit's tables through Spirit's models with bulk inserts — the same
primary keys, titles, authors, dates and Markdown (rendered by Spirit's own
renderer, as its comment form does) — then sets the counters Spirit keeps
(each topic's ``comment_count`` and ``last_active``, each profile's topic
and comment counts). Spirit's default "Uncategorized" category is removed, so
its category list holds exactly Kollegi's sections, in Kollegi's order.

Both sites then run side by side under gunicorn (the same number of sync
workers, access log on, persistent database connections), Kollegi with its
Celery worker as ``bench/pages.py`` runs it. Per round, for each audience
(anonymous, a signed-in member — the same member in both) and each page
kind, Kollegi's page is loaded with ``wrk`` and then Spirit's (A B, A B, …):
the forum index against Spirit's front page ``/`` (its list of categories,
beside the latest active topics: Spirit's ``/category/`` renders an empty
template), a section against the same category, and a page deep inside the
longest topic against the same page of the same topic. Medians over the
rounds of requests/s, p50 and p99 are reported with the ratio Kollegi/Spirit
per page, the CPU time per request (web workers; Kollegi's Celery worker
beside them) and its ratio, queries and size of each page, and each
server's worker memory. Written to ``bench/results/spirit-<date>.md`` and
``.json``.
"""

import argparse
import datetime
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
SPIRIT_LOG = Path(tempfile.gettempdir()) / "kollegi-bench-spirit-gunicorn.log"

from bench import pages  # noqa: E402 - after the project is on the path

# The newest release on PyPI; it installs on Python 3.11. Its own
# dependencies (mistune 0.8, djconfig, haystack, …) come as it pins them;
# Django is pinned to the version Kollegi runs, gunicorn to the same.
SPIRIT_RELEASE = "django-spirit==0.14.3"
SPIRIT_EXTRAS = ["psycopg2-binary==2.9.13", "gunicorn==27.0.1", "redis==8.1.0"]
PROJECT = "spiritbench"


def default_venv() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "kollegi-bench-spirit"


def spirit_env(venv: Path) -> dict[str, str]:
    """A clean environment for Spirit's processes: none of Kollegi's settings."""
    return {
        "PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "HOME": os.environ.get("HOME", "/"),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "DJANGO_SETTINGS_MODULE": f"{PROJECT}.settings.bench",
    }


def install(venv: Path) -> None:
    """The virtual environment with Spirit's pinned release (made, or brought
    to the pins, when its record of them differs)."""
    import django

    wanted = [SPIRIT_RELEASE, *SPIRIT_EXTRAS, f"Django=={django.get_version()}"]
    record = venv / "kollegi-bench-requirements.txt"
    if record.exists() and record.read_text().split() == wanted:
        return
    if not (venv / "bin" / "python").exists():
        print(f"making the virtual environment {venv}")
        subprocess.run(  # noqa: S603 - our own command line
            [sys.executable, "-m", "venv", str(venv)], check=True
        )
    print("installing", " ".join(wanted))
    subprocess.run(  # noqa: S603
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *wanted],
        check=True,
        env={**spirit_env(venv), "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    record.write_text("\n".join(wanted) + "\n")


SETTINGS = """\
# Written by Kollegi's bench/spirit.py: Spirit's production settings module
# with what a deployment sets. Rewritten on every run.
from .prod import *  # noqa: F403

DEBUG = False
SECRET_KEY = {secret!r}
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
DATABASES = {{
    "default": {{
        "ENGINE": "django.db.backends.postgresql",
        "NAME": {name!r},
        "USER": {user!r},
        "PASSWORD": {password!r},
        "HOST": {host!r},
        "PORT": {port!r},
        "CONN_MAX_AGE": 60,
    }}
}}
# A real cache, as Kollegi's: Redis (Django's own backend), under a prefix.
CACHES = {{
    "default": {{
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": {redis!r},
        "KEY_PREFIX": {name!r},
    }},
    "st_rate_limit": {{
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": {redis!r},
        "KEY_PREFIX": {name!r} + "-rl",
        "TIMEOUT": None,
    }},
}}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"  # as Kollegi's
LANGUAGE_CODE = "ru"
TIME_ZONE = "Europe/Moscow"
ST_ORDERED_CATEGORIES = True  # Kollegi's order of sections
ST_SITE_URL = "http://127.0.0.1/"
"""

# The program run with Spirit's Python: fills its tables, makes a member's
# session, gives the pages' addresses, counts a page's queries.
TOOL = '''\
"""Kollegi's bench/spirit.py drives Spirit with this (rewritten on every run)."""

import datetime
import json
import sys

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from spirit.category.models import Category  # noqa: E402
from spirit.comment.models import Comment  # noqa: E402
from spirit.core.utils.markdown import Markdown  # noqa: E402
from spirit.topic.models import Topic  # noqa: E402
from spirit.user.models import UserProfile  # noqa: E402

User = get_user_model()
BATCH = 5000
WRITES = ("INSERT", "UPDATE", "DELETE")
OFFSET = 2  # Spirit's own categories: 1, private messages; 2, "Uncategorized"


def when(value):
    return datetime.datetime.fromisoformat(value)


def fill(path):
    if Topic.objects.exists():
        sys.exit("Spirit's database is filled already")
    # Spirit's default category is not one of Kollegi's sections.
    Category.objects.filter(is_private=False).update(is_removed=True)
    comments, last = [], {}
    with open(path, encoding="utf-8") as data:
        users, sections, topics = [], [], []
        for line in data:
            row = json.loads(line)
            kind = row.pop("kind")
            if kind == "member":
                users.append(row)
            elif kind == "section":
                sections.append(row)
            elif kind == "topic":
                topics.append(row)
            else:
                comments.append(row)
                if len(comments) >= BATCH:
                    if users:
                        _members(users)
                        _sections(sections)
                        _topics(topics)
                        users = sections = topics = []
                    _comments(comments, last)
                    comments = []
        if users:
            _members(users)
            _sections(sections)
            _topics(topics)
        _comments(comments, last)
    with connection.cursor() as cursor:
        # The counters Spirit's services keep (comment_posted, topic publish).
        cursor.execute(
            "UPDATE spirit_topic_topic t SET comment_count = c.n"
            " FROM (SELECT topic_id, count(*) n FROM spirit_comment_comment"
            " GROUP BY topic_id) c WHERE c.topic_id = t.id"
        )
        cursor.execute(
            "UPDATE spirit_user_userprofile p SET"
            " comment_count = coalesce((SELECT count(*) FROM spirit_comment_comment"
            " c WHERE c.user_id = p.user_id), 0),"
            " topic_count = coalesce((SELECT count(*) FROM spirit_topic_topic"
            " t WHERE t.user_id = p.user_id), 0)"
        )
        models = [User, UserProfile, Category, Topic, Comment]
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(json.dumps(counts()))


def counts():
    return {
        "members": User.objects.count(),
        "sections": Category.objects.visible().count(),
        "topics": Topic.objects.count(),
        "posts": Comment.objects.count(),
    }


@transaction.atomic
def _members(rows):
    for start in range(0, len(rows), BATCH):
        made = User.objects.bulk_create(
            User(
                pk=row["id"],
                username=row["username"].lower(),
                email=row["email"],
                password=row["password"],
                is_active=row["is_active"],
                date_joined=when(row["date_joined"]),
            )
            for row in rows[start : start + BATCH]
        )
        UserProfile.objects.bulk_create(
            UserProfile(
                user=user,
                nickname=row["name"] or user.username,
                location=row["city"][:75],
                is_verified=True,
            )
            for user, row in zip(made, rows[start : start + BATCH])
        )


@transaction.atomic
def _sections(rows):
    ordered = sorted(rows, key=lambda row: (row["position"], row["title"], row["id"]))
    for sort, row in enumerate(ordered, 1):
        row["sort"] = sort
    # Parents first: Spirit has one level of subcategories, as Kollegi.
    for level in (False, True):
        Category.objects.bulk_create(
            Category(
                pk=row["id"] + OFFSET,
                parent_id=row["parent"] and row["parent"] + OFFSET,
                title=row["title"][:75],
                description=row["description"][:255],
                sort=row["sort"],
            )
            for row in ordered
            if bool(row["parent"]) is level
        )


@transaction.atomic
def _topics(rows):
    for start in range(0, len(rows), BATCH):
        Topic.objects.bulk_create(
            Topic(
                pk=row["id"],
                user_id=row["author"],
                category_id=row["section"] + OFFSET,
                title=row["title"],
                date=when(row["created"]),
                reindex_at=when(row["created"]),
                last_active=when(row["last_post"]),
                is_pinned=row["pinned"],
                is_closed=row["locked"],
                view_count=row["views"],
            )
            for row in rows[start : start + BATCH]
        )


@transaction.atomic
def _comments(rows, last):
    made = []
    for row in rows:
        date = when(row["created"])
        # Spirit orders a topic's comments by date: keep Kollegi's numbering.
        previous = last.get(row["topic"])
        if previous is not None and date <= previous:
            date = previous + datetime.timedelta(microseconds=1)
        last[row["topic"]] = date
        made.append(
            Comment(
                pk=row["id"],
                user_id=row["author"],
                topic_id=row["topic"],
                comment=row["body"],
                comment_html=Markdown().render(row["body"]),
                date=date,
                likes_count=row["likes"],
            )
        )
    Comment.objects.bulk_create(made)


def describe(member, category, topic):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(pk=member))
    name = settings.SESSION_COOKIE_NAME
    print(
        json.dumps(
            {
                "cookie": f"{name}={client.cookies[name].value}",
                "category": Category.objects.get(
                    pk=category + OFFSET
                ).get_absolute_url(),
                "topic": Topic.objects.get(pk=topic).get_absolute_url(),
                "counts": counts(),
            }
        )
    )


def probe(requests):
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    out = []
    for path, cookie in json.loads(requests):
        client = Client()
        if cookie:
            name, value = cookie.split("=", 1)
            client.cookies[name] = value
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        out.append(
            {
                "status": response.status_code,
                "queries": len(queries.captured_queries),
                "writes": [
                    query["sql"][:80]
                    for query in queries.captured_queries
                    if query["sql"].lstrip().upper().startswith(WRITES)
                ],
                "bytes": len(response.content),
            }
        )
    print(json.dumps(out))


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    if command == "fill":
        fill(*arguments)
    elif command == "counts":
        print(json.dumps(counts()))
    elif command == "describe":
        describe(*map(int, arguments))
    else:
        probe(*arguments)
'''


def project(venv: Path, database: str, redis: str) -> Path:
    """Spirit's project (``spirit startproject`` once), its settings for this
    run and the driving program written anew. Returns the project's folder."""
    folder = venv / "project"
    if not (folder / "manage.py").exists():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(  # noqa: S603
            [venv / "bin" / "spirit", "startproject", PROJECT, "--path", folder],
            check=True,
            env=spirit_env(venv),
        )  # fmt: skip
    url = urlsplit(os.environ["DATABASE_URL"])
    secret = venv / "secret-key"
    if not secret.exists():
        secret.write_text(os.urandom(32).hex())
    (folder / PROJECT / "settings" / "bench.py").write_text(
        SETTINGS.format(
            secret=secret.read_text(),
            name=database,
            user=url.username or "",
            password=url.password or "",
            host=url.hostname or "",
            port=str(url.port or ""),
            redis=redis,
        )
    )
    (folder / "kollegi_tool.py").write_text(TOOL)
    return folder


def spirit(venv: Path, folder: Path, *arguments: str) -> str:
    """Runs ``manage.py`` or the driving program with Spirit's Python."""
    done = subprocess.run(  # noqa: S603
        [str(venv / "bin" / "python"), *arguments],
        cwd=folder,
        env=spirit_env(venv),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.exit(f"Spirit: {' '.join(arguments)} failed:\n{done.stderr}")
    return done.stdout


def kollegi_counts() -> dict[str, int]:
    """What Kollegi's database holds of what Spirit is given."""
    from accounts.models import User
    from forums.models import Post

    sections, topics = visible_forum()
    return {
        "members": User.objects.count(),
        "sections": sections.count(),
        "topics": topics.count(),
        "posts": Post.objects.filter(
            topic__in=topics, is_deleted=False, is_hidden=False, is_pending=False
        ).count(),
    }


def visible_forum():
    """The site's sections (a community's are not on the forum index) and
    their topics that anyone sees."""
    from forums.models import Section, Topic

    sections = Section.objects.filter(group_id__isnull=True)
    topics = Topic.objects.filter(
        section__in=sections, is_hidden=False, is_pending=False, merged_into=None
    )
    return sections, topics


def export(path: Path) -> None:
    """Kollegi's members, sections, topics and posts as JSON lines, in order."""
    from accounts.models import User
    from forums.models import Post

    sections, topics = visible_forum()

    def iso(value) -> str:
        return value.isoformat() if value else ""

    with path.open("w", encoding="utf-8") as out:

        def put(kind: str, **row) -> None:
            out.write(json.dumps({"kind": kind, **row}, ensure_ascii=False) + "\n")

        members = User.objects.select_related("profile").order_by("pk")
        for user in members.iterator(chunk_size=5000):
            profile = getattr(user, "profile", None)
            put(
                "member",
                id=user.pk,
                username=user.username,
                email=user.email,
                password=user.password,
                is_active=user.is_active,
                date_joined=iso(user.date_joined),
                name=profile.display_name if profile else "",
                city=profile.city if profile else "",
            )
        for section in sections.order_by("pk"):
            put(
                "section",
                id=section.pk,
                parent=section.parent_id,
                title=section.title,
                description=section.description,
                position=section.position,
            )
        for topic in topics.order_by("pk").iterator(chunk_size=5000):
            put(
                "topic",
                id=topic.pk,
                section=topic.section_id,
                author=topic.author_id,
                title=topic.title,
                created=iso(topic.created_at),
                last_post=iso(topic.last_post_at),
                pinned=topic.is_pinned,
                locked=topic.is_locked,
                views=topic.view_count,
            )
        posts = Post.objects.filter(
            topic__in=topics, is_deleted=False, is_hidden=False, is_pending=False
        ).order_by("topic_id", "number")
        fields = ("pk", "topic_id", "author_id", "body", "created_at", "thanks_count")
        for pk, topic, author, body, created, thanks in posts.values_list(
            *fields
        ).iterator(chunk_size=5000):
            put(
                "post",
                id=pk,
                topic=topic,
                author=author,
                body=body,
                created=iso(created),
                likes=thanks,
            )


def prepare_spirit(venv: Path, database: str, redis: str, wanted: dict) -> Path:
    """Spirit installed, its database migrated and filled with Kollegi's forum
    (again, from an empty database, when what it holds differs)."""
    import psycopg2

    install(venv)
    folder = project(venv, database, redis)
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    admin = psycopg2.connect(f"{base}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        exists = cursor.fetchone() is not None
        if exists:
            spirit(venv, folder, "manage.py", "migrate", "--verbosity", "0")
            held = json.loads(spirit(venv, folder, "kollegi_tool.py", "counts"))
            if held == wanted:
                admin.close()
                spirit(venv, folder, "manage.py", "collectstatic", "--noinput", "-v0")
                return folder
            print(f"Spirit's database holds {held}, not {wanted}: filled anew")
            cursor.execute(f'DROP DATABASE "{database}"')
        cursor.execute(f'CREATE DATABASE "{database}"')
    admin.close()
    spirit(venv, folder, "manage.py", "migrate", "--verbosity", "0")
    spirit(venv, folder, "manage.py", "collectstatic", "--noinput", "-v0")
    data = venv / f"{database}.jsonl"
    began = time.monotonic()
    export(data)
    print(f"exported Kollegi's forum in {time.monotonic() - began:.0f} s")
    began = time.monotonic()
    made = json.loads(spirit(venv, folder, "kollegi_tool.py", "fill", str(data)))
    data.unlink()
    print(f"filled Spirit in {time.monotonic() - began:.0f} s: {made}")
    if made != wanted:
        sys.exit(f"Spirit holds {made}, Kollegi {wanted}")
    return folder


def start_spirit(venv: Path, folder: Path, port: int, workers: int):
    process = subprocess.Popen(  # noqa: S603 - our own command line
        [
            str(venv / "bin" / "python"), "-m", "gunicorn", f"{PROJECT}.wsgi",
            "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--worker-class", "sync", "--access-logfile", "-",
            "--log-level", "warning",
            "--worker-tmp-dir", "/dev/shm",  # noqa: S108 - heartbeat files
        ],
        cwd=folder,
        env=spirit_env(venv),
        stdout=subprocess.DEVNULL,
        stderr=SPIRIT_LOG.open("w"),
        start_new_session=True,  # its own process group: its CPU time
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if fetch(port, "/", "")[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    pages.stop(process)
    sys.exit("Spirit's gunicorn did not start: " + SPIRIT_LOG.read_text())


def fetch(port: int, path: str, cookie: str) -> tuple[int, int]:
    """The status and size of one answer, redirects not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"X-Forwarded-Proto": "https"}
    if cookie:
        headers["Cookie"] = cookie
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, len(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--suffix",
        default="_bench",
        help="Kollegi's database: DATABASE_URL's name plus this (bench/pages.py's)",
    )
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--spirit-venv", type=Path, default=default_venv())
    parser.add_argument(
        "--spirit-redis",
        default="redis://127.0.0.1:6379/7",
        help="Spirit's cache (keys under its database's name)",
    )
    parser.add_argument("--celery-concurrency", type=int, default=1)
    parser.add_argument("--worker-nice", type=int, default=10)
    parser.add_argument("--drain-seconds", type=float, default=10)
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args()
    kollegi_port = pages.free_port(0)
    spirit_port = pages.free_port(0)
    while spirit_port == kollegi_port:
        spirit_port = pages.free_port(0)
    load_before = os.getloadavg()
    name = pages.database_name(args.suffix)
    env = pages.configure(
        suffix=args.suffix,
        DJANGO_REDIS_PREFIX=os.environ.get("DJANGO_REDIS_PREFIX") or name,
    )
    pages.fill_once(args.scale)
    wanted = kollegi_counts()
    venv = args.spirit_venv.expanduser().resolve()
    folder = prepare_spirit(venv, f"{name}_spirit", args.spirit_redis, wanted)

    from django.urls import reverse

    from accounts.models import User

    sections, topics = visible_forum()
    section = sections.order_by("pk").first()  # bench/pages.py's section
    long_topic = topics.order_by("-reply_count").first()
    deep_page = max(1, (long_topic.reply_count + 1) // 20 // 2)
    member = User.objects.filter(is_active=True).order_by("pk")[5]
    spirit_site = json.loads(
        spirit(
            venv, folder, "kollegi_tool.py", "describe",
            str(member.pk), str(section.pk), str(long_topic.pk),
        )
    )  # fmt: skip
    # Kind, Kollegi's page, Spirit's (a list: more than one may be compared).
    kinds = [
        ("forum index", reverse("forums:index"), ["/"]),
        ("section", section.get_absolute_url(), [spirit_site["category"]]),
        (
            f"topic, page {deep_page} of {long_topic.reply_count + 1} posts",
            f"{long_topic.get_absolute_url()}?page={deep_page}",
            [f"{spirit_site['topic']}?page={deep_page}"],
        ),
    ]
    # Each audience's cookies: Kollegi's, Spirit's.
    audiences = {
        "anonymous": ("", ""),
        "member": (pages.session_cookie(), spirit_site["cookie"]),
    }

    probes = {}
    for who, (kollegi_cookie, spirit_cookie) in audiences.items():
        for label, kollegi_path, spirit_paths in kinds:
            probes[who, label, "Kollegi", kollegi_path] = pages.measure_in_process(
                kollegi_path, kollegi_cookie
            )
            found = json.loads(
                spirit(
                    venv, folder, "kollegi_tool.py", "probe",
                    json.dumps([[path, spirit_cookie] for path in spirit_paths]),
                )
            )  # fmt: skip
            for path, probe in zip(spirit_paths, found, strict=True):
                probes[who, label, "Spirit", path] = probe

    broker = pages.Broker()
    purged = broker.purge()
    kollegi = pages.start_gunicorn(env, kollegi_port, args.workers)
    spirit_server = worker = None
    loads: list[dict] = []
    try:
        spirit_server = start_spirit(venv, folder, spirit_port, args.workers)
        worker = pages.start_worker(env, args.celery_concurrency, args.worker_nice)
        servers = {
            "Kollegi": (kollegi_port, kollegi.pid, 0),
            "Spirit": (spirit_port, spirit_server.pid, 1),
        }
        plan = [
            (who, label, site, path, cookies[servers[site][2]])
            for who, cookies in audiences.items()
            for label, kollegi_path, spirit_paths in kinds
            for site, path in [("Kollegi", kollegi_path)]
            + [("Spirit", path) for path in spirit_paths]
        ]
        for who, _label, site, path, cookie in plan:
            status, _size = fetch(servers[site][0], path, cookie)
            if status != 200:
                sys.exit(f"{site} {who} {path}: {status}, not 200")
        # Every worker warm on every page (templates, translations, connections).
        for _who, _label, site, path, cookie in plan:
            pages.wrk(f"http://127.0.0.1:{servers[site][0]}{path}", cookie, 2, 6)
        broker.send_flushes()
        broker.drain(worker.pid, 6 * args.drain_seconds)
        memory_start = {
            site: pages.worker_rss_mb(pid) for site, (_p, pid, _c) in servers.items()
        }
        for round_number in range(1, args.rounds + 1):
            for who, label, site, path, cookie in plan:
                port, group, _column = servers[site]
                broker.drain(worker.pid, args.drain_seconds)
                web_before, worker_before = pages.cpu_ms(group, worker.pid)
                load = pages.wrk(
                    f"http://127.0.0.1:{port}{path}", cookie, args.seconds,
                    args.connections,
                )  # fmt: skip
                (web_after,) = pages.cpu_ms(group)
                deferred = 0.0
                if site == "Kollegi":  # what the page handed to the worker
                    broker.send_flushes()
                    broker.drain(worker.pid, args.drain_seconds)
                    (worker_after,) = pages.cpu_ms(worker.pid)
                    deferred = worker_after - worker_before
                answered = max(load["requests"], 1)
                loads.append(
                    {
                        "round": round_number,
                        "who": who,
                        "page": label,
                        "site": site,
                        "path": path,
                        **load,
                        "web_cpu_ms": (web_after - web_before) / answered,
                        "worker_cpu_ms": deferred / answered,
                        "load_average": os.getloadavg()[0],
                    }
                )
                print(
                    f"round {round_number} {who:9} {label[:22]:22} {site:7} "
                    f"{load['rps']:7.1f} req/s  p99 {load['p99_ms']:6.1f} ms",
                    flush=True,
                )
        memory_end = {
            site: pages.worker_rss_mb(pid) for site, (_p, pid, _c) in servers.items()
        }
    finally:
        pages.stop(kollegi)
        if spirit_server is not None:
            pages.stop(spirit_server)
        if worker is not None:
            pages.stop(worker)
    report(
        loads, probes, memory_start, memory_end, args,
        {
            "load_before": load_before,
            "load_after": os.getloadavg(),
            "counts": wanted,
            "spirit": SPIRIT_RELEASE,
            "purged_tasks": purged,
            "member_pk": member.pk,
        },
    )  # fmt: skip


def shown(folder: Path) -> str:
    """A folder as the results name it: inside the repository, relative to it."""
    folder = folder.resolve()
    if folder.is_relative_to(ROOT):
        return str(folder.relative_to(ROOT))
    return "(outside the repository)"


def report(loads, probes, memory_start, memory_end, args, run) -> None:
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    rows = []
    seen = []
    for load in loads:
        key = (load["who"], load["page"], load["site"], load["path"])
        if key not in seen:
            seen.append(key)
    for who, label, site, path in seen:
        mine = [
            load
            for load in loads
            if (load["who"], load["page"], load["site"], load["path"])
            == (who, label, site, path)
        ]
        rows.append(
            {
                "who": who,
                "page": label,
                "site": site,
                "path": path,
                "rps": statistics.median(load["rps"] for load in mine),
                "p50_ms": statistics.median(load["p50_ms"] for load in mine),
                "p99_ms": statistics.median(load["p99_ms"] for load in mine),
                "web_cpu_ms": statistics.median(load["web_cpu_ms"] for load in mine),
                "worker_cpu_ms": statistics.median(
                    load["worker_cpu_ms"] for load in mine
                ),
                "rounds_rps": [load["rps"] for load in mine],
                "non_2xx": sum(load["non_2xx"] for load in mine),
                **probes[who, label, site, path],
            }
        )
    for row in rows:
        if row["site"] != "Spirit":
            continue
        ours = next(
            other
            for other in rows
            if (other["who"], other["page"], other["site"])
            == (row["who"], row["page"], "Kollegi")
        )
        row["ratio"] = ours["rps"] / row["rps"]
        # CPU per request, Kollegi's deferred work included: less noisy than
        # req/s on a machine shared with other work.
        row["cpu_ratio"] = row["web_cpu_ms"] / (
            ours["web_cpu_ms"] + ours["worker_cpu_ms"]
        )
        row["rounds_ratio"] = [
            a / b for a, b in zip(ours["rounds_rps"], row["rounds_rps"], strict=True)
        ]

    def mb(sizes: list[float]) -> str:
        return ", ".join(f"{size:.0f}" for size in sizes)

    before, after = run["load_before"], run["load_after"]
    counts = run["counts"]
    lines = [
        f"# Kollegi against Spirit, {stamp}",
        "",
        f"{run['spirit']} in its own virtual environment, its production settings "
        "with a Redis cache and cached sessions; the same forum in both: "
        f"{counts['members']:,} members, {counts['sections']} sections, "
        f"{counts['topics']:,} topics, {counts['posts']:,} posts (Kollegi's bench "
        f"data, scale {args.scale}). gunicorn with {args.workers} sync workers "
        f"each, `wrk -t2 -c{args.connections} -d{args.seconds}s`, {args.rounds} "
        "rounds, Kollegi's page then Spirit's in each; medians over the rounds. "
        "CPU ms: the web workers' per request (Kollegi's Celery worker's, for "
        "what the page hands it, after the +); CPU Spirit/Kollegi: Spirit's CPU "
        "per request over Kollegi's, the two together. Queries, writes and KB: one "
        "request in process, after a first one.",
        "",
        "| who | page | site | req/s | req/s Kollegi/Spirit | per round "
        "| p50 ms | p99 ms | CPU ms | CPU Spirit/Kollegi | queries | writes | KB "
        "| errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        spirit_page = row["site"] == "Spirit"
        ratio = cpu_ratio = per_round = ""
        cpu = f"{row['web_cpu_ms']:.1f}"
        if spirit_page:
            ratio = f"**{row['ratio']:.1f}×**"
            cpu_ratio = f"{row['cpu_ratio']:.1f}×"
            per_round = " ".join(f"{value:.1f}" for value in row["rounds_ratio"])
        else:
            cpu += f" + {row['worker_cpu_ms']:.1f}"
        lines.append(
            f"| {row['who']} | {row['page']} | {row['site']} `{unquote(row['path'])}` "
            f"| {row['rps']:.0f} | {ratio} | {per_round} | {row['p50_ms']:.1f} "
            f"| {row['p99_ms']:.1f} | {cpu} | {cpu_ratio} | {row['queries']} "
            f"| {len(row['writes'])} | {row['bytes'] / 1024:.1f} | {row['non_2xx']} |"
        )
    lines += [
        "",
        "Workers' memory (RSS, MB) after the warm-up: Kollegi "
        f"{mb(memory_start['Kollegi'])}, Spirit {mb(memory_start['Spirit'])}; at "
        f"the end: Kollegi {mb(memory_end['Kollegi'])}, Spirit "
        f"{mb(memory_end['Spirit'])}.",
        "",
        "Load average (1, 5, 15 min) before the run: "
        f"{', '.join(f'{value:.2f}' for value in before)}; after: "
        f"{', '.join(f'{value:.2f}' for value in after)}.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / f"spirit-{stamp}.md").write_text(text)
    (args.results / f"spirit-{stamp}.json").write_text(
        json.dumps(
            {
                "rows": rows,
                "loads": loads,
                "memory_start_mb": memory_start,
                "memory_end_mb": memory_end,
                "run": run,
                "settings": {
                    **vars(args),
                    "results": shown(args.results),
                    "spirit_venv": "(outside the repository)",
                },
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
