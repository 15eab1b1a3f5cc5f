"""A community's meetings reach only those they are for, in every channel.

A meeting of a private community (audience "group") is for its members; one
of a members-only community (audience "members") for members of Kollegi.
Neither shows to anyone else: not on its page, in the lists, the calendars,
feeds, the sitemap, the home page, digests, bookmarks, portfolios, tag
pages, the activity feed, search, notifications or reminders. A member who
leaves the community loses its meetings at once. Each channel is shown
with its positive control: those it is for see it.
"""

import datetime
import re
from dataclasses import dataclass

import icalendar
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from accounts import services as accounts
from accounts.portfolio import portfolio_for
from accounts.services.relations import bookmark_set
from accounts.tests.factories import UserFactory
from circles.models import Community
from circles.services import community_leave
from circles.tests.factories import (
    CommunityFactory,
    EstablishedUserFactory,
    MembershipFactory,
)
from community.audience import Audience
from community.digests import digest_contents
from community.models import ActivityEvent, Notification, SearchEntry, Subject
from community.search import search
from masterclasses import hooks, kinds, selectors, services
from masterclasses.models import Certificate, MasterClass, Registration, TrustedHost
from masterclasses.tests.factories import MasterClassFactory

pytestmark = pytest.mark.django_db

TAG = "стереометрия"
TITLES = {
    "group": "Встреча кружка стереометрии",
    "members": "Встреча коллег сайта по стереометрии",
    "everyone": "Открытая встреча по стереометрии",
}


def _in(**kwargs) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(**kwargs)


def _fields(title: str, **overrides) -> dict:
    return {
        "title": title,
        "description": "Разбираем **сечения** многогранников.",
        "subject": Subject.objects.get(slug="mathematics"),
        "format": MasterClass.Format.OFFLINE,
        "venue": "Школа № 5",
        "address": "Казань, ул. Пушкина, 1",
        "starts_at": _in(days=3),
        "ends_at": _in(days=3, hours=2),
        "time_zone": "Europe/Moscow",
        "capacity": 20,
        **overrides,
    }


@dataclass
class World:
    community: Community
    host: object
    insider: object
    outsider: object
    meetings: dict

    def user(self, who: str):
        return AnonymousUser() if who == "visitor" else getattr(self, who)

    def client(self, who: str) -> Client:
        client = Client()
        if who != "visitor":
            client.force_login(getattr(self, who))
        return client


def _host():
    host = EstablishedUserFactory()
    TrustedHost.objects.create(user=host)
    return host


@pytest.fixture
def world(db) -> World:
    """A private community with a member; one meeting of each audience,
    published through the services (indexed, in the feed), by a trusted
    host who is in no community."""
    community = CommunityFactory(
        visibility=Community.Visibility.PRIVATE,
        joining=Community.Joining.INVITATION,
    )
    insider = MembershipFactory(community=community).user
    outsider = UserFactory()
    host = _host()
    meetings = {}
    for audience, title in TITLES.items():
        meetings[audience] = services.masterclass_create(
            host=host,
            tags=[TAG],
            group_id=community.pk if audience != "everyone" else None,
            audience=audience,
            **_fields(title),
        )
    return World(community, host, insider, outsider, meetings)


# Who reads a channel a member sees (``community.audience.readable``): the
# meeting of a group, and one for members, with whether they see it.
READERS = [
    pytest.param("group", "outsider", False, id="group-non-member"),
    pytest.param("group", "visitor", False, id="group-visitor"),
    pytest.param("members", "visitor", False, id="members-visitor"),
    pytest.param("group", "insider", True, id="group-member"),
    pytest.param("members", "outsider", True, id="members-signed-in"),
]
# The same, for channels only signed-in members have (digests, bookmarks).
MEMBER_READERS = [case for case in READERS if case.values[1] != "visitor"]
# Channels anyone reads, or that outlive the request: everyone's only.
PUBLIC = [
    pytest.param("group", False, id="group"),
    pytest.param("members", False, id="members"),
    pytest.param("everyone", True, id="everyone"),
]


def _calendar(url: str) -> list[str]:
    """The titles of a calendar feed's events."""
    response = Client().get(url)
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    return [str(event["summary"]) for event in calendar.walk("VEVENT")]


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- Its page, registering ----------------------------------------------------


@pytest.mark.parametrize(("audience", "who", "seen"), READERS)
def test_its_page_and_calendar_file_are_a_404_for_those_it_is_not_for(
    world, audience, who, seen
):
    meeting = world.meetings[audience]
    client = world.client(who)

    page = client.get(meeting.get_absolute_url())
    ics = client.get(reverse("masterclasses:ics", args=[meeting.pk]))

    assert page.status_code == ics.status_code == (200 if seen else 404)
    if seen:
        assert meeting.title in page.content.decode()


