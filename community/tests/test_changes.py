"""What follows a write: the community layer's own change functions, and the
checker every app's ``tests/test_changes.py`` runs (with a guard on it)."""

import textwrap

import pytest
from django.core.cache import cache

from community.changes import PUBLIC_PAGES, badges_changed, member_card, moved
from community.tests.writes import ROOT, cache_mechanisms_used, unannounced_writes

COMMUNITY_WRITERS = [
    ROOT / "community" / name
    for name in (
        "services.py",
        "recognition.py",
        "tags.py",
        "reporting.py",
        "sanctions.py",
        "hiding.py",
        "embed_previews.py",
    )
]

EXEMPT = {
    "activity_record": "the feed itself: called by the apps' change functions",
    "activity_remove": "the feed itself: called by the apps' change functions",
    "activity_remove_many": "the feed itself: called by the apps' change functions",
    "audit": "the moderators' log: read in the admin site, never cached",
    "badges_tell_untold": "notifications only (badges_check moves the pages)",
    "heartbeat_record": "the health check's own row",
    "markdown_image_store": "a file not yet shown anywhere",
    "notification_email_send": "marks a notification e-mailed: shown nowhere",
    "notification_emails_send": "marks notifications e-mailed: shown nowhere",
    "report_create": "a report is seen by moderators only; its hide goes "
    "through the app's service (hidden_set and its change function)",
    "report_resolve": "as report_create: the hide or restore is the app's",
    "sanction_give": "a member's standing: checked on each of their writes",
    "sanction_lift": "a member's standing: checked on each of their writes",
    "warning_acknowledge": "the member's own notice",
    "trace_record": "the request log for operators",
    "hidden_set": "calls the change function it is given (changed=)",
    "audited": "the moderators' log, as audit",
    "traces_purge": "the request log for operators",
    "embed_previews_ensure": "pending rows: a card without a preview shows the "
    "same until one is fetched (embed_preview_fetch says so then)",
}


def test_every_writing_service_calls_a_change_function():
    assert (
        unannounced_writes(
            COMMUNITY_WRITERS, changes={"community.changes"}, exempt=EXEMPT
        )
        == {}
    )


def test_the_checker_finds_a_write_that_says_nothing(tmp_path, monkeypatch):
    """A guard on the guard: a public function that writes through a helper
    and calls no change function is found; one whose helper calls a change
    function is not; a stale exemption is reported."""
    package = tmp_path / "shop"
    package.mkdir()
    (package / "changes.py").write_text("def item_changed(item):\n    pass\n")
    (package / "helpers.py").write_text(
        textwrap.dedent(
            """
            from shop.changes import item_changed

            def _save(item):
                item.save(update_fields=["price"])

            def _save_and_say(item):
                _save(item)
                item_changed(item)
            """
        )
    )
    services = package / "services.py"
    services.write_text(
        textwrap.dedent(
            """
            from shop import changes
            from shop.helpers import _save, _save_and_say

            def price_set(*, item):
                _save(item)

            def price_set_and_said(*, item):
                _save_and_say(item)

            def name_set(*, item):
                item.name = "x"
                item.save()
                changes.item_changed(item)

            def price_read(*, item):
                return item.price
            """
        )
    )
    monkeypatch.setattr("community.tests.writes.ROOT", tmp_path)

    found = unannounced_writes(
        [services, package / "helpers.py"],
        changes={"shop.changes"},
        exempt={"price_read": "reads only"},
    )

    assert set(found) == {"price_set", "price_read"}
    assert "exempt" in found["price_read"]


def test_the_mechanisms_are_found_however_they_are_called(tmp_path, monkeypatch):
    module = tmp_path / "page.py"
    module.write_text(
        "from community import services as community\n"
        "from community.pagecache import page_cache_invalidate\n"
        "def f(x):\n    community.activity_record(target=x)\n"
    )
    monkeypatch.setattr("community.tests.writes.ROOT", tmp_path)

    assert cache_mechanisms_used([module]) == {
        "page": {"activity_record", "page_cache_invalidate"}
    }


@pytest.mark.django_db
def test_moved_moves_each_generation_named(
    django_capture_on_commit_callbacks,
):
    card = member_card(7)
    cache.set(card, 1, None)
    cache.set(PUBLIC_PAGES, 1, None)

    with django_capture_on_commit_callbacks(execute=True):
        moved(card, PUBLIC_PAGES, card)

    assert cache.get(card) > 1
    assert cache.get(PUBLIC_PAGES) > 1


@pytest.mark.django_db
def test_a_badge_chosen_moves_the_members_card_and_the_pages():
    card = member_card(42)
    cache.set(card, 1, None)
    cache.set(PUBLIC_PAGES, 1, None)

    badges_changed(42)

    assert cache.get(card) > 1
    assert cache.get(PUBLIC_PAGES) > 1
