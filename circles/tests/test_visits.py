"""A member's visit to their community's page: noted on GET without a write,
written by beat, counted in the "mine" tab; visitors' pages of public
communities come from the page cache, no other community's page does."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from circles import services
from circles.models import Community, Membership
from circles.services.visits import VISITS
from circles.tasks import community_visits_flush_task
from circles.tests.factories import CommunityFactory, MembershipFactory
from community import pagecache, pending
from forums.models import Section, Topic
from forums.tests.factories import SectionFactory, TopicFactory

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")
MANY = 55


def _writes(queries) -> list[str]:
    return [
        query["sql"]
        for query in queries
        if query["sql"].lstrip().upper().startswith(WRITES)
    ]


def _ago(**delta) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**delta)


@pytest.fixture
def membership():
    return MembershipFactory(community=CommunityFactory())


# --- Noted on GET, written by beat.


def test_a_members_get_writes_nothing_but_notes_the_visit(client, membership):
    client.force_login(membership.user)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(membership.community.get_absolute_url())

    assert response.status_code == 200
    assert _writes(queries.captured_queries) == []
    assert membership.pk in pending.pending_ids(VISITS)
    membership.refresh_from_db()
    assert membership.last_visit_at is None


def test_an_outsiders_get_notes_nothing(client, membership):
    client.force_login(UserFactory())

    client.get(membership.community.get_absolute_url())

    assert pending.pending_ids(VISITS) == set()


def test_the_flush_writes_the_visit_and_a_second_run_writes_nothing(client, membership):
    client.force_login(membership.user)
    before = timezone.now()
    client.get(membership.community.get_absolute_url())

    assert community_visits_flush_task() == 1
    membership.refresh_from_db()
    assert membership.last_visit_at >= before
    written = membership.last_visit_at

    with CaptureQueriesContext(connection) as queries:
        assert community_visits_flush_task() == 0
    assert _writes(queries.captured_queries) == []
    membership.refresh_from_db()
    assert membership.last_visit_at == written


def test_a_visit_marked_again_changes_no_row_and_never_goes_back_in_time(
    membership,
):
    services.visit_note(membership_id=membership.pk)
    services.visits_flush()
    later = timezone.now() + datetime.timedelta(minutes=5)
    Membership.objects.filter(pk=membership.pk).update(last_visit_at=later)

    pending.mark(VISITS, membership.pk)  # the same (older) time is still cached
    services.visits_flush()

    membership.refresh_from_db()
    assert membership.last_visit_at == later


def test_beat_writes_the_visits_every_two_minutes(settings):
    from community.celery import app

    assert settings.CELERY_BEAT_SCHEDULE["community-visits"] == {
        "task": "circles.tasks.community_visits_flush_task",
        "schedule": 120.0,
    }
    app.loader.import_default_modules()
    assert "circles.tasks.community_visits_flush_task" in app.tasks


def test_a_recent_visit_is_not_noted_again(membership):
    services.visit_note(membership_id=membership.pk, last_visit_at=_ago(seconds=30))

    assert pending.pending_ids(VISITS) == set()

    services.visit_note(membership_id=membership.pk, last_visit_at=_ago(hours=1))

    assert pending.pending_ids(VISITS) == {membership.pk}


def test_a_cache_not_answering_loses_the_visit_without_an_error(
    membership, monkeypatch
):
    class Away:
        def set(self, *args, **kwargs):
            raise ConnectionError("the cache is away")

    monkeypatch.setattr("circles.services.visits.cache", Away())
    services.visit_note(membership_id=membership.pk)
    assert pending.pending_ids(VISITS) == set()

    monkeypatch.undo()
    monkeypatch.setattr(pending, "_ids_add", Away().set)
    services.visit_note(membership_id=membership.pk)  # the mark is lost, logged
    assert services.visits_flush() == 0


# --- The "mine" tab counts what is new since the last visit.


def _with_section(community: Community) -> Section:
    section = SectionFactory()
    Community.objects.filter(pk=community.pk).update(section=section)
    return section


def test_the_mine_tab_counts_topics_with_posts_since_the_last_visit(client, membership):
    section = _with_section(membership.community)
    Membership.objects.filter(pk=membership.pk).update(last_visit_at=_ago(days=1))
    TopicFactory.create_batch(2, section=section, last_post_at=_ago(hours=1))
    TopicFactory(section=section, last_post_at=_ago(days=2))
    TopicFactory(section=section, last_post_at=_ago(hours=1), is_hidden=True)
    TopicFactory(last_post_at=_ago(hours=1))  # another section
    client.force_login(membership.user)

    response = client.get(reverse("circles:list"), {"tab": "mine"})

    [card] = response.context["page_obj"]
    assert card.circles_new_topics == 2
    page = response.content.decode()
    assert "новое: 2" in page
    assert "Тем с новыми сообщениями после вашего последнего визита: 2" in page


def test_before_a_first_visit_the_mine_tab_counts_since_joining(client, membership):
    section = _with_section(membership.community)
    Membership.objects.filter(pk=membership.pk).update(joined_at=_ago(days=1))
    TopicFactory(section=section, last_post_at=_ago(days=2))
    TopicFactory(section=section, last_post_at=_ago(hours=1))
    client.force_login(membership.user)

    response = client.get(reverse("circles:list"), {"tab": "mine"})

    [card] = response.context["page_obj"]
    assert card.circles_new_topics == 1


def test_nothing_new_shows_no_badge(client, membership):
    section = _with_section(membership.community)
    TopicFactory(section=section, last_post_at=_ago(days=2))
    Membership.objects.filter(pk=membership.pk).update(last_visit_at=_ago(days=1))
    client.force_login(membership.user)

    response = client.get(reverse("circles:list"), {"tab": "mine"})

    [card] = response.context["page_obj"]
    assert card.circles_new_topics == 0
    assert "новое:" not in response.content.decode()


def test_the_mine_tab_counts_within_the_budget(
    client, settings, django_assert_max_num_queries
):
    settings.CIRCLES_PER_PAGE = MANY
    member, author = UserFactory(), UserFactory()
    sections = Section.objects.bulk_create(
        Section(title=f"Раздел {number}", slug=f"razdel-{number}")
        for number in range(MANY)
    )
    communities = Community.objects.bulk_create(
        Community(
            name=f"Сообщество {number}",
            slug=f"soobshchestvo-{number}",
            purpose="Делимся опытом.",
            founder=author,
            status=Community.Status.OPEN,
            opened_at=_ago(days=3),
            section=section,
        )
        for number, section in enumerate(sections)
    )
    Membership.objects.bulk_create(
        Membership(community=community, user=member, last_visit_at=_ago(days=1))
        for community in communities
    )
    Topic.objects.bulk_create(
        Topic(
            section=section,
            author=author,
            last_poster=author,
            title=f"Тема {number}",
            last_post_at=_ago(hours=1) if number % 2 else _ago(days=2),
        )
        for section in sections
        for number in range(3)
    )
    client.force_login(member)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("circles:list"), {"tab": "mine"})

    cards = list(response.context["page_obj"])
    assert len(cards) == MANY
    assert {card.circles_new_topics for card in cards} == {1}
    assert response.content.decode().count("новое: 1") == MANY


# --- Visitors' pages from the page cache: public communities only.


def _cached(url: str) -> bool:
    with translation.override("ru"):
        return cache.get(pagecache._key(RequestFactory().get(url))) is not None


def test_a_visitors_page_of_a_public_community_comes_from_the_cache(
    client, django_assert_num_queries
):
    url = CommunityFactory().get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"

    with django_assert_num_queries(0):
        second = client.get(url)

    assert second.status_code == 200
    assert second["X-Page-Cache"] == "hit"
    assert _cached(url)


@pytest.mark.parametrize(
    ("visibility", "joining"),
    [
        (Community.Visibility.MEMBERS, Community.Joining.OPEN),
        (Community.Visibility.PRIVATE, Community.Joining.INVITATION),
    ],
)
def test_no_other_communitys_page_is_cached_for_a_visitor(client, visibility, joining):
    url = CommunityFactory(visibility=visibility, joining=joining).get_absolute_url()

    first, second = client.get(url), client.get(url)

    assert first.status_code == second.status_code == 404
    assert "X-Page-Cache" not in second
    assert not _cached(url)
