"""The installable site: the manifest, the worker at the root, the offline page,
the policy that lets them load, and which pages the worker may keep
(``community.installable``). The worker itself runs in
``test_browser_pwa.py``."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.urls import reverse
from PIL import Image

from accounts import services as accounts
from accounts.tests.factories import BlogPostFactory, UserFactory
from community.design import palette_tokens
from community.embed_providers import FRAME_SOURCES
from community.installable import KEEP_HEADER, reader_token, worker_source
from masterclasses import services as masterclasses
from masterclasses.tests.factories import MasterClassFactory
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db

STATIC = "/static/"
WORKER_SETTINGS = re.compile(r"\Aself\.KOLLEGI = (\{.*?\});\n", re.DOTALL)


def _manifest(client, query: str = "") -> dict:
    response = client.get(reverse("manifest") + query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    return json.loads(response.content)


def _worker(client) -> tuple[dict, str]:
    """The worker's settings and its source, as the browser gets them."""
    text = client.get("/sw.js").content.decode()
    found = WORKER_SETTINGS.match(text)
    assert found, text[:200]
    return json.loads(found.group(1)), text[found.end() :]


def _static_file(address: str) -> str:
    assert address.startswith(STATIC), address
    path = finders.find(address.removeprefix(STATIC))
    assert path, f"{address} is no static file"
    return path


def _worker_tag(content: str) -> str:
    found = re.search(r'<script src="[^"]*/js/sw-register\.js"[^>]*>', content)
    assert found, "no sw-register.js"
    return found.group(0)


# --- The manifest ---------------------------------------------------------------


def test_manifest_has_what_a_phone_installs_the_site_with(client):
    manifest = _manifest(client)

    assert manifest["name"] == "Коллеги"
    assert manifest["short_name"] == "Коллеги"
    assert manifest["description"].startswith("«Коллеги»")
    assert manifest["lang"] == "ru"
    assert manifest["start_url"] == "/"
    assert manifest["scope"] == "/"
    assert manifest["id"] == "/"
    assert manifest["display"] == "standalone"
    tokens = palette_tokens()
    assert manifest["theme_color"] == tokens["primary"] == "#1f4e79"
    assert manifest["background_color"] == tokens["surface"]
    assert manifest["shortcuts"] == [
        {"name": "Закладки", "url": "/bookmarks/"},
        {"name": "Мои мастер-классы", "url": "/masterclasses/mine/"},
    ]


def test_manifest_icons_exist_in_their_sizes_plain_and_maskable(client):
    icons = _manifest(client)["icons"]

    assert {(icon["sizes"], icon["purpose"]) for icon in icons} == {
        ("192x192", "any"),
        ("512x512", "any"),
        ("192x192", "maskable"),
        ("512x512", "maskable"),
    }
    for icon in icons:
        assert icon["type"] == "image/png"
        with Image.open(_static_file(icon["src"])) as picture:
            side = int(icon["sizes"].split("x")[0])
            assert picture.format == "PNG"
            assert picture.size == (side, side), icon["src"]
            corner = picture.convert("RGBA").getpixel((0, 0))
        # The phone cuts a maskable icon's shape itself: it fills the square.
        if icon["purpose"] == "maskable":
            assert corner[3] == 255, icon["src"]
        else:
            assert corner[3] == 0, icon["src"]


def test_manifest_reads_in_the_language_its_address_asks(client):
    manifest = _manifest(client, "?lang=en")

    assert manifest["name"] == "Kollegi"
    assert manifest["lang"] == "en"
    assert manifest["shortcuts"][0]["name"] == "Bookmarks"
    # An unknown language is the site's own.
    assert _manifest(client, "?lang=xx")["lang"] == "ru"


def test_every_page_links_the_manifest_the_theme_and_apples_icon(client):
    content = client.get("/").content.decode()

    assert '<link rel="manifest" href="/manifest.webmanifest?lang=ru">' in content
    assert '<meta name="theme-color" content="#1f4e79">' in content
    found = re.search(r'<link rel="apple-touch-icon" href="([^"]+)">', content)
    with Image.open(_static_file(found.group(1))) as picture:
        assert picture.size == (180, 180)
        assert picture.mode == "RGB"  # opaque: iOS rounds it itself


# --- The worker -----------------------------------------------------------------


