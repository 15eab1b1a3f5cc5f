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
# Blocks stay apart on one line: "<li>one</li><li>two</li>" reads "one. two",
# not "one two" as if the list were a sentence.
_BLOCK_BOUNDARY = re.compile(
    r"</?(?:p|br|div|li|ul|ol|h[1-6]|blockquote|pre|tr|td|th|dd|dt|hr|table)\b[^>]*>",
    re.IGNORECASE,
)
# Marks a boundary until the tags are gone; a separator of paragraphs, which
# Markdown never writes.
_BREAK = "\u2029"
# A block that ends like this needs no full stop of ours.
_ENDS_SENTENCE = (".", "!", "?", "…", ":", ";")
_SPACES = re.compile(r"\s+")


def plain_text(html_text: str) -> str:
    """The text of (sanitised) HTML on one line, each block (paragraph, list
    item, heading, line break, cell) ended by a full stop unless it has its own
    punctuation."""
    marked = strip_tags(_BLOCK_BOUNDARY.sub(_BREAK, html_text or ""))
    blocks = [
        _SPACES.sub(" ", html.unescape(block)).strip() for block in marked.split(_BREAK)
    ]
    blocks = [block for block in blocks if block]
    return " ".join(
        block
        if index == len(blocks) - 1 or block.endswith(_ENDS_SENTENCE)
        else block + "."
        for index, block in enumerate(blocks)
    )


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
    return excerpt(render_markdown(source, request_previews=False), length)


def shorten(text: str, length: int = EXCERPT_LENGTH) -> str:
    """Plain text (a summary, a description) on one line, at most ``length``."""
    return _cut(_SPACES.sub(" ", text or "").strip(), length)
