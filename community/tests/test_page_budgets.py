"""Every main page keeps within ten SQL queries over a community of some size.

The community is the benchmark's (``bench/community_data.py``), made small
enough for a test but with every list longer than a page, and with what
multiplies queries when a page forgets a join: authors with badges on show,
tags, grades, ratings, expert reviews, registrations, follows, bookmarks and
notifications, and what ``bench/page_extras.py`` adds for the later apps.
The pages are those the benchmark loads (``bench/pages.py``), for a visitor
and, with the member's own pages, for a member who has written, rated and
registered.
"""

import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.community_data import fill  # noqa: E402
from bench.page_extras import fill_extras  # noqa: E402
from bench.pages import member_pages, pages  # noqa: E402

BUDGET = 10
ROWS = 60  # more than a page of everything

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    from accounts.models import Bookmark, Follow, User
    from accounts.tests.factories import BlogPostFactory
    from community.models import Badge, BadgeAward, Grade
    from forums.models import Post, Topic
    from masterclasses.models import MasterClass, Registration
    from materials.models import Material, Rating

    fill(
        counts={
            "members": ROWS,
            "sections": 2,
            "topics": ROWS,
            "posts": 2 * ROWS,
            "materials": ROWS,
            "masterclasses": ROWS,
            "long_topic_posts": 3 * ROWS,
            "ratings": 3 * ROWS,
            "registrations": 2 * ROWS,
            "notifications": 3 * ROWS,
            "activity": 2 * ROWS,
        },
        batch=100,
    )
    members = list(User.objects.order_by("pk"))
    badges = list(Badge.objects.order_by("pk")[:2])
    BadgeAward.objects.bulk_create(
        BadgeAward(badge=badge, user=user, is_featured=True)
        for user in members
        for badge in badges
    )
    grades = list(Grade.objects.order_by("position")[:3])
    for material in Material.objects.all():
        material.grades.set(grades)
        material.tags.add("дроби", "5 класс")
    for topic in Topic.objects.all():
        topic.tags.add("ЕГЭ", "математика")
    viewer, profile_owner = members[5], members[10]
    Follow.objects.bulk_create(
        (Follow(follower=user, followee=profile_owner) for user in members[11:]),
        ignore_conflicts=True,  # the generator made some follows already
    )
    BlogPostFactory.create_batch(ROWS, author=profile_owner)
    long_topic = Topic.objects.order_by("-reply_count").first()
    Post.objects.filter(topic=long_topic, number__gt=ROWS).update(author=viewer)
    Rating.objects.get_or_create(
        material=Material.objects.order_by("-pk").first(), user=viewer, score=5
    )
    Registration.objects.get_or_create(
        masterclass=MasterClass.objects.order_by("-pk").first(), user=viewer
    )
    Bookmark.objects.create(user=viewer, target=long_topic)
    # The later apps' pages: communities, a contest, conversations, courses,
    # a plan, a blog post with 50 comments, bookmarks.
    fill_extras(viewer)
    return viewer


def _visit_all(client: Client, django_assert_max_num_queries, listed=None) -> None:
    for label, path in listed or pages():
        if path.startswith("/bench/"):
            continue  # the benchmark's own ceiling, not a page of the site
        cache.clear()  # the page cache and kept counts would hide the queries
        with django_assert_max_num_queries(BUDGET, info=label):
            response = client.get(path)
        assert response.status_code == 200, label


def test_a_visitor_s_pages_keep_their_budget(community, django_assert_max_num_queries):
    _visit_all(Client(), django_assert_max_num_queries)


def test_a_member_s_pages_keep_their_budget(
    community, django_assert_max_num_queries, settings
):
    # Production keeps sessions in Redis: no SQL. Here they ride in the
    # cookie, so that emptying the cache before each page leaves the session.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    client = Client()
    client.force_login(community)

    _visit_all(client, django_assert_max_num_queries, pages() + member_pages())
