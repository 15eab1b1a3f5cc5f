"""No GET request writes to the database.

Every main page is loaded anonymously and by a signed-in member while the SQL
is captured; no INSERT, UPDATE or DELETE may run. What a GET used to write now
waits in the cache and a beat task writes it (topic views, visit times), or is
written where it belongs (rule badges: on migrate and nightly).

A member's read position in a topic, which moves when they open a page of
posts not read before, is written by a task the page enqueues
(``forums.services.topic_read_on``); re-reading enqueues nothing. A file download is
counted the same way (once a day per member and material). How far a member
has read a conversation waits in the cache for the beat
(``conversations.services.reads``). The last tests pin them down.
"""

import datetime
import re
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import Follow, User
from accounts.tasks import visits_flush_task
from accounts.tests.factories import BlogPostFactory, UserFactory
from community.models import Badge, Subject
from conversations import services as conversations
from conversations.models import Participant
from conversations.services import lines
from conversations.tasks import reads_flush_task
from forums import selectors as forum_selectors
from forums import services as forum_services
from forums.models import Topic
from forums.tasks import topic_views_flush_task
from forums.tests.factories import PostFactory, SectionFactory, TopicFactory
from masterclasses.tests.factories import MasterClassFactory
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def _writes(queries) -> list[str]:
    return [
        query["sql"] for query in queries.captured_queries if WRITE.match(query["sql"])
    ]


@pytest.fixture
def site():
    """One of each main page, with enough posts for a topic's second page."""
    author = UserFactory()
    section = SectionFactory()
    topic = TopicFactory(section=section, author=author, title="Дроби в 5 классе")
    replies = forum_selectors.POSTS_PER_PAGE + 5
    for number in range(2, replies + 2):
        PostFactory(topic=topic, author=author, number=number)
    Topic.objects.filter(pk=topic.pk).update(reply_count=replies)
    topic.refresh_from_db()
    topic.tags.add("дроби")
    material = MaterialFactory(author=author)
    masterclass = MasterClassFactory(host=author)
    blog_post = BlogPostFactory(author=author)
    badge = Badge.objects.filter(is_manual=False).order_by("key").first()
    line = lines.line_create(
        by=accounts_services.user_grant_role(
            user=UserFactory(), role=accounts_services.MODERATORS
        ),
        subject=Subject.objects.order_by("position").first(),
        title="Консультации по математике",
        description="Отвечают эксперты.",
    )
    return {
        "home": reverse("home"),
        "forum index": reverse("forums:index"),
        "section": section.get_absolute_url(),
        "topic, page 2": f"{topic.get_absolute_url()}?page=2",
        "unanswered": reverse("forums:unanswered"),
        "materials": reverse("materials:catalogue"),
        "material": material.get_absolute_url(),
        "master-classes": reverse("masterclasses:list"),
        "master-class": masterclass.get_absolute_url(),
        "profile": author.get_absolute_url(),
        "blog post": blog_post.get_absolute_url(),
        "search": reverse("search") + "?" + urlencode({"q": "дроби"}),
        "tag": reverse("tag", kwargs={"slug": "дроби"}),
        "forum tag": reverse("forums:tag", kwargs={"slug": "дроби"}),
        "badges": reverse("badges"),
        "badge": badge.get_absolute_url(),
        "members of the month": reverse("members_of_the_month"),
        "members": reverse("accounts:directory"),
        "consultation lines": reverse("lines:list"),
        "consultation line": reverse("lines:detail", args=[line.slug]),
        # The installable site: what the browser and its worker fetch.
        "manifest": reverse("manifest"),
        "service worker": reverse("service_worker"),
        "offline page": reverse("offline") + "?lang=ru",
        "_topic": topic,
        "_author": author,
    }


MEMBER_PAGES = {
    "new since my visit": "forums:new",
    "my badges": "badges_mine",
    "notifications": "notifications",
    "bookmarks": "accounts:bookmarks",
    "my materials": "materials:mine",
    "my master-classes": "masterclasses:mine",
    "messages": "conversations:inbox",
    "message requests": "conversations:inbox",
    "new conversation": "conversations:compose",
    "message settings": "conversations:settings",
    "devices": "accounts:settings_devices",
}
# The inbox's other tabs (the requests, the archive) and its search.
MEMBER_PAGE_QUERIES = {"message requests": "?tab=requests"}


def _conversation(author, member, *, messages: int):
    """A conversation of ``author`` with ``member`` (who follows them), with
    ``messages`` messages: two pages and more when there are enough."""
    Follow.objects.get_or_create(follower=member, followee=author)
    conversation = conversations.conversation_start(
        sender=author, recipients=[member], subject="Дроби", body="Первое"
    )
    for number in range(2, messages + 1):
        conversations.message_send(
            conversation=conversation,
            author=author if number % 2 else member,
            body=f"Сообщение {number}",
        )
    conversation.refresh_from_db()
    return conversation


def _load_all(client: Client, pages: dict[str, str]) -> dict[str, list[str]]:
    found = {}
    for name, url in pages.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        if writes := _writes(queries):
            found[name] = writes
    return found


