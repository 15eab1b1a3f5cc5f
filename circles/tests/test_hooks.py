"""What communities register with the community layer: notification kinds
with their preferences, the feed phrase, audit labels, reports, the inbox,
the navigation and search — and that ``manage.py check`` is content."""

import datetime
import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from circles import kinds
from circles.hooks import recently_opened
from circles.models import Community, Membership
from circles.search_documents import community_document
from circles.selectors import communities_visible_to
from community import inbox, reporting
from community.models import SearchEntry
from community.navigation import nav_sections
from community.notifications import (
    activity_phrase,
    audit_action_choices,
    notification_kind,
    preferences,
)
from community.reports import reportable_for_model
from community.search import search, search_index

pytestmark = pytest.mark.django_db

_slugs = itertools.count(1)
Status, Visibility, Joining = Community.Status, Community.Visibility, Community.Joining


def _community(*, founder=None, name="Математики Поволжья", **fields) -> Community:
    """A community as the services leave it (rows written directly: these
    tests are about what the hooks read, not about how it got there)."""
    values = {
        "slug": f"community-{next(_slugs)}",
        "purpose": "Делимся задачами олимпиад",
        "status": Status.OPEN,
        "opened_at": timezone.now(),
        "visibility": Visibility.PUBLIC,
        "joining": Joining.OPEN,
    }
    values.update(fields)
    if values["visibility"] == Visibility.PRIVATE:
        values["joining"] = Joining.INVITATION
    return Community.objects.create(
        founder=founder or UserFactory(), name=name, **values
    )


# --- notification kinds, the feed, the audit log -----------------------------


def test_every_kind_is_registered_with_a_preference_members_can_choose():
    keys = {
        value
        for name, value in vars(kinds).items()
        if name.isupper() and value != kinds.COMMUNITY_ACTIVITY
    }
    assert len(keys) == 12

    for key in keys:
        kind = notification_kind(key)
        assert str(kind.one)
        assert str(kind.many)
        if key == kinds.HIDDEN:
            # A moderator's decision about their work: founders always hear it.
            assert kind.preference is None
            assert kind.urgent
        else:
            assert kind.preference == "communities"
    assert "communities" in preferences().keys


def test_the_preference_has_a_russian_name():
    from accounts.models import NotificationSetting

    with translation.override("ru"):
        assert NotificationSetting.Kind.COMMUNITIES.label == "сообщества"


def test_the_feed_reads_a_community_opened():
    with translation.override("en"):
        phrase = activity_phrase(kinds.COMMUNITY_ACTIVITY, "Анна")

    assert phrase == "Анна opened the community"


def test_every_community_action_of_the_audit_log_has_a_label():
    labels = dict(audit_action_choices())
    actions = [
        "community_propose",
        "community_open",
        "community_join",
        "community_request",
        "community_approve",
        "community_reject",
        "community_invite",
        "community_leave",
        "community_remove",
        "community_ban",
        "community_moderator",
        "community_handover",
        "community_hide",
        "community_restore",
        "community_archive",
    ]

    with translation.override("ru"):
        for action in actions:
            assert action in labels, action
            assert str(labels[action]) != action


# --- the registries are content --------------------------------------------------


def test_manage_py_check_passes():
    call_command("check", fail_level="ERROR")


def test_the_header_links_to_the_communities_after_the_masterclasses():
    urls = [item.url for item in nav_sections()]

    assert reverse("circles:list") == "/communities/"
    assert urls.index("/communities/") == urls.index(reverse("masterclasses:list")) + 1


# --- reports ------------------------------------------------------------------


