"""Hiding and showing again: one helper, one rule, used by every app."""

import re

import pytest

from community.hiding import REPORTED, audited, hidden_set
from community.models import AuditEntry
from community.tests.writes import ROOT, app_modules
from forums.tests.factories import PostFactory, TopicFactory

pytestmark = pytest.mark.django_db


class _Calls:
    def __init__(self):
        self.changed, self.records = [], []

    def change(self, item):
        self.changed.append(item.is_hidden)

    def record(self, item, action, moderator, reason):
        self.records.append((action, moderator, reason))


def test_a_change_is_saved_followed_and_recorded(moderator):
    post, calls = PostFactory(), _Calls()

    assert hidden_set(
        post,
        hidden=True,
        moderator=moderator,
        reason="спам",
        changed=calls.change,
        record=calls.record,
    )

    post.refresh_from_db()
    assert post.is_hidden
    assert calls.changed == [True]
    assert calls.records == [("hide", moderator, "спам")]


def test_a_moderators_call_that_changes_nothing_is_still_on_record(moderator):
    post, calls = PostFactory(is_hidden=True), _Calls()

    changed = hidden_set(
        post,
        hidden=True,
        moderator=moderator,
        reason="подтверждаю",
        changed=calls.change,
        record=calls.record,
    )

    assert not changed
    assert calls.changed == []  # nothing moved: nothing to follow
    assert calls.records == [("hide", moderator, "подтверждаю")]


def test_an_automatic_call_is_on_record_only_when_it_changes_something():
    post, calls = PostFactory(), _Calls()
    for _ in range(2):
        hidden_set(
            post,
            hidden=True,
            moderator=None,
            reason=REPORTED,
            changed=calls.change,
            record=calls.record,
        )

    assert calls.changed == [True]
    assert calls.records == [("hide_automatic", None, str(REPORTED))]


def test_the_audit_record_keeps_or_folds_the_automatic_mark(moderator):
    topic = TopicFactory()
    audited("thing")(topic, "restore_automatic", None, "r")
    audited("thing", automatic_apart=True)(topic, "hide_automatic", None, "r")
    audited("thing")(topic, "hide", moderator, "r")

    assert list(AuditEntry.objects.order_by("pk").values_list("action", "actor")) == [
        ("thing_restore", None),
        ("thing_hide_automatic", None),
        ("thing_hide", moderator.pk),
    ]


DOMAIN_APPS = ("accounts", "forums", "materials", "masterclasses", "circles")


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_no_app_hides_an_item_by_hand(app):
    """Only ``hidden_set`` writes an ``is_hidden`` it was asked for: an app
    that sets the flag from an argument wrote its own hide."""
    by_hand = re.compile(r"\.is_hidden\s*=\s*hidden\b")
    found = [
        str(path.relative_to(ROOT))
        for path in app_modules(app)
        if by_hand.search(path.read_text())
    ]

    assert found == []
