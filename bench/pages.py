"""Benchmark: the main pages under load, against the framework's ceiling.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kollegi \\
    REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/pages.py [--scale 1.0] [--seconds 10] [--connections 16]

(or ``make bench``). Works on the database named in DATABASE_URL with
"_bench" appended (made and filled once with ``bench.community_data``: at
scale 1, 10,000 members, 1,000,000 posts in 50,000 topics, 100,000
materials, 5,000 master-classes, ratings, registrations, notifications;
then, once, ``bench.page_extras`` adds what the member's pages of the later
apps stand on: a blog post with 50 comments, bookmarks, communities, a
contest, conversations, courses, a plan of «Мой путь»), starts gunicorn (3
sync workers) with the production settings plus one bare template view
(``bench/settings.py``), and loads each page with ``wrk -t2 -c16``,
anonymously and signed in (``member_pages()``, a member's own, signed in
only). Prints and writes to
``bench/results/`` (Markdown and JSON): requests/s and its ratio to the bare
view, p50 and p99 latency, SQL queries per request, HTML size raw and
gzipped, and the workers' memory after a warm-up on every page and after
the run (growth between the two would be a leak).

A Celery worker runs beside gunicorn as production runs one (prefork, below
the web workers in priority), taking every queue, so the work a page hands
to tasks is done during the run and paid for: per page, the CPU time of the
web workers while the page is loaded and of the Celery worker until no task
is left (after the load, the beat's flushes of what GET requests note in the
cache are sent at once), each per request, and the tasks run. ``--port``
sets gunicorn's port (default: a free one).
"""

import argparse
import datetime
import gzip
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
LOG = Path(tempfile.gettempdir()) / "kollegi-bench-gunicorn.log"
WORKER_LOG = Path(tempfile.gettempdir()) / "kollegi-bench-celery.log"


def database_name(suffix: str = "_bench") -> str:
    """The benchmark's database: ``DATABASE_URL``'s name plus ``suffix``."""
    return os.environ.get("DATABASE_URL", "").rsplit("/", 1)[-1].split("?")[0] + suffix


