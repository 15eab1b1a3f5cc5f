"""Benchmark: visitors' cached pages while members write.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kollegi \\
    REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/visitors.py [--scale 1.0] [--seconds 30] \\
            [--connections 16] [--writes-per-second 1] [--port 8123] [--whole-site]

The same community, servers and settings as ``bench/pages.py`` (its
functions are used here): the database of ``DATABASE_URL`` with "_bench"
appended (``--suffix``), filled once at ``--scale``; gunicorn with the
production settings and the bare template view; a Celery worker taking every
queue, so a reply's fan-out (a second after it) runs as in production.

Visitors (no cookie) load a mix of addresses drawn from the data: topic
pages with a Zipf-like popularity, their sections, the forum index, the home
page, the materials catalogue and material pages, the master-classes and
master-class pages, profiles and searches. ``wrk`` runs a Lua script written
at run time that goes round a sequence drawn from those weights, and counts
the ``X-Page-Cache`` header of each answer per kind of page ("hit", "miss",
or none: a page not kept). Each wrk thread holds one connection (by
default), so an answer is known to be for the thread's last request, and the
missed addresses are counted too.

A writer (a separate process, Django set up with gunicorn's environment)
posts replies at ``--writes-per-second`` into random topics of the mix's
topic pool (``--writer-topics all``: any public topic), as random members,
through ``forums.services.post_create``: the change functions run as in
production. ``--whole-site`` adds a phase whose writer also moves every
visitors' page after each reply (``community.changes.moved(PUBLIC_PAGES)``),
as every reply did before the scoped generations: the figure before.

Phases, each ``--seconds`` long, each mix after a pass over every address:
the mix without the writer, the mix with it, (``--whole-site``) the mix with
the whole-site writer, and the bare template view through the same script.
Per phase: requests/s, p50 and p99, the hit rate (hits / (hits + misses)),
per kind of page too, the replies written (counted by the writer and in the
database), the web workers' CPU per request and the load average meanwhile.
Written to ``bench/results/visitors-<date>.md`` and ``.json``.
"""

import argparse
import datetime
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import pages  # noqa: E402 - after the project is on the path

# Logs of their own: another benchmark may run beside this one.
pages.LOG = Path(tempfile.gettempdir()) / "kollegi-bench-visitors-gunicorn.log"
pages.WORKER_LOG = Path(tempfile.gettempdir()) / "kollegi-bench-visitors-celery.log"

BARE = "/bench/bare/"
# The share of each kind of page in the visitors' requests.
SHARES = {
    "topic": 0.55,
    "section": 0.08,
    "forum index": 0.04,
    "home": 0.08,
    "materials catalogue": 0.04,
    "material": 0.08,
    "master-classes": 0.03,
    "master-class": 0.04,
    "profile": 0.04,
    "search": 0.02,
}
SEARCHES = ("дроби 5 класс", "олимпиада", "рабочая программа")
SEQUENCE = 20_000  # requests drawn from the weights, gone round by wrk
MISSED_SHOWN = 15


def zipf(count: int) -> list[float]:
    """Weights 1, 1/2, 1/3…: a few addresses are most of the requests."""
    return [1 / rank for rank in range(1, count + 1)]


