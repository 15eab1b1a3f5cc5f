"""New members write at most so many of each kind an hour; trusted members freely.

Every kind goes through its page, as a member writes: the writes up to the
limit are stored, the next one is refused on the same page (status 400, the
text kept, the limit named) and nothing is stored for it.
"""

import datetime
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts import services as accounts
from accounts.models import BlogComment, BlogPost
from accounts.tests.factories import BlogPostFactory, UserFactory
from community.models import Grade, Report, Subject
from forums.models import Post, Topic
from forums.tests.factories import PostFactory, SectionFactory, TopicFactory
from masterclasses.models import MasterClass
from materials.models import Collection, CollectionItem, Material, Rating
from materials.tests.factories import MaterialFactory, pdf_upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vocabulary")]

LIMIT = 2
# The forums answered a newcomer's extra topic with 429 before the other kinds
# joined, and the courses', the contests' and the polls' pages answer a
# refusal by rate so too; every other page answers 400.
STATUS = {"topics": 429, "courses": 429, "contest_entries": 429, "polls": 429}


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.MODERATION_PREMODERATED_POSTS = 0
    settings.MODERATION_NEW_MEMBER_TOPICS_PER_HOUR = LIMIT
    settings.MODERATION_NEW_MEMBER_POSTS_PER_HOUR = LIMIT
    settings.MODERATION_NEW_MEMBER_PER_HOUR = dict.fromkeys(
        settings.MODERATION_NEW_MEMBER_PER_HOUR, LIMIT
    )


