"""The icon template tag: a ``<use>`` of the vendored sprite, no inline style."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template, TemplateSyntaxError


def render(source: str, **context) -> str:
    return Template("{% load icons %}" + source).render(Context(context))


def test_a_decorative_icon_is_hidden_from_screen_readers():
    html = render('{% icon "bell" %}')
    assert html.startswith('<svg class="icon"')
    assert 'aria-hidden="true"' in html
    assert (
        '<use href="/static/vendor/bootstrap-icons/bootstrap-icons.svg#bell"></use>'
        in html
    )
    assert "style" not in html
    assert "role=" not in html


def test_a_labelled_icon_has_an_accessible_name_and_more_classes():
    html = render('{% icon "search" label=name class="me-1 big" %}', name="Find <it>")
    assert 'class="icon me-1 big"' in html
    assert 'role="img"' in html
    assert 'aria-label="Find &lt;it&gt;"' in html
    assert "<title>Find &lt;it&gt;</title>" in html
    assert "aria-hidden" not in html


@pytest.mark.parametrize("bad", ['"../x"', '"bell\\" onload=\\"x"', '""'])
def test_a_name_that_is_not_an_icon_name_is_refused(bad):
    with pytest.raises(TemplateSyntaxError):
        render("{% icon " + bad + " %}")


def test_the_icons_the_site_uses_are_in_the_vendored_sprite():
    sprite = Path(
        settings.BASE_DIR, "static/vendor/bootstrap-icons/bootstrap-icons.svg"
    ).read_text()
    for name in [
        "bell",
        "search",
        "list",
        "person-circle",
        "box-arrow-in-right",
        "three-dots",
    ]:
        assert f'id="{name}"' in sprite, name
    assert Path(settings.BASE_DIR, "static/vendor/bootstrap-icons/LICENSE").exists()
    assert (
        "1.13.2"
        in Path(settings.BASE_DIR, "static/vendor/bootstrap-icons/VERSION").read_text()
    )
