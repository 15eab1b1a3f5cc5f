"""Cards for embedded videos and documents: a link alone in its paragraph.

A member pastes a RuTube, VK Video, YouTube, Yandex or Google link on its own
line; ``community.embed_providers`` says whether a service we list knows it.
Then three steps, so that no page ever asks another host for anything until
the reader presses play:

1. When the text is saved, ``community.markdown.render_markdown`` replaces
   the paragraph with ``embed_placeholder``: the same link, inside a ``<div>``
   that names the link's key. Stored HTML holds nothing else of ours, so it
   reads as a plain link wherever no card is made (e-mails, feeds, search).
   ``embeds_request`` asks a task to fetch the link's title and picture once
   (``community.embed_previews``: re-encoded and served by Kollegi).
2. When a page is sent, ``EmbedCardsMiddleware`` (``community.middleware``)
   fills every placeholder in with a card (``embeds_fill``): the stored
   picture, the title, the service's name and a play control that is a link
   to the original page. All the previews of a page are read in one query,
   the services switched on come from the cache. A hidden link, or a service
   a moderator switched off, stays the plain link.
3. On a click, ``static/js/embeds.js`` puts in the player: an ``<iframe>``
   from the card's ``<template>``, built here from the provider's own player
   address (never the member's), sandboxed, with a strict referrer policy.
   The Content Security Policy allows frames from those hosts alone.
"""

import html
import re
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.template.loader import get_template
from django.utils.html import format_html

from community.changes import EMBED_SWITCHES, embeds_changed
from community.embed_providers import (
    PROVIDERS,
    VIDEO,
    EmbedTarget,
    embed_match,
    provider,
)
from community.generations import generation
from community.models import EmbedPreview, EmbedProviderSetting
from community.services import audit

# What the page's HTML is searched for before anything else is done.
EMBED_SLOT = "k-embed-slot"
CARD_TEMPLATE = "partials/embed_card.html"
# Links of the sanitiser's making (``community.markdown``): the same attribute.
LINK_REL = "nofollow noopener noreferrer ugc"
# How long the services switched on are kept (a switch moves them on at once).
SWITCHES_KEPT = 60 * 60

# A placeholder exactly as ``embed_placeholder`` writes it: member text cannot
# make one (the sanitiser keeps no class or data attribute, and every "<" of
# its text comes out as "&lt;").
_SLOT = re.compile(
    r'<div class="k-embed-slot" data-embed="(?P<key>[0-9a-f]{32})"'
    r' data-provider="(?P<provider>[a-z_]{1,30})">'
    r'(?P<link><p><a href="(?P<href>[^"<>]*)" rel="' + LINK_REL + r'">[^<]*</a></p>)'
    r"</div>"
)


def embed_placeholder(url: str) -> str | None:
    """The stored markup of a link that makes a card (None if it makes none):
    the link itself, in a ``<div>`` naming its key and service. Allowed tags
    only, no comment, every value escaped (``community.markdown``'s promise)."""
    target = embed_match(url)
    if target is None:
        return None
    return format_html(
        '<div class="{}" data-embed="{}" data-provider="{}">'
        '<p><a href="{}" rel="{}">{}</a></p></div>',
        EMBED_SLOT,
        target.key,
        target.provider,
        url.strip(),
        LINK_REL,
        url.strip(),
    )


def _slot_target(match: re.Match) -> EmbedTarget | None:
    """The link of a placeholder, read again; None if it no longer makes
    the card its key names (the registry changed since it was saved)."""
    target = embed_match(html.unescape(match["href"]))
    if target is None or target.key != match["key"]:
        return None
    return target


def embed_keys(text: str) -> list[str]:
    """The keys of the placeholders in ``text``, each once, in order."""
    if EMBED_SLOT not in text:
        return []
    return list(dict.fromkeys(match["key"] for match in _SLOT.finditer(text)))


def embed_targets_in(text: str) -> list[EmbedTarget]:
    """The links of the placeholders in ``text``, each once, in order."""
    if EMBED_SLOT not in text:
        return []
    targets = {}
    for match in _SLOT.finditer(text):
        target = _slot_target(match)
        if target is not None:
            targets.setdefault(target.key, target)
    return list(targets.values())


