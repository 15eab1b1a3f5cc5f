"""The title and picture of an embedded link, fetched once by a task.

A card (``community.embeds``) shows a link's title and picture without the
reader's browser asking the service for anything: Kollegi asked once, in a
task (``embed_previews_fetch_task``), and keeps what it got in an
``EmbedPreview`` row — the title as text, the picture decoded and re-encoded
(``community.images``) and stored under ``embeds/`` with a name of our
choosing. Each service says where its title and picture come from (its
oEmbed endpoint, Yandex Disk's public API, or the page's ``og:`` tags) and
which hosts those requests may reach; every request goes through
``community.embed_fetch`` (public addresses only, no redirect to another
host, a deadline and a size limit). A fetch that fails leaves the row
``failed``: the card shows without a picture, as a plain card.

Two workers never fetch one row (its claim, ``community.claims``); a dead
worker's claim is taken over once stale. Rows are fetched again after
``EMBED_REFRESH_DAYS`` (beat: ``embed_previews_refresh_task``), so a video
that was removed or renamed shows as it is now.
"""

import codecs
import datetime
import json
import logging
import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from community.changes import embed_preview_changed
from community.claims import claim_cutoff, claim_expired, claim_take
from community.embed_fetch import FetchError, FetchFailed, safe_fetch
from community.embed_providers import EmbedTarget, embed_match
from community.images import image_clean
from community.models import EmbedPreview

logger = logging.getLogger(__name__)

TITLE_LENGTH = 300
# A page's head is in its first bytes; the rest is not read.
PAGE_BYTES = 512 * 1024
PICTURE_SIDE = 640
PICTURE_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
# Links per task: each may take two requests of EMBED_FETCH_TIMEOUT, and a
# batch stays well within the task's time limit.
FETCH_BATCH = 10
# The pause between the starts of a refresh's tasks: a day's refresh does
# not fall on a service all at once.
REFRESH_SPACING = 30

OEMBED = "oembed"
PAGE = "page"
YANDEX_DISK = "yandex_disk"


@dataclass(frozen=True)
class Source:
    """Where a service's titles and pictures come from, and the only hosts
    each of those requests may reach (exact, or under a name written with a
    leading dot)."""

    how: str  # OEMBED, PAGE or YANDEX_DISK
    hosts: tuple[str, ...]  # the endpoint's, or the page's
    pictures: tuple[str, ...]  # where its pictures are served from
    endpoint: str = ""


# Keyed by ``embed_providers.Provider.key``; a service missing here gets
# plain cards (a test holds every registered one to having a source).
SOURCES: dict[str, Source] = {
    "rutube": Source(
        how=OEMBED,
        endpoint="https://rutube.ru/api/oembed/",
        hosts=("rutube.ru",),
        pictures=(".rutube.ru", ".rutubelist.ru"),
    ),
    "youtube": Source(
        how=OEMBED,
        endpoint="https://www.youtube.com/oembed",
        hosts=("www.youtube.com",),
        pictures=("i.ytimg.com",),
    ),
    # VK Video has no oEmbed: the video's page names its title and picture.
    "vk": Source(
        how=PAGE,
        hosts=("vkvideo.ru",),
        pictures=(".userapi.com", ".vkuserphoto.ru", ".vk.com", ".vkvideo.ru"),
    ),
    "yandex_disk": Source(
        how=YANDEX_DISK,
        endpoint="https://cloud-api.yandex.net/v1/disk/public/resources",
        hosts=("cloud-api.yandex.net",),
        pictures=("downloader.disk.yandex.ru", ".yandex.net"),
    ),
    "yandex_docs": Source(
        how=PAGE, hosts=("docs.yandex.ru",), pictures=(".yandex.net", ".yandex.ru")
    ),
    "google_docs": Source(
        how=PAGE, hosts=("docs.google.com",), pictures=(".googleusercontent.com",)
    ),
}


@dataclass(frozen=True)
class Found:
    """What a service said of a link: its title and the address of its picture."""

    title: str = ""
    picture: str = ""


