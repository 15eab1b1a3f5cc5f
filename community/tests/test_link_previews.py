"""Link previews (VK, Telegram, e-mail) and canonical addresses of public pages."""

import html
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.models import BlogPost, Profile
from accounts.tests.factories import BlogPostFactory, UserFactory
from community.templatetags.seo import PRIVATE_PREFIXES
from forums.tests.factories import TopicFactory
from masterclasses.models import MasterClass
from masterclasses.tests.factories import MasterClassFactory
from materials.models import Material
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db

SITE = "https://kollegi.example"
CARD = f"{SITE}/static/img/site-card.png"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def _meta(response, key: str) -> str | None:
    """The content of <meta property|name=key>, unescaped; None when absent."""
    found = re.search(
        rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"',
        response.content.decode(),
    )
    return html.unescape(found[1]) if found else None


def _canonical(response) -> str | None:
    found = re.search(
        r'<link rel="canonical" href="([^"]*)"', response.content.decode()
    )
    return html.unescape(found[1]) if found else None


def _assert_preview(response, *, path: str) -> None:
    assert response.status_code == 200
    for key in ("og:title", "og:description", "og:type", "og:image", "twitter:card"):
        assert _meta(response, key), key
    assert _meta(response, "og:site_name") == "Коллеги"
    assert _meta(response, "og:url") == f"{SITE}{path}"
    assert _canonical(response) == f"{SITE}{path}"


def _avatar(user, name: str = "avatars/2025/01/anna.png") -> str:
    Profile.objects.filter(user=user).update(avatar=name)
    cache.clear()  # the visitors' page cache: no service moved it on
    return f"{SITE}/media/{name}"


def test_home_has_a_preview_with_the_site_card(client):
    response = client.get("/")

    _assert_preview(response, path="/")
    assert _meta(response, "og:image") == CARD
    assert _meta(response, "twitter:card") == "summary_large_image"


def test_a_topic_has_an_escaped_preview_and_the_site_card(client):
    topic = TopicFactory(title='Дроби "на глаз" & <b>жирно</b>')

    response = client.get(topic.get_absolute_url())

    _assert_preview(response, path=topic.get_absolute_url())
    assert _meta(response, "og:title") == 'Дроби "на глаз" & <b>жирно</b>'
    assert "&lt;b&gt;жирно&lt;/b&gt;" in response.content.decode()
    assert _meta(response, "og:image") == CARD


def test_a_topic_description_keeps_list_items_apart(client):
    topic = TopicFactory(
        opening__body="- Сначала — на глаз\n- Потом — на бумаге",
        opening__body_html=(
            "<ul>\n<li>Сначала — на глаз</li>\n<li>Потом — на бумаге</li>\n</ul>"
        ),
    )

    response = client.get(topic.get_absolute_url())

    assert _meta(response, "description") == "Сначала — на глаз. Потом — на бумаге"
    assert _meta(response, "og:description") == "Сначала — на глаз. Потом — на бумаге"


def test_a_material_shows_its_authors_avatar_else_the_site_card(client):
    material = MaterialFactory(title="Урок «Дроби» & задачи")
    response = client.get(material.get_absolute_url())
    _assert_preview(response, path=material.get_absolute_url())
    assert _meta(response, "og:title") == "Урок «Дроби» & задачи"
    assert _meta(response, "og:image") == CARD

    avatar = _avatar(material.author)
    response = client.get(material.get_absolute_url())
    assert _meta(response, "og:image") == avatar
    assert _meta(response, "twitter:card") == "summary"


def test_a_material_drops_the_avatar_of_a_profile_closed_to_search_engines(client):
    material = MaterialFactory()
    _avatar(material.author)
    Profile.objects.filter(user=material.author).update(indexable=False)

    response = client.get(material.get_absolute_url())

    assert _meta(response, "og:image") == CARD


def test_a_masterclass_shows_its_cover_else_its_hosts_avatar(client):
    masterclass = MasterClassFactory()
    response = client.get(masterclass.get_absolute_url())
    _assert_preview(response, path=masterclass.get_absolute_url())
    assert _meta(response, "og:image") == CARD

    avatar = _avatar(masterclass.host)
    response = client.get(masterclass.get_absolute_url())
    assert _meta(response, "og:image") == avatar

    MasterClass.objects.filter(pk=masterclass.pk).update(cover="masterclasses/c.png")
    cache.clear()
    response = client.get(masterclass.get_absolute_url())
    assert _meta(response, "og:image") == f"{SITE}/media/masterclasses/c.png"
    assert _meta(response, "twitter:card") == "summary_large_image"


def test_a_profile_shows_the_members_avatar(client):
    user = UserFactory(profile__display_name='Анна "Учитель" <Морозова>')
    path = reverse("accounts:profile", args=[user.username])
    response = client.get(path)
    _assert_preview(response, path=path)
    assert _meta(response, "og:title") == 'Анна "Учитель" <Морозова>'
    assert _meta(response, "og:image") == CARD

    avatar = _avatar(user)
    assert _meta(client.get(path), "og:image") == avatar


def test_canonical_drops_tracking_and_filters_and_keeps_a_later_page(client):
    path = reverse("materials:catalogue")

    tracked = client.get(path, {"utm_source": "vk", "utm_medium": "post"})
    filtered = client.get(path, {"sort": "new", "page": "2"})
    later = client.get(path, {"page": "2", "utm_source": "vk"})
    first = client.get(path, {"page": "1"})

    assert _canonical(tracked) == f"{SITE}{path}"
    assert _canonical(filtered) == f"{SITE}{path}"
    assert _canonical(later) == f"{SITE}{path}?page=2"
    assert _canonical(first) == f"{SITE}{path}"


@pytest.mark.parametrize(
    "name",
    [
        "accounts:settings_profile",
        "accounts:settings_devices",
        "accounts:bookmarks",
        "notifications",
    ],
)
def test_a_members_own_pages_are_noindex_without_a_preview(member_client, name):
    response = member_client.get(reverse(name))

    assert response.status_code == 200
    assert _meta(response, "robots") == "noindex, nofollow"
    assert _meta(response, "og:title") is None
    assert _meta(response, "og:image") is None
    assert _canonical(response) is None


def test_drafts_are_noindex_without_a_preview(client):
    material = MaterialFactory(status=Material.Status.DRAFT, published_at=None)
    masterclass = MasterClassFactory(status=MasterClass.Status.DRAFT)
    post = BlogPostFactory(status=BlogPost.Status.DRAFT, published_at=None)

    for obj, author in (
        (material, material.author),
        (masterclass, masterclass.host),
        (post, post.author),
    ):
        client.force_login(author)
        response = client.get(obj.get_absolute_url())
        assert response.status_code == 200, obj
        assert _meta(response, "robots") == "noindex, nofollow", obj
        assert _meta(response, "og:title") is None, obj
        assert _canonical(response) is None, obj


def test_every_prefix_robots_txt_disallows_is_a_private_page(client):
    lines = client.get("/robots.txt").content.decode().splitlines()
    disallowed = [
        line.split(":", 1)[1].strip()
        for line in lines
        if line.startswith("Disallow:") and "*" not in line
    ]

    search = reverse("search")
    admin = reverse("admin:index")
    assert set(disallowed) - {search, admin} <= set(PRIVATE_PREFIXES)