def providers_enabled() -> frozenset[str]:
    """The keys of the services whose links make cards: every registered one
    a moderator has not switched off. Kept in the cache (no query while kept),
    moved on by ``changes.embeds_changed``."""
    key = f"{EMBED_SWITCHES}:{generation(EMBED_SWITCHES)}"
    kept = cache.get(key)
    if kept is None:
        off = set(
            EmbedProviderSetting.objects.filter(is_enabled=False).values_list(
                "key", flat=True
            )
        )
        kept = tuple(item.key for item in PROVIDERS if item.key not in off)
        cache.set(key, kept, SWITCHES_KEPT)
    return frozenset(kept)


def providers_listed() -> list[tuple[str, bool]]:
    """Every registered service's name and whether its players are shown
    (the privacy page's list)."""
    enabled = providers_enabled()
    return [(item.name, item.key in enabled) for item in PROVIDERS]


def _card(target: EmbedTarget, preview: EmbedPreview | None) -> dict:
    fetched = preview is not None and preview.status == EmbedPreview.Status.FETCHED
    return {
        "target": target,
        "provider_name": provider(target.provider).name,
        "is_video": target.kind == VIDEO,
        "title": (preview.title if fetched else "") or target.title_hint,
        "thumbnail_url": preview.thumbnail.url if fetched and preview.thumbnail else "",
    }


def embeds_fill(text: str) -> str:
    """``text`` (a page) with its placeholders made cards; see the module's
    text. One query for every preview of the page, none without placeholders;
    a link whose service is switched off, or which a moderator hid, stays the
    plain link; one not fetched (yet, or ever) is a card without a picture."""
    if EMBED_SLOT not in text:
        return text
    slots = list(_SLOT.finditer(text))
    if not slots:
        return text
    enabled = providers_enabled()
    keys = {match["key"] for match in slots if match["provider"] in enabled}
    previews = (
        {preview.key: preview for preview in EmbedPreview.objects.filter(key__in=keys)}
        if keys
        else {}
    )
    template = get_template(CARD_TEMPLATE)

    def fill(match: re.Match) -> str:
        target = _slot_target(match)
        preview = previews.get(match["key"])
        if target is None or target.provider not in enabled:
            return match["link"]
        if preview is not None and preview.is_hidden:
            return match["link"]
        return template.render(_card(target, preview)).strip()

    return _SLOT.sub(fill, text)


def embeds_request(targets: Iterable[EmbedTarget]) -> None:
    """After commit, ask for the titles and pictures of these links (a task:
    ``community.embed_previews``); nothing with ``EMBED_FETCH`` off."""
    if not settings.EMBED_FETCH:
        return
    wanted = {target.key: target for target in targets}
    if not wanted:
        return
    from community.tasks import embed_previews_fetch_task

    payload = [[item.key, item.provider, item.url] for item in wanted.values()]
    transaction.on_commit(lambda: embed_previews_fetch_task.delay(payload))


def embeds_sync() -> None:
    """One switch per registered service (after every migrate, so on every
    deploy; never by a page): a new service comes switched on, a renamed one
    takes its new name, one no longer registered loses its row."""
    rows = {row.key: row for row in EmbedProviderSetting.objects.all()}
    changed = False
    for item in PROVIDERS:
        row = rows.pop(item.key, None)
        if row is None:
            EmbedProviderSetting.objects.get_or_create(
                key=item.key, defaults={"name": item.name}
            )
            changed = True
        elif row.name != item.name:
            row.name = item.name
            row.save(update_fields=["name"])
            changed = True
    if rows:
        EmbedProviderSetting.objects.filter(
            pk__in=[row.pk for row in rows.values()]
        ).delete()
        changed = True
    if changed:
        embeds_changed()


@transaction.atomic
def embed_provider_switch(*, key: str, enabled: bool, by) -> bool:
    """Switch a service's players on or off site-wide (a moderator, in the
    admin site); returns whether it changed. Put on record; visitors' pages
    and the kept switches move on. KeyError for a service not registered
    (its row comes from ``embeds_sync``)."""
    provider(key)
    setting = EmbedProviderSetting.objects.select_for_update().get(key=key)
    if setting.is_enabled == enabled:
        return False
    setting.is_enabled = enabled
    setting.save(update_fields=["is_enabled"])
    audit(
        actor=by,
        action="embed_provider_on" if enabled else "embed_provider_off",
        target=setting,
    )
    embeds_changed()
    return True
