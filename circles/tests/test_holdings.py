"""What a community holds: its forum section (made when it opens, kept in
step with its visibility, status, name and moderators), its collection of
materials, its meetings, and the feed and tabs on its page."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from circles import services
from circles.models import Community, CommunityMaterial
from circles.tests.factories import (
    CommunityFactory,
    CommunityMaterialFactory,
    EstablishedUserFactory,
    MembershipFactory,
    site_moderator,
    with_section,
)
from community.audience import Audience
from community.models import AuditEntry, Subject
from forums.models import Section, Topic
from forums.permissions import can_moderate_section
from forums.tests.factories import PostFactory, SectionFactory, TopicFactory
from masterclasses.models import MasterClass
from masterclasses.tests.factories import MasterClassFactory
from materials.models import Material
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db


def _open(visibility=Community.Visibility.PUBLIC, joining=Community.Joining.OPEN):
    """A community proposed with two colleagues who accept: it opens."""
    colleagues = UserFactory.create_batch(2)
    community = services.community_propose(
        founder=EstablishedUserFactory(),
        name="Физики Поволжья",
        purpose="Опыты и задачи.",
        visibility=visibility,
        joining=joining,
        cofounders=colleagues,
    )
    for colleague in colleagues:
        services.cofounder_answer(
            invitation=community.invitations.get(user=colleague),
            user=colleague,
            accept=True,
        )
    return Community.objects.get(pk=community.pk), colleagues


def _section(community) -> Section:
    return Section.objects.get(group_id=community.pk)


def _moderator_ids(community) -> set[int]:
    return set(_section(community).moderators.values_list("pk", flat=True))


def _meeting(community, **fields) -> MasterClass:
    return MasterClassFactory(
        group_id=community.pk,
        audience=fields.pop("audience", Audience.EVERYONE),
        **fields,
    )


# --- The section ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("visibility", "audience"),
    [
        (Community.Visibility.PUBLIC, Audience.EVERYONE),
        (Community.Visibility.MEMBERS, Audience.MEMBERS),
        (Community.Visibility.PRIVATE, Audience.GROUP),
    ],
)
def test_opening_makes_the_section_for_whom_the_community_is(visibility, audience):
    joining = (
        Community.Joining.INVITATION
        if visibility == Community.Visibility.PRIVATE
        else Community.Joining.OPEN
    )
    community, colleagues = _open(visibility, joining)

    section = community.section
    assert section is not None
    assert section.group_id == community.pk
    assert section.audience == audience
    assert section.title == community.name
    assert not section.is_read_only
    assert _moderator_ids(community) == {community.founder_id} | {
        colleague.pk for colleague in colleagues
    }


def test_a_proposal_has_no_section_yet():
    community = services.community_propose(
        founder=EstablishedUserFactory(),
        name="Пока проект",
        purpose="Ждём коллег.",
        visibility=Community.Visibility.PUBLIC,
        joining=Community.Joining.OPEN,
        cofounders=UserFactory.create_batch(2),
    )
    assert community.section_id is None
    assert not Section.objects.filter(group_id=community.pk).exists()


def test_the_section_and_meetings_follow_the_visibility():
    community, _colleagues = _open()
    meeting = _meeting(community)
    members_only = _meeting(community, group_only=True, audience=Audience.GROUP)

    services.community_update(
        community=community,
        editor=community.founder,
        visibility=Community.Visibility.MEMBERS,
    )
    assert _section(community).audience == Audience.MEMBERS
    meeting.refresh_from_db()
    assert meeting.audience == Audience.MEMBERS

    services.community_update(
        community=community,
        editor=community.founder,
        visibility=Community.Visibility.PRIVATE,
    )
    assert _section(community).audience == Audience.GROUP
    meeting.refresh_from_db()
    members_only.refresh_from_db()
    assert meeting.audience == Audience.GROUP
    assert members_only.audience == Audience.GROUP

    services.community_update(
        community=community,
        editor=community.founder,
        visibility=Community.Visibility.PUBLIC,
        joining=Community.Joining.OPEN,
    )
    meeting.refresh_from_db()
    members_only.refresh_from_db()
    assert _section(community).audience == Audience.EVERYONE
    assert meeting.audience == Audience.EVERYONE
    assert members_only.audience == Audience.GROUP


def test_hiding_keeps_the_section_to_its_members_and_showing_gives_it_back():
    community, _colleagues = _open()
    moderator = site_moderator()

    services.community_hide(community=community, moderator=moderator, reason="спам")
    assert _section(community).audience == Audience.GROUP

    services.community_hide(
        community=community, moderator=moderator, reason="", hidden=False
    )
    assert _section(community).audience == Audience.EVERYONE


def test_archiving_makes_the_section_read_only_and_opening_again_writable():
    community, _colleagues = _open()
    moderator = site_moderator()

    services.community_archive(community=community, moderator=moderator)
    section = _section(community)
    assert section.is_read_only
    assert section.audience == Audience.EVERYONE  # still read by all

    services.community_archive(community=community, moderator=moderator, archived=False)
    assert not _section(community).is_read_only


def test_renaming_the_community_renames_its_section():
    community, _colleagues = _open()

    services.community_update(
        community=community, editor=community.founder, name="Физики и астрономы"
    )

    assert _section(community).title == "Физики и астрономы"


def test_the_sections_moderators_follow_the_roles():
    community, (first, second) = _open()
    member = UserFactory()
    services.community_join(community=community, user=member)
    founder = community.founder
    assert member.pk not in _moderator_ids(community)

    services.moderator_set(community=community, owner=founder, user=member, on=True)
    assert member.pk in _moderator_ids(community)
    section = _section(community)
    assert can_moderate_section(member, section)
    assert not can_moderate_section(member, SectionFactory())

    services.moderator_set(community=community, owner=founder, user=member, on=False)
    assert member.pk not in _moderator_ids(community)

    services.community_leave(community=community, user=first)
    assert first.pk not in _moderator_ids(community)

    services.member_remove(
        community=community, moderator=founder, user=second, ban=True
    )
    assert second.pk not in _moderator_ids(community)
    assert _moderator_ids(community) == {founder.pk}


def test_the_new_owner_moderates_the_section():
    community, _colleagues = _open()
    member = UserFactory()
    services.community_join(community=community, user=member)
    offer = services.ownership_offer(
        community=community, owner=community.founder, to_user=member
    )

    services.ownership_answer(offer=offer, user=member, accept=True)

    assert _moderator_ids(community) >= {member.pk, community.founder_id}


# --- The collection -------------------------------------------------------------


@pytest.fixture
def community():
    return with_section(CommunityFactory())


@pytest.fixture
def member(community):
    return MembershipFactory(community=community).user


def _audited(community, action: str) -> int:
    return AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(Community),
        target_id=community.pk,
        action=f"community_{action}",
    ).count()


def test_a_member_adds_a_material_once_however_often_they_click(community, member):
    material = MaterialFactory()

    first = services.collection_add(community=community, user=member, material=material)
    again = services.collection_add(community=community, user=member, material=material)

    assert first.pk == again.pk
    assert first.added_by == member
    assert CommunityMaterial.objects.filter(community=community).count() == 1
    assert _audited(community, "material_add") == 1


def test_only_members_add_materials(community):
    with pytest.raises(PermissionDenied):
        services.collection_add(
            community=community, user=UserFactory(), material=MaterialFactory()
        )
    assert not CommunityMaterial.objects.exists()


def test_an_archived_community_takes_no_materials(community, member):
    services.community_archive(community=community, moderator=site_moderator())
    with pytest.raises(PermissionDenied):
        services.collection_add(
            community=community, user=member, material=MaterialFactory()
        )


@pytest.mark.parametrize(
    "fields", [{"status": Material.Status.DRAFT}, {"is_hidden": True}]
)
def test_only_a_published_shown_material_is_added(community, member, fields):
    material = MaterialFactory(author=member, **fields)
    with pytest.raises(ValidationError) as refused:
        services.collection_add(community=community, user=member, material=material)
    assert refused.value.code == "material"
    assert not CommunityMaterial.objects.exists()


def test_who_may_take_a_material_out(community, member):
    other = MembershipFactory(community=community).user
    item = services.collection_add(
        community=community, user=member, material=MaterialFactory()
    )

    with pytest.raises(PermissionDenied):
        services.collection_remove(community=community, user=other, item=item)
    services.collection_remove(community=community, user=member, item=item)
    services.collection_remove(community=community, user=member, item=item)

    assert not CommunityMaterial.objects.exists()
    assert _audited(community, "material_remove") == 1

    item = services.collection_add(
        community=community, user=member, material=MaterialFactory()
    )
    services.collection_remove(community=community, user=community.founder, item=item)
    assert not CommunityMaterial.objects.exists()


def test_an_item_of_another_community_is_not_taken_out_here(community, member):
    elsewhere = CommunityMaterialFactory()
    with pytest.raises(PermissionDenied):
        services.collection_remove(
            community=community, user=community.founder, item=elsewhere
        )
    assert CommunityMaterial.objects.filter(pk=elsewhere.pk).exists()


# --- Meetings -------------------------------------------------------------------


def _meeting_fields(**extra):
    starts = timezone.now() + datetime.timedelta(days=5)
    return {
        "title": "Встреча в гимназии",
        "description": "Разбираем **открытые** уроки.",
        "subject": Subject.objects.get(slug="mathematics"),
        "format": MasterClass.Format.OFFLINE,
        "venue": "Гимназия № 2",
        "address": "Казань, ул. Пушкина, 12",
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=2),
        "time_zone": "Europe/Moscow",
        "capacity": 20,
        **extra,
    }


@pytest.mark.parametrize(
    ("visibility", "group_only", "audience"),
    [
        (Community.Visibility.PUBLIC, False, Audience.EVERYONE),
        (Community.Visibility.MEMBERS, False, Audience.MEMBERS),
        (Community.Visibility.PUBLIC, True, Audience.GROUP),
    ],
)
def test_a_member_proposes_a_meeting_of_the_community(visibility, group_only, audience):
    community = with_section(CommunityFactory(visibility=visibility))
    member = MembershipFactory(community=community).user

    meeting = services.meeting_create(
        community=community, host=member, group_only=group_only, **_meeting_fields()
    )

    assert meeting.group_id == community.pk
    assert meeting.group_only is group_only
    assert meeting.audience == audience
    assert meeting.host == member
    assert meeting.is_offline
    assert _audited(community, "meeting") == 1


def test_only_members_propose_meetings(community):
    with pytest.raises(PermissionDenied):
        services.meeting_create(
            community=community, host=UserFactory(), **_meeting_fields()
        )
    assert not MasterClass.objects.exists()


# --- The page -------------------------------------------------------------------


def _topic(community, **fields) -> Topic:
    return TopicFactory(section=community.section, **fields)


def test_the_feed_shows_topics_materials_and_meetings_newest_first(client, community):
    now = timezone.now()
    question = _topic(
        community,
        title="Как объяснить дроби?",
        kind=Topic.Kind.QUESTION,
        last_post_at=now - datetime.timedelta(hours=3),
    )
    answer = PostFactory(topic=question)
    Topic.objects.filter(pk=question.pk).update(accepted_post=answer)
    item = CommunityMaterialFactory(
        community=community, material=MaterialFactory(title="Рабочий лист по дробям")
    )
    CommunityMaterial.objects.filter(pk=item.pk).update(
        added_at=now - datetime.timedelta(hours=2)
    )
    meeting = _meeting(community, title="Встреча учителей в Казани")
    MasterClass.objects.filter(pk=meeting.pk).update(
        created_at=now - datetime.timedelta(hours=1)
    )

    response = client.get(community.get_absolute_url())

    assert response.status_code == 200
    kinds = [entry.kind for entry in response.context["feed"]]
    assert kinds == ["meeting", "material", "topic"]
    page = response.content.decode()
    for title in ("Как объяснить дроби?", "Рабочий лист по дробям", "Встреча учителей"):
        assert title in page
    assert "есть решение" in page  # the question's accepted answer


def test_the_feed_pages_on_to_older_entries(client, community, settings):
    settings.CIRCLES_HOLDINGS_PER_PAGE = 5
    now = timezone.now()
    for number in range(8):
        _topic(
            community,
            title=f"Тема {number}",
            last_post_at=now - datetime.timedelta(minutes=number),
        )

    first = client.get(community.get_absolute_url())
    assert [entry.item.title for entry in first.context["feed"]] == [
        f"Тема {number}" for number in range(5)
    ]
    older = client.get(
        community.get_absolute_url(), {"before": first.context["feed_next"]}
    )
    assert [entry.item.title for entry in older.context["feed"]] == [
        f"Тема {number}" for number in range(5, 8)
    ]
    assert older.context["feed_next"] is None


def test_the_topics_tab_lists_the_sections_topics_with_a_link_to_write(
    client, community, member
):
    _topic(community, title="Наша тема")
    TopicFactory(title="Чужая тема")  # in another section
    _topic(community, title="Скрытая тема", is_hidden=True)
    client.force_login(member)

    response = client.get(community.get_absolute_url(), {"tab": "topics"})

    titles = [topic.title for topic in response.context["page_obj"]]
    assert titles == ["Наша тема"]
    assert (
        reverse("forums:topic_create", args=[community.section.slug])
        in response.content.decode()
    )


def test_a_visitor_gets_no_link_to_write(client, community):
    response = client.get(community.get_absolute_url(), {"tab": "topics"})
    assert (
        reverse("forums:topic_create", args=[community.section.slug])
        not in response.content.decode()
    )


def test_the_materials_tab_lists_only_materials_everyone_may_open(client, community):
    CommunityMaterialFactory(
        community=community, material=MaterialFactory(title="Открытый материал")
    )
    hidden = CommunityMaterialFactory(
        community=community, material=MaterialFactory(title="Скрытый материал")
    )
    Material.objects.filter(pk=hidden.material_id).update(is_hidden=True)

    response = client.get(community.get_absolute_url(), {"tab": "materials"})

    page = response.content.decode()
    assert "Открытый материал" in page
    assert "Скрытый материал" not in page


def test_a_members_only_meeting_is_shown_to_members_only(client, community, member):
    _meeting(community, title="Открытая встреча")
    _meeting(
        community, title="Встреча для своих", group_only=True, audience=Audience.GROUP
    )

    def titles(tab=None) -> str:
        params = {"tab": tab} if tab else {}
        return client.get(community.get_absolute_url(), params).content.decode()

    assert "Открытая встреча" in titles("meetings")
    assert "Встреча для своих" not in titles("meetings")
    assert "Встреча для своих" not in titles()
    client.force_login(member)
    assert "Встреча для своих" in titles("meetings")
    assert "Встреча для своих" in titles()


@pytest.mark.parametrize("tab", ["feed", "topics", "materials", "meetings"])
def test_a_private_community_is_a_404_for_outsiders(client, tab):
    community = with_section(
        CommunityFactory(
            visibility=Community.Visibility.PRIVATE,
            joining=Community.Joining.INVITATION,
        )
    )
    _topic(community, title="Тайная тема")
    client.force_login(UserFactory())

    response = client.get(community.get_absolute_url(), {"tab": tab})

    assert response.status_code == 404
    assert "Тайная тема" not in response.content.decode()


def test_a_members_only_community_is_a_404_for_visitors(client):
    community = with_section(CommunityFactory(visibility=Community.Visibility.MEMBERS))
    assert client.get(community.get_absolute_url()).status_code == 404
    client.force_login(UserFactory())
    assert client.get(community.get_absolute_url()).status_code == 200


def test_adding_and_taking_out_a_material_through_the_page(client, community, member):
    material = MaterialFactory()
    client.force_login(member)

    response = client.post(
        reverse("circles:collection_add", args=[community.slug]),
        {"material": f"https://kollegi.example/materials/{material.pk}/"},
    )
    assert response.status_code == 302
    item = CommunityMaterial.objects.get(community=community)
    assert item.material == material

    response = client.post(
        reverse("circles:collection_remove", args=[community.slug, item.pk])
    )
    assert response.status_code == 302
    assert not CommunityMaterial.objects.exists()


def test_an_unknown_material_is_refused_on_the_page(client, community, member):
    draft = MaterialFactory(status=Material.Status.DRAFT)
    client.force_login(member)

    response = client.post(
        reverse("circles:collection_add", args=[community.slug]),
        {"material": str(draft.pk)},
    )

    assert response.status_code == 400
    assert response.context["collection_form"].errors
    assert not CommunityMaterial.objects.exists()


def test_an_outsider_cannot_add_through_the_page(client, community):
    client.force_login(UserFactory())
    response = client.post(
        reverse("circles:collection_add", args=[community.slug]),
        {"material": str(MaterialFactory().pk)},
    )
    assert response.status_code == 403
    assert not CommunityMaterial.objects.exists()


def test_a_member_proposes_a_meeting_through_the_page(client, community, member):
    client.force_login(member)
    url = reverse("circles:meeting_create", args=[community.slug])
    assert client.get(url).status_code == 200
    starts = timezone.localtime() + datetime.timedelta(days=3)

    response = client.post(
        url,
        {
            "title": "Открытый урок: встреча",
            "description": "Приходите с планами уроков.",
            "subject": Subject.objects.get(slug="mathematics").pk,
            "format": MasterClass.Format.OFFLINE,
            "starts_at": starts.strftime("%Y-%m-%dT10:00"),
            "ends_at": starts.strftime("%Y-%m-%dT12:00"),
            "time_zone": "Asia/Yekaterinburg",
            "venue": "Школа № 5",
            "address": "Пермь, ул. Ленина, 1",
            "capacity": "15",
            "group_only": "on",
        },
    )

    meeting = MasterClass.objects.get(group_id=community.pk)
    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200  # its host sees it
    assert meeting.group_only
    assert meeting.audience == Audience.GROUP
    # Typed in the zone chosen beside the times, not the viewer's.
    local = timezone.localtime(meeting.starts_at, ZoneInfo("Asia/Yekaterinburg"))
    assert (local.hour, local.minute) == (10, 0)


def test_an_outsider_may_not_propose_a_meeting(client, community):
    client.force_login(UserFactory())
    url = reverse("circles:meeting_create", args=[community.slug])
    assert client.get(url).status_code == 403


# --- Within the page budget, nothing written on GET ----------------------------

MANY = 55
BUDGET = 10


@pytest.fixture
def full(community, member):
    """A community with 55 topics, 55 materials in its collection and 55
    meetings (a few for members only)."""
    now = timezone.now()
    authors = UserFactory.create_batch(3)
    Topic.objects.bulk_create(
        Topic(
            section=community.section,
            author=authors[number % 3],
            title=f"Тема {number}",
            kind=Topic.Kind.QUESTION if number % 2 else Topic.Kind.DISCUSSION,
            last_post_at=now - datetime.timedelta(minutes=number),
            last_poster=authors[0],
        )
        for number in range(MANY)
    )
    subject = Subject.objects.get(slug="mathematics")
    materials = Material.objects.bulk_create(
        Material(
            author=authors[number % 3],
            title=f"Материал {number}",
            subject=subject,
            kind=Material.Kind.WORKSHEET,
            licence="cc-by",
            status=Material.Status.PUBLISHED,
            published_at=now,
        )
        for number in range(MANY)
    )
    CommunityMaterial.objects.bulk_create(
        CommunityMaterial(
            community=community, material=material, added_by=authors[number % 3]
        )
        for number, material in enumerate(materials)
    )
    MasterClass.objects.bulk_create(
        MasterClass(
            host=authors[number % 3],
            title=f"Встреча {number}",
            description="Встречаемся.",
            subject=subject,
            format=MasterClass.Format.OFFLINE,
            address="Казань",
            starts_at=now + datetime.timedelta(days=1, hours=number),
            ends_at=now + datetime.timedelta(days=1, hours=number + 1),
            time_zone="Europe/Moscow",
            status=MasterClass.Status.PUBLISHED,
            group_id=community.pk,
            group_only=number % 5 == 0,
            audience=Audience.GROUP if number % 5 == 0 else Audience.EVERYONE,
        )
        for number in range(MANY)
    )
    return community


@pytest.mark.parametrize("tab", ["feed", "topics", "materials", "meetings"])
@pytest.mark.parametrize("who", ["visitor", "outsider", "member", "owner"])
def test_each_tab_within_budget_and_writing_nothing(
    client, full, member, who, tab, settings, django_assert_max_num_queries
):
    settings.CIRCLES_HOLDINGS_PER_PAGE = MANY
    viewer = {"visitor": None, "outsider": UserFactory(), "member": member}.get(
        who, full.founder
    )
    if viewer is not None:
        client.force_login(viewer)
    with (
        django_assert_max_num_queries(BUDGET),
        CaptureQueriesContext(connection) as queries,
    ):
        response = client.get(full.get_absolute_url(), {"tab": tab})
    assert response.status_code == 200
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    shown = response.context["feed"] if tab == "feed" else response.context["page_obj"]
    assert len(shown) >= MANY * 4 // 5