# --- reading what a service answers ----------------------------------------------


def title_clean(text: object) -> str:
    """A title as a card shows it: text only, whitespace folded, at most
    TITLE_LENGTH characters."""
    if not isinstance(text, str):
        return ""
    # Control characters part words; invisible ones (format, private, unassigned) go.
    kept = "".join(
        char
        if char.isprintable() or char.isspace()
        else " "
        if unicodedata.category(char) == "Cc"
        else ""
        for char in text
    )
    return " ".join(kept.split())[:TITLE_LENGTH].rstrip()


def _json(content: bytes) -> dict:
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError) as error:
        raise FetchFailed("status", "not JSON") from error
    if not isinstance(data, dict):
        raise FetchFailed("status", "not a JSON object")
    return data


def _text(data: dict, name: str) -> str:
    value = data.get(name)
    return value if isinstance(value, str) else ""


class _PageHead(HTMLParser):
    """The ``og:`` title and image of a page (and its ``<title>``), read from
    its head only."""

    NAMES = ("og:title", "og:image", "og:image:secure_url", "twitter:image")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title: list[str] = []
        self.in_title = False
        self.done = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "meta":
            values = {name: value or "" for name, value in attrs}
            name = (values.get("property") or values.get("name") or "").lower()
            if name in self.NAMES and values.get("content"):
                self.meta.setdefault(name, values["content"])
        elif tag == "title":
            self.in_title = True
        elif tag == "body":
            self.done = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag == "head":
            self.done = True

    def handle_data(self, data: str) -> None:
        if self.in_title and sum(map(len, self.title)) < TITLE_LENGTH * 4:
            self.title.append(data)


def _charset(content_type: str) -> str:
    found = re.search(r"charset=[\"']?([\w.:-]+)", content_type, re.I)
    if found:
        try:
            return codecs.lookup(found[1]).name
        except LookupError:
            pass
    return "utf-8"


def page_head(content: bytes, content_type: str = "") -> Found:
    """The title and picture a page names in its head (``og:title``,
    ``og:image``; its ``<title>`` when it has no ``og:title``)."""
    text = content.decode(_charset(content_type), errors="replace")
    parser = _PageHead()
    for start in range(0, len(text), 16 * 1024):
        parser.feed(text[start : start + 16 * 1024])
        if parser.done:
            break
    meta = parser.meta
    return Found(
        title=meta.get("og:title") or "".join(parser.title),
        picture=(
            meta.get("og:image:secure_url")
            or meta.get("og:image")
            or meta.get("twitter:image", "")
        ),
    )


# --- asking the services ---------------------------------------------------------


def _fetch(url: str, hosts: Iterable[str], *, partial: bool = False):
    return safe_fetch(
        url,
        max_bytes=PAGE_BYTES if partial else settings.EMBED_FETCH_MAX_BYTES,
        timeout=settings.EMBED_FETCH_TIMEOUT,
        hosts=hosts,
        partial=partial,
    )


def _found(target: EmbedTarget, source: Source) -> Found:
    """What the service says of the link; raises FetchError."""
    if source.how == OEMBED:
        query = urlencode({"url": target.url, "format": "json"})
        data = _json(_fetch(f"{source.endpoint}?{query}", source.hosts).content)
        return Found(title=_text(data, "title"), picture=_text(data, "thumbnail_url"))
    if source.how == YANDEX_DISK:
        query = urlencode(
            {"public_key": target.url, "fields": "name,preview", "preview_size": "L"}
        )
        data = _json(_fetch(f"{source.endpoint}?{query}", source.hosts).content)
        return Found(title=_text(data, "name"), picture=_text(data, "preview"))
    page = _fetch(target.url, source.hosts, partial=True)
    found = page_head(page.content, page.content_type)
    picture = urljoin(page.url, found.picture) if found.picture else ""
    return Found(title=found.title, picture=picture)


