"""Descriptions and Open Graph tags: every public page says what it is,
in plain text, and nothing of a person who keeps their profile private."""

from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import Profile
from accounts.tests.factories import BlogPostFactory, UserFactory
from community.markdown import render_markdown
from forums.models import Post
from forums.tests.factories import PostFactory, SectionFactory, TopicFactory
from masterclasses.models import MasterClass
from masterclasses.tests.factories import MasterClassFactory
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db

SITE = "https://kollegi.example"
KEYS = [
    "description",
    "og:title",
    "og:description",
    "og:type",
    "og:url",
    "og:site_name",
    "og:locale",
    "twitter:card",
]
SITE_DESCRIPTION_RU = "«Коллеги» — профессиональная сеть школьных учителей"


class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: dict[str, str] = {}
        self.alternates: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "meta":
            key = attributes.get("property") or attributes.get("name")
            if key:
                self.tags[key] = attributes.get("content") or ""
        if tag == "link" and attributes.get("rel") == "alternate":
            self.alternates.append(attributes)


def meta(response) -> dict[str, str]:
    assert response.status_code == 200
    parser = _Meta()
    parser.feed(response.content.decode())
    assert set(KEYS) <= set(parser.tags), set(KEYS) - set(parser.tags)
    return parser.tags


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def _check_common(tags: dict[str, str], path: str) -> None:
    assert tags["og:url"] == f"{SITE}{path}"
    assert tags["og:site_name"] == "Коллеги"
    assert tags["og:locale"] == "ru_RU"
    assert tags["description"] == tags["og:description"]
    assert 0 < len(tags["description"]) <= 200


def test_every_page_has_the_site_description_by_default():
    tags = meta(Client().get(reverse("badges")))

    _check_common(tags, reverse("badges"))
    assert tags["description"].startswith(SITE_DESCRIPTION_RU)
    assert tags["og:type"] == "website"
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["og:image"] == f"{SITE}/static/img/site-card.png"


