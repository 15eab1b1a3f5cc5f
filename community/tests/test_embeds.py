"""Embedded links' cards: the placeholder the renderer stores, the cards a
page is sent with (one query), the switches, the task asked for, the
middleware, the admin site and the privacy page."""

import html
import re

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.http import HttpResponse, StreamingHttpResponse
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from community import embeds
from community.changes import embeds_changed
from community.embed_providers import PROVIDERS, embed_match
from community.embeds import (
    embed_keys,
    embed_placeholder,
    embed_provider_switch,
    embed_targets_in,
    embeds_fill,
    embeds_request,
    embeds_sync,
    providers_enabled,
)
from community.markdown import render_markdown
from community.middleware import EmbedCardsMiddleware
from community.models import AuditEntry, EmbedPreview, EmbedProviderSetting
from community.tests.test_markdown_markers import (
    NEVER_ALLOWED,
    assert_only_allowed_tags,
)
from forums.tests.factories import TopicFactory

pytestmark = pytest.mark.django_db

RUTUBE = "https://rutube.ru/video/0123456789abcdef0123456789abcdef/"
# VK's player needs the hash: a page link makes a card only with it.
VK = "https://vk.com/video-22822305_456241864?hash=9f8e7d6c"
YOUTUBE = "https://youtu.be/dQw4w9WgXcQ"
GOOGLE = "https://docs.google.com/document/d/1AbCdEfGhIjKlMnOpQrStUvWxYz_0123/edit"
THREE = f"Смотрите:\n\n{RUTUBE}\n\n<{VK}>\n\n[{YOUTUBE}]({YOUTUBE})\n\nВот и всё."
CARD = re.compile(r'<figure class="k-embed[^"]*" data-embed-card')


def key_of(url: str) -> str:
    return embed_match(url).key


def preview(url: str, **fields) -> EmbedPreview:
    target = embed_match(url)
    return EmbedPreview.objects.create(
        key=target.key, provider=target.provider, url=target.url, **fields
    )


@pytest.fixture
def fetches(monkeypatch, settings):
    """What ``embeds_request`` enqueued (the task stands in for the fetch)."""
    settings.EMBED_FETCH = True
    sent = []

    class Task:
        @staticmethod
        def delay(rows):
            sent.append(rows)

    monkeypatch.setattr("community.tasks.embed_previews_fetch_task", Task)
    return sent


# --- The stored placeholder -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        RUTUBE,  # a bare address (Markdown links none)
        f"<{RUTUBE}>",  # an automatic link
        f"[{RUTUBE}]({RUTUBE})",  # a link whose text is its address
        f'<a href="{RUTUBE}">{RUTUBE}</a>',  # the same in HTML
        f"  {RUTUBE}  ",
    ],
)
def test_a_link_alone_in_its_paragraph_becomes_a_placeholder(text):
    stored = render_markdown(text)

    assert embed_keys(stored) == [key_of(RUTUBE)]
    assert stored == embed_placeholder(RUTUBE)
    assert 'data-provider="rutube"' in stored
    assert f'<a href="{RUTUBE}" rel="nofollow noopener noreferrer ugc">' in stored


@pytest.mark.parametrize(
    "text",
    [
        f"Смотрите {RUTUBE} на уроке",  # inside a sentence
        f"[запись урока]({RUTUBE})",  # a link with words of its own
        f'[{RUTUBE}]({RUTUBE} "подсказка")',  # a title: not just the link
        f"- {RUTUBE}",  # a list item
        f"`{RUTUBE}`",  # code
        f"```\n{RUTUBE}\n```",
        f"**{RUTUBE}**",
        f"{RUTUBE} {YOUTUBE}",  # two links
        "https://example.com/video/1",  # no service we list
        "https://vk.com/video-22822305_456241864",  # no hash: VK's player needs it
        "https://vkvideo.ru/video_ext.php?oid=-1&id=2",  # a player cut short
        f"https://rutube.ru.evil.com/video/{'0' * 32}/",
        "javascript:alert(1)",
        f"[{RUTUBE}](javascript:alert(1))",
    ],
)
def test_anything_else_stays_as_the_renderer_made_it(text):
    stored = render_markdown(text)

    assert "k-embed-slot" not in stored
    assert embed_keys(stored) == []


