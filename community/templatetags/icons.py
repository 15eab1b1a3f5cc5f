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
from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
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
    return _svg(name, str(label), str(extra))


# A page shows dozens of icons, a few names among them: each is built once
# (the sprite's hashed address looked up in the static files' manifest, the
# markup escaped) for the process. The label is a translated word, its
# language part of the key.
@lru_cache(maxsize=1024)
def _svg(name: str, label: str, extra: str) -> SafeString:
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


@receiver(setting_changed)
def _static_changed(*, setting: str, **kwargs) -> None:
    """A test that changes where static files are served: built again."""
    if setting in ("STATIC_URL", "STORAGES", "STATICFILES_STORAGE"):
        _svg.cache_clear()