def test_members_report_only_communities_they_may_see():
    member = UserFactory()
    public = _community(name="Открытое")
    members = _community(name="Для своих", visibility=Visibility.MEMBERS)
    private = _community(name="Тайное", visibility=Visibility.PRIVATE)
    mine = _community(name="Моё тайное", visibility=Visibility.PRIVATE)
    Membership.objects.create(community=mine, user=member)
    _community(name="Скрытое", is_hidden=True)
    _community(name="Предложенное", status=Status.PROPOSED, opened_at=None)

    assert set(communities_visible_to(AnonymousUser())) == {public}
    assert set(communities_visible_to(member)) == {public, members, mine}
    assert private not in communities_visible_to(member)
    assert reportable_for_model(Community).key == "community"


def test_a_report_on_a_community_counts_in_the_moderators_inbox(moderator):
    community = _community()
    source = inbox._sources["communities_reported"]
    before = source.count()

    reporting.report_create(
        reporter=UserFactory(), key="community", object_id=community.pk, reason="spam"
    )

    assert source.count() == before + 1
    assert dict(inbox.inbox_for(moderator))[source] == before + 1
    assert moderator.has_perm(source.permission)


def test_the_founder_cannot_report_their_own_community():
    from django.core.exceptions import ValidationError

    community = _community()

    with pytest.raises(ValidationError):
        reporting.report_create(
            reporter=community.founder,
            key="community",
            object_id=community.pk,
            reason="spam",
        )


# --- the inbox: communities opened lately --------------------------------------


def test_communities_opened_in_the_last_week_wait_for_a_moderator(moderator, client):
    long_ago = timezone.now() - datetime.timedelta(days=10)
    fresh = _community(name="Новое")
    _community(name="Давнее", opened_at=long_ago)
    _community(name="Скрытое", is_hidden=True)
    _community(name="Предложенное", status=Status.PROPOSED, opened_at=None)
    source = inbox._sources["communities_new"]

    assert list(recently_opened()) == [fresh]
    assert source.count() == 1
    assert moderator.has_perm(source.permission)
    client.force_login(moderator)
    page = client.get(source.url())
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [fresh]


# --- search ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "found"),
    [
        ({}, "everyone"),
        ({"visibility": Visibility.MEMBERS}, "members"),
        ({"status": Status.DORMANT}, "everyone"),
        ({"status": Status.ARCHIVED}, "everyone"),
        ({"visibility": Visibility.PRIVATE}, None),
        ({"status": Status.PROPOSED, "opened_at": None}, None),
        ({"is_hidden": True}, None),
        ({"is_hidden": True, "visibility": Visibility.MEMBERS}, None),
    ],
    ids=[
        "public",
        "members-only",
        "dormant",
        "archived",
        "private",
        "proposed",
        "hidden",
        "hidden members-only",
    ],
)
def test_the_search_document_of_a_community(fields, found):
    community = _community(**fields)

    document = community_document(community)

    if found is None:
        assert document is None
    else:
        assert document.title == community.name
        assert document.url == community.get_absolute_url()
        assert "олимпиад" in document.body
        assert document.members_only is (found == "members")


def test_members_only_communities_are_found_by_signed_in_members_only():
    member = UserFactory()
    public = _community(name="Олимпиадники открытые")
    members = _community(name="Олимпиадники для своих", visibility=Visibility.MEMBERS)
    private = _community(name="Олимпиадники тайные", visibility=Visibility.PRIVATE)
    for community in (public, members, private):
        search_index(community)

    def found(user) -> set[str]:
        results = search(text="олимпиадники", user=user, kind="communities")
        return {entry.title for entry in results.entries}

    assert found(AnonymousUser()) == {public.name}
    assert found(member) == {public.name, members.name}
    assert not SearchEntry.objects.filter(title=private.name).exists()


def test_a_community_hidden_later_leaves_the_index():
    community = _community(name="Олимпиадники")
    search_index(community)
    assert SearchEntry.objects.filter(title=community.name).exists()

    Community.objects.filter(pk=community.pk).update(is_hidden=True)
    community.refresh_from_db()
    search_index(community)

    assert not SearchEntry.objects.filter(title=community.name).exists()
