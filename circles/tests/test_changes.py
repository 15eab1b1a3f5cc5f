"""What follows a write in communities is said in ``circles/changes.py``.

Every public service that writes calls one of its change functions (or is
listed below with the reason it need not), and no other communities module
moves a cache, the index or the feed itself.
"""

import pytest
from django.contrib.contenttypes.models import ContentType

from accounts.tests.factories import UserFactory
from circles import kinds, services
from circles.models import Community
from circles.tests.factories import (
    CommunityFactory,
    EstablishedUserFactory,
    site_moderator,
)
from community.models import ActivityEvent, SearchEntry
from community.tests.writes import (
    app_modules,
    app_services,
    cache_mechanisms_used,
    unannounced_writes,
)

EXEMPT = {
    "hearing_set": "a member's own notification level: their own pages only",
    "join_request_withdraw": "a request: shown to the applicant and managers only",
    "member_unban": "the ban list: shown to those who run the community only",
    "ownership_offer": "an offer: shown to the owner and the member offered only",
    "ownership_offer_automatic": "an offer: shown to the member offered only",
    "ownership_offers_expire": "an offer: shown to the member offered only",
}


def test_every_writing_service_calls_a_change_function():
    assert (
        unannounced_writes(
            app_services("circles"), changes={"circles.changes"}, exempt=EXEMPT
        )
        == {}
    )


def test_only_the_change_functions_move_caches_the_index_and_the_feed():
    used = cache_mechanisms_used(app_modules("circles"))

    assert set(used) == {"circles.changes"}, used


# --- What follows --------------------------------------------------------------


def _searchable(community) -> bool:
    return SearchEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(Community),
        target_id=community.pk,
    ).exists()


def _in_feed(community) -> bool:
    return ActivityEvent.objects.filter(
        kind=kinds.COMMUNITY_ACTIVITY, target_id=community.pk
    ).exists()


@pytest.mark.django_db
def test_a_community_is_searched_and_in_the_feed_once_open_not_before():
    colleagues = UserFactory.create_batch(2)
    community = services.community_propose(
        founder=EstablishedUserFactory(),
        name="Химики Урала",
        purpose="Опыты и задачи.",
        visibility=Community.Visibility.PUBLIC,
        joining=Community.Joining.OPEN,
        cofounders=colleagues,
    )
    assert not _searchable(community)
    assert not _in_feed(community)

    for colleague in colleagues:
        services.cofounder_answer(
            invitation=community.invitations.get(user=colleague),
            user=colleague,
            accept=True,
        )

    assert _searchable(community)
    assert _in_feed(community)


@pytest.mark.django_db
def test_a_hidden_community_leaves_the_search_and_the_feed():
    community = CommunityFactory()
    services.community_update(community=community, editor=community.founder, name="Н")
    services.community_hide(community=community, moderator=site_moderator(), reason="")
    assert not _searchable(community)
    assert not _in_feed(community)


@pytest.mark.django_db
def test_a_private_community_is_neither_searched_nor_in_the_feed():
    community = CommunityFactory()
    services.community_update(community=community, editor=community.founder, name="Н")
    assert _searchable(community)

    services.community_update(
        community=community,
        editor=community.founder,
        visibility=Community.Visibility.PRIVATE,
    )

    assert not _searchable(community)
    assert not _in_feed(community)


@pytest.mark.django_db
def test_a_visitor_sees_the_member_count_follow_a_join_and_a_leave(client):
    community = CommunityFactory()
    member = UserFactory()
    url = community.get_absolute_url()

    def seen() -> str:
        response = client.get(url)
        assert response.status_code == 200
        return response.content.decode()

    assert "Участников: 1" in seen()
    assert client.get(url)["X-Page-Cache"] == "hit"
    services.community_join(community=community, user=member)
    assert "Участников: 2" in seen()
    services.community_leave(community=community, user=member)
    assert "Участников: 1" in seen()