def test_english_readers_get_the_english_locale_and_text(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    tags = meta(client.get(reverse("badges")))

    assert tags["og:locale"] == "en_US"
    assert tags["og:site_name"] == "Kollegi"
    assert tags["description"].startswith("Kollegi is a professional network")


def test_home():
    tags = meta(Client().get("/"))

    _check_common(tags, "/")
    assert tags["og:title"] == "«Коллеги» — профессиональная сеть школьных учителей"
    assert not tags["description"].startswith(SITE_DESCRIPTION_RU)


def test_forum_index_and_section():
    section = SectionFactory(title="Математика", description="Обсуждаем <уроки> & ОГЭ.")
    plain = SectionFactory(title="Учительская", description="")

    index = meta(Client().get(reverse("forums:index")))
    _check_common(index, reverse("forums:index"))
    assert not index["description"].startswith(SITE_DESCRIPTION_RU)

    tags = meta(Client().get(section.get_absolute_url()))
    _check_common(tags, section.get_absolute_url())
    assert tags["og:title"] == "Математика"
    assert tags["description"] == "Обсуждаем <уроки> & ОГЭ."

    # Escaped in the page, never raw.
    raw = Client().get(section.get_absolute_url()).content.decode()
    assert 'content="Обсуждаем &lt;уроки&gt; &amp; ОГЭ."' in raw

    tags = meta(Client().get(plain.get_absolute_url()))
    assert "Учительская" in tags["description"]


def test_topic_gives_an_excerpt_of_its_opening_post():
    topic = TopicFactory(title="Как объяснить дроби")
    long_text = "Ищу **идеи** для <5 класса>. " + "Очень длинный текст. " * 30
    Post.objects.filter(topic=topic, number=1).update(
        body_html=render_markdown(long_text)
    )
    for number in range(2, 25):
        PostFactory(topic=topic, number=number, body_html="<p>Ответ</p>")

    for suffix in ("", "?page=2"):
        tags = meta(Client().get(topic.get_absolute_url() + suffix))
        _check_common(tags, topic.get_absolute_url())
        assert tags["og:title"] == "Как объяснить дроби"
        assert tags["og:type"] == "article"
        assert tags["description"].startswith("Ищу идеи для <5 класса>. Очень")
        assert tags["description"].endswith("…")
        assert len(tags["description"]) <= 200
    raw = Client().get(topic.get_absolute_url()).content.decode()
    assert 'content="Ищу идеи для &lt;5 класса&gt;. Очень' in raw


def test_topic_with_a_removed_opening_post_keeps_it_out():
    topic = TopicFactory()
    Post.objects.filter(topic=topic, number=1).update(
        body_html="<p>Удалённый текст</p>", is_deleted=True
    )

    tags = meta(Client().get(topic.get_absolute_url()))

    assert "Удалённый" not in tags["description"]
    assert tags["description"].startswith(SITE_DESCRIPTION_RU)


def test_material_uses_its_summary():
    material = MaterialFactory(title="Дроби", summary="Конспект урока и задания.")

    tags = meta(Client().get(material.get_absolute_url()))

    _check_common(tags, material.get_absolute_url())
    assert tags["og:title"] == "Дроби"
    assert tags["og:type"] == "article"
    assert tags["description"] == "Конспект урока и задания."


def test_masterclass_with_its_cover():
    plain = MasterClassFactory(title="Дроби на пальцах")
    covered = MasterClassFactory(title="С обложкой")
    MasterClass.objects.filter(pk=covered.pk).update(cover="masterclasses/c.jpg")

    tags = meta(Client().get(plain.get_absolute_url()))
    _check_common(tags, plain.get_absolute_url())
    assert tags["og:title"] == "Дроби на пальцах"
    assert tags["description"] == "Покажу, как объяснять дроби."
    assert tags["og:image"] == f"{SITE}/static/img/site-card.png"
    assert tags["twitter:card"] == "summary_large_image"

    tags = meta(Client().get(covered.get_absolute_url()))
    assert tags["og:image"] == f"{SITE}/media/masterclasses/c.jpg"
    assert tags["twitter:card"] == "summary_large_image"


def _profile_url(user) -> str:
    return reverse("accounts:profile", args=[user.username])


def test_public_profile_describes_the_person():
    teacher = UserFactory()
    Profile.objects.filter(user=teacher).update(
        display_name="Анна Морозова",
        about="Учу **математике**.",
        about_html=render_markdown("Учу **математике**."),
        avatar="avatars/2026/01/anna.jpg",
    )

    tags = meta(Client().get(_profile_url(teacher)))

    _check_common(tags, _profile_url(teacher))
    assert tags["og:title"] == "Анна Морозова"
    assert tags["og:type"] == "profile"
    assert tags["description"] == "Учу математике."
    assert tags["og:image"] == f"{SITE}/media/avatars/2026/01/anna.jpg"


@pytest.mark.parametrize("change", [{"indexable": False}, {"is_hidden": True}])
def test_private_or_hidden_profile_gets_no_description_of_the_person(change):
    teacher = UserFactory()
    Profile.objects.filter(user=teacher).update(
        about="Учу математике в Казани.",
        about_html="<p>Учу математике в Казани.</p>",
        avatar="avatars/2026/01/anna.jpg",
        **change,
    )

    tags = meta(Client().get(_profile_url(teacher)))

    assert "математике" not in tags["description"]
    assert "математике" not in tags["og:description"]
    assert tags["description"].startswith(SITE_DESCRIPTION_RU)
    assert tags["og:image"] == f"{SITE}/static/img/site-card.png"


def test_blog_post():
    post = BlogPostFactory(title="Заметка о дробях")

    tags = meta(Client().get(post.get_absolute_url()))

    _check_common(tags, post.get_absolute_url())
    assert tags["og:title"] == "Заметка о дробях"
    assert tags["og:type"] == "article"
    assert tags["description"] == "Сегодня на уроке мы разбирали дроби."


def test_feeds_are_announced_where_they_belong():
    section = SectionFactory()

    for url, feed in [
        (section.get_absolute_url(), "forums:section_feed"),
        (reverse("materials:catalogue"), "materials:feed"),
        (reverse("masterclasses:list"), "masterclasses:feed"),
    ]:
        parser = _Meta()
        parser.feed(Client().get(url).content.decode())
        args = [section.slug] if feed.startswith("forums") else []
        assert [(link["type"], link["href"]) for link in parser.alternates] == [
            ("application/rss+xml", reverse(f"{feed}_rss", args=args)),
            ("application/atom+xml", reverse(f"{feed}_atom", args=args)),
        ]
        assert all(link["title"] for link in parser.alternates)
