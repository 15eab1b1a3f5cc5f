"""What follows a write in accounts is said in ``accounts/changes.py``.

Every public service that writes calls one of its change functions (or is
listed below with the reason it need not), and no other accounts module
moves a cache, the index or the feed itself.
"""

import pytest
from django.test import Client

from accounts.services import relations
from accounts.tests.factories import UserFactory
from community.tests.writes import (
    app_modules,
    app_services,
    cache_mechanisms_used,
    unannounced_writes,
)

EXEMPT = {
    "block_delete": "only the blocker's own pages fold the other's posts",
    "bookmark_set": "a member's own bookmarks: shown only on their own pages",
    "notification_settings_update": "a member's own settings",
    "notification_unsubscribe": "a member's own settings",
    "role_group": "who may moderate: checked on every request, shown nowhere",
    "user_role_change": "who may moderate: checked on every request, shown nowhere",
    "user_grant_role": "who may moderate: checked on every request, shown nowhere",
    "user_revoke_role": "who may moderate: checked on every request, shown nowhere",
}


def test_every_writing_service_calls_a_change_function():
    assert (
        unannounced_writes(
            app_services("accounts"), changes={"accounts.changes"}, exempt=EXEMPT
        )
        == {}
    )


def test_only_the_change_functions_move_caches_the_index_and_the_feed():
    used = cache_mechanisms_used(app_modules("accounts"))

    assert set(used) == {"accounts.changes"}, used


@pytest.mark.django_db
def test_a_block_ends_the_follows_a_visitor_saw_counted():
    """Blocking ends the follows both ways: the follower count on a cached
    profile page moves for visitors too (it stayed until the next write)."""
    author, fan = UserFactory(), UserFactory()
    relations.follow_create(follower=fan, followee=author)
    visitor = Client()
    page = author.get_absolute_url()
    assert visitor.get(page)["X-Page-Cache"] == "miss"
    assert visitor.get(page)["X-Page-Cache"] == "hit"

    relations.block_create(blocker=author, blocked=fan)

    assert visitor.get(page)["X-Page-Cache"] == "miss", "the kept page was served"
