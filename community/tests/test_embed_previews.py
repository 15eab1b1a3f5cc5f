"""Titles and pictures of embedded links (``community.embed_previews``),
fetched from a server on 127.0.0.1 standing in for the services, and the
search entries of the texts that carry them."""

import datetime
import io
import json
from dataclasses import replace
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import AnonymousUser
from PIL import Image, PngImagePlugin

from community import embed_fetch, embed_previews
from community.changes import PUBLIC_PAGES
from community.embed_fetch import FetchFailed
from community.embed_previews import (
    embed_preview_fetch,
    embed_preview_hide,
    embed_previews_ensure,
    embed_previews_refresh,
    page_head,
    title_clean,
)
from community.embed_providers import PROVIDERS, embed_match
from community.generations import generation
from community.models import AuditEntry, EmbedPreview
from community.search import search
from community.tasks import embed_previews_fetch_task
from community.tests.local_web import LocalWeb, Route
from community.tests.races import together
from forums import services as forums
from forums.tests.factories import SectionFactory

pytestmark = pytest.mark.django_db

VIDEO = "https://rutube.ru/video/0123456789abcdef0123456789abcdef/"
OTHER_VIDEO = "https://rutube.ru/video/fedcba9876543210fedcba9876543210/"
YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
DISK = "https://disk.yandex.ru/i/AbCdEf123456"
# The names that reach the local server; any other is a failure of the test.
SERVED = {
    "rutube.ru",
    "pic.rutube.ru",
    "www.youtube.com",
    "i.ytimg.com",
    "cloud-api.yandex.net",
    "downloader.disk.yandex.ru",
}
Status = EmbedPreview.Status


def _png(width: int = 800, height: int = 450) -> bytes:
    output = io.BytesIO()
    extra = PngImagePlugin.PngInfo()
    extra.add_text("Comment", "a secret in the file")
    Image.new("RGB", (width, height), (200, 80, 40)).save(output, "PNG", pnginfo=extra)
    return output.getvalue()


def _json(data: dict) -> Route:
    return Route(
        body=json.dumps(data).encode(), headers={"Content-Type": "application/json"}
    )


def _rutube_oembed(url: str) -> str:
    """The path the local server is asked for RuTube's oEmbed of ``url``."""
    return "/api/oembed/?" + urlencode({"url": url, "format": "json"})


@pytest.fixture(autouse=True)
def _no_premoderation(settings):
    settings.MODERATION_PREMODERATED_POSTS = 0


@pytest.fixture
def sites(settings, monkeypatch):
    """Only here: fetching is on, the services' names resolve to the local
    server and its address passes the guard, and the services' endpoints are
    asked over http (the local server speaks no TLS)."""
    settings.EMBED_FETCH = True
    real_allowed = embed_fetch.address_allowed
    with LocalWeb() as web:

        def resolve(host: str, port: int) -> list[tuple[str, int]]:
            if host not in SERVED:
                raise FetchFailed("network", f"{host}: not served in tests")
            return [("127.0.0.1", web.port)]

        monkeypatch.setattr(embed_fetch, "resolve", resolve)
        monkeypatch.setattr(
            embed_fetch,
            "address_allowed",
            lambda address: address == "127.0.0.1" or real_allowed(address),
        )
        for key, source in embed_previews.SOURCES.items():
            if source.endpoint:
                plain = source.endpoint.replace("https://", "http://", 1)
                monkeypatch.setitem(
                    embed_previews.SOURCES, key, replace(source, endpoint=plain)
                )
        yield web


def _ensure(*urls: str) -> list[EmbedPreview]:
    targets = [embed_match(url) for url in urls]
    embed_previews_ensure(targets)
    return [EmbedPreview.objects.get(key=target.key) for target in targets]


def _rutube(web, url: str = VIDEO, *, title: str = "Дроби на пальцах") -> None:
    video = url.split("/")[-2]
    web.routes[_rutube_oembed(url)] = _json(
        {"title": title, "thumbnail_url": f"http://pic.rutube.ru/{video}.png"}
    )
    web.routes[f"/{video}.png"] = Route(
        body=_png(), headers={"Content-Type": "image/png"}
    )


def _hosts_asked(web) -> list[str]:
    return [headers["Host"] for _path, headers in web.requests]


