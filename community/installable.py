"""The installable site: its manifest, its service worker, and what the worker
may keep for reading without a connection.

A phone installs Kollegi from ``/manifest.webmanifest``. ``/sw.js`` is the
source of ``static/js/sw.js`` with its settings put before it
(``worker_script``): addresses, the language, the texts of a push it cannot
read. The worker shows pushes and keeps a few pages for reading offline.

What it keeps, the server decides. A page that may be kept carries the
``Kollegi-Offline`` header (``offline_keep``), whose value names its reader
(``reader_token``): the member's reading lists, which apps register
(``offline_list_register``: her bookmarks, «Мои мастер-классы»), and the pages
of hers they link with ``data-offline-keep`` (a bookmarked material, a
master-class she attends or hosts). Every page tells the worker who reads it
(``static/js/sw-register.js``): another member, or a visitor, and whatever was
kept is dropped; a visitor's pages are never kept.
"""

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from community.design import palette_tokens
from community.push import push_available

KEEP_HEADER = "Kollegi-Offline"
WORKER_SOURCE = "js/sw.js"
ICON_SIZES = (192, 512)
ICON = "icons/icon-{size}.png"
MASKABLE_ICON = "icons/icon-maskable-{size}.png"
APPLE_TOUCH_ICON = "icons/apple-touch-icon.png"
# The worker shows a push with this one (static/js/sw.js).
NOTIFICATION_ICON = ICON.format(size=192)


@dataclass(frozen=True)
class OfflineList:
    url_name: str
    title: Promise
    icon: str


_lists: list[OfflineList] = []


def offline_list_register(*, url_name: str, title: Promise, icon: str) -> None:
    """Keep this page of the member's own for reading offline, with the pages
    it links with ``data-offline-keep`` (call from AppConfig.ready()). Its view
    marks it with ``offline_keep``, as do the views of the pages it links."""
    entry = OfflineList(url_name=url_name, title=title, icon=icon)
    if entry not in _lists:
        _lists.append(entry)


def offline_lists() -> list[dict]:
    """The registered lists: ``{"url", "title", "icon"}`` each."""
    return [
        {"url": reverse(item.url_name), "title": item.title, "icon": item.icon}
        for item in _lists
    ]


def reader_token(user) -> str:
    """Who reads a page, as the worker knows her; "" for a visitor.

    Not her number: a keyed digest of it, the same on every page of hers.
    """
    if user is None or not user.is_authenticated:
        return ""
    return salted_hmac("community.installable.reader", str(user.pk)).hexdigest()[:20]


def offline_keep(response: HttpResponse, *, user) -> HttpResponse:
    """Mark the member's page as one her browser may keep for reading offline.

    Nothing for a visitor. The header names the reader: kept for another
    member, the worker drops the pages it had first.
    """
    reader = reader_token(user)
    if reader:
        response[KEEP_HEADER] = reader
    return response


def language_of(request: HttpRequest) -> str:
    """The language the address asks for (``?lang=en``), else the request's.

    The manifest and the offline page are fetched without cookies (by the
    browser, by the worker), so their address carries the reader's language.
    """
    asked = request.GET.get("lang", "")
    if asked in dict(settings.LANGUAGES):
        return asked
    return translation.get_language()


@functools.cache
def brand_colours() -> tuple[str, str]:
    """The bar's colour and the splash screen's: design.css's primary and
    surface tokens, read once a process."""
    tokens = palette_tokens()
    return tokens["primary"], tokens["surface"]


def manifest() -> dict:
    """The web app manifest, in the active language."""
    theme, background = brand_colours()
    icons = []
    for purpose, name in (("any", ICON), ("maskable", MASKABLE_ICON)):
        icons += [
            {
                "src": static(name.format(size=size)),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": purpose,
            }
            for size in ICON_SIZES
        ]
    home = reverse("home")
    return {
        # The identity of the installed site: the same whatever the address of
        # its first page becomes.
        "id": home,
        "name": _("Kollegi"),
        "short_name": _("Kollegi"),
        "description": _(
            "Kollegi is a professional network of school teachers: forums, "
            "teaching materials with peer review, master-classes and a personal "
            "space."
        ),
        "lang": translation.get_language(),
        "dir": "ltr",
        "start_url": home,
        "scope": home,
        "display": "standalone",
        "theme_color": theme,
        "background_color": background,
        "icons": icons,
        "categories": ["education", "social"],
        # A long press on the icon: the lists that read offline too.
        "shortcuts": [
            {"name": str(item["title"]), "url": item["url"]} for item in offline_lists()
        ],
    }


@functools.cache
def worker_source() -> str:
    """``static/js/sw.js``, read once a process."""
    return Path(finders.find(WORKER_SOURCE)).read_text(encoding="utf-8")


def worker_settings() -> dict:
    """What the worker reads from ``self.KOLLEGI``, in the active language."""
    language = translation.get_language()
    config = {
        "lang": language,
        "static": settings.STATIC_URL,
        # Fetched without cookies: the same page for everyone, naming nobody.
        "offline": f"{reverse('offline')}?lang={language}",
        "lists": [item["url"] for item in offline_lists()],
        "maxPages": settings.OFFLINE_MAX_PAGES,
        "keepHeader": KEEP_HEADER,
        "never": [reverse("admin:index")],
        "icon": static(NOTIFICATION_ICON),
        "notifications": reverse("notifications"),
        # A push it cannot read still shows a notification: these words.
        "text": {
            "title": _("Kollegi"),
            "body": _("There is something new for you on Kollegi."),
        },
        "push": None,
    }
    if push_available():
        # A subscription the browser renews is sent again to the devices page.
        config["push"] = {
            "key": settings.PUSH_VAPID_PUBLIC_KEY,
            "page": reverse("accounts:settings_devices"),
            "add": reverse("accounts:device_add"),
        }
    return config


def worker_script() -> str:
    """``/sw.js``: the worker's settings, then its source.

    The version, which names the worker's caches, follows both: a new static
    file or text is a new worker, whose caches replace the old ones.
    """
    config = worker_settings()
    source = worker_source()
    digest = hashlib.sha256(
        (json.dumps(config, sort_keys=True) + source).encode()
    ).hexdigest()
    config["version"] = digest[:12]
    return f"self.KOLLEGI = {json.dumps(config, ensure_ascii=False)};\n{source}"