def test_its_hosts_and_site_moderators_see_it_outside_the_community(world, moderator):
    meeting = world.meetings["group"]

    for user in (world.host, moderator):
        client = Client()
        client.force_login(user)
        assert client.get(meeting.get_absolute_url()).status_code == 200


def test_only_its_members_register_for_a_group_meeting(world):
    meeting = world.meetings["group"]

    with pytest.raises(ValidationError):
        services.register(masterclass=meeting, user=world.outsider)
    response = world.client("outsider").post(
        reverse("masterclasses:register", args=[meeting.pk])
    )
    registration = services.register(masterclass=meeting, user=world.insider)

    assert response.status_code == 404
    assert registration.status == Registration.Status.REGISTERED
    assert not Registration.objects.filter(user=world.outsider).exists()


def test_a_group_only_meeting_of_a_public_community_is_its_members_alone():
    community = CommunityFactory()  # public: its other meetings are everyone's
    insider = MembershipFactory(community=community).user
    meeting = services.masterclass_create(
        host=_host(),
        group_id=community.pk,
        group_only=True,
        audience=Audience.EVERYONE,
        **_fields("Только для своих"),
    )
    outsider = UserFactory()

    assert meeting.audience == Audience.GROUP
    with pytest.raises(ValidationError):
        services.register(masterclass=meeting, user=outsider)
    assert services.register(masterclass=meeting, user=insider).pk


# --- Lists and calendars ------------------------------------------------------


@pytest.mark.parametrize(("audience", "who", "seen"), READERS)
def test_the_list_and_the_month(world, audience, who, seen):
    meeting = world.meetings[audience]
    when = timezone.localtime(meeting.starts_at)
    client = world.client(who)

    listed = _page(client, reverse("masterclasses:list"))
    month = _page(client, reverse("masterclasses:month", args=[when.year, when.month]))

    assert (meeting.title in listed) is seen
    assert (meeting.title in month) is seen
    assert TITLES["everyone"] in listed
    assert TITLES["everyone"] in month


@pytest.mark.parametrize(("audience", "who", "seen"), MEMBER_READERS)
def test_the_personal_calendar_feed(world, audience, who, seen):
    meeting = world.meetings[audience]
    user = world.user(who)
    # Registered while it was open to them (before a change of audience).
    Registration.objects.create(masterclass=meeting, user=user, status="registered")
    token = selectors.calendar_feed_token(user=user)

    assert (
        meeting.title in _calendar(reverse("masterclasses:feed", args=[token]))
    ) is seen


@pytest.mark.parametrize(("audience", "seen"), PUBLIC)
def test_rss_and_atom(world, audience, seen):
    for name in ("masterclasses:feed_rss", "masterclasses:feed_atom"):
        body = _page(Client(), reverse(name))
        assert (world.meetings[audience].title in body) is seen


@pytest.mark.parametrize(("audience", "seen"), PUBLIC)
def test_the_sitemap(world, audience, seen):
    body = _page(Client(), reverse("sitemap_section", args=["masterclasses"]))

    urls = re.findall(r"<loc>[^<]*?(/masterclasses/\d+/)</loc>", body)
    assert (world.meetings[audience].get_absolute_url() in urls) is seen


@pytest.mark.parametrize(("audience", "seen"), PUBLIC)
def test_the_visitors_home_page(world, audience, seen):
    body = _page(Client(), reverse("home"))

    assert (world.meetings[audience].title in body) is seen


def test_a_members_home_block_lists_her_group_meeting(world):
    meeting = world.meetings["group"]
    services.register(masterclass=meeting, user=world.insider)

    found = hooks._home_next(type("Viewer", (), {"user": world.insider}))

    assert [r.masterclass_id for r in found["registrations"]] == [meeting.pk]


# --- Tags ---------------------------------------------------------------------


@pytest.mark.parametrize(("audience", "who", "seen"), READERS)
def test_the_tag_page(world, audience, who, seen):
    slug = Tag.objects.get(name=TAG).slug

    body = _page(world.client(who), reverse("tag", args=[slug]) + "?kind=masterclasses")

    assert (world.meetings[audience].title in body) is seen
    assert TITLES["everyone"] in body


