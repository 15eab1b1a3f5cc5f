"""The embedded default's SQLite file survives members writing at once.

Not the suite's in-memory test database: a SQLite file, migrated and written
by other processes with the embedded settings, as `make run` serves it.
Eight members sign in and reply to one topic at the same moment, four replies
each; every reply lands and none meets "database is locked".
"""

import json
import os
import sqlite3
import subprocess
import sys

from django.conf import settings


def _embedded_env(database) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # Nothing of the calling shell's or the suite's configuration leaks in.
        if not key.startswith("DJANGO_")
        and key not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "PYTEST_XDIST_WORKER"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="community.settings.local",
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_DEBUG="true",  # as `make run`: static files without a manifest
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_MODERATION_PREMODERATED_POSTS="0",
        DJANGO_MODERATION_NEW_MEMBER_DAYS="0",
        EMAIL_URL="dummymail://",
        DJANGO_LOG_LEVEL="CRITICAL",
    )
    return env


def _run(arguments: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(  # noqa: S603 - our own command lines
        [sys.executable, *arguments],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_members_replying_at_once_on_the_sqlite_file_all_land(tmp_path):
    database = tmp_path / "db.sqlite3"
    env = _embedded_env(database)
    _run(["manage.py", "migrate", "--noinput", "-v", "0"], env)

    output = _run(["-m", "community.tests.sqlite_writers"], env)

    outcome = json.loads(output.strip().splitlines()[-1])
    assert outcome["errors"] == []
    assert all(status == 302 for status in outcome["statuses"]), outcome["statuses"]
    assert outcome["landed"] == outcome["expected"]
    # Readers do not wait for a writer: the file is in write-ahead-log mode.
    with sqlite3.connect(database) as check:
        assert check.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_the_embedded_database_settings_queue_writers():
    options = settings.DATABASES["default"].get("OPTIONS", {})
    if settings.DATABASES["default"]["ENGINE"] != "community.sqlite":
        assert "transaction_mode" not in options
        return
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]
    assert options["timeout"] >= 5
