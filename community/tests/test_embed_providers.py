"""The provider registry: which links become cards, their canonical addresses
and players, and the links that stay links (look-alike hosts, other schemes,
malformed identifiers)."""

import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest

from community.embed_providers import (
    DOCUMENT,
    FRAME_SOURCES,
    PROVIDERS,
    VIDEO,
    embed_match,
    provider,
)

RUTUBE_ID = "0123456789abcdef0123456789abcdef"
YOUTUBE_ID = "dQw4w9WgXcQ"
GOOGLE_ID = "1AbCdEfGhIjKlMnOpQrStUvWxYz_0123456789"
PUBLISHED_ID = "2PACX-1vRabcdefghijklmnopqrstuvwxyz0123456789"
DOCS_SOURCE = "ya-disk-public%3A%2F%2FAbC%2BdEf%3D"

# (link as a member pastes it, provider, canonical address, player address)
KNOWN = [
    # RuTube: a video's page, a short, a private link, pasted players.
    (
        f"https://rutube.ru/video/{RUTUBE_ID}/",
        "rutube",
        f"https://rutube.ru/video/{RUTUBE_ID}/",
        f"https://rutube.ru/play/embed/{RUTUBE_ID}/",
    ),
    (
        f"http://www.rutube.ru/video/{RUTUBE_ID.upper()}?r=wd&utm_source=vk",
        "rutube",
        f"https://rutube.ru/video/{RUTUBE_ID}/",
        f"https://rutube.ru/play/embed/{RUTUBE_ID}/",
    ),
    (
        f"https://rutube.ru/shorts/{RUTUBE_ID}/",
        "rutube",
        f"https://rutube.ru/shorts/{RUTUBE_ID}/",
        f"https://rutube.ru/play/embed/{RUTUBE_ID}/",
    ),
    (
        f"https://rutube.ru/video/private/{RUTUBE_ID}/?p=Ab-c_9&r=plwd",
        "rutube",
        f"https://rutube.ru/video/private/{RUTUBE_ID}/?p=Ab-c_9",
        f"https://rutube.ru/play/embed/{RUTUBE_ID}/?p=Ab-c_9",
    ),
    (
        f"https://rutube.ru/play/embed/{RUTUBE_ID}",
        "rutube",
        f"https://rutube.ru/video/{RUTUBE_ID}/",
        f"https://rutube.ru/play/embed/{RUTUBE_ID}/",
    ),
    (
        f"https://rutube.ru/play/embed/{RUTUBE_ID}/?p=null",
        "rutube",
        f"https://rutube.ru/video/{RUTUBE_ID}/",
        f"https://rutube.ru/play/embed/{RUTUBE_ID}/",
    ),
    (
        f"https://rutube.ru/video/embed/{RUTUBE_ID}",
        "rutube",
        f"https://rutube.ru/video/{RUTUBE_ID}/",
        f"https://rutube.ru/play/embed/{RUTUBE_ID}/",
    ),
    # VK Video: only links that carry the player's oid, id and hash — pages
    # on both hosts with their hash, clips, a video over a page, players.
    (
        "https://vk.com/video-22822305_456241864?hash=9f8e7d6c",
        "vk",
        "https://vkvideo.ru/video-22822305_456241864",
        "https://vkvideo.ru/video_ext.php?oid=-22822305&id=456241864&hash=9f8e7d6c",
    ),
    (
        "https://vkvideo.ru/video123_456?t=1m2s&hash=ab12",
        "vk",
        "https://vkvideo.ru/video123_456",
        "https://vkvideo.ru/video_ext.php?oid=123&id=456&hash=ab12",
    ),
    (
        "https://m.vk.com/clip-1_2?hash=ab12",
        "vk",
        "https://vkvideo.ru/video-1_2",
        "https://vkvideo.ru/video_ext.php?oid=-1&id=2&hash=ab12",
    ),
    (
        "https://vk.com/club1?z=video-1_2%2Fvideos-1%2Fpl_-1_-2&hash=ab12",
        "vk",
        "https://vkvideo.ru/video-1_2",
        "https://vkvideo.ru/video_ext.php?oid=-1&id=2&hash=ab12",
    ),
    (
        "https://vk.com/video-1_2?list=ln-AbC123&hash=ab12",
        "vk",
        "https://vkvideo.ru/video-1_2?list=ln-AbC123",
        "https://vkvideo.ru/video_ext.php?oid=-1&id=2&hash=ab12",
    ),
    (
        "https://vk.com/video_ext.php?oid=-1&id=2&hash=0a1b2c3d&hd=2",
        "vk",
        "https://vkvideo.ru/video-1_2",
        "https://vk.com/video_ext.php?oid=-1&id=2&hash=0a1b2c3d",
    ),
    (
        "https://vkvideo.ru/video_ext.php?oid=5&id=6&hash=ff",
        "vk",
        "https://vkvideo.ru/video5_6",
        "https://vkvideo.ru/video_ext.php?oid=5&id=6&hash=ff",
    ),
    # YouTube: every form of link, always the no-cookie player.
    (
        f"https://www.youtube.com/watch?v={YOUTUBE_ID}&feature=share&si=xyz",
        "youtube",
        f"https://www.youtube.com/watch?v={YOUTUBE_ID}",
        f"https://www.youtube-nocookie.com/embed/{YOUTUBE_ID}",
    ),
    (
        f"https://youtu.be/{YOUTUBE_ID}?si=abc",
        "youtube",
        f"https://www.youtube.com/watch?v={YOUTUBE_ID}",
        f"https://www.youtube-nocookie.com/embed/{YOUTUBE_ID}",
    ),
    (
        f"https://m.youtube.com/shorts/{YOUTUBE_ID}",
        "youtube",
        f"https://www.youtube.com/watch?v={YOUTUBE_ID}",
        f"https://www.youtube-nocookie.com/embed/{YOUTUBE_ID}",
    ),
    (
        f"https://youtube.com/embed/{YOUTUBE_ID}?autoplay=1",
        "youtube",
        f"https://www.youtube.com/watch?v={YOUTUBE_ID}",
        f"https://www.youtube-nocookie.com/embed/{YOUTUBE_ID}",
    ),
    (
        f"https://www.youtube.com/live/{YOUTUBE_ID}",
        "youtube",
        f"https://www.youtube.com/watch?v={YOUTUBE_ID}",
        f"https://www.youtube-nocookie.com/embed/{YOUTUBE_ID}",
    ),
    (
        f"https://www.youtube-nocookie.com/embed/{YOUTUBE_ID}",
        "youtube",
        f"https://www.youtube.com/watch?v={YOUTUBE_ID}",
        f"https://www.youtube-nocookie.com/embed/{YOUTUBE_ID}",
    ),
    # Yandex Disk: files and folders, the short host, always disk.yandex.ru.
    (
        "https://disk.yandex.ru/i/AbCd_Ef-12",
        "yandex_disk",
        "https://disk.yandex.ru/i/AbCd_Ef-12",
        "https://disk.yandex.ru/i/AbCd_Ef-12",
    ),
    (
        "https://yadi.sk/d/AbCdEf?utm_campaign=x",
        "yandex_disk",
        "https://disk.yandex.ru/d/AbCdEf",
        "https://disk.yandex.ru/d/AbCdEf",
    ),
    (
        "https://disk.yandex.com/i/AbCdEf/",
        "yandex_disk",
        "https://disk.yandex.ru/i/AbCdEf",
        "https://disk.yandex.ru/i/AbCdEf",
    ),
    # Yandex Documents: the viewer of a public file.
    (
        f"https://docs.yandex.ru/docs/view?url={DOCS_SOURCE}&name=plan.docx&nosw=1",
        "yandex_docs",
        f"https://docs.yandex.ru/docs/view?url={DOCS_SOURCE}&name=plan.docx",
        f"https://docs.yandex.ru/docs/view?url={DOCS_SOURCE}&name=plan.docx",
    ),
    # Google: documents, slides, sheets; shared and published.
    (
        f"https://docs.google.com/document/d/{GOOGLE_ID}/edit?usp=sharing",
        "google_docs",
        f"https://docs.google.com/document/d/{GOOGLE_ID}/edit",
        f"https://docs.google.com/document/d/{GOOGLE_ID}/preview",
    ),
    (
        f"https://docs.google.com/presentation/u/0/d/{GOOGLE_ID}/view",
        "google_docs",
        f"https://docs.google.com/presentation/d/{GOOGLE_ID}/edit",
        f"https://docs.google.com/presentation/d/{GOOGLE_ID}/preview",
    ),
    (
        f"https://docs.google.com/spreadsheets/d/{GOOGLE_ID}/edit#gid=0",
        "google_docs",
        f"https://docs.google.com/spreadsheets/d/{GOOGLE_ID}/edit",
        f"https://docs.google.com/spreadsheets/d/{GOOGLE_ID}/preview",
    ),
    (
        f"https://docs.google.com/document/d/{GOOGLE_ID}",
        "google_docs",
        f"https://docs.google.com/document/d/{GOOGLE_ID}/edit",
        f"https://docs.google.com/document/d/{GOOGLE_ID}/preview",
    ),
    (
        f"https://docs.google.com/document/d/e/{PUBLISHED_ID}/pub",
        "google_docs",
        f"https://docs.google.com/document/d/e/{PUBLISHED_ID}/pub",
        f"https://docs.google.com/document/d/e/{PUBLISHED_ID}/pub?embedded=true",
    ),
    (
        f"https://docs.google.com/presentation/d/e/{PUBLISHED_ID}/pub?start=false",
        "google_docs",
        f"https://docs.google.com/presentation/d/e/{PUBLISHED_ID}/pub",
        f"https://docs.google.com/presentation/d/e/{PUBLISHED_ID}/embed",
    ),
    (
        f"https://docs.google.com/spreadsheets/d/e/{PUBLISHED_ID}/pubhtml",
        "google_docs",
        f"https://docs.google.com/spreadsheets/d/e/{PUBLISHED_ID}/pubhtml",
        f"https://docs.google.com/spreadsheets/d/e/{PUBLISHED_ID}"
        "/pubhtml?widget=true&headers=false",
    ),
]

