"""Counts and marks that wait in the cache until a beat task writes them.

Runs on the local-memory cache and, in CI's second leg, on Redis (a Redis set
for the pending ids): the same tests for both.
"""

import pytest
from django.conf import settings

from community import pending
from community.celery import app

KIND = "test.things"


def test_counts_wait_and_are_handed_over_once():
    pending.counter_add(KIND, 1)
    pending.counter_add(KIND, 1)
    pending.counter_add(KIND, 2, amount=5)
    written: list[dict[int, int]] = []

    assert pending.counter_pending(KIND, 1) == 2
    assert pending.pending_ids(KIND) == {1, 2}
    assert pending.counters_flush(KIND, written.append) == 7
    assert pending.counters_flush(KIND, written.append) == 0  # a second run

    assert written == [{1: 2, 2: 5}]
    assert pending.counter_pending(KIND, 1) == 0
    assert pending.pending_ids(KIND) == set()


def test_counts_made_between_the_read_and_the_decrement_are_kept():
    pending.counter_add(KIND, 1, amount=3)
    written: list[dict[int, int]] = []

    def write(counts: dict[int, int]) -> None:
        written.append(counts)
        pending.counter_add(KIND, 1)  # a view while the task writes
        pending.counter_add(KIND, 1)

    pending.counters_flush(KIND, write)

    assert written == [{1: 3}]
    assert pending.counter_pending(KIND, 1) == 2
    assert pending.pending_ids(KIND) == {1}  # marked again for the next run
    assert pending.counters_flush(KIND, written.append) == 2
    assert written[-1] == {1: 2}


def test_a_count_after_the_counter_went_back_to_zero_is_marked_again():
    pending.counter_add(KIND, 1)
    pending.counters_flush(KIND, lambda counts: None)

    pending.counter_add(KIND, 1)

    assert pending.pending_ids(KIND) == {1}
    assert pending.counter_pending(KIND, 1) == 1


def test_two_runs_at_once_never_hand_over_the_same_count():
    for pk in range(1, 6):
        pending.counter_add(KIND, pk, amount=pk)
    written: list[dict[int, int]] = []

    def write(counts: dict[int, int]) -> None:
        written.append(counts)
        if len(written) == 1:  # the other run starts while this one writes
            pending.counters_flush(KIND, written.append, batch=2)

    pending.counters_flush(KIND, write, batch=2)

    handed = [pk for counts in written for pk in counts]
    assert sorted(handed) == [1, 2, 3, 4, 5]
    assert sum(n for counts in written for n in counts.values()) == 15


def test_a_failed_write_keeps_its_counts_for_the_next_run():
    pending.counter_add(KIND, 1, amount=4)

    def fail(counts):
        raise RuntimeError("database is down")

    with pytest.raises(RuntimeError):
        pending.counters_flush(KIND, fail)

    assert pending.counter_pending(KIND, 1) == 4
    assert pending.pending_ids(KIND) == {1}
    written = []
    assert pending.counters_flush(KIND, written.append) == 4
    assert written == [{1: 4}]


def test_marks_are_handed_over_in_batches_once():
    for pk in range(1, 8):
        pending.mark(KIND, pk)
        pending.mark(KIND, pk)  # twice: still one mark
    batches: list[list[int]] = []

    assert pending.flush(KIND, batches.append, batch=3) == 7
    assert pending.flush(KIND, batches.append, batch=3) == 0

    assert sorted(pk for batch in batches for pk in batch) == list(range(1, 8))
    assert max(len(batch) for batch in batches) == 3


def test_what_a_page_counted_can_be_replayed():
    with pending.recording() as counted:
        pending.counter_add(KIND, 9)
    pending.counter_add(KIND, 9)  # not recorded

    pending.replay(counted)

    assert counted == [(KIND, 9, 1)]
    assert pending.counter_pending(KIND, 9) == 3


def test_the_pending_set_is_a_redis_set_with_redis():
    pending.mark(KIND, 1)

    if settings.REDIS_URL:
        from django.core.cache import cache
        from django_redis import get_redis_connection

        key = cache.make_key(f"pending:{KIND}:ids")
        assert get_redis_connection("default").type(key) == b"set"
    else:
        assert pending.pending_ids(KIND) == {1}


def test_beat_writes_what_waits():
    schedule = settings.CELERY_BEAT_SCHEDULE

    assert schedule["topic-views"] == {
        "task": "forums.tasks.topic_views_flush_task",
        "schedule": 60.0,
    }
    assert schedule["visits"] == {
        "task": "accounts.tasks.visits_flush_task",
        "schedule": 120.0,
    }
    app.loader.import_default_modules()
    assert "forums.tasks.topic_views_flush_task" in app.tasks
    assert "accounts.tasks.visits_flush_task" in app.tasks