def test_worker_is_served_at_the_root_as_javascript_asked_again_each_visit(client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    config, source = _worker(client)
    assert source == worker_source()
    assert reverse("service_worker") == "/sw.js"
    assert re.fullmatch(r"[0-9a-f]{12}", config["version"])


def test_worker_settings_name_the_lists_the_offline_page_and_push_words(client):
    config, _source = _worker(client)

    assert config["lists"] == ["/bookmarks/", "/masterclasses/mine/"]
    assert config["offline"] == "/offline/?lang=ru"
    assert config["keepHeader"] == KEEP_HEADER
    assert config["never"] == ["/admin/"]
    assert config["static"] == STATIC
    assert config["notifications"] == "/notifications/"
    assert config["lang"] == "ru"
    # A push it cannot read still shows «Коллеги» with a line of its own.
    assert config["text"] == {
        "title": "Коллеги",
        "body": "Для вас есть новое в «Коллегах».",
    }
    with Image.open(_static_file(config["icon"])) as picture:
        assert picture.size == (192, 192)


def test_worker_words_follow_the_members_language(client):
    member = UserFactory(profile__language="en")
    client.force_login(member)

    config, _source = _worker(client)

    assert config["lang"] == "en"
    assert config["offline"] == "/offline/?lang=en"
    assert config["text"]["title"] == "Kollegi"


def test_worker_renews_a_subscription_only_when_push_is_on(client, settings):
    settings.PUSH_ENABLED = False
    assert _worker(client)[0]["push"] is None
    cache.clear()  # a visitor's /sw.js is kept by the page cache

    settings.PUSH_ENABLED = True
    settings.PUSH_VAPID_PUBLIC_KEY = "BPublicKey"
    settings.PUSH_VAPID_PRIVATE_KEY = "private"
    config, _source = _worker(client)

    assert config["push"] == {
        "key": "BPublicKey",
        "page": "/settings/devices/",
        "add": "/settings/devices/add/",
    }
    assert "private" not in json.dumps(config)


def test_pages_tell_the_worker_who_reads_them(client):
    visitor = _worker_tag(client.get("/").content.decode())
    assert 'data-worker="/sw.js"' in visitor
    assert 'data-reader=""' in visitor
    assert "defer" in visitor

    first, second = UserFactory(), UserFactory()
    client.force_login(first)
    tag = _worker_tag(client.get("/").content.decode())
    assert f'data-reader="{reader_token(first)}"' in tag
    assert re.fullmatch(r"[0-9a-f]{20}", reader_token(first))
    assert reader_token(first) != reader_token(second)
    assert str(first.pk) != reader_token(first)


# --- The offline page -----------------------------------------------------------


# A member's: the session (none where Redis keeps it) and the member.
@pytest.mark.parametrize(("signed_in", "queries"), [(False, 0), (True, 2)])
def test_offline_page_reads_in_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, signed_in, queries
):
    if signed_in:
        client.force_login(UserFactory())
        client.get("/")  # the unread counts are cached from here on

    with django_assert_max_num_queries(queries):
        response = client.get(reverse("offline"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "<title>Нет соединения · Коллеги</title>" in content
    assert 'href="/bookmarks/"' in content
    assert 'href="/masterclasses/mine/"' in content
    assert '<meta name="robots" content="noindex, nofollow">' in content
    # Shown in place of any page, it names no reader: the worker keeps what
    # it kept.
    assert "data-reader" not in _worker_tag(content)


def test_offline_page_reads_in_the_language_its_address_asks(client):
    response = client.get(reverse("offline") + "?lang=en")

    assert response["Content-Language"] == "en"
    assert '<html lang="en"' in response.content.decode()
    assert '<h1 class="h3">No connection</h1>' in response.content.decode()


def test_offline_page_names_only_static_files_that_exist(client):
    """The worker fetches every static file the offline page names at install."""
    content = client.get(reverse("offline") + "?lang=ru").content.decode()
    named = {
        address.split("#")[0]
        for address in re.findall(r'\s(?:src|href)="(/static/[^"]+)"', content)
    }

    assert {"/static/css/design.css", "/static/js/sw-register.js"} <= named
    for address in named:
        _static_file(address)


# --- The policy -----------------------------------------------------------------


def test_policy_lets_the_worker_and_manifest_load_and_frames_only_from_players(
    client,
):
    policy = client.get("/")["Content-Security-Policy"]
    directives = {
        part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()
    }

    assert directives["worker-src"] == ["'self'"]
    assert directives["manifest-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert sorted(directives["frame-src"]) == sorted(FRAME_SOURCES)
    assert FRAME_SOURCES
    # The worker's own script runs under the same policy.
    assert client.get("/sw.js")["Content-Security-Policy"] == policy


# --- What the worker may keep ---------------------------------------------------


def test_bookmarks_are_kept_with_the_materials_they_list(client, member):
    material = MaterialFactory()
    post = BlogPostFactory()
    accounts.bookmark_set(user=member, key="material", object_id=material.pk, on=True)
    accounts.bookmark_set(user=member, key="blogpost", object_id=post.pk, on=True)
    client.force_login(member)

    response = client.get(reverse("accounts:bookmarks"))

    assert response[KEEP_HEADER] == reader_token(member)
    content = response.content.decode()
    assert f'href="{material.get_absolute_url()}" data-offline-keep>' in content
    assert f'href="{post.get_absolute_url()}">' in content  # not a material


def test_my_masterclasses_are_kept_with_those_she_attends_and_hosts(client, member):
    attended = MasterClassFactory()
    masterclasses.register(masterclass=attended, user=member)
    hosted = MasterClassFactory(host=member)
    client.force_login(member)

    response = client.get(reverse("masterclasses:mine"))

    assert response[KEEP_HEADER] == reader_token(member)
    content = response.content.decode()
    for masterclass in (attended, hosted):
        assert f'href="{masterclass.get_absolute_url()}" data-offline-keep>' in content


def test_a_material_is_keepable_only_for_who_bookmarked_it(client, member):
    material = MaterialFactory()
    accounts.bookmark_set(user=member, key="material", object_id=material.pk, on=True)
    url = material.get_absolute_url()

    assert KEEP_HEADER not in client.get(url)  # a visitor keeps nothing
    client.force_login(UserFactory())
    assert KEEP_HEADER not in client.get(url)
    client.force_login(member)
    assert client.get(url)[KEEP_HEADER] == reader_token(member)
    accounts.bookmark_set(user=member, key="material", object_id=material.pk, on=False)
    assert KEEP_HEADER not in client.get(url)


def test_a_masterclass_is_keepable_for_who_attends_or_hosts_it(client, member):
    masterclass = MasterClassFactory()
    url = masterclass.get_absolute_url()

    assert KEEP_HEADER not in client.get(url)
    client.force_login(member)
    assert KEEP_HEADER not in client.get(url)
    masterclasses.register(masterclass=masterclass, user=member)
    assert client.get(url)[KEEP_HEADER] == reader_token(member)
    masterclasses.registration_cancel(masterclass=masterclass, user=member)
    assert KEEP_HEADER not in client.get(url)
    client.force_login(masterclass.host)
    assert client.get(url)[KEEP_HEADER] == reader_token(masterclass.host)


def test_worker_keeps_fifty_pages_unless_the_setting_says_otherwise(client, settings):
    assert settings.OFFLINE_MAX_PAGES == 50
    assert _worker(client)[0]["maxPages"] == 50
    content = client.get(reverse("offline")).content.decode()
    assert "не больше 50 последних открытых страниц" in content
    cache.clear()  # a visitor's /sw.js and pages are kept by the page cache

    settings.OFFLINE_MAX_PAGES = 4
    assert _worker(client)[0]["maxPages"] == 4
    content = client.get(reverse("offline") + "?lang=en").content.decode()
    assert "the last 4 pages you had" in content


def test_the_admin_and_posts_are_never_marked_for_keeping(client, moderator):
    material = MaterialFactory()
    accounts.bookmark_set(
        user=moderator, key="material", object_id=material.pk, on=True
    )
    client.force_login(moderator)

    assert KEEP_HEADER not in client.get(reverse("admin:index"))
    response = client.post(
        reverse("accounts:bookmark_toggle"),
        {
            "key": "material",
            "object_id": material.pk,
            "on": "0",
            "next": reverse("accounts:bookmarks"),
        },
    )
    assert response.status_code == 302
    assert KEEP_HEADER not in response
