"""Benchmark: site search on PostgreSQL with a million posts.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/search.py [--scale 1.0] [--repeat 20]

Uses the database "kollegi_bench_search" on that server (created and
migrated when missing; filled once by ``bench.community_data.fill``: 1,000,000
posts in 50,000 topics and 100,000 materials at scale 1). Then runs typical
teachers' queries as the search page does (the counts per kind, then the
first page of 20 ranked results; "next page" with the counts already kept, as
when paging or switching tabs) and the same queries as case-insensitive
``ILIKE`` over the same entries, and prints the median and 95th percentile of
each, in milliseconds, as a Markdown table.
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


def configure() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL server (the database is made here)")
    base = url.rsplit("/", 1)[0]
    os.environ["DATABASE_URL"] = f"{base}/kollegi_bench_search"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings.test")
    import psycopg2

    admin = psycopg2.connect(f"{base}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_database WHERE datname = 'kollegi_bench_search'"
        )
        if cursor.fetchone() is None:
            cursor.execute("CREATE DATABASE kollegi_bench_search")
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


def timed(function, repeat: int) -> list[float]:
    function()  # warm the caches once
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        out.append((time.perf_counter() - start) * 1000)
    return out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    configure()
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Q

    from community.models import SearchEntry
    from community.search import query_words, search

    counts = ensure_data(args.scale)
    if counts:
        print("filled:", counts)
    print(f"search entries: {SearchEntry.objects.count():,}")
    anonymous = AnonymousUser()

    from django.core.cache import cache

    def full_text(text: str, *, counted: bool = False):
        def run():
            if not counted:
                cache.clear()  # a new search: the counts per kind are made
            results = search(text=text, user=anonymous)
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

    print()
    print(
        "| query | hits | full-text p50 ms | p95 ms | next page p50 ms | p95 ms "
        "| ILIKE p50 ms | p95 ms |"
    )
    print("|---|---|---|---|---|---|---|---|")
    all_fts, all_paged, all_ilike = [], [], []
    for text in QUERIES:
        fts = timed(full_text(text), args.repeat)
        paged = timed(full_text(text, counted=True), args.repeat)
        like = timed(ilike(text), max(3, args.repeat // 4))
        hits = sum(search(text=text, user=anonymous).counts.values())
        all_fts += fts
        all_paged += paged
        all_ilike += like
        print(
            f"| {text} | {hits:,} | {statistics.median(fts):.1f} | {p95(fts):.1f} "
            f"| {statistics.median(paged):.1f} | {p95(paged):.1f} "
            f"| {statistics.median(like):.1f} | {p95(like):.1f} |"
        )
    print(
        f"| **all** | | {statistics.median(all_fts):.1f} | {p95(all_fts):.1f} "
        f"| {statistics.median(all_paged):.1f} | {p95(all_paged):.1f} "
        f"| {statistics.median(all_ilike):.1f} | {p95(all_ilike):.1f} |"
    )


if __name__ == "__main__":
    main()
