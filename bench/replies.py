"""Benchmark: replies posted by many members at once, and what they notify.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kollegi_bench_replies \\
    REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/replies.py [--writers 16] [--requests 320] \\
            [--watchers 200] [--followers 50] [--label after]

Uses the database of DATABASE_URL as it is named (made and migrated when
missing; each run adds its own members and topics) and the Redis database of
REDIS_URL, which it empties first: use databases of their own. Starts gunicorn
(``--workers`` sync workers, the production settings of ``bench/settings.py``)
and a Celery worker, on the loopback only. After a warm-up, three rounds —
one writer alone (``--alone`` replies), every writer in one topic, and the
writers spread over four topics — in which ``--writers`` members post
``--requests`` replies through HTTP (the reply form, with its CSRF token) as
fast as the site answers, each topic watched by ``--watchers`` members and
each writer followed by ``--followers``. Measured per reply: p50, p95, p99
and the longest, replies a second, errors; then how long until every
watcher had been told of every reply (at most ``--drain-seconds``),
whether each topic's posts are numbered 1..n without a gap with none lost,
and whether every watcher has exactly one line about each topic counting
every reply. Appends the result under ``--label`` to
``bench/results/replies-<date>.json`` and writes the table of every label to
the ``.md`` next to it.
"""

import argparse
import datetime
import http.client
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
LOG = Path(tempfile.gettempdir()) / "kollegi-bench-replies.log"

from bench import pages  # noqa: E402 - after the project is on the path


def configure() -> dict[str, str]:
    env = pages.configure(
        suffix="",
        DJANGO_CONN_MAX_AGE="60",
        # The writers are established members: no queue, no newcomers' limits.
        DJANGO_MODERATION_PREMODERATED_POSTS="0",
        EMAIL_URL="dummymail://",  # e-mails built, never sent
    )
    from django.core.cache import cache
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    # The benchmark's own Redis database (cache and broker): tasks and rate
    # counts of an earlier run go.
    cache.clear()
    return env


def community(args, run: str, topics: int) -> dict:
    """Members, sessions and topics for one round; returns what the load needs."""
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.test import Client
    from django.utils import timezone

    from accounts.models import Follow, Profile, User
    from forums import services
    from forums.models import TopicWatch

    joined = timezone.now() - datetime.timedelta(days=400)
    password = make_password(None)

    def members(role: str, count: int) -> list:
        users = User.objects.bulk_create(
            User(
                username=f"{run}-{role}-{n}",
                email=f"{run}-{role}-{n}@school.example",
                password=password,
                date_joined=joined,
            )
            for n in range(count)
        )
        Profile.objects.bulk_create(
            Profile(user=user, display_name=f"{role} {n}")
            for n, user in enumerate(users)
        )
        return users

    writers = members("writer", args.writers)
    watchers = members("watcher", args.watchers)
    followers = members("follower", args.followers)
    Follow.objects.bulk_create(
        Follow(follower=follower, followee=writer)
        for writer in writers
        for follower in followers
    )
    host = members("host", 1)[0]
    section = services.section_create(title=f"Замеры {run}", slug=f"bench-{run}")
    made = [
        services.topic_create(
            section=section, author=host, title=f"Тема {n + 1}", body="Обсуждаем."
        )
        for n in range(topics)
    ]
    TopicWatch.objects.bulk_create(
        TopicWatch(user=user, topic=topic) for topic in made for user in watchers
    )
    cookies = []
    for writer in writers:
        client = Client()
        client.force_login(writer)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        token = secrets.token_hex(16)  # a CSRF secret, as the cookie holds it
        cookies.append(
            (
                f"{settings.SESSION_COOKIE_NAME}={session}; "
                f"{settings.CSRF_COOKIE_NAME}={token}",
                token,
            )
        )
    return {
        "topics": [topic.pk for topic in made],
        "cookies": cookies,
        "watchers": [user.pk for user in watchers],
        "writers": [user.pk for user in writers],
    }


