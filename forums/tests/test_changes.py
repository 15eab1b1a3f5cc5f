"""What follows a write in the forums is said in ``forums/changes.py``.

Every public service that writes calls one of its change functions (or is
listed below with the reason it need not), and no other forums module moves
a cache, the index or the feed itself.
"""

from community.tests.writes import (
    app_modules,
    app_services,
    cache_mechanisms_used,
    unannounced_writes,
)

EXEMPT = {
    "topic_read_mark": "a member's own read position: no shared page shows it",
    "section_mark_read": "a member's own read position: no shared page shows it",
    "forums_mark_read": "a member's own read position: no shared page shows it",
    "topic_watch_set": "a member's own watch: shown only on their own pages",
    "section_watch_set": "a member's own watch: shown only on their own pages",
    "tag_watch_set": "a member's own watch: shown only on their own pages",
    "tag_watches_merge": "part of a tag merge: community.changes.tagged_changed",
}


def test_every_writing_service_calls_a_change_function():
    assert (
        unannounced_writes(
            app_services("forums"), changes={"forums.changes"}, exempt=EXEMPT
        )
        == {}
    )


def test_only_the_change_functions_move_caches_the_index_and_the_feed():
    used = cache_mechanisms_used(app_modules("forums"))

    assert set(used) == {"forums.changes"}, used