UNKNOWN = [
    # Not a provider, or a host that only looks like one.
    "https://example.com/video/" + RUTUBE_ID,
    f"https://rutube.ru.evil.com/video/{RUTUBE_ID}/",
    f"https://evilrutube.ru/video/{RUTUBE_ID}/",
    f"https://rutube.ru.:443/video/{RUTUBE_ID}/",
    f"https://rutube.ru./video/{RUTUBE_ID}/",
    f"https://xn--rutube-9ua.ru/video/{RUTUBE_ID}/",
    "https://youtube.com.evil.example/watch?v=" + YOUTUBE_ID,
    "https://notyoutube.com/watch?v=" + YOUTUBE_ID,
    "https://docs.google.com.evil.com/document/d/" + GOOGLE_ID,
    "https://vk.com.ru/video-1_2",
    "https://drive.google.com/file/d/" + GOOGLE_ID + "/view",
    # A user name, a password, another port, an empty port, an address.
    f"https://rutube.ru@evil.com/video/{RUTUBE_ID}/",
    f"https://evil.com@rutube.ru/video/{RUTUBE_ID}/",
    f"https://user:pass@rutube.ru/video/{RUTUBE_ID}/",
    f"https://rutube.ru:8443/video/{RUTUBE_ID}/",
    f"http://rutube.ru:443/video/{RUTUBE_ID}/",
    f"https://rutube.ru:/video/{RUTUBE_ID}/",
    f"https://rutube.ru:abc/video/{RUTUBE_ID}/",
    f"https://[::1]/video/{RUTUBE_ID}/",
    # Other schemes, none, or not a link at all.
    f"javascript://rutube.ru/video/{RUTUBE_ID}/%0aalert(1)",
    f"ftp://rutube.ru/video/{RUTUBE_ID}/",
    f"//rutube.ru/video/{RUTUBE_ID}/",
    f"rutube.ru/video/{RUTUBE_ID}/",
    f"data:text/html,https://rutube.ru/video/{RUTUBE_ID}/",
    "",
    "   ",
    "https://",
    "https://" + "a" * 3000 + ".ru/",
    f"https://rutube.ru/video/{RUTUBE_ID}/\nhttps://evil.com/",
    f"https://rutube.ru/video/{RUTUBE_ID}/ x",
    f"https://rutube.ru\\@evil.com/video/{RUTUBE_ID}/",
    # RuTube: short or wrong identifiers, other pages, a private link
    # without its key, a key of the wrong shape.
    "https://rutube.ru/video/0123456789abcdef/",
    f"https://rutube.ru/video/{RUTUBE_ID}0/",
    f"https://rutube.ru/video/{RUTUBE_ID[:-1]}g/",
    f"https://rutube.ru/video/{RUTUBE_ID}/extra/",
    f"https://rutube.ru/video/%30{RUTUBE_ID[1:]}/",
    f"https://rutube.ru/video/../video/{RUTUBE_ID}/",
    "https://rutube.ru/channel/123/",
    "https://rutube.ru/",
    f"https://rutube.ru/video/private/{RUTUBE_ID}/",
    f"https://rutube.ru/video/private/{RUTUBE_ID}/?p=a%22b",
    f"https://rutube.ru/video/{RUTUBE_ID}/?p=1&p=2",
    # VK: without the hash its player needs (most page links, a pasted
    # player cut short), an empty or malformed hash.
    "https://vk.com/video-22822305_456241864",
    "https://vkvideo.ru/video123_456?t=1m2s",
    "https://m.vk.com/clip-1_2",
    "https://vk.com/club1?z=video-1_2%2Fvideos-1%2Fpl_-1_-2",
    "https://vk.com/video-1_2?list=ln-AbC123",
    "https://vkvideo.ru/video_ext.php?oid=-22822305&id=456241864",
    "https://vk.com/video_ext.php?oid=-1&id=2&hd=2",
    "https://vk.com/video_ext.php?oid=-1&id=2&hash=",
    "https://vkvideo.ru/video-1_2?hash=a-b",
    "https://vkvideo.ru/video-1_2?hash=ab&hash=cd",
    # VK: no video, identifiers not numbers, a player without one.
    "https://vk.com/id1",
    "https://vk.com/video",
    "https://vk.com/videoabc_1",
    "https://vk.com/video-1_2x",
    "https://vk.com/video-1_2/extra",
    "https://vk.com/feed?z=photo-1_2",
    "https://vk.com/video_ext.php?oid=-1",
    "https://vk.com/video_ext.php?oid=x&id=2",
    "https://vk.com/video_ext.php?oid=-1&id=2&hash=a%22b",
    "https://vk.com/video-1_2?list=a%3Cb",
    # YouTube: ids of the wrong length or characters, lists, channels.
    "https://www.youtube.com/watch?v=short",
    "https://www.youtube.com/watch?v=" + YOUTUBE_ID + "x",
    "https://www.youtube.com/watch?v=dQw4w9WgXc%22",
    "https://www.youtube.com/watch",
    "https://www.youtube.com/watch?v=" + YOUTUBE_ID + "&v=" + YOUTUBE_ID,
    "https://www.youtube.com/embed/videoseries?list=PL123",
    "https://www.youtube.com/embed/live_stream?channel=UC1",
    "https://www.youtube.com/playlist?list=PL123",
    "https://www.youtube.com/@channel",
    "https://youtu.be/",
    "https://youtu.be/" + YOUTUBE_ID + "/extra",
    "https://www.youtube-nocookie.com/",
    # Yandex: private Disk pages, keys too short, other viewer sources.
    "https://disk.yandex.ru/client/disk/Документы",
    "https://disk.yandex.ru/i/ab",
    "https://disk.yandex.ru/i/AbCdEf/inside.pdf",
    "https://disk.yandex.ru/x/AbCdEf",
    "https://docs.yandex.ru/docs/view?url=https%3A%2F%2Fevil.com%2Fa.pdf",
    "https://docs.yandex.ru/docs/view?url=ya-disk%3A%2F%2F%2Fdisk%2Fa.docx",
    "https://docs.yandex.ru/docs/view",
    "https://docs.yandex.ru/docs/edit?url=" + DOCS_SOURCE,
    # Google: forms, ids too short, other pages.
    "https://docs.google.com/forms/d/" + GOOGLE_ID + "/viewform",
    "https://docs.google.com/document/d/short/edit",
    "https://docs.google.com/document/d/e/notpublished/pub",
    "https://docs.google.com/document/",
    "https://docs.google.com/document/d/" + GOOGLE_ID + "/edit%3F",
]