@pytest.mark.parametrize(("audience", "seen"), PUBLIC)
def test_the_tag_feed(world, audience, seen):
    slug = Tag.objects.get(name=TAG).slug

    body = _page(Client(), reverse("tag_feed_rss", args=[slug]))

    assert (world.meetings[audience].title in body) is seen


# --- Search and the activity feed ---------------------------------------------


def _found(user) -> set[str]:
    results = search(text="стереометрии", user=user, kind="masterclasses")
    return {entry.title for entry in results.page(0, 20)}


@pytest.mark.parametrize(("audience", "who", "seen"), READERS)
def test_search(world, audience, who, seen):
    found = _found(world.user(who))

    assert (world.meetings[audience].title in found) is seen
    assert TITLES["everyone"] in found


def test_search_entries_carry_the_audience(world):
    entries = {
        entry.title: (entry.audience, entry.group_id)
        for entry in SearchEntry.objects.filter(kind="masterclasses")
    }

    assert entries == {
        TITLES["group"]: ("group", world.community.pk),
        TITLES["members"]: ("members", None),
        TITLES["everyone"]: ("everyone", None),
    }


@pytest.mark.parametrize(("audience", "seen"), PUBLIC)
def test_the_activity_feed(world, audience, seen):
    recorded = ActivityEvent.objects.filter(
        kind=kinds.MASTERCLASS_ACTIVITY, target_id=world.meetings[audience].pk
    ).exists()

    assert recorded is seen


# --- Digests, bookmarks, portfolios, members of the month ---------------------


@pytest.mark.parametrize(("audience", "who", "seen"), MEMBER_READERS)
def test_the_digest(world, audience, who, seen):
    user = world.user(who)
    user.profile.subjects.set([Subject.objects.get(slug="mathematics")])
    since = timezone.now() - datetime.timedelta(days=1)

    contents = digest_contents(users=[world.insider, world.outsider], since=since)

    sections = {section.key: items for section, items in contents[user.pk].sections}
    titles = [item.title for item in sections.get("upcoming_masterclasses", [])]
    assert (world.meetings[audience].title in titles) is seen
    assert TITLES["everyone"] in titles


def test_the_digest_asks_for_groups_in_one_query(world, django_assert_max_num_queries):
    readers = [MembershipFactory(community=world.community).user for _n in range(5)]
    readers += UserFactory.create_batch(5)
    for user in readers:
        user.profile.subjects.set([Subject.objects.get(slug="mathematics")])
    others = [CommunityFactory() for _n in range(3)]
    for other in others:
        services.masterclass_create(
            host=world.host,
            group_id=other.pk,
            audience=Audience.GROUP,
            **_fields(f"Встреча {other.name}"),
        )
    since = timezone.now() - datetime.timedelta(days=1)

    with django_assert_max_num_queries(3):
        found = hooks._upcoming_in_subjects(readers, since)

    for user in readers[:5]:
        assert TITLES["group"] in [item.title for item in found[user.pk]]
    for user in readers[5:]:
        assert TITLES["group"] not in [item.title for item in found[user.pk]]


@pytest.mark.parametrize(("audience", "who", "seen"), MEMBER_READERS)
def test_bookmarks(world, audience, who, seen):
    meeting = world.meetings[audience]
    user = world.user(who)

    if seen:
        bookmark_set(user=user, key="masterclass", object_id=meeting.pk, on=True)
        body = _page(world.client(who), reverse("accounts:bookmarks"))
        assert meeting.title in body
    else:
        with pytest.raises(ObjectDoesNotExist):
            bookmark_set(user=user, key="masterclass", object_id=meeting.pk, on=True)


def test_the_portfolio_lists_only_certificates_of_meetings_open_to_everyone(world):
    for audience, title in TITLES.items():
        meeting = MasterClassFactory(
            title=f"{title} (прошла)",
            starts_at=_in(hours=-3),
            ends_at=_in(hours=-2),
            audience=audience,
            group_id=world.community.pk if audience == "group" else None,
        )
        Registration.objects.create(
            masterclass=meeting, user=world.insider, status="registered", attended=True
        )
        services.masterclass_finish(masterclass=meeting)

    sections = {key.key: items for key, items in portfolio_for(world.insider)}
    body = _page(Client(), reverse("accounts:portfolio", args=[world.insider.username]))

    assert Certificate.objects.filter(user=world.insider).count() == 3
    assert [item.title for item in sections["certificates"]] == [
        f"{TITLES['everyone']} (прошла)"
    ]
    assert TITLES["group"] not in body
    assert TITLES["members"] not in body


