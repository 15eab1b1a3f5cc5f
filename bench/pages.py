"""Benchmark: the main pages under load, against the framework's ceiling.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kollegi \\
    REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/pages.py [--scale 1.0] [--seconds 10] [--connections 16]

(or ``make bench``). Works on the database named in DATABASE_URL with
"_bench" appended (made and filled once with ``bench.community_data``: at
scale 1, 10,000 members, 1,000,000 posts in 50,000 topics, 100,000
materials, 5,000 master-classes, ratings, registrations, notifications),
starts gunicorn (3 sync workers) with the production settings plus one bare
template view (``bench/settings.py``), and loads each main page with
``wrk -t2 -c16``, anonymously and signed in. Prints and writes to
``bench/results/`` (Markdown and JSON): requests/s and its ratio to the bare
view, p50 and p99 latency, SQL queries per request, HTML size raw and
gzipped, and the workers' memory after a warm-up on every page and after
the run (growth between the two would be a leak).
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
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
LOG = Path(tempfile.gettempdir()) / "kollegi-bench-gunicorn.log"


def configure(*, suffix: str = "_bench", **variables: str) -> dict[str, str]:
    """The benchmark's database (``DATABASE_URL``'s name plus ``suffix``, made
    when missing), its settings and ``variables`` in the environment; Django
    set up. Also used by ``bench/replies.py``."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres") or not os.environ.get("REDIS_URL"):
        sys.exit("set DATABASE_URL (PostgreSQL) and REDIS_URL (Redis)")
    base, name = url.rsplit("/", 1)
    name = name.split("?")[0] + suffix
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


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def pages() -> list[tuple[str, str]]:
    from accounts.models import User
    from forums.models import Section, Topic
    from masterclasses.models import MasterClass
    from materials.models import Material

    section = Section.objects.order_by("pk").first()
    long_topic = Topic.objects.order_by("-reply_count").first()
    deep_page = max(1, (long_topic.reply_count + 1) // 20 // 2)
    material = Material.objects.filter(status="published").order_by("-pk").first()
    masterclass = MasterClass.objects.order_by("-pk").first()
    member = User.objects.filter(is_active=True).order_by("pk")[10]
    return [
        ("bare template view", "/bench/bare/"),
        ("home", "/"),
        ("forum section", section.get_absolute_url()),
        (
            "topic, page deep inside",
            f"{long_topic.get_absolute_url()}?page={deep_page}",
        ),
        ("materials catalogue", "/materials/"),
        ("material", material.get_absolute_url()),
        ("master-classes", "/masterclasses/"),
        ("master-class", masterclass.get_absolute_url()),
        ("profile", member.get_absolute_url()),
        (
            "search",
            "/search/?" + urlencode({"q": "дроби 5 класс"}),
        ),
    ]


def session_cookie() -> str:
    """A signed-in member's session, made the way a login makes it."""
    from django.conf import settings
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.filter(is_active=True).order_by("pk")[5])
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
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
            url,
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
    args = parser.parse_args()
    env = configure()
    fill_once(args.scale)
    cookie = session_cookie()
    port = free_port()
    server = start_gunicorn(env, port, args.workers)
    rows, served = [], 0
    audiences = (("anonymous", ""), ("member", cookie))
    chosen = [
        (label, path)
        for label, path in pages()
        if not args.only or label == "bare template view" or args.only in label
    ]
    try:
        # Warm every worker on every page first (templates, translations,
        # connections), so that the memory measured next is the steady state
        # and its growth over the load below would be a leak.
        for _who, who_cookie in audiences:
            for _label, path in chosen:
                wrk(f"http://127.0.0.1:{port}{path}", who_cookie, 2, 6)
        memory_start = worker_rss_mb(server.pid)
        for who, who_cookie in audiences:
            for label, path in chosen:
                url = f"http://127.0.0.1:{port}{path}"
                load = wrk(url, who_cookie, args.seconds, args.connections)
                served += load["requests"]
                rows.append(
                    {
                        "who": who,
                        "page": label,
                        "path": path,
                        **load,
                        **measure_in_process(path, who_cookie),
                    }
                )
        memory_end = worker_rss_mb(server.pid)
        leak = leak_check(port, server.pid, cookie, chosen, args.leak_requests)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    ceiling = {
        row["who"]: row["rps"] for row in rows if row["page"] == "bare template view"
    }
    for row in rows:
        row["ratio"] = row["rps"] / ceiling[row["who"]]
    report(rows, memory_start, memory_end, served, leak, args, write=not args.only)


def leak_check(port, master, cookie, chosen, target: int) -> list[dict]:
    """The members' pages in turn until ``target`` more requests are served,
    the workers' memory after each round: a leak grows with every round, a
    warm process stays flat."""
    series = []
    served = 0
    member_pages = [path for label, path in chosen if label != "bare template view"]
    while member_pages and served < target:
        for path in member_pages:
            served += wrk(f"http://127.0.0.1:{port}{path}", cookie, 3, 16)["requests"]
        series.append({"requests": served, "rss_mb": worker_rss_mb(master)})
    return series


def report(rows, memory_start, memory_end, served, leak, args, *, write: bool) -> None:
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    lines = [
        f"# Pages under load, {stamp}",
        "",
        f"gunicorn {args.workers} sync workers, production settings, "
        f"`wrk -t2 -c{args.connections} -d{args.seconds}s`, scale {args.scale}.",
        "",
        "| who | page | req/s | of bare | p50 ms | p99 ms | queries | writes "
        "| KB | KB gzip | errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['who']} | {row['page']} | {row['rps']:.0f} | {row['ratio']:.0%} "
            f"| {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {row['queries']} "
            f"| {len(row['writes'])} | {row['bytes'] / 1024:.1f} "
            f"| {row['gzip_bytes'] / 1024:.1f} | {row['non_2xx']} |"
        )
    lines += [
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
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"pages-{stamp}.md").write_text(text)
    (RESULTS / f"pages-{stamp}.json").write_text(
        json.dumps(
            {
                "rows": rows,
                "memory_start_mb": memory_start,
                "memory_end_mb": memory_end,
                "leak_check": leak,
                "requests": served,
                "settings": vars(args),
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