# --- a fetch ---------------------------------------------------------------------


def test_fetch_takes_the_title_and_a_reencoded_picture(sites):
    _rutube(sites, title="  Дроби\n на   пальцах  ")
    [preview] = _ensure(VIDEO)

    fetched = embed_preview_fetch(preview.key)

    assert fetched.status == Status.FETCHED
    assert fetched.title == "Дроби на пальцах"
    assert fetched.fetched_at is not None
    assert fetched.claimed_at is None
    assert fetched.thumbnail.name.startswith("embeds/")
    assert "0123456789abcdef" not in fetched.thumbnail.name  # a name of ours
    stored = fetched.thumbnail.read()
    assert b"a secret in the file" not in stored  # re-encoded, not copied
    with Image.open(io.BytesIO(stored)) as picture:
        assert picture.format == "PNG"
        assert max(picture.size) <= embed_previews.PICTURE_SIDE
    assert _hosts_asked(sites) == ["rutube.ru", "pic.rutube.ru"]


def test_fetch_asks_youtube_and_yandex_disk_where_they_answer(sites):
    sites.routes["/oembed"] = _json(
        {
            "title": "Урок геометрии",
            "thumbnail_url": "http://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.png",
        }
    )
    sites.routes["/vi/dQw4w9WgXcQ/hqdefault.png"] = Route(body=_png())
    sites.routes["/v1/disk/public/resources"] = _json(
        {
            "name": "Рабочий лист.pdf",
            "preview": "http://downloader.disk.yandex.ru/preview/abc",
        }
    )
    sites.routes["/preview/abc"] = Route(body=_png(300, 400))
    youtube, disk = _ensure(YOUTUBE, DISK)

    assert embed_preview_fetch(youtube.key).title == "Урок геометрии"
    disk = embed_preview_fetch(disk.key)

    assert disk.title == "Рабочий лист.pdf"
    assert disk.thumbnail
    paths = [path for path, _headers in sites.requests]
    assert paths[0].startswith("/oembed?url=https%3A%2F%2Fwww.youtube.com%2F")
    assert paths[2].startswith("/v1/disk/public/resources?public_key=https%3A%2F%2F")
    assert _hosts_asked(sites) == [
        "www.youtube.com",
        "i.ytimg.com",
        "cloud-api.yandex.net",
        "downloader.disk.yandex.ru",
    ]


def test_fetch_of_a_failing_service_leaves_a_plain_card(sites):
    sites.routes["/api/oembed/"] = Route(status=500, body=b"down")
    [preview] = _ensure(VIDEO)

    fetched = embed_preview_fetch(preview.key)

    assert fetched.status == Status.FAILED
    assert fetched.fetched_at is not None
    assert fetched.title == ""
    assert not fetched.thumbnail


@pytest.mark.parametrize(
    "answer",
    [
        b"<html>not JSON</html>",
        b'["a list"]',
        b'{"title": 5, "thumbnail_url": ["x"]}',
    ],
)
def test_fetch_of_an_answer_that_says_nothing_fails(answer, sites):
    sites.routes["/api/oembed/"] = Route(body=answer)
    [preview] = _ensure(VIDEO)

    assert embed_preview_fetch(preview.key).status == Status.FAILED


@pytest.mark.parametrize(
    "picture",
    [
        "http://evil.example/x.png",  # not a host the service serves pictures from
        "http://127.0.0.1/x.png",
        "file:///etc/passwd",
        "http://pic.rutube.ru/not-a-picture",
        "http://pic.rutube.ru/missing.png",
    ],
)
def test_fetch_keeps_the_title_without_a_picture_it_may_not_take(picture, sites):
    sites.routes["/api/oembed/"] = _json({"title": "Дроби", "thumbnail_url": picture})
    sites.routes["/not-a-picture"] = Route(body=b"<html>hello</html>")
    [preview] = _ensure(VIDEO)

    fetched = embed_preview_fetch(preview.key)

    assert fetched.status == Status.FETCHED
    assert fetched.title == "Дроби"
    assert not fetched.thumbnail
    assert set(_hosts_asked(sites)) <= {"rutube.ru", "pic.rutube.ru"}


