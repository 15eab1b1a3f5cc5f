"""A topic page's posts, rendered once and kept in the cache.

A topic page spends most of its time reading and rendering its twenty
posts. Two layers keep that work from being done again:

- **A page's posts** (``topic_posts``). What most members see of a page is
  the same for each of them: they may reply or not, they read it in one
  language and time zone, and none of the posts is theirs. For them the
  page's rendered posts are kept under the topic, the page number and those
  few facts, with the topic's version (``versions.topic_pages``, moved on
  by ``changes`` whenever a post of the topic changes) and the version of
  each author's card (``community.cards``). While both still match, the page
  reads no post at all. Moderators, the question's author and the authors of the page's
  posts see buttons the others do not: their pages are built each time.
- **Each post** (``_render``). Its HTML is kept under a digest of everything
  it shows: the post, its author's name, picture and badges, what the viewer
  may do with it, the language, the time zone, the templates and the
  compiled translations. Any change gives another key and a fresh rendering;
  stale entries just expire.

What differs per member is left out of the kept HTML as markers and put in
per page: the CSRF token (in the forms' hidden input), the "new" mark of
the posts after the member's read position, and the reaction buttons, which
show the member's own reactions and ask for the other state (so a double
click sets it once).

Member text cannot carry these markers, and this module relies on it: post
bodies (``Post.body_html``) come only from ``community.markdown.render_markdown``,
whose output has no HTML comment and no ``<input>``, and no ``<`` but an
allowed tag's (in text, code and attribute values it is ``&lt;``). Every
marker begins with ``<!--`` or ``<input``. Should the renderer ever keep
either, a member could plant a marker in a post and fill or break other
members' pages (``forums/tests/test_fragment_markers.py``). The rest of the
template's text is escaped by Django: names and badges carry no marker either.

The versions a page is kept under are read before its rows: a change that
commits while it is being built moves them on, and the page is built again
for the next reader.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from community.cards import card_versions, cards_unchanged
from community.generations import generations
from community.releases import release_digest
from community.templatetags.seo import html_excerpt
from forums import selectors
from forums.models import Post, Reaction, Topic
from forums.permissions import can_see_post
from forums.versions import TOPIC_VERSION_KEY

POST_TEMPLATE = "forums/partials/_post.html"
# One reaction button's form: in each post, and the answer to an htmx click.
REACTION_TEMPLATE = "forums/partials/_reaction_form.html"
# The short link to the accepted answer, under the question.
ANSWER_LINK_TEMPLATE = "forums/partials/_answer_link.html"
# The templates whose text the rendering depends on: a deployment that
# changes them changes every key.
TEMPLATES = (
    POST_TEMPLATE,
    REACTION_TEMPLATE,
    ANSWER_LINK_TEMPLATE,
    "accounts/partials/_avatar.html",
)
# The markers below are safe only because community.markdown never lets a
# comment or an <input> through, and escapes "<" everywhere else (see the
# module's text): keep each of them starting with "<!--" or "<input".
CSRF_MARK = "csrf-marker-not-a-token"
# Only the hidden input the template renders is filled in: member text, which
# the sanitiser keeps free of <input> tags, may say the marker but never this.
CSRF_INPUT = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
# Where a post's "new" mark goes; comments never survive the sanitiser.
NEW_SLOT = "<!--new-post-mark-->"
# Where a reaction form's state and button go, per kind (comments too).
REACTION_SLOT = "<!--reaction-slot:{}-->"
REACTION_SLOTS = {
    kind: mark_safe(REACTION_SLOT.format(kind))  # noqa: S308 (constants)
    for kind in Reaction.Kind.values
}
# The id (unique on a topic page: post numbers are) lets htmx give the focus
# back to the new button after a click swaps the form.
REACTION_BUTTON = (
    '<input type="hidden" name="on" value="{}">'
    '<button type="submit" id="reaction-{}-{}" class="btn {} btn-sm" '
    'aria-pressed="{}">'
)
TIMEOUT = 24 * 60 * 60
BLOCK_TIMEOUT = 10 * 60


def _templates_digest() -> str:
    """The templates' text and the compiled translations: a release that
    changes either renders every post again."""
    return release_digest(TEMPLATES)


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


def _render(
    request, posts: Iterable[Post], *, accepted_pk: int | None = None, **flags: bool
) -> list[str]:
    """Each post's HTML, with the markers: from the cache where it is,
    rendered (and kept) where not. One cache round trip. The post
    ``accepted_pk`` carries the accepted answer's mark, in its place."""
    viewer = request.user
    posts = list(posts)
    each = [{**flags, "accepted": post.pk == accepted_pk} for post in posts]
    keys = [
        _key(_inputs(post, viewer, post_flags))
        for post, post_flags in zip(posts, each, strict=True)
    ]
    found = cache.get_many(keys)
    missing = {}
    for post, post_flags, key in zip(posts, each, keys, strict=True):
        if key not in found:
            missing[key] = render_to_string(
                POST_TEMPLATE,
                {
                    **post_flags,
                    "post": post,
                    "new_slot": mark_safe(NEW_SLOT),  # noqa: S308 (a constant)
                    "reaction_slots": REACTION_SLOTS,
                    "user": viewer,
                    "request": request,  # for the permission checks ({% can %})
                    "csrf_token": CSRF_MARK,
                },
            )
    if missing:
        cache.set_many(missing, TIMEOUT)
        found.update(missing)
    return [found[key] for key in keys]