@pytest.mark.parametrize(("link", "key", "canonical", "player"), KNOWN)
def test_a_known_link_makes_its_canonical_address_and_player(
    link, key, canonical, player
):
    target = embed_match(link)

    assert target is not None
    assert target.provider == key
    assert target.url == canonical
    assert target.player_url == player
    assert target.key == hashlib.sha256(canonical.encode()).hexdigest()[:32]
    assert target.kind == provider(key).kind


@pytest.mark.parametrize("link", UNKNOWN)
def test_an_unknown_or_malformed_link_stays_a_link(link):
    assert embed_match(link) is None


def test_the_same_video_by_different_links_has_one_key():
    links = [
        f"https://www.youtube.com/watch?v={YOUTUBE_ID}",
        f"https://youtu.be/{YOUTUBE_ID}?si=share",
        f"https://youtube.com/shorts/{YOUTUBE_ID}",
        f"https://www.youtube-nocookie.com/embed/{YOUTUBE_ID}",
    ]

    assert len({embed_match(link).key for link in links}) == 1


def test_a_pasted_vk_player_keeps_its_hash_but_not_in_the_key():
    page = embed_match("https://vkvideo.ru/video-1_2?hash=def")
    pasted = embed_match("https://vk.com/video_ext.php?oid=-1&id=2&hash=abc")

    assert page.key == pasted.key
    assert "hash=abc" in pasted.player_url
    assert "hash=def" in page.player_url
    assert "hash" not in pasted.url
    assert "hash" not in page.url


