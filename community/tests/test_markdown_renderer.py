"""The Markdown renderer is reused from text to text: nothing carries over."""

from community.markdown import render_markdown


def test_render_markdown_keeps_no_abbreviation_footnote_or_link_between_texts():
    first = render_markdown(
        "HTML[^1] и [урок][ref]\n\n*[HTML]: язык разметки\n\n[^1]: сноска\n\n"
        "[ref]: https://school.example/"
    )
    second = render_markdown("HTML[^1] и [урок][ref]")

    assert "<abbr" in first
    assert "fn:1" in first
    assert "school.example" in first
    assert second == "<p>HTML[^1] и [урок][ref]</p>"