@dataclass(frozen=True)
class _Block:
    """A page's posts as kept: HTML with markers, and what it was built from."""

    authors: frozenset[int]
    posts: list[tuple[int, int, str]]  # number, author, HTML
    # The short link to the accepted answer, shown under the question (the
    # answer itself is shown once, in its place, with its mark).
    accepted: str | None
    description: str
    # What it is kept under (``topic_posts``): the topic's and the cards' versions.
    version: int = 0
    cards: dict = field(default_factory=dict)


@dataclass(frozen=True)
class TopicPosts:
    """A page's posts as one member sees them."""

    posts: list[tuple[int, SafeString]]
    accepted: SafeString | None
    description: str


def _block_key(topic: Topic, page: Page, viewer, may_reply: bool) -> str:
    facts = (
        viewer.is_authenticated,
        may_reply,
        translation.get_language(),
        timezone.get_current_timezone_name(),
        _templates_digest(),
    )
    digest = hashlib.blake2b(repr(facts).encode(), digest_size=12).hexdigest()
    # "v3": the shape of _Block; a new shape needs a new name.
    return f"forums:topic-posts:v3:{topic.pk}:{page.number}:{digest}"


def _kept_block(key: str, version_key: str, viewer) -> tuple[_Block | None, dict]:
    found = cache.get_many([key, version_key])
    block = found.get(key)
    if (
        block is None
        or block.version != found.get(version_key)
        or viewer.pk in block.authors
        or not cards_unchanged(block.cards)
    ):
        return None, found
    return block, found


def _build(request, topic: Topic, page: Page, flags: dict) -> _Block:
    viewer = request.user
    loaded = selectors.topic_page_posts(topic=topic, page=page)
    shown = [post for post in loaded.posts if can_see_post(viewer, post)]
    accepted = loaded.accepted_answer
    if accepted is not None and (
        accepted.is_deleted or accepted.is_hidden or not can_see_post(viewer, accepted)
    ):
        accepted = None
    htmls = _render(request, shown, accepted_pk=topic.accepted_post_id, **flags)
    opening = loaded.opening_post
    return _Block(
        authors=frozenset(
            post.author_id for post in [*loaded.posts, *filter(None, [accepted])]
        ),
        posts=[
            (post.number, post.author_id, html)
            for post, html in zip(shown, htmls, strict=True)
        ],
        accepted=(
            render_to_string(
                ANSWER_LINK_TEMPLATE,
                {
                    "post": accepted,
                    "on_page": any(post.pk == accepted.pk for post in shown),
                },
            )
            if accepted is not None
            else None
        ),
        description=html_excerpt(opening.body_html) if opening is not None else "",
    )


def topic_posts(
    request,
    topic: Topic,
    page: Page,
    *,
    last_read: int,
    blocked: frozenset[int] = frozenset(),
    may_reply: bool,
    may_accept: bool,
    may_moderate: bool,
) -> TopicPosts:
    """The page's posts for this member: kept or built (see the module's text)."""
    viewer = request.user
    flags = {
        "may_reply": may_reply,
        "may_accept": may_accept,
        "may_moderate": may_moderate,
    }
    if may_accept or may_moderate:  # buttons others do not see: built each time
        return _for_viewer(
            request, topic, _build(request, topic, page, flags), last_read, blocked
        )
    key = _block_key(topic, page, viewer, may_reply)
    version_key = TOPIC_VERSION_KEY.format(topic.pk)
    block, found = _kept_block(key, version_key, viewer)
    if block is not None:
        return _for_viewer(request, topic, block, last_read, blocked)
    # The versions are read before the rows, so that a change committed
    # meanwhile leaves them behind and the kept posts are not used.
    version = found.get(version_key) or generations([version_key])[version_key]
    authors = selectors.topic_page_authors(topic=topic, page=page)
    cards = card_versions(authors)
    block = _build(request, topic, page, flags)
    if viewer.pk not in block.authors and block.authors <= authors:
        kept = replace(block, version=version, cards=cards)
        cache.set(key, kept, BLOCK_TIMEOUT)
    return _for_viewer(request, topic, block, last_read, blocked)