def configure(*, suffix: str = "_bench", **variables: str) -> dict[str, str]:
    """The benchmark's database (``DATABASE_URL``'s name plus ``suffix``, made
    when missing), its settings and ``variables`` in the environment; Django
    set up. Also used by ``bench/replies.py``."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres") or not os.environ.get("REDIS_URL"):
        sys.exit("set DATABASE_URL (PostgreSQL) and REDIS_URL (Redis)")
    base = url.rsplit("/", 1)[0]
    name = database_name(suffix)
    import psycopg2

    admin = psycopg2.connect(f"{base}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    env = {
        **os.environ,
        "DATABASE_URL": f"{base}/{name}",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-" + "x" * 50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
        "DJANGO_CONN_MAX_AGE": os.environ.get("DJANGO_CONN_MAX_AGE", "60"),
        "DJANGO_STATIC_ROOT": tempfile.mkdtemp(prefix="kollegi-bench-static-"),
        **variables,
    }
    os.environ.update(env)
    import django

    django.setup()
    return env


def fill_once(scale: float) -> None:
    import click
    from django.core.management import call_command
    from taggit.models import TaggedItem

    from bench.community_data import fill, fill_tags
    from forums.models import Post

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if Post.objects.exists():
        if not TaggedItem.objects.exists():  # filled before tags were generated
            print("filled:", fill_tags())
            _analyze()
        return
    bars: dict = {}

    def progress(label: str, done: int, total: int) -> None:
        bar = bars.get(label)
        if bar is None:
            bar = bars[label] = click.progressbar(
                length=total, label=f"{label:>14}", show_pos=True
            )
            bar.__enter__()
        bar.update(done - bar.pos)
        if done >= total:
            bar.__exit__(None, None, None)

    print("filled:", fill(scale, progress=progress))
    _analyze()


def fill_extras_once() -> dict[str, int]:
    """What the member's pages of the later apps stand on (``bench.page_extras``:
    a blog post with 50 comments, bookmarks, communities, a contest,
    conversations, courses, a plan of «Мой путь»), made once, in a database
    filled before it existed too; returns the rows made (none the next time)."""
    from django.db import connection

    from bench.page_extras import fill_extras

    made = fill_extras(bench_member())
    if made:
        print("filled for the member's pages:", made)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # tables empty until now among them
    return made


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def bench_member():
    """The signed-in member of the benchmark (the sixth active member)."""
    from accounts.models import User

    return User.objects.filter(is_active=True).order_by("pk")[5]


def pages() -> list[tuple[str, str]]:
    """The pages loaded anonymously and signed in (``member_pages()``: those
    only a member may open). A page standing on a row ``bench.page_extras``
    makes (the blog post with 50 comments, a community, a course, a contest)
    is left out where the row is missing, as in a test's smaller community."""
    from django.db.models import Count
    from taggit.models import TaggedItem

    from accounts.models import BlogPost, User
    from circles.models import Community
    from contests.models import Contest
    from courses.models import Course
    from forums.models import Section, Topic
    from masterclasses.models import MasterClass
    from materials.models import Material

    section = Section.objects.order_by("pk").first()
    long_topic = Topic.objects.order_by("-reply_count").first()
    deep_page = max(1, (long_topic.reply_count + 1) // 20 // 2)
    material = Material.objects.filter(status="published").order_by("-pk").first()
    masterclass = MasterClass.objects.order_by("-pk").first()
    member = User.objects.filter(is_active=True).order_by("pk")[10]
    tag = (
        TaggedItem.objects.values("tag__slug")
        .annotate(uses=Count("pk"))
        .order_by("-uses", "tag__slug")
        .first()
    )
    blog_post = (
        BlogPost.objects.filter(status=BlogPost.Status.PUBLISHED, is_hidden=False)
        .select_related("author")
        .order_by("-comment_count", "pk")
        .first()
    )
    community = (
        Community.objects.filter(
            status=Community.Status.OPEN,
            visibility=Community.Visibility.PUBLIC,
            is_hidden=False,
        )
        .order_by("-member_count", "pk")
        .first()
    )
    course = Course.objects.published().order_by("-enrolled_count", "pk").first()
    contest = Contest.objects.public().order_by("-entry_count", "pk").first()
    listed = [
        ("bare template view", "/bench/bare/"),
        ("home", "/"),
        ("forum index", "/forums/"),
        ("forum section", section.get_absolute_url()),
        (
            "topic, page deep inside",
            f"{long_topic.get_absolute_url()}?page={deep_page}",
        ),
        ("tag page", f"/tags/{tag['tag__slug']}/" if tag else None),
        ("materials catalogue", "/materials/"),
        ("material", material.get_absolute_url()),
        ("master-classes", "/masterclasses/"),
        ("master-classes, month", "/masterclasses/calendar/"),
        ("master-class", masterclass.get_absolute_url()),
        ("profile", member.get_absolute_url()),
        (
            f"blog post, {blog_post.comment_count} comments" if blog_post else "",
            blog_post.get_absolute_url() if blog_post else None,
        ),
        (
            "search",
            "/search/?" + urlencode({"q": "дроби 5 класс"}),
        ),
        ("communities", "/communities/"),
        (
            f"community, {community.member_count} members" if community else "",
            community.get_absolute_url() if community else None,
        ),
        ("courses", "/courses/"),
        ("course", course.get_absolute_url() if course else None),
        ("contests", "/contests/"),
        (
            f"contest, {contest.entry_count} entries" if contest else "",
            contest.get_absolute_url() if contest else None,
        ),
    ]
    return [(label, path) for label, path in listed if path]


def member_pages() -> list[tuple[str, str]]:
    """The pages only a signed-in member may open (a visitor is sent to the
    login): loaded as ``bench_member()`` only. Those standing on a row
    ``bench.page_extras`` makes are left out where it is missing."""
    from conversations.models import Conversation
    from growth.models import Plan

    member = bench_member()
    conversation = (
        Conversation.objects.filter(participants__user=member)
        .order_by("-last_number", "-pk")
        .first()
    )
    plan = Plan.objects.filter(owner=member).order_by("-items_count", "pk").first()
    listed = [
        ("new since last visit", "/forums/new/"),
        ("notifications", "/notifications/"),
        ("bookmarks", "/bookmarks/"),
        ("conversations", "/messages/"),
        (
            f"conversation, {conversation.last_number} messages"
            if conversation
            else "",
            conversation.get_absolute_url() if conversation else None,
        ),
        ("my path", "/my-path/"),
        ("my path: plan", plan.get_absolute_url() if plan else None),
    ]
    return [(label, path) for label, path in listed if path]


def session_cookie() -> str:
    """A signed-in member's session, made the way a login makes it."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(bench_member())
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"


def measure_in_process(path: str, cookie: str) -> dict:
    """Queries per request and the page's size, through Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_X_FORWARDED_PROTO="https")
    if cookie:
        name, value = cookie.split("=", 1)
        client.cookies[name] = value
    client.get(path)  # warm caches as the load does
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    writes = [
        query["sql"][:80]
        for query in queries.captured_queries
        if re.match(r"\s*(INSERT|UPDATE|DELETE)", query["sql"], re.I)
    ]
    return {
        "status": response.status_code,
        "queries": len(queries.captured_queries),
        "writes": writes,
        "bytes": len(response.content),
        "gzip_bytes": len(gzip.compress(response.content)),
        "set_cookie": sorted(response.cookies.keys()),
    }


def free_port(port: int = 0) -> int:
    """``port`` if nothing listens on it on the loopback (0: any free port);
    exits otherwise, so that the load never goes to another server."""
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as error:
            sys.exit(f"port {port}: {error.strerror}")
        return sock.getsockname()[1]


def start_gunicorn(env: dict, port: int, workers: int) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603 - our own command line
        [
            sys.executable,
            "-m",
            "gunicorn",
            "community.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--access-logfile",
            "-",
            "--log-level",
            "warning",
            "--worker-tmp-dir",
            "/dev/shm",  # noqa: S108 - gunicorn's heartbeat files, in memory
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "bench.settings"},
        stdout=subprocess.DEVNULL,
        stderr=LOG.open("w"),
        text=True,
        start_new_session=True,  # its own process group: its CPU time, below
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/bare/", timeout=2)
            return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    sys.exit("gunicorn did not start: " + LOG.read_text())


def worker_rss_mb(master: int) -> list[float]:
    children = subprocess.run(  # noqa: S603
        ["/usr/bin/pgrep", "-P", str(master)],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        rss = re.search(r"VmRSS:\s+(\d+) kB", status)
        if rss:
            sizes.append(int(rss.group(1)) / 1024)
    return sizes


def start_worker(env: dict, concurrency: int, nice: int) -> subprocess.Popen:
    """A Celery worker as ``deploy/systemd/kollegi-worker.service`` runs one
    (prefork, a child replaced after 100 tasks, log level INFO, ``nice``), with
    ``concurrency`` processes and without ``-Q``: every queue, where production
    gives digests and long jobs workers of their own. Returns once it is ready."""
    process = subprocess.Popen(  # noqa: S603 - our own command line
        [
            "/usr/bin/nice", "-n", str(nice),
            sys.executable, "-m", "celery", "-A", "community", "worker",
            "--pool", "prefork", "--concurrency", str(concurrency),
            "--max-tasks-per-child", "100", "--loglevel", "INFO",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "bench.settings"},
        stdout=subprocess.DEVNULL,
        stderr=WORKER_LOG.open("w"),
        start_new_session=True,  # its own process group: its CPU time, below
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if re.search(r"celery@\S+ ready\.", WORKER_LOG.read_text()):
            return process
        time.sleep(0.3)
    stop(process)
    sys.exit("the Celery worker did not start: " + WORKER_LOG.read_text()[-3000:])


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the process (gunicorn and Celery stop their workers), then
    SIGKILL to its whole process group if it is not gone within 30 s."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def cpu_ms(*groups: int) -> list[float]:
    """CPU time (user + system, ms) used so far by each process group: its
    processes and the children they have reaped (Linux: ``/proc``)."""
    tick = 1000 / os.sysconf("SC_CLK_TCK")
    used = dict.fromkeys(groups, 0.0)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        # After the name: state, ppid, pgrp, … utime, stime, cutime, cstime.
        if int(fields[2]) in used:
            used[int(fields[2])] += sum(int(value) for value in fields[11:15]) * tick
    return [used[group] for group in groups]


class Broker:
    """The queues of the benchmark's Celery app in Redis, under the key prefix
    of the settings (``DJANGO_REDIS_PREFIX``): every queue the app declares or
    routes to, each with its priority lists, and the tasks a worker has taken
    but not yet acknowledged."""

    def __init__(self) -> None:
        import redis
        from django.conf import settings
        from kombu.transport.redis import PRIORITY_STEPS, Channel

        from community.celery import app

        prefix = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("global_keyprefix", "")
        self.app = app
        self.client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        self.queues = sorted(queue_names(app))
        self.lists = [
            prefix + (f"{queue}{Channel.sep}{step}" if step else queue)
            for queue in self.queues
            for step in PRIORITY_STEPS
        ]
        self.unacked = prefix + Channel.unacked_key
        self.others = [
            prefix + Channel.unacked_index_key,
            prefix + Channel.unacked_mutex_key,
        ]

    def backlog(self) -> int:
        """Tasks waiting in a queue or taken by a worker and not yet acknowledged."""
        with self.client.pipeline() as pipe:
            for key in self.lists:
                pipe.llen(key)
            pipe.hlen(self.unacked)
            return sum(pipe.execute())

    def purge(self) -> int:
        """Drops every task waiting (an earlier run's, the filling's): how many."""
        left = self.backlog()
        self.client.delete(*self.lists, self.unacked, *self.others)
        return left

    def send_flushes(self) -> None:
        """What beat would send within the minute or two: ``flush_tasks``."""
        for name in flush_tasks():
            self.app.send_task(name)

    def drain(self, worker: int, limit: float) -> tuple[float, int]:
        """Waits until no task is left and the worker (process group ``worker``)
        has been idle for a quarter of a second, at most ``limit`` seconds;
        returns the seconds waited and the tasks left."""
        began = time.monotonic()
        while True:
            left = self.backlog()
            waited = time.monotonic() - began
            if waited >= limit:
                return waited, left
            if left:
                time.sleep(0.1)
                continue
            before = cpu_ms(worker)
            time.sleep(0.25)
            if cpu_ms(worker) == before and not self.backlog():
                return time.monotonic() - began, 0


def flush_tasks() -> list[str]:
    """The beat's periodic jobs that write what GET requests note in the cache
    (topic views, visit times, how far conversations are read): sent after
    each page's load, so that a page pays for what it defers there too."""
    from django.conf import settings

    return sorted(
        entry["task"]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"].endswith("_flush_task")
    )


def queue_names(app) -> set[str]:
    """The queues a worker without ``-Q`` consumes and those the routes name."""
    names = {app.conf.task_default_queue, *app.amqp.queues}
    routes = app.conf.task_routes or ()
    for route in [routes] if isinstance(routes, dict) else routes:
        if not isinstance(route, dict):
            continue  # a router function: its queues are declared, or not known
        for target in route.values():
            queue = target.get("queue") if isinstance(target, dict) else target
            name = getattr(queue, "name", queue)
            if isinstance(name, str):
                names.add(name)
    return names


class TaskLog:
    """The tasks the worker ran (and those that failed) since the last read of
    its log, by name, from the lines Celery writes at level INFO."""

    LINE = re.compile(r"Task ([\w.]+)\[[\w-]+\] (\w+)")

    def __init__(self, path: Path) -> None:
        self.path, self.offset = path, 0

    def read(self) -> tuple[dict[str, int], dict[str, int]]:
        with self.path.open("rb") as log:
            log.seek(self.offset)
            data = log.read()
        data = data[: data.rfind(b"\n") + 1]  # whole lines: the rest next time
        self.offset += len(data)
        text = data.decode(errors="replace")
        ran: dict[str, int] = {}
        failed: dict[str, int] = {}
        for name, outcome in self.LINE.findall(text):
            if outcome == "succeeded":
                ran[name] = ran.get(name, 0) + 1
            elif outcome != "received":
                failed[name] = failed.get(name, 0) + 1
        return ran, failed


def wrk(url: str, cookie: str, seconds: int, connections: int) -> dict:
    headers = ["-H", "X-Forwarded-Proto: https"]
    if cookie:
        headers += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(  # noqa: S603
        [
            "/usr/bin/wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            *headers,
            # wrk takes ASCII addresses only: a tag's Cyrillic address encoded.
            quote(url, safe=":/?&=%+"),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def latency(label: str) -> float:
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "requests": requests,
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--port", type=int, default=0, help="gunicorn's port (default: a free one)"
    )
    # As deploy/systemd/kollegi-worker.service, but one process: the machine's
    # CPUs are the web workers' first.
    parser.add_argument("--celery-concurrency", type=int, default=1)
    parser.add_argument("--worker-nice", type=int, default=10)
    parser.add_argument(
        "--drain-seconds",
        type=float,
        default=10,
        help="after each page's load, at most this long for the queues to empty",
    )
    parser.add_argument(
        "--leak-requests",
        type=int,
        default=20_000,
        help="member requests in the memory check after the table (0: none)",
    )
    parser.add_argument(
        "--only",
        default="",
        help="load only the pages whose label contains this (the table is not written)",
    )
    parser.add_argument(
        "--results", type=Path, default=RESULTS, help="the table's folder"
    )
    args = parser.parse_args()
    port = free_port(args.port)  # before the filling: a port taken fails at once
    # Broker and cache keys under the database's name: a run purges its own
    # queues only, and no other worker on the same Redis takes its tasks.
    env = configure(
        DJANGO_REDIS_PREFIX=os.environ.get("DJANGO_REDIS_PREFIX") or database_name()
    )
    fill_once(args.scale)
    fill_extras_once()
    cookie = session_cookie()
    broker = Broker()
    # Tasks left by an earlier run or enqueued while filling are not this run's.
    purged = broker.purge()
    server = start_gunicorn(env, port, args.workers)
    worker = None
    rows, served = [], 0
    audiences = (("anonymous", ""), ("member", cookie))
    # (label, path, whether only the member loads it)
    chosen = [
        (label, path, member_only)
        for listed, member_only in ((pages(), False), (member_pages(), True))
        for label, path in listed
        if not args.only or label == "bare template view" or args.only in label
    ]
    try:
        worker = start_worker(env, args.celery_concurrency, args.worker_nice)
        tasks = TaskLog(WORKER_LOG)
        # Warm every worker on every page first (templates, translations,
        # connections), so that the memory measured next is the steady state
        # and its growth over the load below would be a leak.
        for _who, who_cookie in audiences:
            for _label, path, member_only in chosen:
                if who_cookie or not member_only:
                    wrk(f"http://127.0.0.1:{port}{path}", who_cookie, 2, 6)
        broker.send_flushes()
        warm_drain = broker.drain(worker.pid, 6 * args.drain_seconds)
        warm_tasks = tasks.read()
        memory_start = worker_rss_mb(server.pid)
        for who, who_cookie in audiences:
            for label, path, member_only in chosen:
                if member_only and not who_cookie:
                    continue  # a visitor is sent to the login
                url = f"http://127.0.0.1:{port}{path}"
                # What the previous page's check in process below enqueued.
                broker.drain(worker.pid, args.drain_seconds)
                tasks.read()
                web_before, worker_before = cpu_ms(server.pid, worker.pid)
                load = wrk(url, who_cookie, args.seconds, args.connections)
                (web_after,) = cpu_ms(server.pid)
                broker.send_flushes()
                drained, backlog = broker.drain(worker.pid, args.drain_seconds)
                (worker_after,) = cpu_ms(worker.pid)
                ran, failed = tasks.read()
                served += load["requests"]
                answered = max(load["requests"], 1)
                web = (web_after - web_before) / answered
                deferred = (worker_after - worker_before) / answered
                rows.append(
                    {
                        "who": who,
                        "page": label,
                        "path": path,
                        **load,
                        "web_cpu_ms": web,
                        "worker_cpu_ms": deferred,
                        "total_cpu_ms": web + deferred,
                        "tasks": ran,
                        "task_failures": failed,
                        "drain_s": drained,
                        "backlog": backlog,
                        **measure_in_process(path, who_cookie),
                    }
                )
        memory_end = worker_rss_mb(server.pid)
        leak = leak_check(port, server.pid, cookie, chosen, args.leak_requests)
        broker.send_flushes()
        final_drain = broker.drain(worker.pid, 6 * args.drain_seconds)
        final_tasks = tasks.read()
    finally:
        stop(server)
        if worker is not None:
            stop(worker)
    ceiling = {
        row["who"]: row["rps"] for row in rows if row["page"] == "bare template view"
    }
    for row in rows:
        row["ratio"] = row["rps"] / ceiling[row["who"]]
    worker_run = {
        "purged_before": purged,
        "warm_up": {
            "tasks": warm_tasks[0],
            "task_failures": warm_tasks[1],
            "drain_s": warm_drain[0],
            "backlog": warm_drain[1],
        },
        "after_leak_check": {
            "tasks": final_tasks[0],
            "task_failures": final_tasks[1],
            "drain_s": final_drain[0],
            "backlog": final_drain[1],
        },
        "queues": broker.queues,
    }
    report(
        rows, memory_start, memory_end, served, leak, worker_run, args,
        write=not args.only,
    )  # fmt: skip


def leak_check(port, master, cookie, chosen, target: int) -> list[dict]:
    """The members' pages in turn until ``target`` more requests are served,
    the workers' memory after each round: a leak grows with every round, a
    warm process stays flat."""
    series = []
    served = 0
    paths = [path for label, path, _only in chosen if label != "bare template view"]
    while paths and served < target:
        for path in paths:
            served += wrk(f"http://127.0.0.1:{port}{path}", cookie, 3, 16)["requests"]
        series.append({"requests": served, "rss_mb": worker_rss_mb(master)})
    return series


def report(
    rows, memory_start, memory_end, served, leak, worker_run, args, *, write: bool
) -> None:
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    flushes = flush_tasks()

    def own(tasks: dict[str, int]) -> int:
        return sum(count for name, count in tasks.items() if name not in flushes)

    def named(tasks: dict[str, int]) -> str:
        return ", ".join(f"{name} {count:,}" for name, count in sorted(tasks.items()))

    lines = [
        f"# Pages under load, {stamp}",
        "",
        f"gunicorn {args.workers} sync workers, production settings, "
        f"`wrk -t2 -c{args.connections} -d{args.seconds}s`, scale {args.scale}; "
        f"a Celery worker (prefork, {args.celery_concurrency} process, nice "
        f"{args.worker_nice}) takes every queue.",
        "",
        "CPU ms per request: the web workers' during the page's load, the Celery "
        "worker's from the load's start until no task is left (at most "
        f"{args.drain_seconds:g} s after it; the beat's flushes of what GET requests "
        f"note in the cache — {', '.join(flushes)} — are sent when the load ends), "
        "and the two together. Tasks: those the page handed to the worker, the "
        "flushes not counted; backlog: tasks still waiting at the end.",
        "",
        "| who | page | req/s | of bare | p50 ms | p99 ms | CPU ms web "
        "| CPU ms worker | CPU ms total | tasks | backlog | queries | writes "
        "| KB | KB gzip | errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['who']} | {row['page']} | {row['rps']:.0f} | {row['ratio']:.0%} "
            f"| {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {row['web_cpu_ms']:.2f} "
            f"| {row['worker_cpu_ms']:.2f} | {row['total_cpu_ms']:.2f} "
            f"| {own(row['tasks']):,} | {row['backlog']:,} | {row['queries']} "
            f"| {len(row['writes'])} | {row['bytes'] / 1024:.1f} "
            f"| {row['gzip_bytes'] / 1024:.1f} | {row['non_2xx']} |"
        )
    measured: dict[str, int] = {}
    failures: dict[str, int] = {}
    for row in rows:
        for name, count in row["tasks"].items():
            measured[name] = measured.get(name, 0) + count
        for name, count in row["task_failures"].items():
            failures[name] = failures.get(name, 0) + count
    warm, final = worker_run["warm_up"], worker_run["after_leak_check"]
    failed = sum(
        sum(counts.values())
        for counts in (failures, warm["task_failures"], final["task_failures"])
    )
    lines += [
        "",
        f"The Celery worker (queues {', '.join(worker_run['queues'])}; "
        f"{worker_run['purged_before']:,} tasks of earlier runs purged first) ran "
        f"{sum(warm['tasks'].values()):,} tasks during the warm-up "
        f"({named(warm['tasks']) or 'none'}), {sum(measured.values()):,} during "
        f"the table ({named(measured) or 'none'}) and "
        f"{sum(final['tasks'].values()):,} during the memory check below; "
        f"{failed:,} failed; {final['backlog']:,} left in the queues at the end.",
        "",
        f"Workers' memory (RSS, MB) after a warm-up on every page: "
        f"{', '.join(f'{m:.0f}' for m in memory_start)}; after the {served:,} "
        f"requests above: {', '.join(f'{m:.0f}' for m in memory_end)}.",
        "",
        "Then the member pages in turn, the workers' memory (MB) after each round:",
        "",
        "| requests | "
        + " | ".join(f"worker {n + 1}" for n in range(args.workers))
        + " |",
        "|---|" + "---|" * args.workers,
        *(
            f"| {point['requests']:,} | "
            + " | ".join(f"{m:.1f}" for m in point["rss_mb"])
            + " |"
            for point in leak
        ),
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if not write:
        return
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / f"pages-{stamp}.md").write_text(text)
    (args.results / f"pages-{stamp}.json").write_text(
        json.dumps(
            {
                "rows": rows,
                "memory_start_mb": memory_start,
                "memory_end_mb": memory_end,
                "leak_check": leak,
                "requests": served,
                "celery_worker": worker_run,
                "settings": {**vars(args), "results": str(args.results)},
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
