"""Russian is the site's first language: no English may show on a Russian page."""

import gettext
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Proper names that stay Latin in Russian text.
ALLOWED_LATIN = {"VK", "ID", "Mail", "ru", "Google"}
# Names of formats and keys, written in Latin letters in Russian text too.
ALLOWED_LATIN |= {"JPEG", "PNG", "WebP", "PDF", "ZIP", "JSON", "Markdown", "Ctrl"}
# Photos from phones: «снимки с iPhone (HEIC)».
ALLOWED_LATIN |= {"HEIC", "HEIF", "iPhone"}
ALLOWED_LATIN |= {"Word", "PowerPoint", "Excel", "OpenDocument"}
# Feed formats: «Подписаться через RSS», «Atom».
ALLOWED_LATIN |= {"RSS", "Atom"}
# Licence names: "CC BY-NC-SA 4.0".
ALLOWED_LATIN |= {"CC", "BY", "SA", "NC", "ND"}
# Addresses are data, not interface text.
EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# "e-mail" is the usual Russian spelling (allauth's own Russian catalogue uses it).
LOANWORDS = re.compile(r"\b[eE]-mail\b")
TEXT_ATTRIBUTES = {"placeholder", "aria-label", "title", "alt"}


class VisibleText(HTMLParser):
    """Collects what a reader sees or hears: text and a few attributes.

    Skips script/style and anything marked as being in another language
    (the "English" button of the language switcher carries lang="en").
    """

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
            "meta", "source", "track", "wbr"}  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.chunks: list[str] = []

    def _skipping(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        # translate="no" marks data: file names, addresses, citations.
        skip = (
            tag in {"script", "style", "title"}
            or ("lang" in attributes and not attributes["lang"].startswith("ru"))
            or attributes.get("translate") == "no"
        )
        if not skip and not self._skipping():
            self.chunks += [
                value for name, value in attrs if name in TEXT_ATTRIBUTES and value
            ]
            if tag == "input" and attributes.get("type") in {"submit", "button"}:
                self.chunks.append(attributes.get("value") or "")
        if tag not in self.VOID:
            self.stack.append((tag, skip))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._skipping():
            self.chunks.append(data)


def english_words(html: str) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    text = LOANWORDS.sub("", EMAIL_ADDRESS.sub("", " ".join(parser.chunks)))
    words = set(LATIN_WORD.findall(text))
    return words - ALLOWED_LATIN


ANONYMOUS_PAGES = [
    "home",
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
    "offline",
]
MEMBER_PAGES = ["home", "account_email", "account_change_password", "account_logout"]


@pytest.mark.parametrize("name", ANONYMOUS_PAGES)
def test_anonymous_page_reads_in_russian(client, name):
    response = client.get(reverse(name), headers={"accept-language": "en"})

    assert response.status_code == 200
    assert response["Content-Language"] == "ru"
    assert english_words(response.content.decode()) == set()


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_member_page_reads_in_russian(member_client, name):
    response = member_client.get(reverse(name))

    assert response.status_code == 200
    assert english_words(response.content.decode()) == set()


def test_form_errors_read_in_russian(client, member):
    response = client.post(
        reverse("account_login"), {"login": member.email, "password": "wrong"}
    )
    assert response.status_code == 200
    assert english_words(response.content.decode()) == set()

    response = client.post(
        reverse("account_signup"),
        {"display_name": "", "email": "not-an-address", "password1": "1"},
    )
    assert response.status_code == 200
    assert english_words(response.content.decode()) == set()


def test_not_found_page_reads_in_russian(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert english_words(response.content.decode()) == set()


def test_english_is_switchable(client):
    client.post(reverse("language_set"), {"language": "en", "next": "/"})

    response = client.get(reverse("home"))

    assert response["Content-Language"] == "en"
    assert "Join Kollegi" in response.content.decode()


def test_russian_catalogue_is_complete_and_compiled():
    po = settings.BASE_DIR / "locale" / "ru" / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    text = po.read_text(encoding="utf-8")
    # A msgid with a context (pgettext) is "context\x04msgid" in the catalogue.
    entries = re.findall(
        r'^(?:msgctxt "(.*)"\n)?msgid "(.+)"$', text, flags=re.MULTILINE
    )
    msgids = [
        f"{context}\x04{msgid}" if context else msgid for context, msgid in entries
    ]
    with mo.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]

    assert "#, fuzzy" not in text
    assert re.search(r'^msgstr ""\n(\n|\Z)', text, flags=re.MULTILINE) is None
    plural_ids = {key[0] for key in catalogue if isinstance(key, tuple)}
    missing = [
        msgid
        for msgid in map(_unescape, msgids)
        if msgid not in catalogue and msgid not in plural_ids
    ]
    assert missing == []


def _unescape(po_string: str) -> str:
    return po_string.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
