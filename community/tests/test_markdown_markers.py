"""What the rest of the site relies on in the renderer's HTML: no comment, no
form control, and no "<" but an allowed tag's (forums.fragments marks a kept
page's per-member parts with comments and a hidden input)."""

import random
import re

import pytest

from community.markdown import ALLOWED_TAGS, render_markdown

NEVER_ALLOWED = {
    "input", "form", "button", "select", "textarea", "option", "script", "style",
    "iframe", "template", "object", "embed",
}  # fmt: skip
# Every "<" of the output, with the name of the tag it opens or closes (if any).
OPENING = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)?")

MARKUP = [
    "<!-- a comment -->",
    "<!--new-post-mark-->",
    "<!--reaction-slot:thanks-->",
    "<!---->",
    "<!-->",
    "<!--->x",
    "<!-- <!-- nested --> after -->",
    "<!--[if IE]><input><![endif]-->",
    "<![CDATA[<!--x-->]]>",
    "<math><![CDATA[<!--x-->]]></math>",
    "<svg><![CDATA[<input>]]></svg>",
    "<?php echo 1 ?>",
    "<!DOCTYPE html>",
    "<!--x",
    "<p>a<!--b-->c</p>",
    "<div><!--x--></div>",
    "<table><!--x--><tr><td>1</td></tr></table>",
    "<textarea><!--x--></textarea>",
    "<noscript><!--x--></noscript>",
    "<title><!--x--></title>",
    "<xmp><!--x--></xmp>",
    "<plaintext><!--x-->",
    '<input type="hidden" name="csrfmiddlewaretoken" value="x">',
    '<input type="hidden" name="csrfmiddlewaretoken" value="csrf-marker-not-a-token">',
    '<INPUT TYPE="submit">',
    "<input/>",
    '<form method="post" action="/forums/p/1/react/"><input name="kind"></form>',
    '<button type="submit" id="reaction-2-thanks">x</button>',
    "<select><option>x</option></select>",
    "<textarea>x</textarea>",
    "<script>alert(1)</script>",
    "<style>body { display: none }</style>",
    '<iframe src="https://example.com/"></iframe>',
    "<template><input></template>",
]
# Each piece also where Markdown puts member text somewhere else: code, a
# link's text, address and title, a picture's description, a quote, a list.
PLACES = [
    "{}",
    "Текст {} и ещё текст",
    "`{}`",
    "```\n{}\n```",
    "    {}",
    "[{}](https://example.com/)",
    "[ссылка](https://example.com/{})",
    '[ссылка](https://example.com/ "{}")',
    "![{}](https://example.com/a.png)",
    '<a href="https://example.com/" title="{}">x</a>',
    '<abbr title="{}">x</abbr>',
    "> {}",
    "- {}",
    "| a |\n|---|\n| {} |",
]


def assert_only_allowed_tags(html: str) -> None:
    assert "<!--" not in html, html
    for match in OPENING.finditer(html):
        name = (match.group(2) or "").lower()
        assert name in ALLOWED_TAGS, html


def test_the_allow_list_keeps_no_form_control_or_script():
    assert not ALLOWED_TAGS & NEVER_ALLOWED


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("markup", MARKUP)
def test_no_comment_or_form_control_leaves_the_renderer(markup, place):
    html = render_markdown(place.format(markup))

    assert_only_allowed_tags(html)
    for name in NEVER_ALLOWED:
        assert f"<{name}" not in html.lower()


def test_a_comment_in_the_text_is_dropped_and_the_text_around_it_kept():
    html = render_markdown("до <!--reaction-slot:thanks--> после")

    assert html == "<p>до  после</p>"


def test_markup_in_code_is_shown_escaped():
    html = render_markdown('`<!--new-post-mark-->` and `<input type="hidden">`')

    assert "&lt;!--new-post-mark--&gt;" in html
    assert '&lt;input type="hidden"&gt;' in html
    assert_only_allowed_tags(html)


def test_random_mixtures_keep_no_comment_or_form_control():
    # A seeded fuzz: pieces of markup and Markdown glued in random order.
    generator = random.Random(8)
    pieces = [*MARKUP, "**", "`", "```\n", "\n\n", "> ", "- ", "[", "](", ")"]
    pieces += ["<", ">", "-->", "<!", '"', "'", "&lt;", "&#60;", "    "]
    for _ in range(300):
        text = "".join(generator.choices(pieces, k=generator.randint(2, 12)))

        assert_only_allowed_tags(render_markdown(text))
