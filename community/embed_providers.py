"""The services whose players and documents a member's link may show.

A link alone on its line in a member's text becomes a card
(``community.embeds``) when one of these providers knows it; every other link
stays a link. A provider knows a link by its exact host (no look-alike host,
no user name in it, no port but the scheme's own) and by a path it reads to
the end; from it the provider builds two addresses of its own making:

- the canonical address of the page (https, the provider's main host, none of
  the tracking parameters a share button adds), whose digest is the link's key;
- the address of the player, the only thing a reader's browser will ever load
  into a frame — and only after she presses play.

Nothing a member wrote is copied into either address but the identifiers the
provider reads (checked against their shape), so a card's frame can only show
the provider's own player. ``FRAME_SOURCES`` is every host a player may be
on: the Content Security Policy's ``frame-src`` (settings import it, so this
module imports nothing of Django).
"""

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlencode, urlsplit

VIDEO = "video"
DOCUMENT = "document"

# Longer than this, no provider's link: not worth parsing.
MAX_URL_LENGTH = 2000
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class EmbedTarget:
    """One embeddable link: what a card is made from."""

    key: str  # the first 32 hex digits of the canonical address's sha256
    provider: str  # Provider.key
    url: str  # the canonical address of the page (where the card's link leads)
    player_url: str  # our frame's address, on one of the provider's frame hosts
    kind: str  # VIDEO or DOCUMENT
    title_hint: str = ""  # a name the link itself carries (a document's file name)


@dataclass(frozen=True)
class Link:
    """A link taken apart: its host (lower case), path and query."""

    host: str
    path: str
    query: dict[str, list[str]]

    def one(self, name: str) -> str | None:
        """The query parameter ``name`` (each is given once: ``_link``)."""
        return self.query.get(name, [None])[0]


# What a provider makes of a link it knows: the canonical address, the
# player's address and a title hint.
Found = tuple[str, str, str]


@dataclass(frozen=True)
class Provider:
    key: str
    name: str  # the brand, as the service writes it (not translated)
    kind: str
    hosts: frozenset[str]  # where its links are
    frame_hosts: tuple[str, ...]  # where the players it builds are
    find: Callable[[Link], Found | None]


def _key(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:32]


# --- RuTube ---------------------------------------------------------------------

_RUTUBE_PAGE = re.compile(
    r"/(?P<section>video|shorts|video/private|play/embed|video/embed)"
    r"/(?P<id>[0-9a-fA-F]{32})/?"
)
# The key of a private video (?p=), which its link and its player both need.
_RUTUBE_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _rutube(link: Link) -> Found | None:
    found = _RUTUBE_PAGE.fullmatch(link.path)
    if found is None:
        return None
    video = found["id"].lower()
    # "null": what RuTube's own embed code writes for a public video.
    key = link.one("p") if link.one("p") != "null" else None
    if key is not None and not _RUTUBE_KEY.fullmatch(key):
        return None
    if found["section"] == "video/private" and key is None:
        return None  # a private video without its key shows nothing
    player = f"https://rutube.ru/play/embed/{video}/"
    if key is not None:
        query = urlencode({"p": key})
        page = f"https://rutube.ru/video/private/{video}/?{query}"
        return page, f"{player}?{query}", ""
    if found["section"] == "shorts":
        return f"https://rutube.ru/shorts/{video}/", player, ""
    return f"https://rutube.ru/video/{video}/", player, ""


# --- VK Video ---------------------------------------------------------------------

