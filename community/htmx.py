"""The server's half of the htmx glue (``static/js/htmx-glue.js``).

A small button (a reaction, follow, bookmark, watch, mark all read) is an
ordinary form that posts and redirects. With JavaScript, htmx posts the same
form (``HX-Request``, ``request.htmx`` through django-htmx's middleware) and
the view answers the button's own partial template in its new state, which
replaces the form; the redirect stays for everyone else.

A refusal keeps its true status (403, 400): htmx leaves such responses
unswapped, so the refusal says how to show itself (``HX-Reswap``) and the
glue swaps it in, at the end of the form, next to the button, which keeps its
state and the focus. Every other failure is sent again by the glue as a plain
page post, so nothing fails silently.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.http import reswap

REFUSAL_TEMPLATE = "partials/htmx_refusal.html"


def refusal(
    request: HttpRequest, message: str = "", *, status: int, restriction=None
) -> HttpResponse:
    """A refusal for an htmx request: ``message`` (or why the member's account
    may not write, ``restriction``) under the button, with ``status``."""
    response = render(
        request,
        REFUSAL_TEMPLATE,
        {"message": message, "restriction": restriction},
        status=status,
    )
    return reswap(response, "beforeend")
