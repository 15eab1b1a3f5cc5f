"""``{% icon "bell" %}``: one icon from the vendored Bootstrap Icons sprite.

The icon is an ``<svg>`` that references a symbol of the sprite
(``static/vendor/bootstrap-icons/bootstrap-icons.svg``) with ``<use>``: no
inline style, no script, so it passes the Content Security Policy, and the
browser fetches and caches the sprite once for every icon on the site.

An icon beside a visible word is decoration (``aria-hidden="true"``); an icon
that stands alone (a bell, a magnifier) needs ``label="..."``, which becomes
its accessible name.
"""

import re

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

SPRITE = "vendor/bootstrap-icons/bootstrap-icons.svg"
_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")


@register.simple_tag(name="icon")
def icon(name: str, label: str = "", **kwargs: str) -> SafeString:
    """Render the symbol ``name`` (e.g. ``"bell"``, ``"search"``).

    ``label``: the accessible name when the icon stands alone; ``class``: more
    classes beside ``icon``.
    """
    if not _NAME.match(name or ""):
        raise template.TemplateSyntaxError(f"icon: {name!r} is not an icon name")
    extra = kwargs.pop("class", "")
    if kwargs:
        raise template.TemplateSyntaxError(f"icon: unknown arguments {sorted(kwargs)}")
    classes = f"icon {extra}".strip()
    href = f"{static(SPRITE)}#{name}"
    if label:
        return format_html(
            '<svg class="{}" width="1em" height="1em" fill="currentColor" '
            'role="img" aria-label="{}" focusable="false">'
            '<title>{}</title><use href="{}"></use></svg>',
            classes,
            label,
            label,
            href,
        )
    return format_html(
        '<svg class="{}" width="1em" height="1em" fill="currentColor" '
        'aria-hidden="true" focusable="false"><use href="{}"></use></svg>',
        classes,
        href,
    )
