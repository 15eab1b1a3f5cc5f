"""The home page: a member's news first, a visitor's introduction with real content.

A member's page starts with a greeting line and her feed, with beside it (on a
phone: a summary above the feed, the blocks after it) her next master-classes,
the reviews waiting for her as an expert, the questions waiting for an answer
in her subjects and her unread notifications (``community.home``). A visitor's
page keeps the introduction and shows the network's newest public topics,
materials and master-classes, and nothing hidden, held or unpublished.
"""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts
from accounts.tests.factories import UserFactory
from community import services as community
from community.changes import PUBLIC_PAGES, moved
from community.models import Subject
from forums import services as forums
from forums.models import Post, Topic
from forums.tests.factories import PostFactory, SectionFactory, TopicFactory
from masterclasses.models import MasterClass, Registration
from masterclasses.tests.factories import MasterClassFactory
from materials import services as materials
from materials.models import Material, ReviewAssignment, ReviewRound
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db

HERO = 'class="hero'
HERO_LEAD = "Talk shop with colleagues"


def main(response) -> str:
    html = response.content.decode()
    return html[html.index('<main id="main"') : html.index("</main>")]


def block(html: str, key: str) -> str:
    """One member block's <section> (id ``home-<key>``), or "" without it."""
    found = re.search(rf'<section id="home-{key}".*?</section>', html, re.DOTALL)
    return found.group(0) if found else ""


@pytest.fixture
def english(member):
    member.profile.language = "en"
    member.profile.save(update_fields=["language"])
    return member


@pytest.fixture
def maths():
    return Subject.objects.get(slug="mathematics")


def _expert(user=None):
    user = user or UserFactory()
    return accounts.user_grant_role(user=user, role=accounts.EXPERTS)


def _assignment(reviewer, *, due_in_days: int = 7, status=None, title=None):
    material = MaterialFactory(**({"title": title} if title else {}))
    round_ = ReviewRound.objects.create(
        material=material, version=material.current_version
    )
    return ReviewAssignment.objects.create(
        round=round_,
        reviewer=reviewer,
        due_at=timezone.now() + datetime.timedelta(days=due_in_days),
        status=status or ReviewAssignment.Status.ACTIVE,
    )


def _register(user, masterclass, status=Registration.Status.REGISTERED):
    return Registration.objects.create(
        masterclass=masterclass, user=user, status=status
    )


def _day(days: int) -> datetime.timedelta:
    return datetime.timedelta(days=days)


def _in_days(days: float) -> datetime.datetime:
    return (timezone.now() + datetime.timedelta(days=days)).replace(
        second=0, microsecond=0
    )


# --- A member's page -----------------------------------------------------------


def test_member_home_starts_with_her_news_and_has_no_introduction(
    member_client, english
):
    accounts.post_create(author=UserFactory(), title="Свежее", body="x", publish=True)

    html = main(member_client.get("/"))

    assert HERO not in html
    assert HERO_LEAD not in html
    assert 'id="what-heading"' not in html
    assert 'id="join-heading"' not in html
    # The greeting is the page's heading, then the feed, then her blocks.
    greeting = html.index("<h1")
    feed = html.index('id="feed-heading"')
    assert greeting < feed < html.index("Свежее") < html.index('id="home-questions"')
    assert html.index("Свежее") < html.index('id="home-notifications"')


def test_member_home_greets_a_newcomer_with_where_to_start(member_client, english):
    html = main(member_client.get("/"))

    assert re.search(r"<h1[^>]*>Welcome to Kollegi, ", html)
    assert reverse("accounts:welcome") in html


def test_member_home_welcomes_back_without_where_to_start(
    member_client, member, english
):
    type(member).objects.filter(pk=member.pk).update(
        last_seen_at=timezone.now() - datetime.timedelta(days=1)
    )
    cache.clear()  # the visit kept at sign-in: this one starts from the row

    html = main(member_client.get("/"))

    assert re.search(r"<h1[^>]*>Welcome back, ", html)
    assert reverse("accounts:welcome") not in html


