"""The reader's text size on every page: a class on ``<html>``.

Members choose it in their profile (``accounts.Profile.text_size``:
standard, large, larger); visitors read the standard size. The class
(``text-size-<size>``) scales the root font size in
``static/css/text-size.css``; Bootstrap and the admin size everything in rem,
so the whole layout grows with it.
"""

from django.http import HttpRequest
from django.utils.functional import empty

STANDARD = "standard"
SIZES = frozenset({STANDARD, "large", "larger"})


def text_size_of(request: HttpRequest | None, *, load: bool = True) -> str:
    """The text size for ``request``'s reader, ``standard`` for visitors.

    The profile comes with the member (the authentication backend loads it),
    so this costs no query. With ``load=False`` (error pages, when the
    database may be what failed) only what the request has already read is
    used: the member and their profile are never fetched.
    """
    if request is None:
        return STANDARD
    user = getattr(request, "user", None)
    if user is None:
        return STANDARD
    if not load:
        wrapped = getattr(user, "_wrapped", user)
        if wrapped is empty:
            return STANDARD
        user = wrapped
        descriptor = getattr(type(user), "profile", None)
        if descriptor is None or not descriptor.is_cached(user):
            return STANDARD
    if not user.is_authenticated:
        return STANDARD
    profile = getattr(user, "profile", None)
    size = getattr(profile, "text_size", STANDARD)
    return size if size in SIZES else STANDARD