def start(command: list[str], env: dict, log) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own command line
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )


def wait_for(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/bench/bare/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    sys.exit("gunicorn did not start: " + LOG.read_text())


def load(port: int, setup: dict, total: int, limit: float) -> dict:
    """``total`` replies by the writers at once, each writer in its own topic
    of ``setup["topics"]`` in turn; stops early after ``limit`` seconds."""
    writers = setup["cookies"]
    topics = setup["topics"]
    lock = threading.Lock()
    issued = [0]
    times: list[float] = []
    errors: list[str] = []
    deadline = time.monotonic() + limit

    def writer(n: int) -> None:
        cookie, token = writers[n]
        topic = topics[n % len(topics)]
        while time.monotonic() < deadline:
            with lock:
                if issued[0] >= total:
                    return
                issued[0] += 1
                number = issued[0]
            form = urlencode(
                {
                    "csrfmiddlewaretoken": token,
                    "body": f"Ответ № {number}: у нас так же, пишу из школы {n}.",
                    "quoted": "",
                }
            )
            began = time.perf_counter()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                connection.request(
                    "POST",
                    f"/forums/t/{topic}/reply/",
                    body=form,
                    headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Cookie": cookie,
                        "X-Forwarded-Proto": "https",
                        "Origin": f"https://127.0.0.1:{port}",
                    },
                )
                response = connection.getresponse()
                response.read()
                status = response.status
                connection.close()
            except OSError as error:
                status = type(error).__name__
            elapsed = time.perf_counter() - began
            with lock:
                times.append(elapsed)
                if status != 302:
                    errors.append(str(status))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(len(writers))]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    times.sort()

    def pct(p: float) -> float:
        return times[min(len(times) - 1, int(p * len(times)))] * 1000

    return {
        "requests": len(times),
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5],
        "seconds": wall,
        "per_second": len(times) / wall,
        "p50_ms": statistics.median(times) * 1000,
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": times[-1] * 1000,
    }


def cpu_ms(groups: dict[str, int]) -> dict[str, float]:
    """CPU time (user + system, ms) used so far by each process group (gunicorn,
    the Celery worker: their processes and the children they reaped) and by
    the database's server processes for this database (Linux: ``/proc``)."""
    from django.db import connection

    tick = 1000 / os.sysconf("SC_CLK_TCK")
    used = dict.fromkeys([*groups, "database"], 0.0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        )
        backends = {row[0] for row in cursor.fetchall()}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        # After the name: state, ppid, pgrp, … utime, stime, cutime, cstime.
        group, times = int(fields[2]), [int(value) for value in fields[11:15]]
        for name, pgid in groups.items():
            if group == pgid:
                used[name] += sum(times) * tick
        if int(entry.name) in backends:
            used["database"] += sum(times[:2]) * tick
    return used


def drain(setup: dict, replies: dict[int, int], limit: float) -> float | None:
    """Seconds until every watcher has been told of every reply written
    (None: not within ``limit``)."""
    from django.db.models import Sum

    from community.models import Notification
    from forums import kinds

    expected = len(setup["watchers"]) * sum(replies.values())
    began = time.monotonic()
    while time.monotonic() - began < limit:
        told = Notification.objects.filter(
            recipient_id__in=setup["watchers"], kind=kinds.REPLY
        ).aggregate(total=Sum("count"))["total"]
        if (told or 0) >= expected:
            return time.monotonic() - began
        time.sleep(0.5)
    return None


def written(setup: dict) -> dict[int, int]:
    """Replies written in each topic."""
    from django.db.models import Count

    from forums.models import Post

    counts = dict(
        Post.objects.filter(topic_id__in=setup["topics"], number__gt=1)
        .values_list("topic_id")
        .annotate(n=Count("pk"))
    )
    return {pk: counts.get(pk, 0) for pk in setup["topics"]}


