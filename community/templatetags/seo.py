"""Link previews and search engines: descriptions, absolute addresses.

``{% load seo %}`` gives the filters ``html_excerpt`` (the text of stored,
sanitised HTML) and ``text_excerpt`` (plain text on one line), both at most
200 characters and plain text that the template autoescapes, and the tag
``{% absolute_url path %}`` (the path on ``settings.SITE_URL``; without a
path, the current page's), ``{% absolute_static path %}`` (a static file's
address on it), ``{% canonical_url %}`` (the current page's address without
tracking or filter parameters) and ``{% private_page as private %}`` (a
member's own page, which gets ``noindex`` and no link preview).
"""

import re

from django import template
from django.templatetags.static import static

from community.excerpts import excerpt, shorten
from community.feeds import absolute_url as _absolute_url
from community.numbers import parse_id

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


@register.simple_tag
def absolute_static(path: str) -> str:
    return _absolute_url(static(path))


@register.simple_tag(takes_context=True)
def canonical_url(context: template.Context) -> str:
    """The page's address on ``SITE_URL``: its path, and ``?page=N`` for a later
    page (of a list, of a topic's replies) when nothing but tracking parameters
    come with it; ``og:url`` stays the path, what a member shares. A
    filtered list points to the list itself; tracking parameters (utm_*,
    yclid…) and ``?unread=1`` never make a page of their own."""
    request = context.get("request")
    if request is None:
        return _absolute_url("/")
    path = request.path
    names = {name for name in request.GET if not _TRACKING.match(name)}
    page = parse_id(request.GET.get("page", ""))
    if names == {"page"} and page is not None and page > 1:
        path = f"{path}?page={page}"
    return _absolute_url(path)


# Parameters that say where a visitor came from, never what the page is.
_TRACKING = re.compile(r"^(?:utm_\w*|yclid|gclid|fbclid|_openstat)$")

# Members' own pages and forms: no link preview, not indexed (robots.txt
# disallows the same prefixes; a test keeps the two in step).
PRIVATE_PREFIXES = (
    "/accounts/",
    "/settings/",
    "/bookmarks/",
    "/notifications/",
    "/my-standing/",
    "/unsubscribe/",
    "/language/",
    "/markdownx/",
    "/forums/new/",
    "/materials/mine/",
    "/masterclasses/mine/",
    "/masterclasses/certificate/",
    "/courses/mine/",
    "/courses/certificates/",
    "/courses/reviews/",
    "/report/",
    "/reports/",
    # Conversations: their participants' only.
    "/messages/",
)
# Forms to write or change something, wherever they are.
_FORM_PAGE = re.compile(r"/(?:new|edit)/$")


def is_private_path(path: str) -> bool:
    return path.startswith(PRIVATE_PREFIXES) or bool(_FORM_PAGE.search(path))


@register.simple_tag(takes_context=True)
def private_page(context: template.Context) -> bool:
    request = context.get("request")
    return request is not None and is_private_path(request.path)