def test_every_vk_player_carries_oid_id_and_hash():
    for link, key, _canonical, _player in KNOWN:
        if key != "vk":
            continue
        query = parse_qs(urlsplit(embed_match(link).player_url).query)

        assert set(query) == {"oid", "id", "hash"}, link
        assert all(query[name][0] for name in query), link


def test_the_scheme_and_host_are_read_in_any_case():
    target = embed_match(f"HTTPS://RuTube.RU/video/{RUTUBE_ID}/")

    assert target.url == f"https://rutube.ru/video/{RUTUBE_ID}/"


def test_the_default_port_is_allowed():
    target = embed_match(f"https://rutube.ru:443/video/{RUTUBE_ID}/")

    assert target.url == f"https://rutube.ru/video/{RUTUBE_ID}/"


def test_a_document_viewer_link_names_its_file():
    target = embed_match(
        f"https://docs.yandex.ru/docs/view?url={DOCS_SOURCE}"
        "&name=%D0%9F%D0%BB%D0%B0%D0%BD%20%D1%83%D1%80%D0%BE%D0%BA%D0%B0.pdf"
    )

    assert target.title_hint == "План урока.pdf"
    assert target.kind == DOCUMENT
    assert "name=%D0%9F%D0%BB%D0%B0%D0%BD%20" in target.url


