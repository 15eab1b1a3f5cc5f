"""Site moderators in the admin: the communities' list, the inbox, and the
actions hide (with the reason the founders read), show again and archive,
which go through the services."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from circles import kinds
from circles.models import Community
from circles.tests.factories import CommunityFactory
from community.models import AuditEntry, Notification

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:circles_community_changelist")


def _act(client, action: str, *communities, **data):
    return client.post(
        CHANGELIST,
        {
            "action": action,
            ACTION_CHECKBOX_NAME: [community.pk for community in communities],
            **data,
        },
    )


def test_hiding_asks_for_the_reason_the_founders_read(moderator_client):
    community = CommunityFactory()

    page = _act(moderator_client, "hide", community)

    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    community.refresh_from_db()
    assert not community.is_hidden

    _act(moderator_client, "hide", community, post="yes", reason="Реклама курсов")

    community.refresh_from_db()
    assert community.is_hidden
    entry = AuditEntry.objects.get(action="community_hide")
    assert entry.reason == "Реклама курсов"
    assert Notification.objects.filter(
        recipient=community.founder, kind=kinds.HIDDEN
    ).exists()


def test_hiding_without_a_reason_hides_nothing(moderator_client):
    community = CommunityFactory()

    page = _act(moderator_client, "hide", community, post="yes", reason="  ")

    assert page.status_code == 200
    community.refresh_from_db()
    assert not community.is_hidden


def test_a_hidden_community_is_shown_again_and_one_archived(moderator_client):
    hidden = CommunityFactory(is_hidden=True)
    quiet = CommunityFactory()

    _act(moderator_client, "restore", hidden)
    _act(moderator_client, "archive", quiet, post="yes", reason="")

    hidden.refresh_from_db()
    quiet.refresh_from_db()
    assert not hidden.is_hidden
    assert quiet.status == Community.Status.ARCHIVED
    assert AuditEntry.objects.filter(action="community_archive").exists()


def test_the_pages_are_read_only_and_keep_the_invitations_secret(
    moderator_client,
):
    from circles.tests.factories import InvitationFactory

    invitation = InvitationFactory()

    page = moderator_client.get(
        reverse("admin:circles_invitation_change", args=[invitation.pk])
    )
    community = moderator_client.get(
        reverse("admin:circles_community_change", args=[invitation.community.pk])
    )

    assert page.status_code == 200
    assert invitation.token not in page.content.decode()
    assert 'name="_save"' not in community.content.decode()


def test_the_inbox_names_the_new_communities_in_russian(moderator_client):
    CommunityFactory()
    CommunityFactory(opened_at=timezone.now() - datetime.timedelta(days=30))

    page = moderator_client.get(
        reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="ru"
    ).content.decode()

    assert "Сообщества, открытые за последнюю неделю" in page
    assert f"{CHANGELIST}?new=1" in page
    assert "Жалобы на сообщества" in page


def test_the_filter_lists_only_the_communities_opened_lately(moderator_client):
    fresh = CommunityFactory()
    CommunityFactory(opened_at=timezone.now() - datetime.timedelta(days=30))

    page = moderator_client.get(CHANGELIST + "?new=1")

    assert list(page.context["cl"].result_list) == [fresh]
