"""Rendered posts, kept in the cache under a digest of what they show.

A topic page spends most of its time rendering its twenty posts. A post's
HTML is a function of the post, its author's name, picture and chosen
badges, what the viewer may do with it (is it theirs, may they reply,
accept, moderate), whether it is new to them, the language, the time zone
and the templates. The digest of exactly those is the cache key, so an
edit, a reaction, a new avatar or a different viewer's rights give another
key and a fresh rendering: nothing is ever invalidated, stale entries just
expire. The CSRF token, which differs per member, is left out of the
cached HTML (a marker in its hidden input) and put in per page.
"""

import hashlib
from collections.abc import Iterable
from functools import cache as once
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from forums.models import Post

POST_TEMPLATE = "forums/partials/_post.html"
# The templates whose text the rendering depends on: a deployment that
# changes them changes every key.
TEMPLATES = (POST_TEMPLATE, "accounts/partials/_avatar.html")
CSRF_MARK = "csrf-marker-not-a-token"
# Only the hidden input the template renders is filled in: member text, which
# the sanitiser keeps free of <input> tags, may say the marker but never this.
CSRF_INPUT = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
TIMEOUT = 24 * 60 * 60


@once
def _templates_digest() -> str:
    """The templates' text and the compiled translations: a release that
    changes either renders every post again."""
    digest = hashlib.blake2b(digest_size=8)
    for name in TEMPLATES:
        digest.update(get_template(name).template.source.encode())
    for folder in settings.LOCALE_PATHS:
        for catalogue in sorted(Path(folder).glob("*/LC_MESSAGES/django.mo")):
            digest.update(catalogue.read_bytes())
    return digest.hexdigest()


def _inputs(post: Post, viewer, flags: dict) -> tuple:
    profile = post.author.profile
    badges = tuple(
        (award.badge.key, award.badge.icon, str(award.badge.shown_name))
        for award in getattr(post.author, "featured_badges", ())
    )
    return (
        post.pk,
        post.number,
        post.created_at.isoformat(),
        post.edited_at.isoformat() if post.edited_at else "",
        post.is_pending,
        post.is_hidden,
        post.is_deleted,
        post.thanks_count,
        post.useful_count,
        hashlib.blake2b(post.body_html.encode(), digest_size=8).hexdigest(),
        post.author_id,
        post.author.username,
        profile.display_name,
        profile.avatar.name if profile.avatar else "",
        profile.is_hidden,
        profile.is_deleted,
        badges,
        viewer.is_authenticated,
        viewer.is_authenticated and viewer.pk == post.author_id,
        tuple(sorted(flags.items())),
        translation.get_language(),
        timezone.get_current_timezone_name(),
        _templates_digest(),
    )


def _key(inputs: tuple) -> str:
    digest = hashlib.blake2b(repr(inputs).encode(), digest_size=16).hexdigest()
    return f"forums:post-html:{digest}"


def posts_html(
    request,
    posts: Iterable[Post],
    *,
    last_read: int,
    may_reply: bool,
    may_accept: bool,
    may_moderate: bool,
    accepted: bool = False,
) -> list[tuple[Post, SafeString]]:
    """Each post with its HTML: from the cache where it is, rendered (and
    kept) where not. One cache round trip for the page."""
    viewer = request.user
    shared = {
        "may_reply": may_reply,
        "may_accept": may_accept,
        "may_moderate": may_moderate,
        "accepted": accepted,
    }
    posts = list(posts)
    keys = []
    for post in posts:
        flags = {**shared, "new": bool(last_read and post.number > last_read)}
        keys.append(_key(_inputs(post, viewer, flags)))
    found = cache.get_many(keys)
    missing = {}
    for post, key in zip(posts, keys, strict=True):
        if key not in found:
            missing[key] = render_to_string(
                POST_TEMPLATE,
                {
                    **shared,
                    "post": post,
                    "last_read": last_read,
                    "user": viewer,
                    "request": request,  # for the permission checks ({% can %})
                    "csrf_token": CSRF_MARK,
                },
            )
    if missing:
        cache.set_many(missing, TIMEOUT)
        found.update(missing)
    marked = CSRF_INPUT.format(CSRF_MARK)
    token = CSRF_INPUT.format(get_token(request) if viewer.is_authenticated else "")
    return [
        # Our own template's output (member text in it was sanitised when saved).
        (post, mark_safe(found[key].replace(marked, token)))  # noqa: S308
        for post, key in zip(posts, keys, strict=True)
    ]