def _picture(address: str, source: Source) -> tuple[bytes, str] | None:
    """The picture at ``address``, re-encoded, and its extension; None when
    it cannot be had (not on the service's hosts, too big, not a picture)."""
    if urlsplit(address).scheme not in ("http", "https"):
        return None
    try:
        fetched = _fetch(address, source.pictures)
        clean = image_clean(
            SimpleUploadedFile("picture", fetched.content),
            max_bytes=settings.EMBED_FETCH_MAX_BYTES,
            formats=PICTURE_FORMATS,
            max_side=PICTURE_SIDE,
        )
    except (FetchError, ValidationError) as error:
        logger.info("embed picture %s not taken: %s", address, error)
        return None
    return clean.content, clean.extension


def _picture_store(picture: tuple[bytes, str]) -> str:
    """Store a re-encoded picture under a random name; returns the name."""
    content, extension = picture
    storage = EmbedPreview._meta.get_field("thumbnail").storage
    return storage.save(
        f"embeds/{secrets.token_hex(16)}.{extension}", ContentFile(content)
    )


def _picture_delete(name: str) -> None:
    if name:
        EmbedPreview._meta.get_field("thumbnail").storage.delete(name)


# --- the rows ----------------------------------------------------------------------


def _due(now: datetime.datetime) -> Q:
    """Rows to fetch: never fetched, or fetched (or failed) long enough ago."""
    stale = now - datetime.timedelta(days=settings.EMBED_REFRESH_DAYS)
    return Q(status=EmbedPreview.Status.PENDING) | Q(fetched_at__lt=stale)


def embed_previews_ensure(targets: Iterable[EmbedTarget]) -> None:
    """A pending row for every link not known yet; one query, harmless twice
    (a link known already keeps its row as it is)."""
    rows = {
        target.key: EmbedPreview(
            key=target.key, provider=target.provider, url=target.url[:500]
        )
        for target in targets
    }
    if rows:
        EmbedPreview.objects.bulk_create(rows.values(), ignore_conflicts=True)


def embed_preview_fetch(key: str) -> EmbedPreview | None:
    """Fetch the title and picture of the link ``key`` if it is due (pending,
    or older than ``EMBED_REFRESH_DAYS``) and no live worker holds it.

    Returns the row as written, or None when nothing was written (no such
    row, not due, held by another worker, fetching switched off, an outage
    met by a refresh). The requests go out with no transaction open; a
    failure of the service writes ``failed`` (a plain card) and never
    raises — but a refresh of a fetched row that meets an outage (the
    network, 5xx) keeps the card as it was, to be tried again at the next
    refresh. Then the cached pages and the search entries that carry the
    link follow (``changes.embed_preview_changed``).
    """
    if not settings.EMBED_FETCH:
        return None
    preview = EmbedPreview.objects.filter(key=key).first()
    if preview is None:
        return None
    claimed = claim_take(
        EmbedPreview,
        pk=preview.pk,
        field="claimed_at",
        ready=_due(timezone.now()),
    )
    if claimed is None:
        return None
    target = embed_match(preview.url)
    source = SOURCES.get(target.provider) if target is not None else None
    found, picture, passing = Found(), None, False
    if target is not None and source is not None:
        try:
            found = _found(target, source)
        except FetchError as error:
            logger.info("embed %s not fetched: %s", preview.url, error)
            passing = isinstance(error, FetchFailed) and error.passing
        else:
            if found.picture:
                picture = _picture(found.picture, source)
    if claim_expired(claimed):
        # Taken over meanwhile (this run outlived its time): the other writes.
        return None
    if passing and preview.status == EmbedPreview.Status.FETCHED:
        # A refresh met an outage: the card stays as it was, due again tomorrow.
        EmbedPreview.objects.filter(pk=preview.pk, claimed_at=claimed).update(
            claimed_at=None
        )
        return None
    title = title_clean(found.title)
    return _preview_write(preview, claimed=claimed, title=title, picture=picture)