_VKVIDEO_HOSTS = frozenset({"vkvideo.ru", "www.vkvideo.ru", "m.vkvideo.ru"})
_VK_VIDEO = re.compile(r"(?:video|clip)(?P<oid>-?\d{1,20})_(?P<id>\d{1,20})")
_VK_PAGE = re.compile(r"/" + _VK_VIDEO.pattern + r"/?")
# ?z=video-1_2/pl_-1_-2: the video a page of vk.com shows over itself.
_VK_OVERLAY = re.compile(_VK_VIDEO.pattern + r"(?:/.*)?")
_VK_OID = re.compile(r"-?\d{1,20}")
_VK_ID = re.compile(r"\d{1,20}")
_VK_HASH = re.compile(r"[0-9A-Za-z]{1,64}")
# ?list=: the key of a video shared by link only (the page needs it).
_VK_LIST = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _vk(link: Link) -> Found | None:
    # VK's player shows a video only with its oid, id and hash; a link
    # without the hash (most page links) would make a card that never plays,
    # so it stays a link.
    secret = link.one("hash")
    if secret is None or not _VK_HASH.fullmatch(secret):
        return None
    frame_host = "vkvideo.ru"
    if link.path == "/video_ext.php":
        # The player's own address, pasted: it stays on its host.
        oid, video = link.one("oid"), link.one("id")
        if oid is None or video is None:
            return None
        if not (_VK_OID.fullmatch(oid) and _VK_ID.fullmatch(video)):
            return None
        if link.host not in _VKVIDEO_HOSTS:
            frame_host = "vk.com"
    else:
        found = _VK_PAGE.fullmatch(link.path)
        if found is None:
            overlay = link.one("z")
            found = _VK_OVERLAY.fullmatch(overlay) if overlay is not None else None
        if found is None:
            return None
        oid, video = found["oid"], found["id"]
    access = link.one("list")
    if access is not None and not _VK_LIST.fullmatch(access):
        return None
    page = f"https://vkvideo.ru/video{oid}_{video}"
    if access is not None:
        page += "?" + urlencode({"list": access})
    player = urlencode({"oid": oid, "id": video, "hash": secret})
    return page, f"https://{frame_host}/video_ext.php?{player}", ""


# --- YouTube ------------------------------------------------------------------------

_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_YOUTUBE_PATH = re.compile(r"/(?:shorts|embed|live)/(?P<id>[A-Za-z0-9_-]{11})/?")
# Eleven characters, but the names of lists and channels' streams, not videos.
_YOUTUBE_NOT_IDS = {"videoseries", "live_stream"}


def _youtube(link: Link) -> Found | None:
    if link.host == "youtu.be":
        video = link.path[1:].removesuffix("/")
    elif link.path in ("/watch", "/watch/"):
        video = link.one("v") or ""
    else:
        found = _YOUTUBE_PATH.fullmatch(link.path)
        video = found["id"] if found else ""
    if not _YOUTUBE_ID.fullmatch(video) or video in _YOUTUBE_NOT_IDS:
        return None
    return (
        "https://www.youtube.com/watch?" + urlencode({"v": video}),
        f"https://www.youtube-nocookie.com/embed/{video}",
        "",
    )


# --- Yandex Disk and Documents ----------------------------------------------------

_DISK_PATH = re.compile(r"/(?P<kind>[id])/(?P<key>[A-Za-z0-9_-]{4,64})/?")


def _yandex_disk(link: Link) -> Found | None:
    found = _DISK_PATH.fullmatch(link.path)
    if found is None:
        return None
    page = f"https://disk.yandex.ru/{found['kind']}/{found['key']}"
    return page, page, ""


# The viewer's document: a public file of Yandex Disk, named by its key.
_DOCS_SOURCE = re.compile(r"ya-disk-public://[A-Za-z0-9+/=_%:.-]{4,300}")
_DOCS_NAME = re.compile(r"[^\x00-\x1f\x7f]{1,200}")


def _yandex_documents(link: Link) -> Found | None:
    if link.path not in ("/docs/view", "/docs/view/"):
        return None
    source, name = link.one("url"), link.one("name")
    if source is None or not _DOCS_SOURCE.fullmatch(source):
        return None
    if name is not None and not _DOCS_NAME.fullmatch(name):
        return None
    query = {"url": source} | ({"name": name} if name else {})
    page = "https://docs.yandex.ru/docs/view?" + urlencode(query, quote_via=quote)
    return page, page, name or ""


# --- Google Docs, Slides and Sheets -------------------------------------------------

_GOOGLE_DOC = re.compile(
    r"/(?P<kind>document|presentation|spreadsheets)(?:/u/\d{1,2})?"
    r"/d/(?P<id>[A-Za-z0-9_-]{20,100})(?:/[A-Za-z0-9_./-]*)?"
)
# Published to the web (File → Publish): another address, another player.
_GOOGLE_PUBLISHED = re.compile(
    r"/(?P<kind>document|presentation|spreadsheets)"
    r"/d/e/(?P<id>2PACX-[A-Za-z0-9_-]{20,200})/(?:pub|pubhtml|embed)/?"
)
_GOOGLE_PUBLISHED_PLAYERS = {
    "document": ("pub", "pub?embedded=true"),
    "presentation": ("pub", "embed"),
    "spreadsheets": ("pubhtml", "pubhtml?widget=true&headers=false"),
}