def test_members_of_the_month_count_a_held_group_meeting_but_do_not_list_it(
    world,
):
    meeting = MasterClassFactory(
        title="Закрытая встреча кружка",
        host=world.host,
        starts_at=_in(hours=-3),
        ends_at=_in(hours=-2),
        audience=Audience.GROUP,
        group_id=world.community.pk,
        status=MasterClass.Status.FINISHED,
    )
    Registration.objects.create(
        masterclass=meeting, user=world.insider, status="registered", attended=True
    )

    points = hooks._contribution(_in(days=-1), _in(days=1))
    body = _page(Client(), reverse("members_of_the_month"))

    assert points == {world.host.pk: 10}
    assert meeting.title not in body


# --- Notifications and reminders ----------------------------------------------


def _kinds_of(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).values_list("kind", flat=True)
    )


@pytest.mark.parametrize(
    ("audience", "who", "told"),
    [
        pytest.param("group", "outsider", False, id="group-non-member"),
        pytest.param("group", "insider", True, id="group-member"),
        pytest.param("members", "outsider", True, id="members-signed-in"),
    ],
)
def test_followers_hear_of_a_new_meeting_only_if_it_is_for_them(
    world, audience, who, told
):
    host = _host()
    user = world.user(who)
    accounts.follow_create(follower=user, followee=host)

    services.masterclass_create(
        host=host,
        group_id=world.community.pk,
        audience=audience,
        **_fields("Новая встреча"),
    )

    assert (kinds.NEW_BY_HOST in _kinds_of(user)) is told


def _leaver(world):
    """A member who registered for the group's meeting, then left."""
    leaver = MembershipFactory(community=world.community).user
    services.register(masterclass=world.meetings["group"], user=leaver)
    community_leave(community=world.community, user=leaver)
    return leaver


def test_a_change_of_time_is_told_only_to_those_still_in_the_community(world):
    meeting = world.meetings["group"]
    services.register(masterclass=meeting, user=world.insider)
    leaver = _leaver(world)

    services.masterclass_update(
        masterclass=meeting, editor=world.host, starts_at=_in(days=4),
        ends_at=_in(days=4, hours=2),
    )  # fmt: skip

    assert kinds.CHANGED in _kinds_of(world.insider)
    assert kinds.CHANGED not in _kinds_of(leaver)


def test_reminders_only_to_those_still_in_the_community(world):
    meeting = world.meetings["group"]
    services.register(masterclass=meeting, user=world.insider)
    leaver = _leaver(world)
    open_one = world.meetings["members"]
    services.register(masterclass=open_one, user=world.outsider)

    day_before = meeting.starts_at - datetime.timedelta(hours=23)
    assert services.reminders_run(now=day_before) == (2, 0)

    assert kinds.REMINDER_DAY in _kinds_of(world.insider)
    assert kinds.REMINDER_DAY in _kinds_of(world.outsider)
    assert kinds.REMINDER_DAY not in _kinds_of(leaver)


def test_a_freed_seat_skips_the_waiting_who_left(world):
    meeting = world.meetings["group"]
    meeting.capacity = 1
    meeting.save(update_fields=["capacity"])
    seated = MembershipFactory(community=world.community).user
    services.register(masterclass=meeting, user=seated)
    leaver = MembershipFactory(community=world.community).user
    services.register(masterclass=meeting, user=leaver)
    services.register(masterclass=meeting, user=world.insider)
    community_leave(community=world.community, user=leaver)

    services.registration_cancel(masterclass=meeting, user=seated)

    statuses = dict(
        Registration.objects.filter(masterclass=meeting).values_list("user", "status")
    )
    assert statuses[world.insider.pk] == Registration.Status.REGISTERED
    assert statuses[leaver.pk] == Registration.Status.WAITLISTED
    assert kinds.PROMOTED not in _kinds_of(leaver)


# --- A member who leaves ------------------------------------------------------


def test_a_member_who_leaves_loses_its_meetings_at_once(world):
    meeting = world.meetings["group"]
    member = world.insider
    client = world.client("insider")
    services.register(masterclass=meeting, user=member)
    bookmark_set(user=member, key="masterclass", object_id=meeting.pk, on=True)
    token = selectors.calendar_feed_token(user=member)
    feed_url = reverse("masterclasses:feed", args=[token])
    assert client.get(meeting.get_absolute_url()).status_code == 200
    assert meeting.title in _page(client, reverse("masterclasses:list"))
    assert meeting.title in _page(client, reverse("masterclasses:mine"))
    assert meeting.title in _page(client, reverse("accounts:bookmarks"))
    assert meeting.title in _calendar(feed_url)
    assert meeting.title in _found(member)

    community_leave(community=world.community, user=member)

    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert meeting.title not in _page(client, reverse("masterclasses:list"))
    assert meeting.title not in _page(client, reverse("masterclasses:mine"))
    assert meeting.title not in _page(client, reverse("accounts:bookmarks"))
    assert meeting.title not in _calendar(feed_url)
    assert meeting.title not in _found(member)
    assert selectors.registrations_upcoming(user=member, limit=3) == []