def test_fetch_keeps_a_title_at_most_300_characters(sites):
    _rutube(sites, title="Очень " * 100)
    [preview] = _ensure(VIDEO)

    assert len(embed_preview_fetch(preview.key).title) <= 300


def test_fetch_moves_visitors_pages_on(sites):
    _rutube(sites)
    [preview] = _ensure(VIDEO)
    before = generation(PUBLIC_PAGES)

    embed_preview_fetch(preview.key)

    assert generation(PUBLIC_PAGES) != before


def test_nothing_is_fetched_while_fetching_is_off(sites, settings):
    settings.EMBED_FETCH = False
    _rutube(sites)
    [preview] = _ensure(VIDEO)

    assert embed_preview_fetch(preview.key) is None
    assert sites.requests == []
    assert EmbedPreview.objects.get().status == Status.PENDING


def test_a_fetched_preview_is_not_fetched_again_until_it_is_old(sites):
    _rutube(sites)
    [preview] = _ensure(VIDEO)
    embed_preview_fetch(preview.key)
    asked = len(sites.requests)

    assert embed_preview_fetch(preview.key) is None
    assert len(sites.requests) == asked


# --- claims ----------------------------------------------------------------------


def test_a_row_a_live_worker_holds_is_left_to_it(sites):
    _rutube(sites)
    [preview] = _ensure(VIDEO)
    EmbedPreview.objects.filter(pk=preview.pk).update(
        claimed_at=datetime.datetime.now(datetime.UTC)
    )

    assert embed_preview_fetch(preview.key) is None
    assert sites.requests == []


def test_a_dead_workers_claim_is_taken_over(sites):
    _rutube(sites)
    [preview] = _ensure(VIDEO)
    EmbedPreview.objects.filter(pk=preview.pk).update(
        claimed_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
    )

    assert embed_preview_fetch(preview.key).status == Status.FETCHED


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_fetch_one_row_once(sites):
    # The service answers slowly, so both workers are at it at the same time.
    _rutube(sites)
    sites.routes[_rutube_oembed(VIDEO)].delay = 0.3
    [preview] = _ensure(VIDEO)
    results = []

    errors = together([lambda: results.append(embed_preview_fetch(preview.key))] * 2)

    assert errors == [None, None]
    assert sorted(result is None for result in results) == [False, True]
    assert [path for path, _headers in sites.requests].count(_rutube_oembed(VIDEO)) == 1


# --- the tasks ---------------------------------------------------------------------


def test_fetch_task_makes_the_rows_and_fetches_them_once(sites):
    _rutube(sites)
    _rutube(sites, OTHER_VIDEO, title="Проценты")
    targets = [embed_match(VIDEO), embed_match(OTHER_VIDEO)]
    payload = [[target.key, target.provider, target.url] for target in targets]

    assert embed_previews_fetch_task.delay(payload).get() == 2
    assert embed_previews_fetch_task.delay(payload).get() == 0

    assert sorted(EmbedPreview.objects.values_list("title", flat=True)) == [
        "Дроби на пальцах",
        "Проценты",
    ]
    assert len(sites.requests) == 4


def test_fetch_task_skips_a_link_whose_key_it_does_not_make(sites):
    _rutube(sites)
    target = embed_match(VIDEO)

    embed_previews_fetch_task.delay([["0" * 32, "rutube", target.url]])

    assert not EmbedPreview.objects.exists()
    assert sites.requests == []


def test_fetch_task_splits_a_long_list_into_batches(sites):
    urls = [f"https://rutube.ru/video/{number:032x}/" for number in range(25)]
    for url in urls:
        _rutube(sites, url, title=f"Видео {url[-6:-1]}")
    payload = [[t.key, t.provider, t.url] for t in map(embed_match, urls)]

    embed_previews_fetch_task.delay(payload)

    assert EmbedPreview.objects.filter(status=Status.FETCHED).count() == 25