def _pages(site: dict) -> dict[str, str]:
    return {name: url for name, url in site.items() if not name.startswith("_")}


def _away(member, *, minutes: int) -> None:
    """The member's last request was ``minutes`` ago (in the row and the cache)."""
    visits_flush_task()
    User.objects.filter(pk=member.pk).update(
        last_seen_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )
    cache.clear()


def test_session_is_saved_only_when_changed():
    assert settings.SESSION_SAVE_EVERY_REQUEST is False


def test_anonymous_get_writes_nothing_and_makes_no_session(site):
    client = Client()

    found = _load_all(client, _pages(site))
    # Twice: the second visit must not write what the first did not.
    found.update(_load_all(client, _pages(site)))

    assert found == {}
    assert settings.SESSION_COOKIE_NAME not in client.cookies
    assert not Session.objects.exists()
    # What the pages noted is written by the tasks: both views of the topic
    # (the second served from the page cache).
    topic_views_flush_task()
    assert Topic.objects.get(pk=site["_topic"].pk).view_count == 2


def test_member_get_writes_nothing(site):
    member = UserFactory()
    topic = site["_topic"]
    # The member has read the topic before (reading on enqueues a task: last test).
    forum_services.topic_read_mark(
        user=member, topic=topic, number=topic.reply_count + 1
    )
    client = Client()
    client.force_login(member)
    _away(member, minutes=45)  # so the first page starts a new visit
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    conversation = _conversation(site["_author"], member, messages=35)
    pages = {
        **_pages(site),
        **{
            name: reverse(url_name) + MEMBER_PAGE_QUERIES.get(name, "")
            for name, url_name in MEMBER_PAGES.items()
        },
        "a conversation": conversation.get_absolute_url(),
        "a conversation, page 1": conversation.get_absolute_url() + "?page=1",
        "messages searched": reverse("conversations:inbox") + "?q=дроби",
    }

    found = _load_all(client, pages)
    found.update(_load_all(client, pages))

    assert found == {}
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == session_key
    # The visit and the views were noted, and the tasks write them.
    visits_flush_task()
    topic_views_flush_task()
    member.refresh_from_db()
    assert member.previous_visit_at is not None
    assert member.last_seen_at > timezone.now() - datetime.timedelta(minutes=1)
    assert Topic.objects.get(pk=topic.pk).view_count == 2


def test_reading_on_in_a_topic_is_written_by_a_task_not_the_page(
    site, monkeypatch, django_capture_on_commit_callbacks
):
    from forums.tasks import topic_read_mark_task

    member = UserFactory()
    topic = site["_topic"]
    client = Client()
    client.force_login(member)
    url = site["topic, page 2"]
    enqueued = []
    monkeypatch.setattr(
        topic_read_mark_task, "delay", lambda *args: enqueued.append(args)
    )

    with (
        CaptureQueriesContext(connection) as first,
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.get(url)
    read_to = topic.reply_count + 1
    assert _writes(first) == []
    assert enqueued == [(member.pk, topic.pk, read_to)]
    topic_read_mark_task(*enqueued[0])  # as the worker runs it
    with (
        CaptureQueriesContext(connection) as again,
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.get(url)

    assert _writes(again) == []
    assert len(enqueued) == 1  # re-reading asks for nothing
    assert forum_selectors.last_read_number(topic=topic, user=member) == read_to
    topic_read_mark_task(member.pk, topic.pk, 3)  # a late, older task
    assert forum_selectors.last_read_number(topic=topic, user=member) == read_to


def test_a_download_is_counted_by_a_task_not_the_request(
    monkeypatch, django_capture_on_commit_callbacks
):
    from materials.models import Material
    from materials.tasks import download_record_task

    material = MaterialFactory()
    record = material.current_version.files.get()
    member = UserFactory()
    client = Client()
    client.force_login(member)
    url = reverse("materials:download", args=[material.pk, record.pk])
    enqueued = []
    monkeypatch.setattr(download_record_task, "delay", lambda *a: enqueued.append(a))

    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.get(url)
        b"".join(response.streaming_content)

    assert response.status_code == 200
    assert _writes(queries) == []
    assert len(enqueued) == 1
    assert download_record_task(*enqueued[0]) is True  # as the worker runs it
    assert download_record_task(*enqueued[0]) is False  # twice counts once
    assert Material.objects.get(pk=material.pk).download_count == 1


def test_reading_a_conversation_is_written_by_the_beat_not_the_page(site):
    member = UserFactory()
    conversation = _conversation(site["_author"], member, messages=35)
    participant = Participant.objects.get(conversation=conversation, user=member)
    read_before = participant.read_number  # their own last message
    assert read_before < conversation.last_number
    client = Client()
    client.force_login(member)

    with CaptureQueriesContext(connection) as queries:
        first = client.get(conversation.get_absolute_url() + "?page=1")
        client.get(conversation.get_absolute_url())

    assert first.status_code == 200
    assert _writes(queries) == []
    participant.refresh_from_db()
    assert participant.read_number == read_before  # not yet: the beat writes it
    reads_flush_task()  # as the beat runs it
    participant.refresh_from_db()
    assert participant.read_number == conversation.last_number
