"""The parts of communities' pages kept rendered (``circles.fragments``): the
feed, the parts about a community, the list's cards. Every kind of write
that changes what one shows renews it, each kind of reader has their own,
and nothing of a member's own is inside."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.services import profile_update
from circles import fragments, services
from circles.models import Community, CommunityMaterial
from circles.tests.factories import (
    CommunityFactory,
    EstablishedUserFactory,
    MembershipFactory,
    with_section,
)
from community.audience import Audience
from community.models import Subject
from forums.services import post_create, topic_create, topic_hide_by_reports
from forums.tests.factories import TopicFactory
from masterclasses.models import MasterClass, TrustedHost
from masterclasses.services import masterclass_submit
from masterclasses.tests.factories import MasterClassFactory
from materials.models import Material
from materials.services import material_update
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_premoderation(settings):
    settings.MODERATION_PREMODERATED_POSTS = 0


@pytest.fixture
def community():
    return with_section(CommunityFactory())


@pytest.fixture
def member(community):
    return MembershipFactory(community=community, user=EstablishedUserFactory()).user


def _page(client, community) -> str:
    response = client.get(community.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def _kept(client, community, member) -> str:
    """The page as the member sees it, its feed kept for the next reader."""
    client.force_login(member)
    return _page(client, community)


def test_the_feed_is_kept_for_the_next_reader(client, community, member):
    TopicFactory(section=community.section, title="Первая тема")
    _kept(client, community, member)
    # Written past the services: no change function, so the kept feed stays.
    TopicFactory(section=community.section, title="Тема без объявления")

    with CaptureQueriesContext(connection) as kept:
        page = _page(client, community)

    assert "Первая тема" in page
    assert "Тема без объявления" not in page
    assert not any("forums_topic" in query["sql"] for query in kept.captured_queries)


def test_a_topic_started_in_its_section_renews_it(client, community, member):
    _kept(client, community, member)

    topic_create(
        section=community.section, author=member, title="Тема о дробях", body="Текст."
    )

    assert "Тема о дробях" in _page(client, community)


def test_a_reply_renews_the_topics_count(client, community, member):
    topic = topic_create(
        section=community.section, author=member, title="Тема", body="Текст."
    )
    assert "ответов: 0" in _kept(client, community, member)

    post_create(topic=topic, author=member, body="Ответ.")

    assert "ответов: 1" in _page(client, community)


def test_a_hidden_topic_leaves_it(client, community, member):
    topic = topic_create(
        section=community.section, author=member, title="Спорная тема", body="Текст."
    )
    assert "Спорная тема" in _kept(client, community, member)

    topic_hide_by_reports(topic=topic)

    assert "Спорная тема" not in _page(client, community)


def test_a_material_added_or_taken_out_renews_it(client, community, member):
    material = MaterialFactory(title="Рабочий лист", status=Material.Status.PUBLISHED)
    _kept(client, community, member)

    item = services.collection_add(community=community, user=member, material=material)
    assert "Рабочий лист" in _page(client, community)

    services.collection_remove(community=community, user=member, item=item)
    assert "Рабочий лист" not in _page(client, community)


def test_a_material_renamed_renews_it(client, community, member):
    material = MaterialFactory(
        title="Старое название", status=Material.Status.PUBLISHED, author=member
    )
    CommunityMaterial.objects.create(
        community=community, material=material, added_by=member
    )
    assert "Старое название" in _kept(client, community, member)

    material_update(material=material, editor=member, title="Новое название")

    assert "Новое название" in _page(client, community)


def test_a_meeting_announced_renews_it(client, community, member):
    _kept(client, community, member)
    starts = timezone.now() + datetime.timedelta(days=5)
    # A trusted host's meeting goes out as it is submitted.
    TrustedHost.objects.create(user=member)

    meeting = services.meeting_create(
        community=community,
        host=member,
        title="Встреча в гимназии",
        description="Открытые уроки.",
        subject=Subject.objects.get(slug="mathematics"),
        format=MasterClass.Format.OFFLINE,
        venue="Гимназия № 2",
        address="Казань, ул. Пушкина, 12",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        time_zone="Europe/Moscow",
        capacity=20,
    )
    masterclass_submit(masterclass=meeting, actor=member)

    assert "Встреча в гимназии" in _page(client, community)


def test_an_author_renamed_renews_it(client, community, member):
    # Not the viewer nor a member: their names show elsewhere on the page.
    author = EstablishedUserFactory()
    TopicFactory(section=community.section, author=author, title="Тема")
    _kept(client, community, member)

    profile_update(profile=author.profile, display_name="Анна Сергеевна Новикова")

    assert "Анна Сергеевна Новикова" in _page(client, community)


def test_each_kind_of_reader_has_their_own(client, community, member):
    MasterClassFactory(
        group_id=community.pk,
        audience=Audience.GROUP,
        group_only=True,
        title="Только для своих",
    )
    outsider = EstablishedUserFactory()
    client.force_login(outsider)
    assert "Только для своих" not in _page(client, community)
    assert "Только для своих" in _kept(client, community, member)

    services.community_join(community=community, user=outsider)
    client.force_login(outsider)

    assert "Только для своих" in _page(client, community)


def test_nothing_of_a_members_own_is_kept(client, community, member):
    _kept(client, community, member)

    lookup = fragments.feed_found(community=community, reader="group", size=20)

    assert lookup.html is not None
    assert "csrfmiddlewaretoken" not in lookup.html
    assert "<form" not in lookup.html
    assert member.username not in lookup.html


# --- The parts about it: tags, members, details --------------------------------


def test_the_parts_about_it_are_kept_for_the_next_reader(client, community, member):
    _kept(client, community, member)
    # Written past the services: no change function, so the kept parts stay.
    newcomer = EstablishedUserFactory()
    newcomer.profile.display_name = "Пётр Незаметный"
    newcomer.profile.save()
    MembershipFactory(community=community, user=newcomer)

    assert "Пётр Незаметный" not in _page(client, community)


def test_a_member_joining_renews_them(client, community, member):
    _kept(client, community, member)
    newcomer = EstablishedUserFactory()
    newcomer.profile.display_name = "Ольга Новенькая"
    newcomer.profile.save()

    services.community_join(community=community, user=newcomer)

    assert "Ольга Новенькая" in _page(client, community)


def test_an_edit_renews_them(client, community, member):
    _kept(client, community, member)

    services.community_update(
        community=community, editor=community.founder, tags=["робототехника"]
    )

    assert "#робототехника" in _page(client, community)


def test_a_member_renamed_renews_them(client, community, member):
    _kept(client, community, member)

    profile_update(profile=member.profile, display_name="Ирина Переименованная")
    client.force_login(EstablishedUserFactory())

    assert "Ирина Переименованная" in _page(client, community)


def test_a_member_whose_picture_is_hidden_has_her_own(community, member):
    other = EstablishedUserFactory()
    member.profile.is_hidden = True

    mine = fragments.about_found(community=community, user=member)
    theirs = fragments.about_found(community=community, user=other)

    assert mine.key != theirs.key


# --- The list's cards ----------------------------------------------------------


def _list(client) -> str:
    response = client.get(reverse("circles:list"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_card_follows_its_community_as_it_changes(client, community, member):
    client.force_login(member)
    before = community.name
    assert before in _list(client)

    services.community_update(
        community=community, editor=community.founder, name="Физики Поволжья"
    )
    page = _list(client)

    assert "Физики Поволжья" in page
    assert before not in page


def test_a_card_follows_its_member_count(client, community, member):
    client.force_login(member)
    before = Community.objects.get(pk=community.pk).member_count
    _list(client)

    services.community_join(community=community, user=EstablishedUserFactory())

    assert f"Участников: {before + 1}" in _list(client)