def check(setup: dict, sent: int) -> dict:
    """No gap, nothing lost, each watcher told once per reply (one line a topic)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count, Sum

    from community.models import Notification
    from forums import kinds
    from forums.models import Post, Topic

    replies = {}
    gaps = 0
    for pk in setup["topics"]:
        numbers = list(
            Post.objects.filter(topic_id=pk)
            .order_by("number")
            .values_list("number", flat=True)
        )
        gaps += numbers != list(range(1, len(numbers) + 1))
        replies[pk] = len(numbers) - 1
    topic_type = ContentType.objects.get_for_model(Topic)
    lines = (
        Notification.objects.filter(
            recipient_id__in=setup["watchers"],
            kind=kinds.REPLY,
            target_type=topic_type,
            target_id__in=setup["topics"],
        )
        .values("recipient_id", "target_id")
        .annotate(lines=Count("pk"), told=Sum("count"))
    )
    seen = {(row["recipient_id"], row["target_id"]): row for row in lines}
    wrong = 0
    extra_lines = 0
    for watcher in setup["watchers"]:
        for pk in setup["topics"]:
            row = seen.get((watcher, pk), {"lines": 0, "told": 0})
            wrong += row["told"] != replies[pk]
            extra_lines += max(row["lines"] - 1, 0)
    return {
        "replies_written": sum(replies.values()),
        "replies_accepted": sent,
        "gaps": gaps,
        "watchers_wrong": wrong,
        "extra_lines": extra_lines,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--requests", type=int, default=320)
    parser.add_argument("--watchers", type=int, default=200)
    parser.add_argument(
        "--alone", type=int, default=20, help="replies of one writer, first"
    )
    parser.add_argument("--followers", type=int, default=50)
    # As deploy/gunicorn.conf.py and deploy/systemd/kollegi-worker.service:
    # 2 × CPUs + 1 web workers, and the Celery worker below them in priority.
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--worker-nice", type=int, default=10)
    parser.add_argument("--celery-concurrency", type=int, default=2)
    parser.add_argument("--max-seconds", type=float, default=300)
    parser.add_argument("--drain-seconds", type=float, default=600)
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    env = configure()
    with socket_port() as port:
        pass
    log = LOG.open("w")
    server = start(
        [
            sys.executable, "-m", "gunicorn", "community.wsgi",
            "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
            "--worker-class", "sync", "--timeout", "120",
            "--worker-tmp-dir", "/dev/shm",  # noqa: S108 - heartbeat files
            "--log-level", "warning",
        ],
        env, log,
    )  # fmt: skip
    worker = start(
        [
            "nice", "-n", str(args.worker_nice),
            sys.executable, "-m", "celery", "-A", "community", "worker",
            "--concurrency", str(args.celery_concurrency), "--loglevel", "warning",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ],
        env, log,
    )  # fmt: skip
    rounds = []
    try:
        wait_for(port)
        run = datetime.datetime.now(datetime.UTC).strftime("%H%M%S")
        # Every worker through the reply's code once before anything is timed.
        warm = community(args, f"{run}w", 1)
        load(port, warm, 4 * args.workers, 60)
        for writers, topics in ((1, 1), (args.writers, 1), (args.writers, 4)):
            setup = community(args, f"{run}t{topics}n{writers}", topics)
            setup["cookies"] = setup["cookies"][:writers]
            total = args.alone if writers == 1 else args.requests
            groups = {"web": server.pid, "worker": worker.pid}
            began = cpu_ms(groups)
            result = load(port, setup, total, args.max_seconds)
            loaded = cpu_ms(groups)
            result["writers"] = writers
            sent = result["requests"] - result["errors"]
            result["drain_s"] = drain(setup, written(setup), args.drain_seconds)
            drained = cpu_ms(groups)
            # CPU per reply answered: the web while the replies were posted;
            # the worker and the database until every watcher was told.
            answered = max(result["requests"], 1)
            result["cpu_ms"] = {
                "web": (loaded["web"] - began["web"]) / answered,
                "worker": (drained["worker"] - began["worker"]) / answered,
                "database": (drained["database"] - began["database"]) / answered,
                "worker_during_load": (loaded["worker"] - began["worker"]) / answered,
            }
            result.update(check(setup, sent))
            result["topics"] = topics
            rounds.append(result)
            print(json.dumps(result, ensure_ascii=False))
    finally:
        for process in (server, worker):
            os.killpg(process.pid, signal.SIGTERM)
        for process in (server, worker):
            process.wait(timeout=60)
    report(rounds, args)


class socket_port:
    """A free loopback port."""

    def __enter__(self) -> int:
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        return self.sock.getsockname()[1]

    def __exit__(self, *exc) -> None:
        self.sock.close()


def _cpu(row: dict) -> str:
    used = row.get("cpu_ms")
    if not used:
        return "—"
    return f"{used['web']:.0f} / {used['worker']:.0f} / {used['database']:.0f}"


def report(rounds: list[dict], args) -> None:
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    RESULTS.mkdir(exist_ok=True)
    store = RESULTS / f"replies-{stamp}.json"
    runs = json.loads(store.read_text()) if store.exists() else []
    runs = [run for run in runs if run["label"] != args.label]
    runs.append({"label": args.label, "settings": vars(args), "rounds": rounds})
    store.write_text(json.dumps(runs, indent=2, ensure_ascii=False) + "\n")
    lines = [
        f"# Replies under concurrent writers, {stamp}",
        "",
        "`bench/replies.py`: PostgreSQL, Redis, gunicorn (sync workers, production "
        "settings) and a Celery worker on one machine; each reply a POST of the "
        "reply form. Latency per reply in ms; *told after* is how long after the "
        "last reply the watchers' notifications were all written; *wrong* counts "
        "watchers whose line about a topic does not count every reply in it, "
        "*extra lines* a second unread line about the same topic; *CPU a reply* "
        "is the CPU time (ms) per reply of gunicorn while the replies were "
        "posted / of the Celery worker and of PostgreSQL until every watcher "
        "was told (— where not measured).",
        "",
        "| code | topics | writers | watchers a topic | replies | errors | replies/s "
        "| p50 | p95 | p99 | max | told after (s) | gaps | wrong | extra lines "
        "| CPU a reply: web / worker / db |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        given = run["settings"]
        for row in run["rounds"]:
            drained = row["drain_s"]
            lines.append(
                f"| {run['label']} | {row['topics']} | {row['writers']} "
                f"| {given['watchers']} | {row['requests']} | {row['errors']} "
                f"| {row['per_second']:.1f} | {row['p50_ms']:.0f} "
                f"| {row['p95_ms']:.0f} | {row['p99_ms']:.0f} | {row['max_ms']:.0f} "
                f"| {'—' if drained is None else f'{drained:.0f}'} | {row['gaps']} "
                f"| {row['watchers_wrong']} | {row['extra_lines']} | {_cpu(row)} |"
            )
    text = "\n".join(lines) + "\n"
    print(text)
    page = RESULTS / f"replies-{stamp}.md"
    notes = _notes(page)
    page.write_text(text + ("\n" + notes + "\n" if notes else ""))


def _notes(page: Path) -> str:
    """What follows the table on the page already written (the reading of the
    figures, kept when a run adds its rows)."""
    if not page.exists():
        return ""
    lines = page.read_text().splitlines()
    end = next((n for n, line in enumerate(lines) if line.startswith("| code |")), None)
    if end is None:
        return ""
    while end < len(lines) and lines[end].startswith("|"):
        end += 1  # the results' table, to its end
    return "\n".join(lines[end:]).strip()


if __name__ == "__main__":
    main()