def test_refresh_fetches_again_only_the_old_and_the_lost(
    sites, django_capture_on_commit_callbacks
):
    now = datetime.datetime.now(datetime.UTC)
    urls = [f"https://rutube.ru/video/{number:032x}/" for number in range(5)]
    for url in urls:
        _rutube(sites, url, title="Новое название")
    old, recent, failed, lost, waiting = _ensure(*urls)
    EmbedPreview.objects.filter(pk=old.pk).update(
        status=Status.FETCHED, title="Старое", fetched_at=now - datetime.timedelta(31)
    )
    EmbedPreview.objects.filter(pk=recent.pk).update(
        status=Status.FETCHED, title="Свежее", fetched_at=now - datetime.timedelta(5)
    )
    EmbedPreview.objects.filter(pk=failed.pk).update(
        status=Status.FAILED, fetched_at=now - datetime.timedelta(40)
    )
    # Pending for a day: its task was lost. ``waiting``'s is on its way.
    EmbedPreview.objects.filter(pk=lost.pk).update(
        created_at=now - datetime.timedelta(1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert embed_previews_refresh() == 3

    titles = dict(EmbedPreview.objects.values_list("pk", "title"))
    assert titles[old.pk] == "Новое название"
    assert titles[failed.pk] == "Новое название"
    assert titles[lost.pk] == "Новое название"
    assert titles[recent.pk] == "Свежее"
    assert EmbedPreview.objects.get(pk=waiting.pk).status == Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        assert embed_previews_refresh() == 0


def test_refresh_replaces_the_old_picture(sites, django_capture_on_commit_callbacks):
    _rutube(sites)
    [preview] = _ensure(VIDEO)
    first = embed_preview_fetch(preview.key).thumbnail.name
    EmbedPreview.objects.filter(pk=preview.pk).update(
        fetched_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(31)
    )

    with django_capture_on_commit_callbacks(execute=True):
        embed_previews_refresh()

    preview.refresh_from_db()
    storage = preview.thumbnail.storage
    assert preview.thumbnail.name != first
    assert storage.exists(preview.thumbnail.name)
    assert not storage.exists(first)


@pytest.mark.parametrize(
    ("answer", "kept"),
    [(Route(status=503), True), (Route(delay=1.0), True), (Route(status=404), False)],
)
def test_refresh_keeps_a_card_through_an_outage_but_not_a_removal(
    answer, kept, sites, settings
):
    _rutube(sites)
    [preview] = _ensure(VIDEO)
    embed_preview_fetch(preview.key)
    month_ago = datetime.datetime.now(datetime.UTC) - datetime.timedelta(31)
    EmbedPreview.objects.filter(pk=preview.pk).update(fetched_at=month_ago)
    sites.routes[_rutube_oembed(VIDEO)] = answer
    settings.EMBED_FETCH_TIMEOUT = 0.3

    embed_previews_fetch_task.delay([[preview.key, "rutube", VIDEO]])

    preview.refresh_from_db()
    assert preview.claimed_at is None
    if kept:
        # As it was, and due again at the next refresh.
        assert (preview.status, preview.title) == (Status.FETCHED, "Дроби на пальцах")
        assert preview.fetched_at == month_ago
    else:
        assert preview.status == Status.FAILED
        assert preview.fetched_at > month_ago


def test_a_first_fetch_that_meets_an_outage_fails(sites):
    sites.routes["/api/oembed/"] = Route(status=503)
    [preview] = _ensure(VIDEO)

    assert embed_preview_fetch(preview.key).status == Status.FAILED


def test_refresh_enqueues_nothing_while_fetching_is_off(
    settings, django_capture_on_commit_callbacks
):
    settings.EMBED_FETCH = False
    [preview] = _ensure(VIDEO)
    EmbedPreview.objects.filter(pk=preview.pk).update(
        created_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(1)
    )

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert embed_previews_refresh() == 0

    assert callbacks == []


def test_every_registered_service_has_a_source():
    assert {item.key for item in PROVIDERS} == set(embed_previews.SOURCES)


# --- search ---------------------------------------------------------------------


def _topic(member, body: str):
    return forums.topic_create(
        section=SectionFactory(), author=member, title="Урок в пятом", body=body
    )


def _found(text: str, user) -> list[str]:
    return [entry.url for entry in search(text=text, user=user).entries]


def test_a_word_of_the_title_finds_the_topic_with_the_link(
    sites, member, django_capture_on_commit_callbacks
):
    _rutube(sites)

    # The text's own save asks for the preview; its arrival indexes the text.
    with django_capture_on_commit_callbacks(execute=True):
        topic = _topic(member, f"Смотрите:\n\n{VIDEO}\n\nУдачи!")

    assert EmbedPreview.objects.get().status == Status.FETCHED
    assert _found("пальцах", member) == [topic.get_absolute_url()]
    assert _found("пальцах", AnonymousUser()) == [topic.get_absolute_url()]


def test_a_title_fetched_later_reaches_a_text_with_the_link_written_otherwise(
    sites, member, settings
):
    # Fetching off while the topic is written: its entry knows no title yet.
    settings.EMBED_FETCH = False
    topic = _topic(member, f"{VIDEO}?r=plwd&utm_source=vk\n\nСмотрите.")
    assert _found("пальцах", member) == []
    settings.EMBED_FETCH = True
    _rutube(sites)
    target = embed_match(VIDEO)

    embed_previews_fetch_task.delay([[target.key, target.provider, target.url]])

    assert _found("пальцах", member) == [topic.get_absolute_url()]


def test_a_text_written_after_the_fetch_carries_the_title(sites, member):
    _rutube(sites)
    [preview] = _ensure(VIDEO)
    embed_preview_fetch(preview.key)

    topic = _topic(member, f"{VIDEO}")

    assert _found("пальцах", member) == [topic.get_absolute_url()]


def test_a_failed_preview_puts_no_title_in_search(sites, member):
    sites.routes["/api/oembed/"] = Route(status=404)
    [preview] = _ensure(VIDEO)
    embed_preview_fetch(preview.key)

    _topic(member, VIDEO)

    assert _found("пальцах", member) == []


# --- hiding ---------------------------------------------------------------------


def test_a_hidden_link_leaves_search_and_is_put_on_record(sites, member, moderator):
    _rutube(sites)
    [preview] = _ensure(VIDEO)
    preview = embed_preview_fetch(preview.key)
    topic = _topic(member, VIDEO)
    before = generation(PUBLIC_PAGES)

    assert embed_preview_hide(preview=preview, hidden=True, by=moderator) is True

    assert _found("пальцах", member) == []
    assert generation(PUBLIC_PAGES) != before
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor) == ("embed_hide", moderator)

    assert embed_preview_hide(preview=preview, hidden=False, by=moderator) is True
    assert _found("пальцах", member) == [topic.get_absolute_url()]
    assert embed_preview_hide(preview=preview, hidden=False, by=moderator) is False
    assert list(AuditEntry.objects.values_list("action", flat=True)) == [
        "embed_restore",
        "embed_restore",
        "embed_hide",
    ]


# --- reading what a service answers ------------------------------------------------


def test_page_head_reads_the_open_graph_title_and_picture():
    page = (
        b"<!doctype html><html><head><title>VK</title>"
        b'<meta property="og:title" content="&laquo;\xd0\x94\xd1\x80\xd0\xbe\xd0\xb1'
        b'\xd0\xb8&raquo; &amp; \xd0\xb4\xd0\xbe\xd0\xbb\xd0\xb8">'
        b'<meta property="og:image" content="https://sun9-1.userapi.com/x.jpg">'
        b"</head><body>"
        b'<meta property="og:title" content="not in the head">'
        b"</body></html>"
    )

    found = page_head(page, "text/html; charset=utf-8")

    assert found.title == "«Дроби» & доли"
    assert found.picture == "https://sun9-1.userapi.com/x.jpg"


def test_page_head_reads_another_charset_and_falls_back_to_the_title():
    page = "<html><head><title>Урок\n  дробей</title></head></html>".encode("cp1251")

    found = page_head(page, "text/html; charset=windows-1251")

    assert title_clean(found.title) == "Урок дробей"
    assert found.picture == ""


def test_page_head_of_a_page_that_is_not_html_finds_nothing():
    found = page_head(bytes(range(256)) * 10, "application/octet-stream")

    assert (found.title, found.picture) == ("", "")


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("  a\n\tb  ", "a b"),
        ("a\x00b\u200bc\u202e", "a bc"),
        (None, ""),
        (42, ""),
        ("я" * 400, "я" * 300),
    ],
)
def test_title_clean_folds_and_bounds(text, clean):
    assert title_clean(text) == clean
