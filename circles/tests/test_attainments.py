"""Communities as evidence of growth (founded or moderated) and as
suggestions: what counts, what is left out, in a fixed number of queries,
and who is told when they change (through the services: ``circles.changes``)."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from circles import services
from circles.models import Community, Membership
from circles.tests.factories import (
    CommunityBanFactory,
    CommunityFactory,
    EstablishedUserFactory,
    MembershipFactory,
)
from community import attainments
from community.models import Subject
from community.registry import Registry

pytestmark = pytest.mark.django_db

NOW = timezone.now()
PRIVATE = {
    "visibility": Community.Visibility.PRIVATE,
    "joining": Community.Joining.INVITATION,
}


def _items(user):
    return attainments.attainment_source("community_moderated").items(user)


@pytest.fixture
def heard(monkeypatch):
    """Only the test listens."""
    told = []
    monkeypatch.setattr(attainments, "_listeners", Registry())
    attainments.attainments_listen("test", told.append)
    return told


def _suggest(tags, user, subject_ids=(), limit=12):
    return attainments._suggestions["communities"].suggest(
        tags=tags, subject_ids=list(subject_ids), user=user, limit=limit
    )


# --- Founded or moderated ------------------------------------------------------------


def test_communities_she_founded_or_runs_latest_first(
    member, django_assert_max_num_queries
):
    for days in range(1, 51):
        CommunityFactory(founder=member, opened_at=NOW - datetime.timedelta(days=days))
    runs = CommunityFactory(opened_at=NOW)
    MembershipFactory(community=runs, user=member, role=Membership.Role.MODERATOR)
    MembershipFactory(user=member)  # a plain member
    archived = CommunityFactory(
        founder=member, status=Community.Status.ARCHIVED, opened_at=NOW
    )
    CommunityFactory(founder=member, status=Community.Status.PROPOSED, opened_at=None)
    hidden = CommunityFactory(founder=member)
    services.community_hide_by_reports(community=hidden)
    CommunityFactory()  # a colleague's

    with django_assert_max_num_queries(1):
        found = _items(member)

    keys = [item.key for item in found]
    assert len(found) == 52
    assert set(keys[:2]) == {str(runs.pk), str(archived.pk)}
    assert str(hidden.pk) not in keys
    item = next(item for item in found if item.key == str(runs.pk))
    assert item.title == runs.name
    assert item.url == runs.get_absolute_url()
    assert item.occurred_at == NOW


def test_a_private_community_is_not_named(member):
    private = CommunityFactory(founder=member, **PRIVATE)
    members_only = CommunityFactory(
        founder=member, visibility=Community.Visibility.MEMBERS
    )

    found = {item.key: item for item in _items(member)}

    assert found[str(private.pk)].title != private.name
    assert found[str(private.pk)].url == ""
    assert found[str(members_only.pk)].title == members_only.name
    assert found[str(members_only.pk)].url == ""


# --- Who is told (``circles.changes``) ------------------------------------------------


def test_a_moderator_made_or_unmade_is_told(
    heard, member, django_capture_on_commit_callbacks
):
    community = CommunityFactory()
    MembershipFactory(community=community, user=member)

    with django_capture_on_commit_callbacks(execute=True):
        services.moderator_set(
            community=community, owner=community.founder, user=member, on=True
        )
    assert heard == [sorted([member.pk, community.founder_id])]
    assert [item.key for item in _items(member)] == [str(community.pk)]

    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.moderator_set(
            community=community, owner=community.founder, user=member, on=False
        )
    assert heard == [sorted([member.pk, community.founder_id])]
    assert _items(member) == []


@pytest.mark.parametrize("how", ["leaves", "removed"])
def test_a_moderator_who_leaves_or_is_removed_is_told(
    heard, member, how, django_capture_on_commit_callbacks
):
    community = CommunityFactory()
    MembershipFactory(community=community, user=member, role=Membership.Role.MODERATOR)

    with django_capture_on_commit_callbacks(execute=True):
        if how == "leaves":
            services.community_leave(community=community, user=member)
        else:
            services.member_remove(
                community=community, moderator=community.founder, user=member
            )

    assert heard == [sorted([member.pk, community.founder_id])]
    assert _items(member) == []


def test_hiding_or_renaming_a_community_is_told_for_its_founder_and_moderators(
    heard, member, django_capture_on_commit_callbacks
):
    community = CommunityFactory()
    MembershipFactory(community=community, user=member, role=Membership.Role.MODERATOR)
    MembershipFactory(community=community)  # a plain member

    with django_capture_on_commit_callbacks(execute=True):
        services.community_update(
            community=community, editor=community.founder, name="Дроби вместе"
        )
    assert heard == [sorted([member.pk, community.founder_id])]
    assert _items(member)[0].title == "Дроби вместе"

    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.community_hide_by_reports(community=community)
    assert heard == [sorted([member.pk, community.founder_id])]
    assert _items(member) == []


def test_a_proposal_and_other_edits_are_told_to_nobody(
    heard, django_capture_on_commit_callbacks
):
    proposal = CommunityFactory(status=Community.Status.PROPOSED, opened_at=None)
    community = CommunityFactory()

    with django_capture_on_commit_callbacks(execute=True):
        services.community_hide_by_reports(community=proposal)
        services.community_update(
            community=community, editor=community.founder, purpose="Другая цель."
        )

    assert heard == []


# --- Suggestions ---------------------------------------------------------------------


def _tagged(*tags, **fields) -> Community:
    community = CommunityFactory(**fields)
    community.tags.add(*tags)
    return community


def test_communities_to_join_with_the_tags_are_suggested(member):
    math = Subject.objects.get(slug="mathematics")
    found = _tagged("Дроби", "ФГОС", subject=math)
    anywhere = _tagged("дроби")  # no subject
    by_request = _tagged("дроби", joining=Community.Joining.REQUEST)
    _tagged("геометрия")
    _tagged("дроби", subject=Subject.objects.get(slug="physics"))
    _tagged("дроби", **PRIVATE)
    _tagged("дроби", joining=Community.Joining.INVITATION)
    _tagged("дроби", status=Community.Status.PROPOSED)
    _tagged("дроби", status=Community.Status.ARCHIVED)
    services.community_hide_by_reports(community=_tagged("дроби"))
    _tagged("дроби", founder=member)
    MembershipFactory(community=_tagged("дроби"), user=member)
    CommunityBanFactory(community=_tagged("дроби"), user=member)

    suggested = _suggest(["дроби"], member, [math.pk])

    assert {item.object_key for item in suggested} == {
        f"circles.community:{community.pk}"
        for community in (found, anywhere, by_request)
    }
    item = next(item for item in suggested if item.title == found.name)
    assert item.kind == "community"
    assert item.tags == ("дроби", "фгос")
    assert item.url == found.get_absolute_url()
    assert "1" in item.detail  # its one member, the founder


def test_suggestions_leave_out_the_keys_named(member):
    kept, named = _tagged("дроби"), _tagged("дроби")

    suggested = attainments._suggestions["communities"].suggest(
        tags=["дроби"], subject_ids=[], user=member, limit=12,
        exclude_keys=frozenset({f"circles.community:{named.pk}"}),
    )  # fmt: skip

    assert [item.title for item in suggested] == [kept.name]


def test_visitors_are_suggested_only_public_communities(db):
    _tagged("дроби", visibility=Community.Visibility.MEMBERS)
    public = _tagged("дроби")

    assert [item.title for item in _suggest(["дроби"], AnonymousUser())] == [
        public.name
    ]


def test_suggestions_read_in_one_query_most_members_first(
    member, django_assert_max_num_queries
):
    for index in range(55):
        _tagged("дроби", f"тема {index}", member_count=index)

    with django_assert_max_num_queries(1):
        suggested = _suggest(["ДРОБИ"], member, limit=12)

    assert len(suggested) == 12
    assert suggested[0].title == Community.objects.order_by("-member_count")[0].name


def test_an_established_member_with_no_tags_gets_nothing(member):
    _tagged("дроби")
    assert attainments.suggestions_for([], [], EstablishedUserFactory()) == []