# --- The community's audience moves -------------------------------------------


def test_group_audience_set_moves_the_meetings_but_not_those_for_members_only(
    world,
):
    community = world.community
    only_ours = services.masterclass_create(
        host=world.host,
        group_id=community.pk,
        group_only=True,
        **_fields("Только для участников кружка"),
    )
    other_group = services.masterclass_create(
        host=world.host,
        group_id=CommunityFactory().pk,
        audience=Audience.GROUP,
        **_fields("Встреча другого сообщества"),
    )

    changed = services.group_audience_set(
        group_id=community.pk, audience=Audience.EVERYONE
    )

    audiences = dict(MasterClass.objects.values_list("title", "audience"))
    assert changed == 2
    assert audiences[TITLES["group"]] == audiences[TITLES["members"]] == "everyone"
    assert audiences[only_ours.title] == audiences[other_group.title] == "group"
    assert {TITLES["group"], TITLES["members"]} <= _found(AnonymousUser())
    assert ActivityEvent.objects.filter(target_id=world.meetings["group"].pk)
    assert not ActivityEvent.objects.filter(target_id=only_ours.pk)
    assert TITLES["group"] in _page(Client(), reverse("masterclasses:list"))
    assert services.group_audience_set(group_id=community.pk, audience="everyone") == 0

    services.group_audience_set(group_id=community.pk, audience=Audience.GROUP)

    assert TITLES["group"] not in _found(AnonymousUser())
    assert TITLES["group"] not in _found(world.outsider)
    # Found by its members, also the one first indexed as not a group's.
    assert {TITLES["group"], TITLES["members"]} <= _found(world.insider)
    assert not ActivityEvent.objects.filter(target_id=world.meetings["group"].pk)
    assert TITLES["group"] not in _page(Client(), reverse("masterclasses:list"))
    with pytest.raises(ValidationError):
        services.group_audience_set(group_id=community.pk, audience="friends")


def test_create_keywords():
    host = _host()
    community = CommunityFactory()

    plain = services.masterclass_create(host=host, **_fields("Обычная"))
    ours = services.masterclass_create(
        host=host,
        group_id=community.pk,
        audience=Audience.MEMBERS,
        **_fields("Встреча сообщества"),
    )

    assert (plain.audience, plain.group_id, plain.group_only) == (
        "everyone",
        None,
        False,
    )
    assert (ours.audience, ours.group_id, ours.group_only) == (
        "members",
        community.pk,
        False,
    )
    with pytest.raises(ValidationError):
        services.masterclass_create(
            host=host, audience="friends", **_fields("Неизвестно для кого")
        )
    with pytest.raises(ValidationError):
        services.masterclass_create(
            host=host, audience=Audience.GROUP, **_fields("Группа без группы")
        )
    assert not MasterClass.objects.filter(title__in=["Неизвестно для кого"]).exists()


# --- Query budgets --------------------------------------------------------------


def test_the_list_of_many_group_meetings_keeps_fixed_queries(
    world, django_assert_max_num_queries
):
    for _n in range(55):
        MasterClassFactory(audience=Audience.GROUP, group_id=world.community.pk)
    MasterClassFactory.create_batch(5, audience=Audience.GROUP, group_id=10**9)
    client = world.client("insider")

    with django_assert_max_num_queries(8):
        response = client.get(reverse("masterclasses:list"))

    assert len(response.context["page_obj"]) == 20
    assert response.context["page_obj"].paginator.count == 55 + 3


def test_a_group_meeting_page_asks_for_the_membership_once(
    world, django_assert_max_num_queries
):
    client = world.client("insider")
    open_page = world.meetings["everyone"].get_absolute_url()
    client.get(open_page)  # the session and the like, once
    with CaptureQueriesContext(connection) as open_queries:
        client.get(open_page)
    open_count = len(open_queries)
    # Both pages' bodies kept (list_fragments.page_body): only the page's own
    # reads are compared.
    client.get(world.meetings["group"].get_absolute_url())

    with django_assert_max_num_queries(open_count + 1):
        response = client.get(world.meetings["group"].get_absolute_url())

    assert response.status_code == 200
    assert response.context["may_register"]
