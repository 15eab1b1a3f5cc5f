"""Finding communities: the digest's new ones in one's subjects, the profile's list."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.profile_blocks import profile_blocks_for
from accounts.tests.factories import UserFactory
from circles import recognition
from circles.models import Community
from circles.tests.factories import CommunityFactory, MembershipFactory
from community import digests
from community.models import Subject

pytestmark = pytest.mark.django_db

Visibility, Joining, Status = (
    Community.Visibility,
    Community.Joining,
    Community.Status,
)
ROWS = 55


def _private(**fields) -> Community:
    return CommunityFactory(
        visibility=Visibility.PRIVATE, joining=Joining.INVITATION, **fields
    )


def _since():
    return timezone.now() - datetime.timedelta(days=1)


def _teacher(*subjects):
    user = UserFactory()
    user.profile.subjects.set(subjects)
    return user


def _titles(found: dict, user) -> list[str]:
    return [item.title for item in found.get(user.pk, [])]


# --- the digest: new communities in your subjects ------------------------------


def test_digest_lists_new_public_and_members_only_communities_in_subjects():
    mathematics = Subject.objects.get(slug="mathematics")
    physics = Subject.objects.get(slug="physics")
    teacher = _teacher(mathematics)
    CommunityFactory(name="Открытая математика", subject=mathematics)
    CommunityFactory(
        name="Математика для коллег",
        subject=mathematics,
        visibility=Visibility.MEMBERS,
        joining=Joining.REQUEST,
    )
    CommunityFactory(name="Физики", subject=physics)  # not her subject
    CommunityFactory(name="Без предмета")
    CommunityFactory(  # opened before the last digest
        name="Старая математика",
        subject=mathematics,
        opened_at=timezone.now() - datetime.timedelta(days=3),
    )

    found = recognition.new_in_subjects([teacher], _since())

    assert set(_titles(found, teacher)) == {
        "Открытая математика",
        "Математика для коллег",
    }
    item = found[teacher.pk][0]
    assert item.url.startswith("/communities/")


def test_digest_never_lists_private_hidden_or_unopened_communities():
    mathematics = Subject.objects.get(slug="mathematics")
    teacher = _teacher(mathematics)
    _private(name="Тайный кружок", subject=mathematics)
    CommunityFactory(name="Скрытое", subject=mathematics, is_hidden=True)
    CommunityFactory(name="Предложено", subject=mathematics, status=Status.PROPOSED)
    CommunityFactory(name="В архиве", subject=mathematics, status=Status.ARCHIVED)

    assert recognition.new_in_subjects([teacher], _since()) == {}


def test_digest_leaves_out_communities_the_reader_is_in():
    mathematics = Subject.objects.get(slug="mathematics")
    founder, member, other = (_teacher(mathematics) for _ in range(3))
    community = CommunityFactory(name="Наша", subject=mathematics, founder=founder)
    MembershipFactory(community=community, user=member)

    found = recognition.new_in_subjects([founder, member, other], _since())

    assert founder.pk not in found
    assert member.pk not in found
    assert _titles(found, other) == ["Наша"]


def test_digest_section_reaches_the_letter_and_costs_the_same_for_many(
    django_assert_max_num_queries,
):
    mathematics = Subject.objects.get(slug="mathematics")
    readers = [_teacher(mathematics) for _ in range(20)]
    for number in range(ROWS):
        CommunityFactory(name=f"Кружок {number}", subject=mathematics)

    with django_assert_max_num_queries(3):
        found = recognition.new_in_subjects(readers, _since())
    contents = digests.digest_contents(users=readers[:1], since=_since())

    assert all(len(found[reader.pk]) == recognition.DIGEST_ITEMS for reader in readers)
    sections = {
        section.key: items for section, items in contents[readers[0].pk].sections
    }
    assert len(sections["new_communities"]) == recognition.DIGEST_ITEMS


def test_digest_asks_once_when_nobody_teaches_a_subject(django_assert_num_queries):
    readers = [UserFactory() for _ in range(5)]
    CommunityFactory(subject=Subject.objects.get(slug="mathematics"))

    with django_assert_num_queries(1):
        assert recognition.new_in_subjects(readers, _since()) == {}


# --- the profile's list of communities -----------------------------------------


def _profile_names(member, viewer) -> set[str]:
    return {
        community.name
        for shown in profile_blocks_for(user=member, viewer=viewer)
        if shown.block.key == "communities"
        for community in shown.data
    }


def test_profile_lists_what_the_viewer_may_see():
    member, colleague, insider = UserFactory(), UserFactory(), UserFactory()
    for name, fields in [
        ("Открытое", {}),
        ("Дремлет", {"status": Status.DORMANT}),
        ("В архиве", {"status": Status.ARCHIVED}),
        ("Для коллег", {"visibility": Visibility.MEMBERS}),
        ("Скрытое", {"is_hidden": True}),
        ("Предложено", {"status": Status.PROPOSED}),
    ]:
        MembershipFactory(community=CommunityFactory(name=name, **fields), user=member)
    secret = _private(name="Закрытое")
    MembershipFactory(community=secret, user=member)
    MembershipFactory(community=secret, user=insider)
    CommunityFactory(name="Чужое")  # she is not in it

    public = {"Открытое", "Дремлет", "В архиве"}
    assert _profile_names(member, AnonymousUser()) == public
    assert _profile_names(member, colleague) == public | {"Для коллег"}
    assert _profile_names(member, insider) == public | {"Для коллег", "Закрытое"}


def test_profile_page_keeps_private_and_members_only_communities_from_outsiders():
    member = UserFactory()
    MembershipFactory(community=CommunityFactory(name="Открытое общество"), user=member)
    MembershipFactory(
        community=CommunityFactory(
            name="Клуб для коллег", visibility=Visibility.MEMBERS
        ),
        user=member,
    )
    MembershipFactory(community=_private(name="Тайный совет"), user=member)
    url = reverse("accounts:profile", args=[member.username])

    visitor = Client().get(url).content.decode()
    colleague_client = Client()
    colleague_client.force_login(UserFactory())
    colleague = colleague_client.get(url).content.decode()
    own_client = Client()
    own_client.force_login(member)
    own = own_client.get(url).content.decode()

    assert "Открытое общество" in visitor
    assert "Клуб для коллег" not in visitor
    assert "Тайный совет" not in visitor
    assert "Клуб для коллег" in colleague
    assert "Тайный совет" not in colleague
    assert "Тайный совет" in own


def test_profile_without_communities_shows_no_block():
    member = UserFactory()

    CommunityFactory(name="Чужое")

    assert _profile_names(member, member) == set()
    assert "communities" not in {
        shown.block.key
        for shown in profile_blocks_for(user=member, viewer=AnonymousUser())
    }


def test_profile_page_budget_holds_with_many_communities(
    client, django_assert_max_num_queries
):
    member = UserFactory()
    for _ in range(ROWS):
        MembershipFactory(community=CommunityFactory(), user=member)
    client.force_login(UserFactory())

    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:profile", args=[member.username]))

    (shown,) = [
        shown
        for shown in response.context["profile_blocks"]
        if shown.block.key == "communities"
    ]
    assert len(shown.data) == recognition.PROFILE_LIMIT