def _reactions(request, topic: Topic, block: _Block) -> dict[int, set[str]]:
    """The member's reactions to the page's posts that show reaction buttons
    (none: no query)."""
    numbers = [
        number
        for number, _author, html in block.posts
        if REACTION_SLOT.partition("{")[0] in html
    ]
    if not numbers:
        return {}
    return selectors.reactions_by_number(
        topic=topic, user=request.user, numbers=numbers
    )


def _reaction_buttons(html: str, kinds: set[str], number: int) -> str:
    """Each reaction button pressed or not; it asks for the other state."""
    for kind in Reaction.Kind.values:
        on = kind in kinds
        html = html.replace(
            REACTION_SLOT.format(kind),
            REACTION_BUTTON.format(
                "0" if on else "1",
                number,
                kind,
                "btn-secondary" if on else "btn-outline-secondary",
                "true" if on else "false",
            ),
            1,
        )
    return html


def _for_viewer(
    request, topic: Topic, block: _Block, last_read: int, blocked: frozenset[int]
) -> TopicPosts:
    """Fill in the member's CSRF token, "new" marks and reaction buttons; fold
    the posts of members they blocked (a click opens them)."""
    marked = CSRF_INPUT.format(CSRF_MARK)
    viewer = request.user
    reacted = _reactions(request, topic, block)
    token = CSRF_INPUT.format(get_token(request) if viewer.is_authenticated else "")
    badge = format_html('<span class="badge text-bg-primary">{}</span>', gettext("new"))

    folded = gettext("A message from a member you blocked")

    def personal(number: int, author_id: int, html: str) -> SafeString:
        new = badge if last_read and number > last_read else ""
        # Our own template's output (member text in it was sanitised when saved).
        html = mark_safe(  # noqa: S308
            _reaction_buttons(
                html.replace(marked, token).replace(NEW_SLOT, new, 1),
                reacted.get(number, set()),
                number,
            )
        )
        if author_id in blocked:
            html = format_html(
                '<details class="mb-3"><summary class="text-body-secondary mb-2">'
                "{}</summary>{}</details>",
                folded,
                html,
            )
        return html

    return TopicPosts(
        posts=[(number, personal(number, *rest)) for number, *rest in block.posts],
        # Our own template's output: the author's name in it was escaped.
        accepted=mark_safe(block.accepted) if block.accepted else None,  # noqa: S308
        description=block.description,
    )


def reaction_form(request, *, post: Post, kind: str, on: bool) -> SafeString:
    """One reaction button of ``post`` in the state ``on``, as the topic page
    shows it: the answer to an htmx click (the same template and slot)."""
    labels = {
        Reaction.Kind.THANKS: gettext("Thank you"),
        Reaction.Kind.USEFUL: gettext("Useful"),
    }
    html = render_to_string(
        REACTION_TEMPLATE,
        {
            "post": post,
            "kind": kind,
            "slot": REACTION_SLOTS[kind],
            "label": labels[kind],
            "count": getattr(post, f"{kind}_count"),
        },
        request=request,
    )
    # Our own template's output, with nothing a member wrote in it.
    return mark_safe(  # noqa: S308
        _reaction_buttons(html, {kind} if on else set(), post.number)
    )


_BLANK_REPLY: dict[str, tuple[SafeString, SafeString]] = {}


def blank_reply_form() -> tuple[SafeString, SafeString]:
    """The empty reply form's fields and its media (script and style tags).

    The same on every topic page, so each process renders them once per
    language (with ``DEBUG``, every time: templates may be edited meanwhile).
    """
    from forums.forms import ReplyForm

    language = translation.get_language()
    kept = None if settings.DEBUG else _BLANK_REPLY.get(language)
    if kept is None:
        form = ReplyForm()
        fields = render_to_string("partials/form_fields.html", {"form": form})
        # The rendering escaped what needed escaping: it is HTML now.
        kept = (mark_safe(fields), mark_safe(str(form.media)))  # noqa: S308
        _BLANK_REPLY[language] = kept
    return kept
