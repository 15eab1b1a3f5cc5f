"""Readable addresses from Russian names, one rule for blogs and communities."""

from community.slugs import SLUG_LENGTH, free_slug, readable_slug


def test_a_russian_name_reads_in_latin_letters():
    assert readable_slug("Учителя физики: 7–9 классы", fallback="x") == (
        "uchitelia-fiziki-79-klassy"
    )


def test_nothing_readable_gives_the_fallback_and_long_names_are_cut():
    assert readable_slug("«…»", fallback="community") == "community"
    assert len(readable_slug("очень " * 40, fallback="x")) <= SLUG_LENGTH


def test_a_taken_address_gets_the_next_number():
    assert free_slug("fizika", {"fizika", "fizika-2"}) == "fizika-3"
    assert free_slug("fizika", set()) == "fizika"