@transaction.atomic
def _preview_write(
    preview: EmbedPreview,
    *,
    claimed: datetime.datetime,
    title: str,
    picture: tuple[bytes, str] | None,
) -> EmbedPreview | None:
    fetched = bool(title or picture)
    changes: dict[str, object] = {
        "status": (
            EmbedPreview.Status.FETCHED if fetched else EmbedPreview.Status.FAILED
        ),
        "fetched_at": timezone.now(),
        "claimed_at": None,
    }
    if fetched:
        changes["title"] = title
    stored = _picture_store(picture) if picture is not None else ""
    if stored:
        changes["thumbnail"] = stored
    # Only while the claim is still this run's.
    written = EmbedPreview.objects.filter(pk=preview.pk, claimed_at=claimed).update(
        **changes
    )
    if not written:
        transaction.on_commit(lambda: _picture_delete(stored))
        return None
    if stored and preview.thumbnail.name:
        previous = preview.thumbnail.name
        transaction.on_commit(lambda: _picture_delete(previous))
    preview.refresh_from_db()
    embed_preview_changed(preview.url)
    return preview


def embed_targets_read(rows: Iterable[Iterable[str]]) -> list[EmbedTarget]:
    """The links a task was given (``[key, provider, url]`` each), read again
    from their addresses: one the registry no longer knows as that key is
    left out."""
    targets = []
    for key, _provider, url in rows:
        target = embed_match(url)
        if target is not None and target.key == key:
            targets.append(target)
    return targets


def embed_previews_fetch(targets: Iterable[EmbedTarget]) -> int:
    """Ensure a row for each link, then fetch those due; returns how many
    were fetched (each row by one worker only: ``embed_preview_fetch``)."""
    targets = list(targets)
    embed_previews_ensure(targets)
    if not settings.EMBED_FETCH or not targets:
        return 0
    due = EmbedPreview.objects.filter(
        _due(timezone.now()), key__in=[target.key for target in targets]
    ).values_list("key", flat=True)
    return sum(embed_preview_fetch(key) is not None for key in list(due))


def embed_previews_refresh() -> int:
    """Enqueue again, in batches spaced out, the links fetched (or failed)
    more than ``EMBED_REFRESH_DAYS`` ago, and those still pending whose task
    was lost. Returns how many were enqueued; harmless twice (a row already
    fetched again is not due, and a claimed one is skipped)."""
    if not settings.EMBED_FETCH:
        return 0
    now = timezone.now()
    stale = now - datetime.timedelta(days=settings.EMBED_REFRESH_DAYS)
    due = (
        EmbedPreview.objects.filter(
            Q(fetched_at__lt=stale)
            | Q(status=EmbedPreview.Status.PENDING, created_at__lt=claim_cutoff(now)),
            Q(claimed_at__isnull=True) | Q(claimed_at__lt=claim_cutoff(now)),
        )
        .order_by("fetched_at", "pk")
        .values_list("key", "provider", "url")
    )
    rows = [list(row) for row in due]
    batches = [
        rows[start : start + FETCH_BATCH] for start in range(0, len(rows), FETCH_BATCH)
    ]

    def enqueue() -> None:
        from community.tasks import embed_previews_fetch_task

        for number, batch in enumerate(batches):
            embed_previews_fetch_task.apply_async(
                args=[batch], countdown=number * REFRESH_SPACING
            )

    transaction.on_commit(enqueue)
    return len(rows)


@transaction.atomic
def embed_preview_hide(*, preview: EmbedPreview, hidden: bool, by) -> bool:
    """Hide one embedded link everywhere (``hidden=False``: show it again):
    it shows as the plain link, and its title leaves search. A moderator's
    decision (the admin site's action), always put on record; returns whether
    it changed anything."""
    from community.services import audit

    changed = preview.is_hidden != hidden
    if changed:
        preview.is_hidden = hidden
        preview.save(update_fields=["is_hidden"])
        embed_preview_changed(preview.url)
    audit(actor=by, action="embed_hide" if hidden else "embed_restore", target=preview)
    return changed
