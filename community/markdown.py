"""The one Markdown renderer: Python-Markdown, then an nh3 allow-list.

Everything a member writes is turned into HTML here, once, when it is saved;
the markdownx preview, e-mails and digests call the same function, so what a
member previews is exactly what colleagues will see.

What leaves it, the rest of the site relies on: every ``<`` in the HTML opens
(or closes) a tag of ``ALLOWED_TAGS``; a ``<`` in text, in code or in an
attribute's value comes out as ``&lt;``. So no HTML comment and no
``<input>``, ``<form>``, ``<button>`` (nor ``<script>``, ``<style>``,
``<iframe>``) ever leaves it, whatever the member wrote. The topic page's kept
posts (``forums.fragments``) mark their per-member parts with comments and a
hidden ``<input>`` and fill them in after: member text that could carry those
markers would take over other members' pages. Keep comments stripped and
those tags out of the allow-list (``community/tests/test_markdown_markers.py``
and ``forums/tests/test_fragment_markers.py`` check it).

A paragraph that is one link and nothing else, to a service
``community.embed_providers`` lists, becomes a card's placeholder after the
sanitiser (``community.embeds.embed_placeholder``): the same link in a
``<div>`` naming it, made of allowed tags, so the promise above holds.
"""

import html as html_lib
import re
import threading

import markdown as markdown_lib
import nh3

from community.embeds import embed_placeholder, embed_targets_in, embeds_request

# Never "input", "form", "button", "select", "textarea", "script", "style",
# "iframe" (see the module's text): forums.fragments relies on it.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt",
    "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "code": {"class"},
    "ol": {"start"},
}
# No javascript:, data:, vbscript: or anything else that can run or smuggle code.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["extra", "sane_lists", "smarty"]
MAX_LENGTH = 100_000
# One class token, as fenced code writes it: "language-python", "language-c++".
LANGUAGE_CLASS = re.compile(r"language-[A-Za-z0-9_+#.-]+")


def _code_class(tag: str, name: str, value: str) -> str | None:
    # Only the "language-xxx" class that fenced code blocks produce survives.
    if tag == "code" and name == "class":
        return value if LANGUAGE_CLASS.fullmatch(value) else None
    return value


# A paragraph that is one link: a bare address (Markdown links none), or a link
# whose text is its address, as the sanitiser writes it.
LONE_LINK = re.compile(
    r'<p>\s*(?:<a href="(?P<href>[^"<>]*)" rel="nofollow noopener noreferrer ugc">'
    r"(?P<text>[^<]*)</a>|(?P<bare>https?://[^\s<>\"]+))\s*</p>"
)


def _lone_link_embedded(match: re.Match) -> str:
    address = html_lib.unescape(match["href"] or match["bare"] or "")
    if match["href"] is not None and html_lib.unescape(match["text"]) != address:
        return match[0]
    return embed_placeholder(address) or match[0]


# Building a renderer with its extensions costs more than most texts' rendering:
# one per thread, reset before each text (``Markdown.reset``).
_renderers = threading.local()


def _renderer() -> markdown_lib.Markdown:
    renderer = getattr(_renderers, "markdown", None)
    if renderer is None:
        renderer = markdown_lib.Markdown(extensions=EXTENSIONS, output_format="html")
        _renderers.markdown = renderer
    return renderer.reset()


def render_markdown(text: str, *, request_previews: bool = True) -> str:
    """Return safe HTML for member-written Markdown.

    Raw HTML in the source is escaped or stripped to the allow-list; links get
    rel="nofollow noopener noreferrer ugc". NUL bytes are dropped (PostgreSQL
    rejects them). No comment, no ``<input>``, ``<form>`` or ``<button>``, and
    no ``<`` but a kept tag's: see the module's text. A link alone in its
    paragraph to a listed service becomes a card's placeholder, and its title
    and picture are asked for after commit (``community.embeds``) — only for
    text being saved: the editor's preview of unsaved text and our own texts
    rendered as a page is sent pass ``request_previews=False``, so nobody can
    fill the previews' table and storage with links no saved text holds.
    """
    text = (text or "").replace("\x00", "")[:MAX_LENGTH]
    html = _renderer().convert(text)
    html = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        attribute_filter=_code_class,
        link_rel="nofollow noopener noreferrer ugc",
        # Said even though it is nh3's default: forums.fragments relies on it.
        strip_comments=True,
    )
    if "://" not in html:
        return html
    html = LONE_LINK.sub(_lone_link_embedded, html)
    if request_previews:
        embeds_request(embed_targets_in(html))
    return html