def _google_docs(link: Link) -> Found | None:
    found = _GOOGLE_PUBLISHED.fullmatch(link.path)
    if found is not None:
        base = f"https://docs.google.com/{found['kind']}/d/e/{found['id']}"
        page, player = _GOOGLE_PUBLISHED_PLAYERS[found["kind"]]
        return f"{base}/{page}", f"{base}/{player}", ""
    found = _GOOGLE_DOC.fullmatch(link.path)
    if found is None:
        return None
    base = f"https://docs.google.com/{found['kind']}/d/{found['id']}"
    return f"{base}/edit", f"{base}/preview", ""


# --- The registry --------------------------------------------------------------------

PROVIDERS: tuple[Provider, ...] = (
    Provider(
        key="rutube",
        name="RuTube",
        kind=VIDEO,
        hosts=frozenset({"rutube.ru", "www.rutube.ru", "m.rutube.ru"}),
        frame_hosts=("rutube.ru",),
        find=_rutube,
    ),
    Provider(
        key="vk",
        name="VK Видео",
        kind=VIDEO,
        hosts=frozenset(
            {
                "vk.com",
                "www.vk.com",
                "m.vk.com",
                "vk.ru",
                "m.vk.ru",
                *_VKVIDEO_HOSTS,
            }
        ),
        frame_hosts=("vk.com", "vkvideo.ru"),
        find=_vk,
    ),
    Provider(
        key="youtube",
        name="YouTube",
        kind=VIDEO,
        hosts=frozenset(
            {
                "youtube.com",
                "www.youtube.com",
                "m.youtube.com",
                "youtu.be",
                "youtube-nocookie.com",
                "www.youtube-nocookie.com",
            }
        ),
        frame_hosts=("www.youtube-nocookie.com",),
        find=_youtube,
    ),
    Provider(
        key="yandex_disk",
        name="Яндекс Диск",
        kind=DOCUMENT,
        hosts=frozenset({"disk.yandex.ru", "disk.yandex.com", "yadi.sk"}),
        frame_hosts=("disk.yandex.ru",),
        find=_yandex_disk,
    ),
    Provider(
        key="yandex_docs",
        name="Яндекс Документы",
        kind=DOCUMENT,
        hosts=frozenset({"docs.yandex.ru"}),
        frame_hosts=("docs.yandex.ru",),
        find=_yandex_documents,
    ),
    Provider(
        key="google_docs",
        name="Google Документы",
        kind=DOCUMENT,
        hosts=frozenset({"docs.google.com"}),
        frame_hosts=("docs.google.com",),
        find=_google_docs,
    ),
)

_BY_KEY = {item.key: item for item in PROVIDERS}
# One provider per host (a test holds it to that).
_BY_HOST = {host: item for item in PROVIDERS for host in item.hosts}

# The Content Security Policy's frame-src: every host a player may be on.
FRAME_SOURCES = [f"https://{host}" for item in PROVIDERS for host in item.frame_hosts]


def provider(key: str) -> Provider:
    """The provider registered as ``key``; KeyError for any other."""
    return _BY_KEY[key]


def _link(url: str) -> Link | None:
    """``url`` taken apart, or None unless it is a plain http(s) address."""
    url = url.strip() if isinstance(url, str) else ""
    if not url or len(url) > MAX_URL_LENGTH:
        return None
    if any(char.isspace() or ord(char) < 32 or char in "\\\x7f" for char in url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if scheme not in DEFAULT_PORTS or "@" in parts.netloc:
        return None
    if port is not None and port != DEFAULT_PORTS[scheme]:
        return None
    # Only the host, or the host and the scheme's own port: nothing else
    # (an empty port, a bracketed address) reaches the providers.
    if parts.netloc.lower() not in (host, f"{host}:{DEFAULT_PORTS[scheme]}"):
        return None
    query = parse_qs(parts.query)
    if any(len(values) > 1 for values in query.values()):
        return None  # which of two would a provider have read?
    return Link(host=host, path=parts.path, query=query)


def embed_match(url: str) -> EmbedTarget | None:
    """The card a link makes, or None when no provider knows it."""
    link = _link(url)
    if link is None:
        return None
    known = _BY_HOST.get(link.host)
    if known is None:
        return None
    found = known.find(link)
    if found is None:
        return None
    canonical, player, hint = found
    return EmbedTarget(
        key=_key(canonical),
        provider=known.key,
        url=canonical,
        player_url=player,
        kind=known.kind,
        title_hint=hint,
    )