def test_next_masterclasses_are_hers_upcoming_soonest_first_in_her_time_zone(
    member_client, member, english
):
    member.profile.time_zone = "Asia/Yekaterinburg"  # Moscow + 2
    member.profile.save(update_fields=["time_zone"])
    start = _in_days(2).replace(hour=10, minute=0)  # 10:00 UTC: 15:00 there
    soonest = MasterClassFactory(title="Дроби на пальцах", starts_at=start)
    waiting = MasterClassFactory(title="Проценты", starts_at=start + _day(1))
    third = MasterClassFactory(title="Геометрия", starts_at=start + _day(2))
    fourth = MasterClassFactory(title="Четвёртый", starts_at=start + _day(3))
    past = MasterClassFactory(
        title="Прошедший",
        starts_at=_in_days(-2),
        ends_at=_in_days(-2) + datetime.timedelta(hours=1),
    )
    hidden = MasterClassFactory(title="Скрытый", starts_at=start, is_hidden=True)
    cancelled = MasterClassFactory(
        title="Отменённый", starts_at=start, status=MasterClass.Status.CANCELLED
    )
    left = MasterClassFactory(title="Передумала", starts_at=start)
    MasterClassFactory(title="Чужой", starts_at=start)
    for masterclass in (soonest, third, fourth, past, hidden, cancelled):
        _register(member, masterclass)
    _register(member, waiting, Registration.Status.WAITLISTED)
    _register(member, left, Registration.Status.CANCELLED)

    section = block(main(member_client.get("/")), "masterclasses")

    titles = re.findall(r'class="ui-row-title" href="[^"]+">([^<]+)<', section)
    assert titles == ["Дроби на пальцах", "Проценты", "Геометрия"]
    assert f"{start.day} " in section
    assert "15:00" in section
    assert "on the waitlist" in section
    assert "your time zone" in section
    assert reverse("masterclasses:mine") in section
    # The phone's summary above the feed names the soonest.
    html = main(member_client.get("/"))
    assert html.index("Next master-class: ") < html.index('id="feed-heading"')


def test_next_masterclasses_empty_says_where_to_find_one(member_client, english):
    section = block(main(member_client.get("/")), "masterclasses")

    assert 'class="ui-empty"' in section
    assert "You are not registered for any master-class ahead" in section
    assert reverse("masterclasses:list") in section


def test_reviews_block_is_only_for_experts(member_client, member, english):
    _assignment(_expert(), title="Чужой")

    # Not an expert: no block, and nothing about reviews in the summary.
    html = main(member_client.get("/"))
    assert block(html, "questions") != ""
    assert block(html, "reviews") == ""
    assert "#home-reviews" not in html

    _expert(member)
    assert block(main(member_client.get("/")), "reviews") != ""


def test_reviews_waiting_for_an_expert_count_and_the_soonest_three(
    member_client, member, english
):
    _expert(member)
    for days in (9, 3, 5, 7, 1):
        _assignment(member, due_in_days=days, title=f"Урок на {days} дн.")
    _assignment(member, status=ReviewAssignment.Status.SUBMITTED, title="Написанный")
    _assignment(_expert(), title="Чужой")

    html = main(member_client.get("/"))
    section = block(html, "reviews")

    assert "5 reviews to write." in section
    titles = re.findall(r'class="ui-row-title" href="([^"]+)">([^<]+)<', section)
    assert [title for _, title in titles] == [
        "Урок на 1 дн.",
        "Урок на 3 дн.",
        "Урок на 5 дн.",
    ]
    soonest = ReviewAssignment.objects.get(round__material__title="Урок на 1 дн.")
    assert titles[0][0] == reverse("materials:review_write", args=[soonest.pk])
    assert reverse("materials:review_queue") in section
    # The phone's summary leads to the block.
    assert 'href="#home-reviews"' in html
    assert "5 reviews to write" in html


def test_reviews_empty_for_an_expert_points_to_the_queue(
    member_client, member, english
):
    _expert(member)

    section = block(main(member_client.get("/")), "reviews")

    assert 'class="ui-empty"' in section
    assert reverse("materials:review_queue") in section


