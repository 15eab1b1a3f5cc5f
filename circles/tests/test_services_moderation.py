"""Site moderators hide, show again and archive communities; those who run
a hidden one are told why."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts.tests.factories import UserFactory
from circles import kinds, selectors, services
from circles.models import Community, Membership
from circles.permissions import can_join_community, can_view_community
from circles.tests.factories import CommunityFactory, MembershipFactory, site_moderator
from community.models import ActivityEvent, AuditEntry, Notification

pytestmark = pytest.mark.django_db


def _actions(community) -> list[str]:
    return list(
        AuditEntry.objects.filter(target_id=community.pk)
        .order_by("pk")
        .values_list("action", flat=True)
    )


def _in_feed(community) -> bool:
    return ActivityEvent.objects.filter(
        kind=kinds.COMMUNITY_ACTIVITY, target_id=community.pk
    ).exists()


def test_a_hidden_community_is_seen_by_its_members_only_who_read_why():
    community = CommunityFactory()
    moderator_member = MembershipFactory(
        community=community, role=Membership.Role.MODERATOR
    ).user
    member = MembershipFactory(community=community).user
    site = site_moderator()

    services.community_hide(community=community, moderator=site, reason="Реклама")

    assert Community.objects.get(pk=community.pk).is_hidden
    assert can_view_community(member, community)
    assert not can_view_community(UserFactory(), community)
    assert not can_join_community(UserFactory(), community)
    assert community not in selectors.community_list(user=UserFactory())
    told = Notification.objects.filter(kind=kinds.HIDDEN)
    assert {n.recipient for n in told} == {community.founder, moderator_member}
    assert selectors.hide_reason(community=community) == "Реклама"
    assert "community_hide" in _actions(community)


def test_showing_it_again_puts_it_back():
    community = CommunityFactory()
    site = site_moderator()
    services.community_hide(community=community, moderator=site, reason="Проверка")
    assert not _in_feed(community)

    services.community_hide(
        community=community, moderator=site, reason="", hidden=False
    )

    assert not Community.objects.get(pk=community.pk).is_hidden
    assert _in_feed(community)
    assert _actions(community)[-1] == "community_restore"


def test_reports_hide_a_community_until_a_moderator_looks():
    community = CommunityFactory()

    services.community_hide_by_reports(community=community)
    services.community_hide_by_reports(community=community)

    assert Community.objects.get(pk=community.pk).is_hidden
    assert _actions(community) == ["community_hide"]
    assert Notification.objects.filter(kind=kinds.HIDDEN).count() == 1


def test_an_archived_community_is_read_only_and_takes_nobody():
    community = CommunityFactory()
    site = site_moderator()

    services.community_archive(community=community, moderator=site, reason="Тишина")
    services.community_archive(community=community, moderator=site)

    community.refresh_from_db()
    assert community.status == Community.Status.ARCHIVED
    assert community.archived_at is not None
    assert can_view_community(UserFactory(), community)
    assert not can_join_community(UserFactory(), community)
    assert _actions(community) == ["community_archive"]
    assert not _in_feed(community)

    services.community_archive(community=community, moderator=site, archived=False)
    assert Community.objects.get(pk=community.pk).status == Community.Status.OPEN
    assert _actions(community)[-1] == "community_unarchive"


def test_only_site_moderators_hide_and_archive():
    community = CommunityFactory()

    with pytest.raises(PermissionDenied):
        services.community_hide(
            community=community, moderator=community.founder, reason=""
        )
    with pytest.raises(PermissionDenied):
        services.community_archive(community=community, moderator=community.founder)
