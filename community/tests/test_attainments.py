"""Attainments: the registry apps fill with evidence of growth, the listeners
that hear, after commit and once per transaction, whose evidence changed,
and the suggestions of what to take up next."""

import datetime
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts import services as accounts
from accounts.tests.factories import UserFactory
from community import attainments, recognition
from community.models import Badge, BadgeAward
from community.registry import Registry
from community.tests.test_layering import violations

pytestmark = pytest.mark.django_db

WHEN = datetime.datetime(2026, 3, 5, 10, 0, tzinfo=datetime.UTC)


def _item(key: str, when=WHEN) -> attainments.Attainment:
    return attainments.Attainment(
        key=key, title=f"Итог {key}", url="", occurred_at=when
    )


@pytest.fixture
def registry(monkeypatch):
    """Empty registries for the test (the apps' sources put back after)."""
    monkeypatch.setattr(attainments, "_sources", Registry())
    monkeypatch.setattr(attainments, "_suggestions", Registry())
    monkeypatch.setattr(attainments, "_listeners", Registry())
    return attainments


@pytest.fixture
def heard(monkeypatch):
    """Only the test listens (the apps' sources stay)."""
    told = []
    monkeypatch.setattr(attainments, "_listeners", Registry())
    attainments.attainments_listen("test", told.append)
    return told


def _badge(key="mentor", **fields) -> Badge:
    return Badge.objects.create(
        key=key, name=key, description=key, tier="gold", **fields
    )


def _award(badge, user, occurrence=1, **fields) -> BadgeAward:
    return BadgeAward.objects.create(
        badge=badge, user=user, occurrence=occurrence, **fields
    )


def _told_rolled_back(member_ids) -> None:
    """``attainments_changed`` inside a transaction (or savepoint) that is
    rolled back."""

    class Undo(Exception):
        pass

    try:
        with transaction.atomic():
            attainments.attainments_changed(member_ids)
            raise Undo
    except Undo:
        pass


# --- The registry --------------------------------------------------------------------


def test_sources_are_listed_by_order_and_found_by_key(registry):
    registry.attainment_source_register(
        key="late", title="Поздний", order=20, items=lambda user: []
    )
    registry.attainment_source_register(
        key="early", title="Ранний", order=10, items=lambda user: [], as_count=True
    )

    assert [source.key for source in registry.attainment_sources()] == [
        "early",
        "late",
    ]
    assert registry.attainment_source("early").as_count is True
    assert registry.attainment_source("late").as_count is False
    assert registry.attainment_source("missing") is None


def test_attainments_for_asks_every_source_and_caps_each(registry, member):
    many = [_item(str(index)) for index in range(registry.ATTAINMENT_LIMIT + 5)]
    registry.attainment_source_register(
        key="many", title="Много", order=1, items=lambda user: many
    )
    registry.attainment_source_register(
        key="none", title="Ничего", order=2, items=lambda user: []
    )
    registry.attainment_source_register(
        key="mine", title="Моё", order=3, items=lambda user: [_item(str(user.pk))]
    )

    found = registry.attainments_for(member)

    assert list(found) == ["many", "none", "mine"]
    assert len(found["many"]) == registry.ATTAINMENT_LIMIT
    assert found["none"] == []
    assert found["mine"] == [_item(str(member.pk))]


def test_a_key_registered_again_with_another_entry_is_noted(registry):
    def items(user):
        return []

    registry.attainment_source_register(key="a", title="A", order=1, items=items)
    registry.attainment_source_register(key="a", title="A", order=1, items=items)
    assert registry._sources.duplicates == []

    registry.attainment_source_register(key="a", title="A", order=2, items=items)
    assert registry._sources.duplicates == ["a"]
    assert registry.attainment_source("a").order == 2


def test_the_apps_register_their_sources():
    keys = {source.key for source in attainments.attainment_sources()}
    assert {
        "badge",
        "masterclass_certificate",
        "masterclass_hosted",
        "course_certificate",
        "course_authored",
        "material_recommended",
        "review_written",
        "answer_accepted",
        "consultation_given",
        "community_moderated",
    } <= keys
    assert attainments.attainment_source("review_written").as_count is True
    assert set(attainments._suggestions) >= {"courses", "masterclasses", "communities"}


def test_the_community_layer_imports_no_domain_app():
    path = Path(attainments.__file__)
    assert violations(path, path.read_text(encoding="utf-8")) == []


# --- Listening -----------------------------------------------------------------------


def test_listeners_hear_after_commit_once_per_transaction(
    heard, django_capture_on_commit_callbacks
):
    first, second = UserFactory(), UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        attainments.attainments_changed([first.pk])
        attainments.attainments_changed([first.pk, second.pk, None])
        attainments.attainments_changed(iter([second.pk]))
        assert heard == []

    assert heard == [sorted([first.pk, second.pk])]


def test_nothing_is_heard_of_a_rolled_back_savepoint(
    heard, django_capture_on_commit_callbacks
):
    user = UserFactory()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _told_rolled_back([user.pk])

    assert heard == []
    assert callbacks == []


