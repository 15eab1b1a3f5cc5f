"""Plain-text excerpts of what members wrote, for feeds and link previews.

Member texts are stored twice: the Markdown source and the HTML that
``community.markdown.render_markdown`` made of it (sanitised). An excerpt is
the text of that HTML: tags dropped, entities decoded, whitespace folded,
cut at a word. The result is plain text and must be escaped where it goes
(templates autoescape; feeds escape it themselves).
"""

import html
import re

from django.utils.html import strip_tags

from community.markdown import render_markdown

# What link previews and feed readers show comfortably.
EXCERPT_LENGTH = 200
# A block's end separates words: "<p>one</p><p>two</p>" reads "one two".
_BLOCK_BOUNDARY = re.compile(
    r"</?(?:p|br|div|li|ul|ol|h[1-6]|blockquote|pre|tr|td|th|dd|dt|hr|table)\b[^>]*>",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")


def plain_text(html_text: str) -> str:
    """The text of (sanitised) HTML on one line."""
    text = strip_tags(_BLOCK_BOUNDARY.sub(" ", html_text or ""))
    return _SPACES.sub(" ", html.unescape(text)).strip()


def _cut(text: str, length: int) -> str:
    """At most ``length`` characters, the ellipsis included; cut at a word when
    a word ends in the last third."""
    if len(text) <= length:
        return text
    head = text[: length - 1]
    space = head.rfind(" ")
    if space > length * 2 // 3:
        head = head[:space]
    return head.rstrip(" ,.;:—-") + "…"


def excerpt(html_text: str, length: int = EXCERPT_LENGTH) -> str:
    """At most ``length`` characters of the text of ``html_text``, ellipsis included."""
    return _cut(plain_text(html_text), length)


def excerpt_from_markdown(source: str, length: int = EXCERPT_LENGTH) -> str:
    """The same, from Markdown that has not been rendered yet."""
    return excerpt(render_markdown(source), length)


def shorten(text: str, length: int = EXCERPT_LENGTH) -> str:
    """Plain text (a summary, a description) on one line, at most ``length``."""
    return _cut(_SPACES.sub(" ", text or "").strip(), length)
