"""Many members' unread counts moved on at once (a fan-out) stay true."""

import pytest

from accounts.tests.factories import UserFactory
from community import generations, selectors, services
from forums.kinds import MENTION

pytestmark = pytest.mark.django_db


def test_generations_bump_moves_every_generation_past_what_it_handed_out():
    keys = ["g:one", "g:two", "g:missing"]
    before = generations.generations(keys[:2])
    for _ in range(3):
        generations.generation_bump("g:one")

    generations.generations_bump(keys)

    after = generations.generations(keys)
    assert after["g:one"] > before["g:one"] + 3
    assert after["g:two"] > before["g:two"]
    assert after["g:missing"] > 0


def test_unread_counts_counted_before_a_fanout_are_not_used_after_it():
    members = UserFactory.create_batch(5)
    # Counted (and kept) before anything was written for them, the version
    # never having been set.
    assert [selectors.notification_unread_count(user=m) for m in members] == [0] * 5

    services.notify_many(recipients=members, kind=MENTION, url="/x/", group=False)

    assert [selectors.notification_unread_count(user=m) for m in members] == [1] * 5