def test_a_later_transaction_is_heard_again(heard, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        attainments.attainments_changed([user.pk])
    with django_capture_on_commit_callbacks(execute=True):
        attainments.attainments_changed([user.pk])

    assert heard == [[user.pk], [user.pk]]


def test_no_member_is_told_nothing(heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        attainments.attainments_changed([])
        attainments.attainments_changed([None])

    assert heard == []
    assert callbacks == []


def test_a_failing_listener_leaves_the_others(
    registry, django_capture_on_commit_callbacks
):
    told = []

    def broken(member_ids):
        raise ValueError("down")

    registry.attainments_listen("broken", broken)
    registry.attainments_listen("kept", told.append)
    user = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        attainments.attainments_changed([user.pk])

    assert told == [[user.pk]]


def test_without_listeners_nothing_is_queued_nor_read(
    registry, django_capture_on_commit_callbacks, django_assert_num_queries
):
    user = UserFactory()
    lazy = get_user_model().objects.filter(pk=user.pk).values_list("pk", flat=True)

    with (
        django_capture_on_commit_callbacks() as callbacks,
        django_assert_num_queries(0),
    ):
        attainments.attainments_changed(lazy)

    assert callbacks == []


def test_a_lazy_list_is_read_once_when_someone_listens(
    heard, django_capture_on_commit_callbacks, django_assert_num_queries
):
    user = UserFactory()
    lazy = get_user_model().objects.filter(pk=user.pk).values_list("pk", flat=True)

    with (
        django_capture_on_commit_callbacks(execute=True),
        django_assert_num_queries(1),
    ):
        attainments.attainments_changed(lazy)

    assert heard == [[user.pk]]


@pytest.mark.django_db(transaction=True)
def test_a_real_commit_is_heard_once_and_a_rollback_never(heard):
    first, second = UserFactory(), UserFactory()

    with transaction.atomic():
        attainments.attainments_changed([first.pk])
        with transaction.atomic():
            attainments.attainments_changed([second.pk])
        attainments.attainments_changed([first.pk])
    assert heard == [sorted([first.pk, second.pk])]

    heard.clear()
    _told_rolled_back([first.pk])
    assert heard == []

    with transaction.atomic():
        attainments.attainments_changed([second.pk])
    assert heard == [[second.pk]]

    heard.clear()
    attainments.attainments_changed([first.pk])  # outside a transaction: at once
    assert heard == [[first.pk]]


# --- The badge source ----------------------------------------------------------------


def test_badges_held_newest_first_revoked_left_out(member, django_assert_num_queries):
    now = timezone.now()
    badges = [_badge(f"badge-{index}") for index in range(55)]
    for index, badge in enumerate(badges):
        _award(badge, member, awarded_at=now - datetime.timedelta(days=index))
    _award(_badge("revoked"), member, revoked_at=now)
    _award(_badge("hers"), UserFactory())

    with django_assert_num_queries(1):
        found = attainments.attainment_source("badge").items(member)

    assert len(found) == 55
    assert found[0].title == "badge-0"
    assert found[0].url == badges[0].get_absolute_url()
    assert [item.occurred_at for item in found] == sorted(
        (item.occurred_at for item in found), reverse=True
    )


def test_a_badge_awarded_or_taken_back_by_a_moderator_is_heard(
    heard, member, moderator, django_capture_on_commit_callbacks
):
    badge = _badge("mentor-of-the-year", is_manual=True)

    with django_capture_on_commit_callbacks(execute=True):
        award = recognition.badge_award_manual(
            badge=badge, user=member, moderator=moderator, reason="Помогла молодым"
        )
    assert heard == [[member.pk]]
    assert [item.key for item in attainments.attainment_source("badge").items(member)]

    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        recognition.badge_revoke(award=award, moderator=moderator, reason="Ошибка")
    assert heard == [[member.pk]]
    assert attainments.attainment_source("badge").items(member) == []


def test_a_badge_earned_by_its_rule_is_heard(
    heard, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        accounts.follow_create(follower=UserFactory(), followee=member)

    assert [member.pk] in heard
    assert BadgeAward.objects.filter(user=member, badge__key="first-follower")


def test_badges_chosen_to_be_shown_tell_nothing(
    heard, member, django_capture_on_commit_callbacks
):
    award = _award(_badge(), member)

    with django_capture_on_commit_callbacks(execute=True):
        recognition.badges_feature(user=member, award_ids=[award.pk])

    assert heard == []


# --- Suggestions ---------------------------------------------------------------------


def test_suggestions_by_order_with_lower_case_tags_and_a_limit(registry, member):
    asked = []

    def source(kind, count):
        def suggest(*, tags, subject_ids, user, limit, exclude_keys):
            asked.append((kind, tags, subject_ids, user, limit, exclude_keys))
            return [
                attainments.Suggestion(
                    kind=kind,
                    object_key=f"{kind}:{index}",
                    title=kind,
                    url="/",
                    tags=tuple(tags),
                )
                for index in range(count)
            ]

        return suggest

    registry.suggestion_source_register(key="b", order=20, suggest=source("b", 5))
    registry.suggestion_source_register(key="a", order=10, suggest=source("a", 1))

    found = registry.suggestions_for(["Дроби", " дроби ", "ФГОС"], [3, 1], member, 2)

    assert [item.object_key for item in found] == ["a:0", "b:0", "b:1"]
    assert asked[0] == ("a", ["дроби", "фгос"], [1, 3], member, 2, frozenset())
    assert registry.suggestions_for([], [1], member) == []
    assert registry.suggestions_for(["  "], [1], member) == []

    # The objects named are the sources' to leave out, and never come back.
    asked.clear()
    found = registry.suggestions_for(["дроби"], [], member, 2, exclude_keys=["b:0"])
    assert [item.object_key for item in found] == ["a:0", "b:1", "b:2"]
    assert asked[1][-1] == frozenset({"b:0"})
