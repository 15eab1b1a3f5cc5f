"""The sitemap index and its sections, and robots.txt."""

import re

import pytest
from defusedxml import ElementTree
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import BlogPost, Profile
from accounts.tests.factories import BlogPostFactory, UserFactory
from community.sitemaps import PublicSitemap
from forums.tests.factories import SectionFactory, TopicFactory
from masterclasses.models import MasterClass
from masterclasses.tests.factories import MasterClassFactory
from materials.models import Material
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SITE = "https://kollegi.example"
SECTIONS = [
    "forum-sections",
    "forum-topics",
    "materials",
    "masterclasses",
    "courses",
    "contests",
    "projects",
    "blog",
    "members",
]


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def _xml(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(response.content)


def _locations(section: str, page: int | None = None) -> list[str]:
    url = reverse("sitemap_section", args=[section])
    if page is not None:
        url += f"?p={page}"
    root = _xml(Client().get(url))
    return [node.text for node in root.iter(f"{NS}loc")]


def test_index_lists_every_section_on_the_public_address():
    root = _xml(Client().get("/sitemap.xml"))

    locations = [node.text for node in root.iter(f"{NS}loc")]
    assert locations == [f"{SITE}/sitemap-{section}.xml" for section in SECTIONS]


def test_forum_sections_and_public_topics_only():
    section = SectionFactory()
    topic = TopicFactory(section=section)
    hidden = TopicFactory(section=section, is_hidden=True)
    pending = TopicFactory(section=section, is_pending=True)

    assert _locations("forum-sections") == [f"{SITE}{section.get_absolute_url()}"]
    topics = _locations("forum-topics")
    assert topics == [f"{SITE}{topic.get_absolute_url()}"]
    assert f"{SITE}{hidden.get_absolute_url()}" not in topics
    assert f"{SITE}{pending.get_absolute_url()}" not in topics


def test_published_materials_only_with_lastmod():
    material = MaterialFactory()
    MaterialFactory(status=Material.Status.DRAFT, published_at=None)
    MaterialFactory(is_hidden=True)

    assert _locations("materials") == [f"{SITE}{material.get_absolute_url()}"]
    root = _xml(Client().get(reverse("sitemap_section", args=["materials"])))
    assert root.find(f"{NS}url/{NS}lastmod").text == str(
        timezone.localdate(material.updated_at)
    )


def test_public_masterclasses_only():
    published = MasterClassFactory()
    finished = MasterClassFactory(status=MasterClass.Status.FINISHED)
    for status in ("draft", "proposed", "cancelled"):
        MasterClassFactory(status=status)
    MasterClassFactory(is_hidden=True)

    assert _locations("masterclasses") == [
        f"{SITE}{published.get_absolute_url()}",
        f"{SITE}{finished.get_absolute_url()}",
    ]


def test_published_blog_posts_of_public_profiles_only():
    post = BlogPostFactory()
    BlogPostFactory(status=BlogPost.Status.DRAFT, published_at=None)
    BlogPostFactory(is_hidden=True)
    for change in ({"indexable": False}, {"is_hidden": True}):
        other = BlogPostFactory()
        Profile.objects.filter(user=other.author).update(**change)
    gone = BlogPostFactory()
    gone.author.is_active = False
    gone.author.save()

    assert _locations("blog") == [f"{SITE}{post.get_absolute_url()}"]


def test_profiles_visible_to_everyone_and_indexable_only():
    public = UserFactory()
    for change in (
        {"indexable": False},
        {"is_hidden": True},
        {"deleted_at": timezone.now()},
    ):
        Profile.objects.filter(user=UserFactory()).update(**change)
    UserFactory(is_active=False)

    assert _locations("members") == [f"{SITE}/u/{public.username}/"]


def test_sections_are_paged_by_djangos_paging(monkeypatch):
    monkeypatch.setattr(PublicSitemap, "limit", 20)
    section = SectionFactory()
    TopicFactory.create_batch(45, section=section)

    root = _xml(Client().get("/sitemap.xml"))
    locations = [node.text for node in root.iter(f"{NS}loc")]
    topics = f"{SITE}/sitemap-forum-topics.xml"
    assert [topics, f"{topics}?p=2", f"{topics}?p=3"] == [
        location for location in locations if location.startswith(topics)
    ]
    assert len(_locations("forum-topics", 1)) == 20
    assert len(_locations("forum-topics", 3)) == 5
    page = reverse("sitemap_section", args=["forum-topics"])
    assert Client().get(page + "?p=4").status_code == 404


def test_unknown_section_is_404():
    assert Client().get("/sitemap-nothing.xml").status_code == 404


def test_fixed_number_of_queries_per_page(django_assert_max_num_queries):
    for _index in range(55):
        post = BlogPostFactory()
        TopicFactory()
    MaterialFactory.create_batch(3)
    assert post

    # Two a section: its newest date and its count.
    with django_assert_max_num_queries(2 * len(SECTIONS)):
        Client().get("/sitemap.xml")
    for section in SECTIONS:
        with django_assert_max_num_queries(3):
            response = Client().get(reverse("sitemap_section", args=[section]))
        assert response.status_code == 200
    assert len(_locations("members")) == 55 + 55 + 3
    assert len(_locations("blog")) == 55


# --- robots.txt -------------------------------------------------------------------


def _rules() -> tuple[list[str], str]:
    response = Client().get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    disallowed = re.findall(r"^Disallow: (\S+)$", text, re.MULTILINE)
    return disallowed, text


def _blocked(path: str, disallowed: list[str]) -> bool:
    """As crawlers read a rule: a prefix, ``*`` for anything."""
    return any(
        re.match(re.escape(rule).replace(r"\*", ".*"), path) for rule in disallowed
    )


def test_robots_names_the_sitemap_on_the_public_address():
    _disallowed, text = _rules()

    assert text.startswith("User-agent: *\n")
    assert f"\nSitemap: {SITE}/sitemap.xml\n" in text


def test_robots_keeps_crawlers_from_private_pages():
    disallowed, _text = _rules()

    for path in [
        reverse("admin:index"),
        reverse("account_login"),
        reverse("account_signup"),
        reverse("accounts:settings_profile"),
        reverse("accounts:settings_privacy"),
        reverse("accounts:settings_devices"),
        reverse("accounts:bookmarks"),
        reverse("notifications"),
        reverse("report", args=["topic", 1]),
        reverse("report_resolve", args=[1]),
        reverse("standing"),
        reverse("search") + "?q=дроби",
        reverse("accounts:directory") + "?q=Анна",
        reverse("materials:catalogue") + "?subject=1&q=дроби",
        reverse("materials:download", args=[7, 12]),
        reverse("masterclasses:certificate", args=[3]),
        reverse("masterclasses:feed", args=["secret-token"]),
    ]:
        assert _blocked(path, disallowed), path


def test_robots_lets_crawlers_read_public_pages_and_feeds():
    disallowed, _text = _rules()

    for path in [
        "/",
        reverse("forums:index"),
        reverse("forums:section", args=["matematika"]),
        reverse("forums:topic", args=[1]),
        reverse("materials:catalogue"),
        reverse("materials:detail", args=[7]),
        reverse("masterclasses:list"),
        reverse("masterclasses:detail", args=[3]),
        reverse("masterclasses:feed_rss"),
        reverse("accounts:profile", args=["teacher1"]),
        reverse("sitemap_index"),
    ]:
        assert not _blocked(path, disallowed), path
