"""Benchmark: site search on PostgreSQL with a million posts.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/search.py [--scale 1.0] [--repeat 20] \\
        [--database kollegi_bench_search] [--no-ilike]

Uses the database ``--database`` (by default "kollegi_bench_search") on that
server (created and migrated when missing; filled once by
``bench.community_data.fill``: 1,000,000 posts in 50,000 topics and 100,000
materials at scale 1). Then runs typical teachers' queries as the search page
does (the counts per kind, then the first page of 20 ranked results; "next
page" with the counts already kept, as when paging or switching tabs) and the
same queries as case-insensitive ``ILIKE`` over the same entries (slow:
``--no-ilike`` leaves them out), and prints, in milliseconds, each query's
first run (its first in this process) and the median and 95th percentile of
the runs after it, as a Markdown table (and the first page of the tab with
the most hits, mostly the replies); "hits" are every match, "tabs shown"
what the tabs add up to (a kind's count stops past ``COUNT_LIMIT``: "+").
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = [
    "дроби 5 класс",
    "подготовка к ЕГЭ",
    "лабораторная работа физика",
    "сочинение аргументы",
    "олимпиада математика",
    "классный руководитель родители",
    "фотосинтез",
    "интерактивная доска",
    "критерии оценивания эссе",
    "наставник",
]


def configure(database: str = "kollegi_bench_search") -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL server (the database is made here)")
    base = url.rsplit("/", 1)[0]
    os.environ["DATABASE_URL"] = f"{base}/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings.test")
    import psycopg2

    admin = psycopg2.connect(f"{base}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{database}"')
    admin.close()
    import django

    django.setup()


def ensure_data(scale: float) -> dict:
    import click
    from django.core.management import call_command

    from bench.community_data import fill
    from community.models import SearchEntry

    call_command("migrate", verbosity=0)
    if SearchEntry.objects.exists():
        return {}
    bars: dict[str, object] = {}

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

    counts = fill(scale, progress=progress)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE community_searchentry")
    return counts


def timed(function, repeat: int) -> tuple[float, list[float]]:
    """The first run (the query's first in this process: its pages perhaps
    not in memory yet), then ``repeat`` runs; milliseconds."""
    out = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        function()
        out.append((time.perf_counter() - start) * 1000)
    return out[0], out[1:]


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--database",
        default="kollegi_bench_search",
        help="the database on DATABASE_URL's server (made and filled when missing)",
    )
    parser.add_argument(
        "--no-ilike", action="store_true", help="skip the slow ILIKE comparison"
    )
    args = parser.parse_args()
    configure(args.database)
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Q

    from community.audience import public
    from community.models import SearchEntry
    from community.search import COUNT_LIMIT, _tsquery, query_words, search

    counts = ensure_data(args.scale)
    if counts:
        print("filled:", counts)
    print(f"search entries: {SearchEntry.objects.count():,}")
    anonymous = AnonymousUser()

    from django.core.cache import cache

    def full_text(text: str, *, counted: bool = False, kind: str | None = None):
        def run():
            if not counted:
                cache.clear()  # a new search: the counts per kind are made
            results = search(text=text, user=anonymous, kind=kind)
            return list(results.entries[:20]), results.counts

        return run

    def ilike(text: str):
        def run():
            entries = SearchEntry.objects.all()
            for word in query_words(text):
                entries = entries.filter(
                    Q(title__icontains=word)
                    | Q(tags__icontains=word)
                    | Q(body__icontains=word)
                )
            counts = dict(
                entries.order_by().values_list("kind").annotate(n=Count("pk"))
            )
            return list(entries.order_by("-date")[:20]), counts

        return run

    from django.db.models import Count

    def exact_hits(text: str) -> int:
        # Every match, counted once outside the timings (the page stops
        # counting a kind at COUNT_LIMIT).
        return SearchEntry.objects.filter(
            public(""), search_vector=_tsquery(query_words(text))
        ).count()

    print()
    print(
        "| query | hits | tabs shown | first run ms | new search p50 ms | p95 ms "
        "| next page p50 ms | p95 ms | largest tab p50 ms | p95 ms "
        "| ILIKE p50 ms | p95 ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    all_fts, all_paged, all_largest, all_ilike = [], [], [], []
    for text in QUERIES:
        first, fts = timed(full_text(text), args.repeat)
        _first, paged = timed(full_text(text, counted=True), args.repeat)
        counts = search(text=text, user=anonymous).counts
        # The kind with the most hits (the replies, mostly), its first page.
        largest = max(counts, key=counts.get) if counts else None
        _first, biggest = timed(
            full_text(text, counted=True, kind=largest), args.repeat
        )
        like = [] if args.no_ilike else timed(ilike(text), max(3, args.repeat // 4))[1]
        shown = sum(min(count, COUNT_LIMIT) for count in counts.values())
        capped = any(count > COUNT_LIMIT for count in counts.values())
        all_fts += fts
        all_paged += paged
        all_largest += biggest
        all_ilike += like
        print(
            f"| {text} | {exact_hits(text):,} | {shown:,}{'+' if capped else ''} "
            f"| {first:.1f} | {summary(fts)} | {summary(paged)} "
            f"| {summary(biggest)} | {summary(like)} |"
        )
    print(
        f"| **all** | | | | {summary(all_fts)} | {summary(all_paged)} "
        f"| {summary(all_largest)} | {summary(all_ilike)} |"
    )


def summary(values: list[float]) -> str:
    if not values:
        return "– | –"
    return f"{statistics.median(values):.1f} | {p95(values):.1f}"


if __name__ == "__main__":
    main()