def test_canonical_addresses_and_players_are_https_on_the_providers_hosts():
    for link, key, _canonical, _player in KNOWN:
        target = embed_match(link)
        page, player = urlsplit(target.url), urlsplit(target.player_url)

        assert page.scheme == player.scheme == "https"
        assert page.hostname in provider(key).hosts
        assert player.hostname in provider(key).frame_hosts
        assert not page.fragment
        assert not player.fragment


def test_frame_sources_are_exactly_the_hosts_of_every_player_built():
    built = {urlsplit(embed_match(link).player_url).hostname for link, *_ in KNOWN}

    assert {f"https://{host}" for host in built} == set(FRAME_SOURCES)
    assert FRAME_SOURCES == [
        "https://rutube.ru",
        "https://vk.com",
        "https://vkvideo.ru",
        "https://www.youtube-nocookie.com",
        "https://disk.yandex.ru",
        "https://docs.yandex.ru",
        "https://docs.google.com",
    ]
    assert set(FRAME_SOURCES) == {
        f"https://{host}" for item in PROVIDERS for host in item.frame_hosts
    }


def test_every_provider_has_a_known_link_in_these_tests():
    assert {key for _link, key, *_ in KNOWN} == {item.key for item in PROVIDERS}


def test_providers_are_named_and_keyed_once_and_hosts_belong_to_one():
    keys = [item.key for item in PROVIDERS]
    hosts = [host for item in PROVIDERS for host in item.hosts]

    assert keys == [
        "rutube",
        "vk",
        "youtube",
        "yandex_disk",
        "yandex_docs",
        "google_docs",
    ]
    assert len(set(hosts)) == len(hosts)
    assert [item.name for item in PROVIDERS] == [
        "RuTube",
        "VK Видео",
        "YouTube",
        "Яндекс Диск",
        "Яндекс Документы",
        "Google Документы",
    ]
    assert {item.kind for item in PROVIDERS} == {VIDEO, DOCUMENT}


def test_an_unknown_provider_key_is_a_key_error():
    with pytest.raises(KeyError):
        provider("vimeo")


def test_a_value_that_is_not_text_is_no_link():
    assert embed_match(None) is None