def mix(*, topics: int, materials: int, masterclasses: int, profiles: int) -> dict:
    """The visitors' addresses by kind, each with its weight inside its kind,
    drawn (seeded) from what anyone may read; and the topic pool's keys."""
    from django.db.models import Q

    from accounts.models import User
    from community.audience import public
    from forums.models import Section, Topic
    from masterclasses.models import MasterClass
    from materials.models import Material

    rng = random.Random(28)  # noqa: S311 - a repeatable mix, not secrets

    def sample(keys: list[int], count: int) -> list[int]:
        return rng.sample(keys, min(count, len(keys)))

    public_topics = list(
        Topic.objects.filter(
            public("section__"), is_hidden=False, is_pending=False, is_locked=False
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    pool = sample(public_topics, topics)
    sections = list(
        Section.objects.filter(public(), Q(topics__pk__in=pool))
        .distinct()
        .order_by("pk")
    )
    rng.shuffle(sections)
    material_keys = sample(
        list(Material.objects.public().order_by("pk").values_list("pk", flat=True)),
        materials,
    )
    masterclass_keys = sample(
        list(
            MasterClass.objects.listed()
            .filter(public())
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        masterclasses,
    )
    members = list(
        User.objects.filter(is_active=True, profile__is_hidden=False)
        .order_by("pk")
        .values_list("username", flat=True)
    )
    by_kind = {
        "topic": [f"/forums/t/{pk}/" for pk in pool],
        "section": [section.get_absolute_url() for section in sections],
        "forum index": ["/forums/"],
        "home": ["/"],
        "materials catalogue": ["/materials/"],
        "material": [Material(pk=pk).get_absolute_url() for pk in material_keys],
        "master-classes": ["/masterclasses/"],
        "master-class": [
            MasterClass(pk=pk).get_absolute_url() for pk in masterclass_keys
        ],
        "profile": [
            User(username=name).get_absolute_url()
            for name in rng.sample(members, min(profiles, len(members)))
        ],
        "search": ["/search/?" + urlencode({"q": query}) for query in SEARCHES],
    }
    return {
        "addresses": {
            kind: list(zip(paths, zipf(len(paths)), strict=True))
            for kind, paths in by_kind.items()
        },
        "pool": pool,
        "public_topics": len(public_topics),
    }


def sequence(addresses: dict[str, list[tuple[str, float]]], length: int) -> list:
    """``length`` requests drawn (seeded) from the shares and weights."""
    rng = random.Random(2028)  # noqa: S311 - a repeatable sequence
    chosen, weights = [], []
    for kind, entries in addresses.items():
        total = sum(weight for _path, weight in entries)
        for path, weight in entries:
            chosen.append((kind, path))
            weights.append(SHARES[kind] * weight / total)
    return rng.choices(chosen, weights=weights, k=length)


def lua_script(requests: list[tuple[str, str]], missed_shown: int) -> str:
    """The wrk script: goes round ``requests`` (each thread from its own
    place), counts the answers' ``X-Page-Cache`` by kind and the addresses
    missed, and prints the sums of every thread at the end."""
    paths = sorted({path for _kind, path in requests})
    kinds = sorted({kind for kind, _path in requests})
    path_index = {path: n + 1 for n, path in enumerate(paths)}
    kind_of = {path: kind for kind, path in requests}

    def literal(text: str) -> str:
        return json.dumps(quote(text, safe="/?=&%:+"))

    return f"""
local paths = {{{", ".join(literal(path) for path in paths)}}}
local kinds = {{{", ".join(json.dumps(kind) for kind in kinds)}}}
local kind_of = {{{", ".join(str(kinds.index(kind_of[p]) + 1) for p in paths)}}}
local order = {{{", ".join(str(path_index[path]) for _kind, path in requests)}}}
local threads = {{}}
wrk.headers["X-Forwarded-Proto"] = "https"

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads - 1)
end

function init(args)
  position = (id * 7919) % #order
  last = 1
  -- Flat tables: wrk copies nested ones between threads badly (it crashes).
  -- The answers of kind k: counts[4k-3] hits, 4k-2 misses, 4k-1 not kept,
  -- 4k not 200.
  counts = {{}}
  missed = {{}}
  for n = 1, 4 * #kinds do counts[n] = 0 end
end

function request()
  position = position % #order + 1
  last = order[position]
  return wrk.format("GET", paths[last])
end

function response(status, headers, body)
  local at = 4 * kind_of[last] - 3
  if status ~= 200 then
    at = at + 3
  else
    local state = headers["X-Page-Cache"] or headers["x-page-cache"]
    if state == "miss" then
      at = at + 1
      missed[last] = (missed[last] or 0) + 1
    elseif state ~= "hit" then
      at = at + 2
    end
  end
  counts[at] = counts[at] + 1
end

function done(summary, latency, requests)
  local total = {{}}
  local missed_all = {{}}
  for n = 1, 4 * #kinds do total[n] = 0 end
  for _, thread in ipairs(threads) do
    local counted = thread:get("counts")
    for n = 1, 4 * #kinds do total[n] = total[n] + counted[n] end
    for index, value in pairs(thread:get("missed")) do
      missed_all[index] = (missed_all[index] or 0) + value
    end
  end
  io.write(string.format("VISITORS summary %d %d %d %d %d %d %d\\n",
    summary.requests, summary.duration, summary.errors.connect,
    summary.errors.read + summary.errors.write, summary.errors.status,
    summary.errors.timeout, #threads))
  io.write(string.format("VISITORS latency %d %d %d\\n",
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
  for k = 1, #kinds do
    io.write(string.format("VISITORS kind %d %d %d %d %s\\n", total[4 * k - 3],
      total[4 * k - 2], total[4 * k - 1], total[4 * k], kinds[k]))
  end
  local ranked = {{}}
  for index, value in pairs(missed_all) do table.insert(ranked, index) end
  table.sort(ranked, function(a, b) return missed_all[a] > missed_all[b] end)
  io.write(string.format("VISITORS missed-addresses %d\\n", #ranked))
  for n = 1, math.min({missed_shown}, #ranked) do
    io.write(string.format("VISITORS missed %d %s\\n",
      missed_all[ranked[n]], paths[ranked[n]]))
  end
end
"""


def load(port: int, script: str, args) -> dict:
    """``wrk`` with the script for ``args.seconds``: its printed sums."""
    threads = args.threads or args.connections
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    try:
        out = subprocess.run(  # noqa: S603 - our own command line
            [
                "/usr/bin/wrk",
                f"-t{threads}",
                f"-c{args.connections}",
                f"-d{args.seconds}s",
                "--timeout",
                "10s",
                "-s",
                lua.name,
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(lua.name)
    result: dict = {"kinds": {}, "missed": []}
    for line in out.splitlines():
        if not line.startswith("VISITORS "):
            continue
        _tag, what, rest = line.split(" ", 2)
        if what == "summary":
            values = [int(value) for value in rest.split()]
            requests, duration = values[0], values[1] / 1e6
            result |= {
                "seconds": duration,
                "requests": requests,
                "rps": requests / duration,
                "errors": {
                    "connect": values[2],
                    "read_write": values[3],
                    "status": values[4],
                    "timeout": values[5],
                },
                "wrk_threads": values[6],
            }
        elif what == "latency":
            p50, p90, p99 = (int(value) / 1000 for value in rest.split())
            result |= {"p50_ms": p50, "p90_ms": p90, "p99_ms": p99}
        elif what == "kind":
            hit, miss, none, other, kind = rest.split(" ", 4)
            result["kinds"][kind] = {
                "hit": int(hit),
                "miss": int(miss),
                "not kept": int(none),
                "not 200": int(other),
            }
        elif what == "missed":
            count, path = rest.split(" ", 1)
            result["missed"].append((int(count), path))
        elif what == "missed-addresses":
            result["missed_addresses"] = int(rest)
    hits = sum(counted["hit"] for counted in result["kinds"].values())
    misses = sum(counted["miss"] for counted in result["kinds"].values())
    result["hits"], result["misses"] = hits, misses
    result["hit_rate"] = hits / (hits + misses) if hits + misses else None
    return result


def warm(port: int, paths: list[str], connections: int = 4) -> dict[str, int]:
    """Each address once (a visitor, no cookie): its status."""

    def get(path: str) -> tuple[str, int]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{quote(path, safe='/?=&%:+')}",
            headers={"X-Forwarded-Proto": "https"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
                answer.read()
                return path, answer.status
        except urllib.error.HTTPError as error:
            return path, error.code

    with ThreadPoolExecutor(connections) as pool:
        return dict(pool.map(get, paths))


class LoadAverage:
    """The machine's one-minute load average, read every second meanwhile."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(os.getloadavg()[0])
            self._stop.wait(1)

    def __enter__(self) -> "LoadAverage":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self) -> dict:
        return {
            "mean": statistics.fmean(self.samples),
            "max": max(self.samples),
            "samples": len(self.samples),
        }


# --- The writer: a separate process ------------------------------------------


def start_writer(env: dict, pool: list[int], args, *, whole_site: bool):
    """The writer process (this file with ``--writer``), gunicorn's
    environment; it writes until it is sent SIGTERM."""
    config = {
        "topics": pool,
        "rate": args.writes_per_second,
        "whole_site": whole_site,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(config, file)
    process = subprocess.Popen(  # noqa: S603 - our own command line
        [sys.executable, __file__, "--writer", file.name],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    ready = process.stdout.readline()  # Django set up, members read
    if not ready.startswith("ready"):
        process.kill()
        sys.exit(f"the writer did not start: {ready}")
    return process, file.name


def stop_writer(process, config: str) -> dict:
    process.send_signal(signal.SIGTERM)
    out, _err = process.communicate(timeout=60)
    os.unlink(config)
    if process.returncode:
        sys.exit(f"the writer failed ({process.returncode}): {out[-2000:]}")
    return json.loads(out.strip().splitlines()[-1])


def writer(config_path: str) -> None:
    """Replies at the given rate into random topics of the pool, as random
    members, through ``post_create`` (and, ``whole_site``, every visitors'
    page moved after each, as before the scoped generations); on SIGTERM,
    prints what it wrote as JSON."""
    import django

    django.setup()
    from django.core.exceptions import PermissionDenied, ValidationError

    from accounts.models import User
    from community.changes import PUBLIC_PAGES, moved
    from forums import services
    from forums.models import Topic

    config = json.loads(Path(config_path).read_text())
    members = list(
        User.objects.filter(is_active=True, is_staff=False, is_superuser=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rng = random.Random()  # noqa: S311 - random topics and members
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    print("ready", flush=True)
    written, pending, refused, took = 0, 0, {}, []
    interval = 1 / config["rate"]
    began = time.monotonic()
    due = began
    while not stopping.is_set():
        topic = Topic.objects.get(pk=rng.choice(config["topics"]))
        author = User.objects.get(pk=rng.choice(members))
        body = (
            f"Спасибо, коллеги: попробую это на уроке в {rng.randint(5, 11)} "
            f"классе и расскажу, как прошло. ({time.time_ns()})"
        )
        start = time.monotonic()
        try:
            post = services.post_create(topic=topic, author=author, body=body)
        except (ValidationError, PermissionDenied) as error:
            code = getattr(error, "code", None) or type(error).__name__
            refused[code] = refused.get(code, 0) + 1
        else:
            written += 1
            pending += post.is_pending
            if config["whole_site"]:
                moved(PUBLIC_PAGES)
        took.append((time.monotonic() - start) * 1000)
        due += interval
        stopping.wait(max(0.0, due - time.monotonic()))
    print(
        json.dumps(
            {
                "written": written,
                "pending": pending,
                "refused": refused,
                "seconds": time.monotonic() - began,
                "reply_ms_p50": statistics.median(took) if took else None,
                "reply_ms_max": max(took) if took else None,
            }
        ),
        flush=True,
    )


# --- The run -------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--suffix",
        default="_bench",
        help="the database: DATABASE_URL's name plus this (pages.py's by default)",
    )
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="wrk threads (default: one per connection, so missed addresses are known)",
    )
    parser.add_argument("--writes-per-second", type=float, default=1.0)
    parser.add_argument(
        "--writer-topics",
        choices=("mix", "all"),
        default="mix",
        help="the writer's topics: the mix's pool, or every public topic",
    )
    parser.add_argument(
        "--whole-site",
        action="store_true",
        help="add a phase whose writer moves every visitors' page after each "
        "reply (as before the scoped generations)",
    )
    parser.add_argument("--topics", type=int, default=500)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--port", type=int, default=0, help="gunicorn's port (default: a free one)"
    )
    parser.add_argument("--celery-concurrency", type=int, default=1)
    parser.add_argument("--worker-nice", type=int, default=10)
    parser.add_argument(
        "--results", type=Path, default=pages.RESULTS, help="the table's folder"
    )
    parser.add_argument("--writer", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.writer:
        writer(args.writer)
        return
    port = pages.free_port(args.port)
    name = pages.database_name(args.suffix)
    env = pages.configure(
        suffix=args.suffix,
        DJANGO_REDIS_PREFIX=os.environ.get("DJANGO_REDIS_PREFIX") or name,
    )
    pages.fill_once(args.scale)
    # The nightly badges run first, as production's beat does: the filling
    # writes posts in bulk and awards nothing, so else each member's first
    # reply would award the badges of the posts before it (and move every
    # visitors' page: ``community.changes.badges_awarded``).
    from community.recognition import badges_evaluate_everyone

    awarded = badges_evaluate_everyone()
    chosen = mix(topics=args.topics, materials=100, masterclasses=50, profiles=100)
    broker = pages.Broker()
    purged = broker.purge()
    server = pages.start_gunicorn(env, port, args.workers)
    worker = None
    phases = []
    try:
        worker = pages.start_worker(env, args.celery_concurrency, args.worker_nice)
        tasks = pages.TaskLog(pages.WORKER_LOG)
        statuses = warm(
            port, [BARE, *(p for e in chosen["addresses"].values() for p, _w in e)]
        )
        dropped = {path: status for path, status in statuses.items() if status != 200}
        addresses = {
            kind: [(path, weight) for path, weight in entries if path not in dropped]
            for kind, entries in chosen["addresses"].items()
        }
        requests = sequence(addresses, SEQUENCE)
        script = lua_script(requests, MISSED_SHOWN)
        everything = [path for _kind, path in requests]
        pool = (
            [pk for pk in chosen["pool"] if f"/forums/t/{pk}/" not in dropped]
            if args.writer_topics == "mix"
            else None
        )
        plan = [("mix", False, False), ("mix, writer", True, False)]
        if args.whole_site:
            plan.append(("mix, writer moving the whole site (before)", True, True))
        plan.append(("bare template view", False, False))
        for label, writes, whole_site in plan:
            bare = label.startswith("bare")
            if not bare:
                warm(port, sorted(set(everything)))
            broker.drain(worker.pid, 10)
            tasks.read()
            phases.append(
                phase(
                    label, port, env, args, worker, tasks, broker,
                    script=lua_script([("bare", BARE)], 0) if bare else script,
                    pool=(pool or public_topic_keys()) if writes else [],
                    writes=writes, whole_site=whole_site, server=server.pid,
                )
            )  # fmt: skip
        # The bare view as pages.py loads it (plain wrk, two threads): what the
        # script's own work in wrk costs, beside the row above.
        plain = pages.wrk(f"http://127.0.0.1:{port}{BARE}", "", args.seconds, 16)
    finally:
        pages.stop(server)
        if worker is not None:
            pages.stop(worker)
    report(phases, plain, awarded, chosen, addresses, dropped, purged, name, args)


def public_topic_keys() -> list[int]:
    from community.audience import public
    from forums.models import Topic

    return list(
        Topic.objects.filter(
            public("section__"), is_hidden=False, is_pending=False, is_locked=False
        ).values_list("pk", flat=True)
    )


def phase(
    label, port, env, args, worker, tasks, broker, *, script, pool, writes,
    whole_site, server,
) -> dict:  # fmt: skip
    """One phase: the load, and the writer beside it when ``writes``."""
    from forums.models import Post

    last_post = Post.objects.order_by("-pk").values_list("pk", flat=True).first()
    process = None
    if writes:
        process, config = start_writer(env, pool, args, whole_site=whole_site)
    try:
        web_before, worker_before = pages.cpu_ms(server, worker.pid)
        with LoadAverage() as loadavg:
            result = load(port, script, args)
        web_after, worker_after = pages.cpu_ms(server, worker.pid)
    finally:
        written = stop_writer(process, config) if process else None
    drained, backlog = broker.drain(worker.pid, 10)
    ran, failed = tasks.read()
    answered = max(result["requests"], 1)
    return {
        "phase": label,
        **result,
        "writer": written,
        "replies_in_database": Post.objects.filter(pk__gt=last_post or 0).count(),
        "web_cpu_ms": (web_after - web_before) / answered,
        "worker_cpu_ms": (worker_after - worker_before) / answered,
        "tasks": ran,
        "task_failures": failed,
        "backlog": backlog,
        "drain_s": drained,
        "load_average": loadavg.summary(),
    }


def report(
    phases, plain, awarded, chosen, addresses, dropped, purged, name, args
) -> None:
    from forums.models import Post, Topic

    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    by_label = {row["phase"]: row for row in phases}
    bare = by_label["bare template view"]["rps"]
    writer_rps = by_label["mix, writer"]["rps"]

    def rate(value) -> str:
        return "–" if value is None else f"{value:.1%}"

    lines = [
        f"# Visitors' pages while members write, {stamp}",
        "",
        f"Database `{name}` ({Topic.objects.count():,} topics, "
        f"{Post.objects.count():,} posts; `--scale {args.scale}`), gunicorn "
        f"{args.workers} sync workers, production settings, a Celery worker "
        f"(prefork, {args.celery_concurrency} process, nice {args.worker_nice}) "
        f"taking every queue; `wrk -t{args.threads or args.connections} "
        f"-c{args.connections} -d{args.seconds}s` with the visitors' mix, no "
        f"cookie. The writer: {args.writes_per_second:g} reply a second into "
        f"random topics of "
        + (
            f"the mix's {len(chosen['pool'])} topics"
            if args.writer_topics == "mix"
            else f"all {chosen['public_topics']:,} public topics"
        )
        + f", as random members, through `post_create`. {purged:,} tasks of "
        f"earlier runs purged first; the nightly badges run awarded {awarded:,} "
        "badges before the phases.",
        "",
        "| phase | req/s | of bare | p50 ms | p99 ms | hits | misses | not kept "
        "| misses/s | hit rate | replies written (in the database) | CPU ms web "
        "| CPU ms worker | load average mean (max) | errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in phases:
        written = row["writer"]
        replies = (
            f"{written['written']} ({row['replies_in_database']})"
            if written
            else f"– ({row['replies_in_database']})"
        )
        not_kept = sum(counted["not kept"] for counted in row["kinds"].values())
        # wrk's status errors are the answers not 200 counted by kind.
        errors = sum(
            count for name, count in row["errors"].items() if name != "status"
        ) + sum(counted["not 200"] for counted in row["kinds"].values())
        lines.append(
            f"| {row['phase']} | {row['rps']:.0f} | {row['rps'] / bare:.0%} "
            f"| {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {row['hits']:,} "
            f"| {row['misses']:,} | {not_kept:,} "
            f"| {row['misses'] / row['seconds']:.1f} | {rate(row['hit_rate'])} "
            f"| {replies} | {row['web_cpu_ms']:.2f} | {row['worker_cpu_ms']:.2f} "
            f"| {row['load_average']['mean']:.1f} ({row['load_average']['max']:.1f}) "
            f"| {errors} |"
        )
    lines += [
        "",
        f"The bare view with plain `wrk -t2 -c16` (as `pages.py` loads it, "
        f"no script): {plain['rps']:.0f} req/s, p50 {plain['p50_ms']:.1f} ms, "
        f"p99 {plain['p99_ms']:.1f} ms.",
        "",
        "Misses per reply written (what a reply costs the cache, whatever the "
        "machine's speed): "
        + ", ".join(
            f"{row['phase']} {row['misses'] / row['writer']['written']:.1f}"
            for row in phases
            if row["writer"] and row["writer"]["written"]
        )
        + ".",
        "",
        f"The mix with the writer: **{writer_rps / bare:.0%} of bare** "
        f"(target ≥ 60 %), hit rate **{rate(by_label['mix, writer']['hit_rate'])}**"
        " (target ≥ 90 %).",
        "",
        "Per kind of page (share of the mix; hit rate without the writer / with "
        "it"
        + (" / with the whole-site writer" if args.whole_site else "")
        + "; addresses):",
        "",
        "| kind | share | addresses | "
        + " | ".join(
            row["phase"] for row in phases if row["phase"] != "bare template view"
        )
        + " |",
        "|---|---|---|" + "---|" * (len(phases) - 1),
    ]
    for kind, entries in addresses.items():
        cells = []
        for row in phases:
            if row["phase"] == "bare template view":
                continue
            counted = row["kinds"].get(kind, {"hit": 0, "miss": 0})
            total = counted["hit"] + counted["miss"]
            cells.append(f"{counted['hit'] / total:.1%} of {total:,}" if total else "–")
        lines.append(
            f"| {kind} | {SHARES[kind]:.0%} | {len(entries)} | "
            + " | ".join(cells)
            + " |"
        )
    for row in phases:
        if row["missed"]:
            lines += [
                "",
                f"Most missed addresses, {row['phase']} "
                f"({row.get('missed_addresses', 0)} addresses missed at least once):",
                "",
                *(f"- {count} × `{path}`" for count, path in row["missed"]),
            ]
        if row["writer"]:
            written = row["writer"]
            lines += [
                "",
                f"Writer, {row['phase']}: {written['written']} replies in "
                f"{written['seconds']:.0f} s ({written['pending']} held for a "
                f"moderator, refused: {written['refused'] or 'none'}), "
                f"`post_create` p50 {written['reply_ms_p50'] or 0:.0f} ms, longest "
                f"{written['reply_ms_max'] or 0:.0f} ms; the worker ran "
                + (
                    ", ".join(f"{n} {c}" for n, c in sorted(row["tasks"].items()))
                    or "no task"
                )
                + f" ({sum(row['task_failures'].values())} failed).",
            ]
    if dropped:
        lines += [
            "",
            "Left out of the mix (not 200 for a visitor): "
            + ", ".join(
                f"`{path}` {status}" for path, status in sorted(dropped.items())
            ),
        ]
    text = "\n".join(lines) + "\n"
    print(text)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / f"visitors-{stamp}.md").write_text(text)
    (args.results / f"visitors-{stamp}.json").write_text(
        json.dumps(
            {
                "phases": phases,
                "bare_plain_wrk": plain,
                "badges_awarded_first": awarded,
                "addresses": addresses,
                "shares": SHARES,
                "writer_pool": chosen["pool"] if args.writer_topics == "mix" else "all",
                "dropped": dropped,
                "database": name,
                # The folder as given under the project, no machine's path.
                "settings": {
                    **{k: v for k, v in vars(args).items() if k != "writer"},
                    "results": (
                        str(args.results.resolve().relative_to(ROOT))
                        if args.results.resolve().is_relative_to(ROOT)
                        else args.results.name
                    ),
                },
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