def test_questions_waiting_in_her_subjects(member_client, member, english, maths):
    physics = Subject.objects.get(slug="physics")
    accounts.profile_update(profile=member.profile, subjects=[maths])
    algebra = SectionFactory(title="Алгебра", subject=maths)
    olympiad = SectionFactory(title="Олимпиады", parent=algebra)
    other = SectionFactory(title="Механика", subject=physics)
    question = Topic.Kind.QUESTION
    TopicFactory(section=algebra, kind=question, title="Как ввести дроби?")
    TopicFactory(section=olympiad, kind=question, title="Задача про числа")
    TopicFactory(section=other, kind=question, title="Про рычаг")
    TopicFactory(section=algebra, title="Просто обсуждение")
    TopicFactory(section=algebra, kind=question, title="Моя", author=member)
    for title, flags in (
        ("Скрытый", {"is_hidden": True}),
        ("На проверке", {"is_pending": True}),
        ("Закрытый", {"is_locked": True}),
        ("С ответом", {"reply_count": 1}),
    ):
        TopicFactory(section=algebra, kind=question, title=title, **flags)
    accepted = TopicFactory(section=algebra, kind=question, title="Решённый")
    Topic.objects.filter(pk=accepted.pk).update(
        accepted_post=PostFactory(topic=accepted)
    )

    section = block(main(member_client.get("/")), "questions")

    titles = re.findall(r'class="ui-row-title" href="[^"]+">([^<]+)<', section)
    assert titles == ["Задача про числа", "Как ввести дроби?"]
    assert "In your subjects" in section
    assert reverse("forums:unanswered") in section


def test_questions_without_subjects_come_from_the_whole_network(
    member_client, english, maths
):
    TopicFactory(section=SectionFactory(subject=maths), kind=Topic.Kind.QUESTION)
    TopicFactory(section=SectionFactory(), kind=Topic.Kind.QUESTION, title="Общий")

    section = block(main(member_client.get("/")), "questions")

    assert "Общий" in section
    assert "From the whole network" in section
    assert reverse("accounts:settings_profile") in section


def test_questions_empty_state_leads_to_the_forums(member_client, english):
    section = block(main(member_client.get("/")), "questions")

    assert 'class="ui-empty"' in section
    assert reverse("forums:index") in section


def test_unread_notifications_count_links_to_them(member_client, member, english):
    for _ in range(3):
        community.notify(
            recipient=member, kind="follow", url="/", actor=UserFactory(), group=False
        )

    html = main(member_client.get("/"))
    section = block(html, "notifications")

    assert "3 unread notifications." in section
    assert reverse("notifications") in section
    assert "3 unread notifications</span>" in html  # the phone's summary


def test_no_unread_notifications_is_an_empty_state(member_client, english):
    html = main(member_client.get("/"))
    section = block(html, "notifications")

    assert 'class="ui-empty"' in section
    assert "You have read everything" in section
    # Nothing waits: no summary above the feed.
    assert 'aria-label="Waiting for you"' not in html


def test_member_home_makes_a_fixed_number_of_queries_and_writes_nothing(
    client, django_assert_max_num_queries, maths
):
    member = _expert(
        UserFactory(date_joined=timezone.now() - _day(60), profile__language="en")
    )
    accounts.profile_update(profile=member.profile, subjects=[maths])
    section = SectionFactory(subject=maths)
    authors = UserFactory.create_batch(55)
    for author in authors:
        accounts.follow_create(follower=member, followee=author)
        accounts.post_create(author=author, title="Запись", body="x", publish=True)
        TopicFactory(section=section, author=author, kind=Topic.Kind.QUESTION)
        _register(member, MasterClassFactory(host=author))
        community.notify(
            recipient=member, kind="follow", url="/", actor=author, group=False
        )
    for _ in range(55):
        _assignment(member)
    client.force_login(member)

    with django_assert_max_num_queries(10):
        response = client.get("/")
    with CaptureQueriesContext(connection) as captured:
        client.get("/", {"page": 2})

    html = main(response)
    assert len(response.context["feed_page"]) == 20
    assert "55 reviews to write." in block(html, "reviews")
    assert block(html, "masterclasses").count('class="ui-row"') == 3
    assert block(html, "questions").count('class="ui-row"') == 5
    assert "55 unread notifications." in block(html, "notifications")
    writes = ("INSERT", "UPDATE", "DELETE")
    assert not [q for q in captured.captured_queries if q["sql"].startswith(writes)]


