"""The installable site in ``<head>`` (``community.installable``).

``{% load installable %}`` gives ``{% theme_colour %}`` (the bar's colour, the
design system's primary) and ``{% offline_reader %}`` (who reads the page, as
the service worker knows her: "" for a visitor).
"""

from django import template

from community.installable import brand_colours, reader_token

register = template.Library()


@register.simple_tag
def theme_colour() -> str:
    return brand_colours()[0]


@register.simple_tag(takes_context=True)
def offline_reader(context) -> str:
    request = context.get("request")
    return reader_token(getattr(request, "user", None))