def test_a_vk_player_address_keeps_its_query_escaped():
    address = "https://vk.com/video_ext.php?oid=-1&id=2&hash=0a1b"

    stored = render_markdown(address)

    assert 'href="https://vk.com/video_ext.php?oid=-1&amp;id=2&amp;hash=0a1b"' in stored
    [target] = embed_targets_in(stored)
    assert target.player_url == "https://vk.com/video_ext.php?oid=-1&id=2&hash=0a1b"


def test_an_address_with_quotes_and_brackets_is_escaped_in_the_placeholder():
    address = f'{RUTUBE}?x="><b>&amp;'

    placeholder = embed_placeholder(address)

    assert placeholder is not None
    assert '"><b' not in placeholder
    assert "&quot;&gt;&lt;b&gt;&amp;amp;" in placeholder
    assert_only_allowed_tags(placeholder)
    assert [target.key for target in embed_targets_in(placeholder)] == [key_of(RUTUBE)]


def test_the_placeholder_keeps_the_renderers_promise():
    for text in (THREE, f"> {RUTUBE}", f"{GOOGLE}\n\n{RUTUBE}"):
        stored = render_markdown(text)

        assert_only_allowed_tags(stored)
        for name in NEVER_ALLOWED:
            assert f"<{name}" not in stored.lower()


def test_member_html_cannot_forge_a_placeholders_key_or_service():
    forged = (
        f'<div class="k-embed-slot" data-embed="{"f" * 32}" '
        f'data-provider="youtube"><p><a href="{RUTUBE}">{RUTUBE}</a></p></div>'
    )

    stored = render_markdown(forged)
    in_code = render_markdown(f"`{forged}`")

    # The sanitiser drops the attributes; the link alone is a link alone.
    assert embed_keys(stored) == [key_of(RUTUBE)]
    assert 'data-provider="youtube"' not in stored
    assert embed_keys(in_code) == []
    assert embeds_fill(in_code) == in_code


def test_member_html_inside_a_text_never_becomes_a_card():
    forged = (
        f'<div class="k-embed-slot" data-embed="{key_of(RUTUBE)}" '
        f'data-provider="rutube"><p><a href="{RUTUBE}" '
        f'rel="nofollow noopener noreferrer ugc">x</a></p></div>'
    )

    stored = render_markdown(f"Текст {forged} текст")

    assert 'class="k-embed-slot"' not in stored
    assert embeds_fill(stored) == stored


def test_keys_and_targets_are_read_once_each_in_order():
    stored = render_markdown(THREE + f"\n\n{RUTUBE}")

    assert embed_keys(stored) == [key_of(RUTUBE), key_of(VK), key_of(YOUTUBE)]
    assert [target.provider for target in embed_targets_in(stored)] == [
        "rutube",
        "vk",
        "youtube",
    ]


def test_a_placeholder_whose_key_no_longer_matches_its_link_is_left_out():
    stored = embed_placeholder(RUTUBE).replace(key_of(RUTUBE), "f" * 32)

    assert embed_keys(stored) == ["f" * 32]
    assert embed_targets_in(stored) == []
    assert embeds_fill(stored) == (
        f'<p><a href="{RUTUBE}" rel="nofollow noopener noreferrer ugc">{RUTUBE}</a></p>'
    )


# --- Asking for titles and pictures ---------------------------------------------------


