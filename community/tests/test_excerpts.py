"""Plain-text excerpts of stored HTML for feeds and link previews."""

import pytest

from community.excerpts import excerpt, excerpt_from_markdown, plain_text, shorten


def test_plain_text_drops_tags_decodes_entities_and_folds_spaces():
    html = "<h2>План</h2><p>Дроби &amp; <em>доли</em>:</p><ul><li>1</li><li>2</li></ul>"

    assert plain_text(html) == "План. Дроби & доли: 1. 2"


def test_markup_a_member_typed_stays_text():
    text = excerpt_from_markdown("Пишу `<script>alert(1)</script>` и <b>жирно</b>")

    assert text == "Пишу <script>alert(1)</script> и жирно"


@pytest.mark.parametrize("length", [50, 200])
def test_long_texts_are_cut_at_a_word_with_an_ellipsis(length):
    text = excerpt("<p>" + "слово " * 100 + "</p>", length)

    assert len(text) <= length
    assert text.endswith("слово…")


def test_short_texts_stay_whole():
    assert excerpt("<p>Коротко.</p>") == "Коротко."
    assert shorten("  Две\n строки ") == "Две строки"
    assert excerpt("") == ""
