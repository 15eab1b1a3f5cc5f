"""Benchmark: build and render digests for many members.

    .venv/bin/python bench/digests.py [--members 10000] [--batch 500]

Runs against a throw-away SQLite database (or PostgreSQL when DATABASE_URL is
set: then it uses the "kollegi_bench" database). Fills it with members,
follows, blog posts and unread notifications, then builds and renders every
member's digest the way `send_digests` does, without sending. Reports members
per second, queries per member and peak Python memory (tracemalloc).
"""

import argparse
import datetime
import os
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings.test")
    if os.environ.get("DATABASE_URL"):
        base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        os.environ["DATABASE_URL"] = f"{base}/kollegi_bench"
    else:
        path = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()


def fill(members: int) -> list:
    from django.contrib.auth.hashers import make_password
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from accounts.models import BlogPost, Follow, Profile, User
    from community.models import Notification

    rng = random.Random(2026)  # noqa: S311 - repeatable bench data, not secrets
    password = make_password("bench-password-2026")
    now = timezone.now()
    users = User.objects.bulk_create(
        User(
            username=f"bench{n}",
            email=f"bench{n}@school.example",
            password=password,
            last_login=now,
        )
        for n in range(members)
    )
    Profile.objects.bulk_create(
        Profile(
            user=user,
            display_name=f"Учитель {n}",
            digest_frequency="daily",
            time_zone="Europe/Moscow",
        )
        for n, user in enumerate(users)
    )
    Follow.objects.bulk_create(
        Follow(follower=user, followee=followee)
        for user in users
        for followee in rng.sample(users, 5)
        if followee.pk != user.pk
    )
    authors = rng.sample(users, max(1, members // 5))
    posts = BlogPost.objects.bulk_create(
        BlogPost(
            author=author,
            title=f"Заметка о уроке {n}",
            slug=f"zametka-{n}",
            body="Текст",
            body_html="<p>Текст</p>",
            status="published",
            published_at=now,
        )
        for n, author in enumerate(authors)
    )
    post_type = ContentType.objects.get_for_model(BlogPost)
    Notification.objects.bulk_create(
        Notification(
            recipient=post.author,
            kind="blog_comment",
            actor=rng.choice(users),
            target_type=post_type,
            target_id=post.pk,
            target_title=post.title,
            url=f"/u/{post.author.username}/blog/{post.slug}/",
            group_key=f"blog_comment:{post_type.pk}:{post.pk}",
            count=rng.randint(1, 6),
        )
        for post in posts
    )
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind="follow",
            actor=rng.choice(users),
            url="/",
            group_key="follow",
        )
        for user in rng.sample(users, members // 2)
    )
    return users


def run(members: int, batch: int) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from community import digests

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    users = fill(members)
    print(f"filled {members} members in {time.perf_counter() - started:.1f} s")

    since = timezone.now() - datetime.timedelta(days=1)
    tracemalloc.start()
    started = time.perf_counter()
    rendered = with_news = 0
    with CaptureQueriesContext(connection) as queries:
        for offset in range(0, len(users), batch):
            chunk = users[offset : offset + batch]
            contents = digests.digest_contents(users=chunk, since=since)
            for user in chunk:
                content = contents[user.pk]
                if content.is_empty:
                    continue
                digests._render(
                    user=user, language="ru", content=content, period="daily"
                )
                with_news += 1
            rendered += len(chunk)
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"database: {connection.vendor}")
    print(f"members: {rendered}, with something new: {with_news}")
    print(f"time: {elapsed:.1f} s, {rendered / elapsed:.0f} members/s")
    print(f"queries: {len(queries)} ({len(queries) / rendered:.3f} per member)")
    print(f"peak Python memory: {peak / 1024 / 1024:.1f} MiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    arguments = parser.parse_args()
    configure()
    run(arguments.members, arguments.batch)
