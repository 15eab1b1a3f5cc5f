"""``manage.py check`` refuses a registry an app filled wrongly (community.checks).

Each test works on a copy of the registry it spoils, put back afterwards.
"""

import dataclasses

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from accounts import bookmarks, portfolio
from community import (
    badges,
    feeds,
    home,
    inbox,
    navigation,
    notifications,
    reports,
    search,
    sitemaps,
    tags,
)
from community.badges import BadgeRule


def _errors() -> list[tuple[str, str]]:
    return [
        (message.id, message.obj)
        for message in checks.run_checks(tags=["registries"])
        if message.is_serious()
    ]


def _spoil(monkeypatch, module, name: str):
    """Swap ``module.name`` for a copy the test may spoil."""
    registry = getattr(module, name)
    monkeypatch.setattr(module, name, registry.copy())
    return getattr(module, name)


def test_the_project_passes_its_registry_checks():
    assert "registries" in checks.registry.registry.tags_available()
    assert _errors() == []
    call_command("check")


# --- Notification kinds and preferences --------------------------------------


def test_a_kind_obeying_an_unknown_preference_fails_check(monkeypatch):
    _spoil(monkeypatch, notifications, "_kinds")
    notifications.notification_kind_register(
        key="typo_kind", preference="replis", one="one", many="many"
    )
    # A notice the member always gets obeys no preference: no error.
    notifications.notification_kind_register(
        key="always_told", preference=None, one="one", many="many"
    )

    assert _errors() == [("community.E002", "notification kinds: typo_kind")]
    with pytest.raises(SystemCheckError, match=r"(?s)community\.E002.*'replis'"):
        call_command("check")


def test_kinds_obeying_preferences_nobody_registered_fail_check(monkeypatch):
    monkeypatch.setattr(notifications, "_preferences", [])

    assert _errors() == [("community.E003", "preferences")]


def test_preferences_registered_twice_fail_check(monkeypatch):
    given = notifications.preferences()
    monkeypatch.setattr(notifications, "_preferences", [given])
    notifications.preferences_register(dataclasses.replace(given, keys=frozenset()))

    found = _errors()

    assert ("community.E004", "preferences") in found
    # The latest preferences are the ones used: they offer no switch now.
    assert ("community.E002", "notification kinds: follow") in found


# --- Keys registered twice, in every registry ---------------------------------


def _twice(register) -> None:
    register(1)
    register(2)


def _fields(entry) -> dict:
    return {
        field.name: getattr(entry, field.name) for field in dataclasses.fields(entry)
    }


def _entry(registry, key=None):
    return registry[key] if key is not None else next(iter(registry.values()))


DUPLICATES = {
    "notification kinds": (
        notifications,
        "_kinds",
        lambda n: notifications.notification_kind_register(
            key="twice", preference=None, one=f"one {n}", many="many"
        ),
        "notification kinds: twice",
    ),
    "digest sections": (
        notifications,
        "_sections",
        lambda n: notifications.digest_section_register(
            key="twice", title="Twice", order=n, items=lambda users, since: {}
        ),
        "digest sections: twice",
    ),
    "feed sources": (
        notifications,
        "_feed_sources",
        lambda n: notifications.feed_source_register("twice", lambda user: {}),
        "feed sources: twice",
    ),
    "activity kinds": (
        notifications,
        "_activity_phrases",
        lambda n: notifications.activity_kind_register("twice", f"%(actor)s did {n}"),
        "activity kinds: twice",
    ),
    "audit actions": (
        notifications,
        "_audit_actions",
        lambda n: notifications.audit_actions_register({"twice": f"done {n}"}),
        "audit actions: twice",
    ),
    "badge measures": (
        badges,
        "_measures",
        lambda n: badges.badge_measure_register("twice", lambda ids: {}),
        "badge measures: twice",
    ),
    "badge rules": (
        badges,
        "_rules",
        lambda n: badges.badge_rule_register(
            BadgeRule("twice", "followers", n, "bronze", "Twice", "Twice")
        ),
        "badge rules: twice",
    ),
    "contribution sources": (
        badges,
        "_contributions",
        lambda n: badges.contribution_source_register("twice", lambda a, b: {}),
        "contribution sources: twice",
    ),
    "reportables": (
        reports,
        "_registry",
        lambda n: reports.reportable_register(
            **{
                **_fields(_entry(reports._registry, "blog_post")),
                "label": f"Twice {n}",
            }
        ),
        "reportables: blog_post",
    ),
    "search kinds": (
        search,
        "_kinds",
        lambda n: search.searchable_register(
            dataclasses.replace(_entry(search._kinds), order=n)
        ),
        f"search kinds: {_entry(search._kinds).key}",
    ),
    "inbox sources": (
        inbox,
        "_sources",
        lambda n: inbox.inbox_source_register(
            dataclasses.replace(_entry(inbox._sources, "reports"), order=n)
        ),
        "inbox sources: reports",
    ),
    "home blocks": (
        home,
        "_blocks",
        lambda n: home.home_block_register(
            key="twice",
            audience=home.MEMBERS,
            template="community/partials/_home_notifications.html",
            read=lambda viewer: None,
            order=n,
        ),
        "home blocks: members/twice",
    ),
    "tag feed sources": (
        feeds,
        "_tag_sources",
        lambda n: feeds.tag_feed_source_register(
            key="twice", entries=lambda tag, limit: []
        ),
        "tag feed sources: twice",
    ),
    "sitemap sections": (
        sitemaps,
        "_sections",
        lambda n: sitemaps.sitemap_register(
            key="twice", sitemap=sitemaps.PublicSitemap, order=n
        ),
        "sitemap sections: twice",
    ),
    "tag page sources": (
        tags,
        "_sources",
        lambda n: tags.tagged_source_register(
            key="twice", label="Twice", items=lambda user, tag: [], order=n
        ),
        "tag page sources: twice",
    ),
    "portfolio sections": (
        portfolio,
        "_sections",
        lambda n: portfolio.portfolio_section_register(
            key="twice", title="Twice", order=n, items=lambda user: []
        ),
        "portfolio sections: twice",
    ),
    "bookmarkables": (
        bookmarks,
        "_registry",
        lambda n: bookmarks.bookmarkable_register(
            _entry(bookmarks._registry, "blogpost").model,
            key="blogpost",
            label=f"Twice {n}",
            visible_to=_entry(bookmarks._registry, "blogpost").visible_to,
        ),
        "bookmarkables: blogpost",
    ),
}