# --- A visitor's page ----------------------------------------------------------


def test_visitor_home_keeps_the_introduction_and_shows_recent_public_content():
    author = UserFactory()
    topic = TopicFactory(author=author, title="Как объяснить дроби")
    material = MaterialFactory(author=author, title="Урок про дроби")
    masterclass = MasterClassFactory(host=author, title="Дроби на пальцах")

    html = main(Client().get("/", headers={"cookie": "django_language=en"}))

    assert HERO in html
    assert 'id="what-heading"' in html
    assert 'id="join-heading"' in html
    recent = html[html.index('id="recent-heading"') : html.index('id="what-heading"')]
    assert html.index(HERO) < html.index('id="recent-heading"')
    for item in (topic, material, masterclass):
        assert f'href="{item.get_absolute_url()}"' in recent
    # No member's blocks for a visitor.
    assert 'id="home-notifications"' not in html
    assert 'id="feed-heading"' not in html


def test_visitor_home_shows_nothing_hidden_held_or_unpublished():
    author = UserFactory()
    shown = TopicFactory(author=author, title="Открытая тема")
    TopicFactory(author=author, title="Скрытая тема", is_hidden=True)
    TopicFactory(author=author, title="Тема на проверке", is_pending=True)
    MaterialFactory(author=author, title="Черновик", status=Material.Status.DRAFT)
    MaterialFactory(author=author, title="Скрытый материал", is_hidden=True)
    MaterialFactory(author=author, title="Открытый материал")
    for title, status in (
        ("Черновик класса", MasterClass.Status.DRAFT),
        ("Предложенный", MasterClass.Status.PROPOSED),
        ("Отменённый", MasterClass.Status.CANCELLED),
    ):
        MasterClassFactory(host=author, title=title, status=status)
    MasterClassFactory(host=author, title="Скрытый класс", is_hidden=True)
    MasterClassFactory(
        host=author,
        title="Прошедший класс",
        starts_at=_in_days(-3),
        ends_at=_in_days(-3) + datetime.timedelta(hours=1),
        status=MasterClass.Status.FINISHED,
    )
    MasterClassFactory(host=author, title="Открытый класс")

    html = main(Client().get("/"))

    for title in ("Открытая тема", "Открытый материал", "Открытый класс"):
        assert title in html
    for title in (
        "Скрытая тема",
        "Тема на проверке",
        "Черновик",
        "Скрытый материал",
        "Черновик класса",
        "Предложенный",
        "Отменённый",
        "Скрытый класс",
        "Прошедший класс",
    ):
        assert title not in html
    assert shown.section.title in html


def test_visitor_home_shows_recent_content_only_when_there_is_some():
    html = main(Client().get("/"))

    assert 'id="recent-heading"' not in html
    assert HERO in html

    TopicFactory(title="Первая тема")
    moved(PUBLIC_PAGES)  # the factory writes past topic_create, which does it
    html = main(Client().get("/"))
    assert 'id="recent-heading"' in html
    assert "Первая тема" in html


def test_visitor_home_from_the_cache_shows_a_new_topic_and_drops_a_hidden_material(
    moderator, settings
):
    settings.MODERATION_PREMODERATED_POSTS = 0  # the topic is published at once
    author = UserFactory(date_joined=timezone.now() - _day(60))
    material = MaterialFactory(author=author, title="Урок, который скроют")
    visitor = Client()
    assert "Урок, который скроют" in main(visitor.get("/"))
    assert visitor.get("/")["X-Page-Cache"] == "hit"

    forums.topic_create(
        section=SectionFactory(), author=author, title="Новая тема", body="Текст"
    )
    materials.material_hide(material=material, moderator=moderator, reason="Спам")

    html = main(visitor.get("/"))
    assert "Новая тема" in html
    assert "Урок, который скроют" not in html


def test_visitor_home_makes_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    author = UserFactory()
    for _ in range(55):
        TopicFactory(author=author)
        MaterialFactory(author=author)
        MasterClassFactory(host=author)
    Post.objects.update(is_pending=False)

    with django_assert_max_num_queries(4):
        response = client.get("/")

    html = main(response)
    assert html.count('class="ui-row"') == 5 + 4 + 3