def _png(name: str = "доска.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _uploaded_images() -> int:
    try:
        return len(default_storage.listdir("markdownx")[1])
    except FileNotFoundError:
        return 0


# Each kind: what it needs, the n-th write as a page would post it (URL and
# data; the text that must stay on the page when refused), and how many the
# member has written.


def _topics(user, n):
    section = SectionFactory()
    return (
        lambda i: (
            reverse("forums:topic_create", args=[section.slug]),
            {"title": f"Вопрос {i}", "kind": "discussion", "body": f"Текст темы {i}"},
            f"Текст темы {i}",
        ),
        lambda: Topic.objects.filter(author=user).count(),
    )


def _posts(user, n):
    topic = TopicFactory()
    return (
        lambda i: (
            reverse("forums:reply", args=[topic.pk]),
            {"body": f"Мой ответ номер {i}"},
            f"Мой ответ номер {i}",
        ),
        lambda: Post.objects.filter(author=user).count(),
    )


def _blog_posts(user, n):
    return (
        lambda i: (
            reverse("accounts:post_create"),
            {"title": f"Заметка {i}", "body": f"Текст заметки {i}", "publish": "1"},
            f"Текст заметки {i}",
        ),
        lambda: BlogPost.objects.filter(author=user).count(),
    )


def _comments(user, n):
    post = BlogPostFactory()
    return (
        lambda i: (
            reverse("accounts:comment_create", args=[post.author.username, post.slug]),
            {"body": f"Мой комментарий {i}"},
            f"Мой комментарий {i}",
        ),
        lambda: BlogComment.objects.filter(author=user).count(),
    )


def _ratings(user, n):
    materials = MaterialFactory.create_batch(n)
    return (
        lambda i: (
            reverse("materials:rate", args=[materials[i].pk]),
            {"score": "5", "comment": f"Отзыв об уроке {i}"},
            f"Отзыв об уроке {i}",
        ),
        lambda: Rating.objects.filter(user=user).count(),
    )


def _collections(user, n):
    return (
        lambda i: (
            reverse("materials:collections"),
            {"title": f"Подборка {i}", "description": f"Для кружка {i}"},
            f"Для кружка {i}",
        ),
        lambda: Collection.objects.filter(owner=user).count(),
    )


def _collection_items(user, n):
    materials = MaterialFactory.create_batch(n)
    collection = Collection.objects.create(owner=user, title="Мои уроки")
    return (
        lambda i: (
            reverse("materials:collect", args=[materials[i].pk]),
            {"collection": collection.pk},
            None,
        ),
        lambda: CollectionItem.objects.filter(collection=collection).count(),
    )


def _reports(user, n):
    posts = PostFactory.create_batch(n)
    return (
        lambda i: (
            reverse("report", args=["forum_post", posts[i].pk]),
            {"reason": "other", "text": f"Реклама курсов {i}"},
            f"Реклама курсов {i}",
        ),
        lambda: Report.objects.filter(reporter=user).count(),
    )


def _masterclasses(user, n):
    mathematics = Subject.objects.get(slug="mathematics").pk
    return (
        lambda i: (
            reverse("masterclasses:create"),
            {
                "title": f"Дроби без страха {i}",
                "description": "План занятия",
                "subject": mathematics,
                "format": "online",
                "room_url": "https://meet.example.org/a",
                "starts_at": f"2030-03-1{i}T15:00",
                "ends_at": f"2030-03-1{i}T16:30",
                "capacity": "20",
                "submit": "1",
            },
            f"Дроби без страха {i}",
        ),
        lambda: MasterClass.objects.filter(host=user).count(),
    )


def _courses(user, n):
    from courses.models import Course

    mathematics = Subject.objects.get(slug="mathematics").pk
    return (
        lambda i: (
            reverse("courses:create"),
            {
                "title": f"Дроби без страха {i}",
                "annotation": "Как объяснять дроби.",
                "goals": "Цели курса",
                "subject": mathematics,
                "kind": "seminar",
                "format": "self_paced",
            },
            f"Дроби без страха {i}",
        ),
        lambda: Course.objects.filter(author=user).count(),
    )


def _materials(user, n):
    mathematics = Subject.objects.get(slug="mathematics").pk
    return (
        lambda i: (
            reverse("materials:create"),
            {
                "title": f"Урок про дроби {i}",
                "summary": "Конспект.",
                "description": "Ход урока",
                "subject": mathematics,
                "grades": [Grade.objects.get(slug="grade-5").pk],
                "kind": Material.Kind.LESSON_PLAN,
                "language": "ru",
                "licence": "cc-by",
                "rights_confirmed": "on",
                "publish": "on",
                "files": [pdf_upload()],
            },
            f"Урок про дроби {i}",
        ),
        lambda: Material.objects.filter(author=user).count(),
    )


def _contest_entries(user, n):
    from contests.models import Entry
    from contests.tests.helpers_contests import contest_open, moderator

    contest = contest_open(organiser=moderator())
    nomination = contest.nominations.get().pk
    return (
        lambda i: (
            reverse("contests:entry_new", args=[contest.slug]),
            {
                "nomination": nomination,
                "title": f"Урок о дробях {i}",
                "text": f"Конспект конкурсного урока {i}",
            },
            f"Конспект конкурсного урока {i}",
        ),
        lambda: Entry.objects.filter(submitted_by=user).count(),
    )


def _polls(user, n):
    from contests.models import Poll

    section = SectionFactory()
    topics = TopicFactory.create_batch(n, section=section, author=user)
    return (
        lambda i: (
            reverse("polls:create", args=[topics[i].pk]),
            {
                "question": f"Когда проводим открытый урок {i}?",
                "kind": Poll.Kind.SINGLE,
                "options": "В среду\nВ пятницу",
                "results": Poll.Results.ALWAYS,
                "closes_at": "",
            },
            f"Когда проводим открытый урок {i}?",
        ),
        lambda: Poll.objects.filter(author=user).count(),
    )


def _images(user, n):
    return (
        lambda i: (reverse("markdown_upload"), {"image": _png()}, None),
        _uploaded_images,
    )


KINDS = {
    "topics": _topics,
    "posts": _posts,
    "blog_posts": _blog_posts,
    "comments": _comments,
    "ratings": _ratings,
    "collections": _collections,
    "collection_items": _collection_items,
    "reports": _reports,
    "masterclasses": _masterclasses,
    "materials": _materials,
    "courses": _courses,
    "contest_entries": _contest_entries,
    "polls": _polls,
    "images": _images,
}


def _english_member(**fields):
    user = UserFactory(profile__language="en", **fields)
    client = Client()
    client.force_login(user)
    return user, client


def test_every_kind_of_writing_has_a_limit(settings):
    assert set(settings.MODERATION_NEW_MEMBER_PER_HOUR) == set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_write_limit_refuses_a_new_member_past_the_limit_with_the_text_kept(kind):
    newcomer, client = _english_member()
    write, written = KINDS[kind](newcomer, LIMIT + 1)
    for i in range(LIMIT):
        url, data, _text = write(i)
        assert client.post(url, data).status_code < 400, (kind, i)
    assert written() == LIMIT

    url, data, text = write(LIMIT)
    response = client.post(url, data)

    assert response.status_code == STATUS.get(kind, 400)
    page = response.content.decode()
    if kind == "images":
        page = response.json()["image"][0]
    assert "New members may" in page
    assert f" {LIMIT} " in page
    assert "try again later" in page
    if text is not None:
        assert text in page
    assert written() == LIMIT


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("trusted", ["established", "staff", "moderator", "expert"])
def test_write_limit_leaves_established_and_trusted_members_alone(kind, trusted):
    fields = {}
    if trusted == "established":
        fields["date_joined"] = timezone.now() - datetime.timedelta(days=8)
    if trusted == "staff":
        fields["is_staff"] = True
    user, client = _english_member(**fields)
    if trusted == "moderator":
        accounts.user_grant_role(user=user, role=accounts.MODERATORS)
    if trusted == "expert":
        accounts.user_grant_role(user=user, role=accounts.EXPERTS)
    write, written = KINDS[kind](user, LIMIT + 1)

    for i in range(LIMIT + 1):
        url, data, _text = write(i)
        assert client.post(url, data).status_code < 400, (kind, trusted, i)

    assert written() == LIMIT + 1


def test_write_limit_counts_only_the_last_hour(settings):
    newcomer, client = _english_member()
    write, written = _blog_posts(newcomer, LIMIT + 1)
    for i in range(LIMIT):
        client.post(*write(i)[:2])
    BlogPost.objects.filter(author=newcomer).update(
        created_at=timezone.now() - datetime.timedelta(minutes=61)
    )

    assert client.post(*write(LIMIT)[:2]).status_code == 302
    assert written() == LIMIT + 1


def test_image_limit_lets_uploads_through_while_the_cache_is_away(settings):
    from community import services

    newcomer = UserFactory()
    away = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        },
    }
    # Put back before the fixtures empty the cache.
    with override_settings(CACHES=away):
        for _ in range(LIMIT + 1):
            services.markdown_image_store(user=newcomer, upload=_png())

    assert _uploaded_images() == LIMIT + 1