def test_saving_a_text_asks_once_for_its_links_after_commit(
    fetches, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        render_markdown(THREE + f"\n\n{RUTUBE}")

    assert fetches == [
        [
            [key_of(RUTUBE), "rutube", RUTUBE],
            [key_of(VK), "vk", "https://vkvideo.ru/video-22822305_456241864"],
            [
                key_of(YOUTUBE),
                "youtube",
                "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            ],
        ]
    ]


def test_nothing_is_asked_with_fetching_off(
    fetches, settings, django_capture_on_commit_callbacks
):
    settings.EMBED_FETCH = False

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        render_markdown(THREE)

    assert callbacks == []
    assert fetches == []


def test_a_text_without_embeds_asks_for_nothing(
    fetches, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        render_markdown("Просто [ссылка](https://example.com/) и текст.")
        embeds_request([])

    assert callbacks == []
    assert fetches == []


def test_the_editors_preview_shows_cards_but_asks_for_nothing(
    member_client, fetches, django_capture_on_commit_callbacks
):
    # Unsaved text: a script posting links of its choosing must not fill the
    # previews' table and storage.
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(reverse("markdown_preview"), {"content": THREE})

    assert response.status_code == 200
    assert len(CARD.findall(response.content.decode())) == 3
    assert fetches == []
    assert not EmbedPreview.objects.exists()


def test_our_own_texts_on_a_page_ask_for_nothing(
    fetches, django_capture_on_commit_callbacks
):
    template = Template("{% load community %}{{ text|markdown }}")

    with django_capture_on_commit_callbacks(execute=True):
        page = template.render(Context({"text": THREE}))

    assert embed_keys(page) == [key_of(RUTUBE), key_of(VK), key_of(YOUTUBE)]
    assert fetches == []


def test_an_excerpt_asks_for_nothing(fetches, django_capture_on_commit_callbacks):
    from community.excerpts import excerpt_from_markdown

    with django_capture_on_commit_callbacks(execute=True):
        line = excerpt_from_markdown(THREE)

    assert "rutube.ru" in line
    assert fetches == []


def test_a_saved_reply_still_asks_for_its_links(
    member_client, fetches, django_capture_on_commit_callbacks
):
    topic = TopicFactory()

    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(
            reverse("forums:reply", args=[topic.pk]), {"body": THREE}
        )

    assert response.status_code == 302
    assert [[row[0] for row in rows] for rows in fetches] == [
        [key_of(RUTUBE), key_of(VK), key_of(YOUTUBE)]
    ]


def test_rendering_without_asking_makes_the_same_html(fetches):
    assert render_markdown(THREE, request_previews=False) == render_markdown(THREE)


# --- Cards ----------------------------------------------------------------------------


def test_a_fetched_link_is_a_card_with_our_picture_and_title():
    preview(
        RUTUBE,
        title="Дроби на пицце",
        status=EmbedPreview.Status.FETCHED,
        thumbnail=ContentFile(b"\x89PNG picture", name="rutube.png"),
    )

    page = embeds_fill(render_markdown(RUTUBE))

    assert CARD.search(page)
    assert "k-embed-slot" not in page
    assert re.search(r'<img class="k-embed-thumb" src="/media/embeds/[^"]+\.png"', page)
    assert "Дроби на пицце" in page
    assert "RuTube" in page
    # The play control is a link to the original page; the player waits in a
    # template, sandboxed, lazy, with a strict referrer policy.
    assert f'<a class="k-embed-play" href="{RUTUBE}"' in page
    template = re.search(r"<template>(.*)</template>", page, re.S)[1]
    assert 'src="https://rutube.ru/play/embed/0123456789abcdef0123456789abcdef/"' in (
        template
    )
    for attribute in (
        'sandbox="allow-scripts allow-same-origin allow-presentation allow-popups"',
        'loading="lazy"',
        'referrerpolicy="strict-origin"',
        'allow="fullscreen; picture-in-picture"',
        'title="Дроби на пицце"',
    ):
        assert attribute in template
    # Nothing outside the template loads from another host.
    outside = page.replace(template, "")
    assert "<iframe" not in outside
    assert not re.search(r'src="https?://', outside)


@pytest.mark.parametrize(
    "status", [None, EmbedPreview.Status.PENDING, EmbedPreview.Status.FAILED]
)
def test_a_link_not_fetched_is_a_plain_card_still_playable(status):
    if status is not None:
        preview(RUTUBE, status=status, title="Не показывается")

    page = embeds_fill(render_markdown(RUTUBE))

    assert CARD.search(page)
    assert "<img" not in page
    assert "Не показывается" not in page
    assert "RuTube" in page
    assert f">{RUTUBE}</a>" in page  # its address stands for the title
    assert "https://rutube.ru/play/embed/" in page


def test_a_document_is_a_card_that_opens():
    page = embeds_fill(render_markdown(GOOGLE))

    assert 'class="k-embed k-embed-document' in page
    assert "/preview" in page


def test_a_hidden_link_is_the_plain_link():
    preview(RUTUBE, is_hidden=True, status=EmbedPreview.Status.FETCHED, title="Т")

    page = embeds_fill(render_markdown(f"Текст\n\n{RUTUBE}"))

    assert page == (
        "<p>Текст</p>\n"
        f'<p><a href="{RUTUBE}" rel="nofollow noopener noreferrer ugc">{RUTUBE}</a></p>'
    )


def test_a_service_switched_off_shows_plain_links_until_switched_on(moderator):
    embeds_sync()
    stored = render_markdown(THREE)

    embed_provider_switch(key="youtube", enabled=False, by=moderator)
    page = embeds_fill(stored)

    assert len(CARD.findall(page)) == 2
    assert f'<p><a href="{YOUTUBE}" rel="nofollow noopener noreferrer ugc">' in page
    assert "youtube-nocookie" not in page

    embed_provider_switch(key="youtube", enabled=True, by=moderator)

    assert len(CARD.findall(embeds_fill(stored))) == 3


def test_one_query_fills_every_card_of_a_page(django_assert_num_queries):
    for url in (RUTUBE, VK, YOUTUBE):
        preview(url, status=EmbedPreview.Status.FETCHED, title=f"Видео {url[-4:]}")
    page = "".join(render_markdown(THREE) for _ in range(10))
    providers_enabled()  # the switches, kept

    with django_assert_num_queries(1):
        filled = embeds_fill(page)

    assert len(CARD.findall(filled)) == 30


def test_a_page_without_placeholders_costs_nothing(django_assert_num_queries):
    text = render_markdown("Слово k-embed-slot в тексте и [ссылка](https://ya.ru/)")

    with django_assert_num_queries(0):
        assert embeds_fill(text) == text


def test_the_switches_are_kept_until_they_change(moderator, django_assert_num_queries):
    embeds_sync()
    assert providers_enabled() == {item.key for item in PROVIDERS}

    with django_assert_num_queries(0):
        providers_enabled()

    EmbedProviderSetting.objects.filter(key="vk").update(is_enabled=False)
    assert "vk" in providers_enabled()  # kept: nobody said it changed
    embeds_changed()
    assert "vk" not in providers_enabled()


# --- Switches and their rows ----------------------------------------------------------


def test_sync_makes_one_switch_per_service_and_is_quiet_the_second_time(
    django_assert_num_queries,
):
    EmbedProviderSetting.objects.all().delete()
    EmbedProviderSetting.objects.create(key="vimeo", name="Vimeo")
    EmbedProviderSetting.objects.create(key="rutube", name="Rutube old")

    embeds_sync()

    rows = dict(EmbedProviderSetting.objects.values_list("key", "name"))
    assert rows == {item.key: item.name for item in PROVIDERS}
    with django_assert_num_queries(1):
        embeds_sync()


def test_sync_keeps_a_moderators_switch():
    embeds_sync()
    EmbedProviderSetting.objects.filter(key="rutube").update(is_enabled=False)

    embeds_sync()

    assert not EmbedProviderSetting.objects.get(key="rutube").is_enabled


def test_a_switch_is_put_on_record_once(moderator):
    embeds_sync()

    assert embed_provider_switch(key="vk", enabled=False, by=moderator)
    assert not embed_provider_switch(key="vk", enabled=False, by=moderator)

    entry = AuditEntry.objects.get()
    assert entry.action == "embed_provider_off"
    assert entry.actor == moderator
    assert entry.target_title == "VK Видео"


def test_switching_an_unknown_service_is_a_key_error(moderator):
    with pytest.raises(KeyError):
        embed_provider_switch(key="vimeo", enabled=False, by=moderator)


# --- The middleware -------------------------------------------------------------------


def _through_middleware(response: HttpResponse) -> HttpResponse:
    request = RequestFactory().get("/")
    return EmbedCardsMiddleware(lambda _request: response)(request)


def test_the_middleware_fills_a_page_and_fixes_its_length():
    body = f"<main>{render_markdown(THREE)}</main>"
    response = HttpResponse(body)
    response["Content-Length"] = str(len(response.content))

    filled = _through_middleware(response)

    assert len(CARD.findall(filled.content.decode())) == 3
    assert filled["Content-Length"] == str(len(filled.content))


@pytest.mark.parametrize("status", [200, 201, 400, 403, 404, 429])
def test_the_middleware_fills_successes_and_pages_sent_back_with_an_error(status):
    filled = _through_middleware(HttpResponse(embed_placeholder(RUTUBE), status=status))

    assert filled.status_code == status
    assert CARD.search(filled.content.decode())
    assert "k-embed-slot" not in filled.content.decode()


@pytest.mark.parametrize(
    "response",
    [
        HttpResponse(embed_placeholder(RUTUBE), status=302),
        HttpResponse(embed_placeholder(RUTUBE), status=500),
        HttpResponse(embed_placeholder(RUTUBE), status=503),
        HttpResponse(embed_placeholder(RUTUBE), content_type="application/json"),
        HttpResponse(embed_placeholder(RUTUBE), content_type="text/plain"),
    ],
)
def test_the_middleware_leaves_other_responses_alone(response):
    before = response.content

    assert _through_middleware(response).content == before


def test_the_middleware_leaves_a_stream_alone():
    response = StreamingHttpResponse(iter([embed_placeholder(RUTUBE)]))

    streamed = b"".join(_through_middleware(response).streaming_content)

    assert b"k-embed-slot" in streamed


def test_the_middleware_reads_no_database_without_placeholders(
    django_assert_num_queries,
):
    with django_assert_num_queries(0):
        _through_middleware(HttpResponse("<p>Нет встраиваний</p>"))


# --- The template tag -----------------------------------------------------------------


def test_the_embed_card_tag_makes_a_placeholder_or_nothing():
    template = Template(
        "{% load community %}{% embed_card url as card %}{% if card %}{{ card }}"
        "{% else %}none{% endif %}"
    )

    made = template.render(Context({"url": RUTUBE}))
    assert made == embed_placeholder(RUTUBE)
    assert template.render(Context({"url": "https://example.com/"})) == "none"
    assert template.render(Context({"url": None})) == "none"


# --- The admin site and the privacy page ----------------------------------------------


def test_a_moderator_hides_an_embed_and_shows_it_again(moderator_client, moderator):
    hidden = preview(RUTUBE, status=EmbedPreview.Status.FETCHED, title="Т")
    changelist = reverse("admin:community_embedpreview_changelist")

    response = moderator_client.post(
        changelist,
        {"action": "hide", "_selected_action": [hidden.pk]},
        follow=True,
    )

    assert response.status_code == 200
    hidden.refresh_from_db()
    assert hidden.is_hidden
    assert CARD.search(embeds_fill(render_markdown(RUTUBE))) is None

    moderator_client.post(
        changelist, {"action": "show", "_selected_action": [hidden.pk]}
    )

    hidden.refresh_from_db()
    assert not hidden.is_hidden
    assert CARD.search(embeds_fill(render_markdown(RUTUBE)))
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "embed_hide",
        "embed_restore",
    ]


def test_a_moderator_switches_a_service_off_in_the_list(moderator_client):
    embeds_sync()
    rows = list(EmbedProviderSetting.objects.order_by("name"))
    form = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(len(rows)),
        "_save": "Save",
    }
    for number, row in enumerate(rows):
        form[f"form-{number}-id"] = str(row.pk)
        if row.key != "rutube":
            form[f"form-{number}-is_enabled"] = "on"
    stored = render_markdown(RUTUBE)
    assert CARD.search(embeds_fill(stored))

    response = moderator_client.post(
        reverse("admin:community_embedprovidersetting_changelist"), form
    )

    assert response.status_code == 302
    assert not EmbedProviderSetting.objects.get(key="rutube").is_enabled
    assert EmbedProviderSetting.objects.filter(is_enabled=True).count() == 5
    assert CARD.search(embeds_fill(stored)) is None
    assert AuditEntry.objects.get().action == "embed_provider_off"


def test_moderators_may_not_add_or_delete_switches(moderator_client):
    embeds_sync()
    row = EmbedProviderSetting.objects.get(key="vk")

    assert (
        moderator_client.get(
            reverse("admin:community_embedprovidersetting_add")
        ).status_code
        == 403
    )
    assert (
        moderator_client.get(
            reverse("admin:community_embedprovidersetting_delete", args=[row.pk])
        ).status_code
        == 403
    )
    assert Group.objects.get(name="Moderators").permissions.filter(
        codename="change_embedprovidersetting"
    )


def test_the_privacy_page_lists_the_services_and_what_a_reader_sends(
    member_client, moderator
):
    embeds_sync()
    embed_provider_switch(key="youtube", enabled=False, by=moderator)

    page = html.unescape(
        member_client.get(reverse("accounts:settings_privacy")).content.decode()
    )

    for item in PROVIDERS:
        assert item.name in page
    assert "YouTube</span> — отключены модераторами" in page
    assert "RuTube</span> — плееры показываются" in page
    assert "не отправляет сервису ни одного запроса, пока вы не нажмёте" in page


def test_embeds_module_names_the_slot_the_middleware_looks_for():
    assert embeds.EMBED_SLOT in embed_placeholder(RUTUBE)