@pytest.mark.parametrize("name", DUPLICATES)
def test_a_key_registered_twice_fails_check(monkeypatch, name):
    module, attribute, register, where = DUPLICATES[name]
    _spoil(monkeypatch, module, attribute)

    _twice(register)

    assert ("community.E001", where) in _errors()


def test_only_a_different_entry_under_the_same_key_is_a_duplicate(monkeypatch):
    _spoil(monkeypatch, badges, "_measures")

    def measure(ids):
        return {}

    badges.badge_measure_register("once", measure)
    badges.badge_measure_register("once", measure)
    badges.badge_measure_register("twice", measure)
    badges.badge_measure_register("twice", lambda ids: {})

    assert _errors() == [("community.E001", "badge measures: twice")]


def test_a_navigation_section_registered_twice_fails_check(monkeypatch):
    monkeypatch.setattr(navigation, "_sections", list(navigation._sections))
    navigation.nav_register(url_name="home", title="Home again", order=99)

    assert _errors() == [("community.E001", "navigation: home")]


def test_a_navigation_section_naming_an_unknown_url_fails_check(monkeypatch):
    monkeypatch.setattr(navigation, "_sections", list(navigation._sections))
    navigation.nav_register(url_name="forums:nowhere", title="Nowhere", order=99)

    assert _errors() == [("community.E009", "navigation: forums:nowhere")]


# --- Badge rules --------------------------------------------------------------


def test_a_badge_rule_counting_an_unknown_measure_fails_check(monkeypatch):
    _spoil(monkeypatch, badges, "_rules")
    badges.badge_rule_register(
        BadgeRule("typo-rule", "posts_writen", 10, "silver", "Typo", "Typo")
    )

    assert _errors() == [("community.E005", "badge rules: typo-rule")]


def test_a_badge_rule_with_an_unknown_tier_or_no_threshold_fails_check(monkeypatch):
    _spoil(monkeypatch, badges, "_rules")
    badges.badge_rule_register(
        BadgeRule("platinum", "followers", 10, "platinum", "Shiny", "Shiny")
    )
    badges.badge_rule_register(
        BadgeRule("for-nothing", "followers", 0, "gold", "Free", "Free")
    )

    assert sorted(_errors()) == [
        ("community.E006", "badge rules: platinum"),
        ("community.E007", "badge rules: for-nothing"),
    ]


# --- One model under two keys, templates -------------------------------------


def test_a_model_reportable_under_two_keys_fails_check(monkeypatch):
    _spoil(monkeypatch, reports, "_registry")
    reports.reportable_register(
        **{**_fields(reports.reportable_get("blog_post")), "key": "blog2"}
    )

    assert _errors() == [("community.E008", "reportables: blog2")]


def test_a_model_searchable_under_two_keys_fails_check(monkeypatch):
    _spoil(monkeypatch, search, "_kinds")
    kind = search.search_kinds()[0]
    search.searchable_register(dataclasses.replace(kind, key="again"))

    assert _errors() == [("community.E008", "search kinds: again")]


def test_a_home_block_with_a_missing_template_fails_check(monkeypatch):
    _spoil(monkeypatch, home, "_blocks")
    home.home_block_register(
        key="lost",
        audience=home.VISITORS,
        template="community/partials/_no_such_block.html",
        read=lambda viewer: None,
    )

    assert _errors() == [("community.E010", "home blocks: visitors/lost")]


def test_a_tag_page_source_with_a_missing_template_fails_check(monkeypatch):
    _spoil(monkeypatch, tags, "_sources")
    tags.tagged_source_register(
        key="lost",
        label="Lost",
        items=lambda user, tag: [],
        template="community/partials/_no_such_row.html",
    )

    assert _errors() == [("community.E010", "tag page sources: lost")]
