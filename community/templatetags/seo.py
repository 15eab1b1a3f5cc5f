"""Link previews and search engines: descriptions, absolute addresses.

``{% load seo %}`` gives the filters ``html_excerpt`` (the text of stored,
sanitised HTML) and ``text_excerpt`` (plain text on one line), both at most
200 characters and plain text that the template autoescapes, and the tag
``{% absolute_url path %}`` (the path on ``settings.SITE_URL``; without a
path, the current page's).
"""

from django import template

from community.excerpts import excerpt, shorten
from community.feeds import absolute_url as _absolute_url

register = template.Library()


def _plain(value) -> str:
    # A plain str, never a SafeString: the result is escaped where it is shown.
    return str.__str__(str(value or ""))


@register.filter
def html_excerpt(value) -> str:
    return excerpt(_plain(value))


@register.filter
def text_excerpt(value) -> str:
    return shorten(_plain(value))


@register.simple_tag(takes_context=True)
def absolute_url(context: template.Context, path: str = "") -> str:
    if not path:
        request = context.get("request")
        path = request.path if request is not None else "/"
    return _absolute_url(str(path))
