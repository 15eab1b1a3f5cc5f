"""A blog post's comments, rendered once and kept in the cache.

The way the forum keeps a topic page's posts (``forums.fragments``): what a
page of comments shows is the same for nearly every reader, so its rendered
comments are kept under the post, the page number, whether the reader
moderates (moderators also see hidden comments), the language, the time zone
and the templates, with the version of the post's comments
(``changes.BLOG_COMMENTS_KEY``, and ``BLOG_COMMENTS_ALL``, which ``changes``
move on with each change to what the list shows) and of each author's card
(``community.cards``: names, pictures). While all still match, the page reads
no comment at all.

What differs per reader is left out of the kept HTML and put in per page:

- the controls (report, delete) go where the marker ``CONTROLS_SLOT`` is,
  decided by the permission predicates for each comment; the delete buttons
  carry no CSRF token: they submit the page's one form (``DELETE_FORM``)
  to their own address (``formaction``);
- the comments of members the reader blocked fold (the ids are read with
  the post: ``selectors_blog.post_get(for_page=True)``).

A member with a hidden comment on the post sees it where others do not, and
a member whose profile a moderator hid sees their own picture: their pages
are built each time. Member text cannot carry the marker: comment bodies
come from ``community.markdown.render_markdown``, whose output has no HTML
comment.

The versions are read before the rows: a change that commits while the page
is being built moves them on, and the page is built again for the next reader.
"""

import hashlib
from dataclasses import dataclass, field, replace
from types import SimpleNamespace

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from accounts import selectors_blog
from accounts.changes import BLOG_COMMENTS_ALL, BLOG_COMMENTS_KEY
from accounts.models import BlogPost
from accounts.permissions import can_delete_comment
from community.cards import card_versions, cards_unchanged
from community.generations import generations
from community.releases import release_digest

COMMENT_TEMPLATE = "accounts/partials/_comment.html"
TEMPLATES = (COMMENT_TEMPLATE, "accounts/partials/_avatar.html")
# Where a comment's controls go (see the module's text: keep it a comment).
CONTROLS_SLOT = "<!--comment-controls-->"
# The id of the page's form the delete buttons submit.
DELETE_FORM = "comment-delete-form"
PER_PAGE = 50
TIMEOUT = 10 * 60


def _templates_digest() -> str:
    """The templates' text and the compiled translations: a release that
    changes either builds every page again."""
    return release_digest(TEMPLATES)


@dataclass(frozen=True)
class _Comment:
    pk: int
    author_id: int
    is_hidden: bool
    report_url: str  # escaped
    delete_url: str  # escaped
    html: str


@dataclass(frozen=True)
class _Block:
    """A page of comments as kept, and what it was built from."""

    count: int
    number: int
    comments: list[_Comment]
    # Authors who see their own comments otherwise (a hidden profile's picture).
    own_view: frozenset[int]
    versions: tuple = ()
    cards: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ShownComment:
    pk: int
    folded: bool
    html: SafeString


@dataclass(frozen=True)
class PostComments:
    """A page of a post's comments as one reader sees them."""

    page_obj: Page
    comments: list[ShownComment]
    # Whether a delete button is shown: the page then renders ``DELETE_FORM``.
    deletable: bool


def _page_number(raw) -> int:
    try:
        return max(int(raw), 1)
    except (TypeError, ValueError):
        return 1


def _block_key(post: BlogPost, number: int, moderator: bool) -> str:
    facts = (
        moderator,
        translation.get_language(),
        timezone.get_current_timezone_name(),
        _templates_digest(),
    )
    digest = hashlib.blake2b(repr(facts).encode(), digest_size=12).hexdigest()
    # "v1": the shape of _Block; a new shape needs a new name.
    return f"accounts:blog-comments-page:v1:{post.pk}:{number}:{digest}"


def _build(request, post: BlogPost, comments, page: Page) -> _Block:
    """Render the page's comments (``page`` of ``comments``), for any reader."""
    viewer = request.user
    username = post.author.username
    rendered = []
    own_view = set()
    for comment in page.object_list:
        comment.post = post
        profile = comment.author.profile
        if profile.is_hidden and profile.avatar and not profile.is_deleted:
            own_view.add(comment.author_id)
        mine = viewer.is_authenticated and viewer.pk == comment.author_id
        html = render_to_string(
            COMMENT_TEMPLATE,
            {
                "comment": comment,
                # Only the author's own comments show them their hidden
                # picture: such pages are not kept (``own_view``).
                "user": viewer if mine else None,
                "controls_slot": mark_safe(CONTROLS_SLOT),  # noqa: S308 (a constant)
            },
        )
        rendered.append(
            _Comment(
                pk=comment.pk,
                author_id=comment.author_id,
                is_hidden=comment.is_hidden,
                report_url=escape(reverse("report", args=("blog_comment", comment.pk))),
                delete_url=escape(
                    reverse(
                        "accounts:comment_delete",
                        args=(username, post.slug, comment.pk),
                    )
                ),
                html=html,
            )
        )
    return _Block(
        count=page.paginator.count,
        number=page.number,
        comments=rendered,
        own_view=frozenset(own_view),
    )


REPORT_LINK = (
    '<a class="btn btn-link btn-sm text-body-secondary p-0" href="{url}">{label}</a>'
)
DELETE_BUTTON = (
    '<div><button type="submit" form="{form}" formaction="{url}" '
    'class="btn btn-link btn-sm text-danger p-0">{label}</button></div>'
)


def _controls(viewer, post: BlogPost, comment: _Comment, labels: dict) -> str:
    """The reader's controls of one comment (its URLs were escaped when kept)."""
    html = ""
    if viewer.pk != comment.author_id and not comment.is_hidden and not post.is_hidden:
        html = REPORT_LINK.format(url=comment.report_url, label=labels["report"])
    # What the predicate reads of a comment: its author and its post.
    stand_in = SimpleNamespace(author_id=comment.author_id, post=post)
    if can_delete_comment(viewer, stand_in):
        html += DELETE_BUTTON.format(
            form=DELETE_FORM, url=comment.delete_url, label=labels["delete"]
        )
    return html


def _for_viewer(request, post: BlogPost, block: _Block) -> PostComments:
    viewer = request.user
    blocked = selectors_blog.viewer_blocked(post)
    labels = {
        "report": escape(gettext("Report")),
        "delete": escape(gettext("Delete comment")),
    }
    shown = []
    deletable = False
    for comment in block.comments:
        controls = ""
        if viewer.is_authenticated:
            controls = _controls(viewer, post, comment, labels)
            deletable = deletable or DELETE_FORM in controls
        # Our own template's output: member text in it was sanitised or escaped.
        html = mark_safe(comment.html.replace(CONTROLS_SLOT, controls, 1))  # noqa: S308
        shown.append(ShownComment(comment.pk, comment.author_id in blocked, html))
    # The page of the list the block was built from (no row read).
    page_obj = Paginator(range(block.count), PER_PAGE).get_page(block.number)
    return PostComments(page_obj=page_obj, comments=shown, deletable=deletable)


def post_comments(request, post: BlogPost, *, moderator: bool) -> PostComments:
    """A page of the post's comments for this reader: kept or built (see the
    module's text). ``post`` is read with ``selectors_blog.post_get(for_page=True)``."""
    viewer = request.user
    number = _page_number(request.GET.get("page"))
    personal = not moderator and getattr(post, "viewer_hidden_comment", False)
    comments = selectors_blog.comment_list_for_post(
        post=post, viewer=viewer if personal else None, moderator=moderator
    )
    if personal:  # a list others do not see: built each time
        page = Paginator(comments, PER_PAGE).get_page(number)
        return _for_viewer(request, post, _build(request, post, comments, page))
    key = _block_key(post, number, moderator)
    version_keys = [BLOG_COMMENTS_KEY.format(post.pk), BLOG_COMMENTS_ALL]
    found = cache.get_many([key, *version_keys])
    block = found.get(key)
    if (
        block is not None
        and block.versions == tuple(found.get(name) for name in version_keys)
        and viewer.pk not in block.own_view
        and cards_unchanged(block.cards)
    ):
        return _for_viewer(request, post, block)
    # The versions are read before the rows, so that a change committed
    # meanwhile leaves them behind and the kept page is not used.
    versions = generations(version_keys)
    page = Paginator(comments, PER_PAGE).get_page(number)
    authors = selectors_blog.comment_page_authors(comments, page)
    cards = card_versions(authors)
    block = _build(request, post, comments, page)
    if viewer.pk not in block.own_view and {c.author_id for c in block.comments} <= (
        authors
    ):
        kept = replace(
            block,
            versions=tuple(versions[name] for name in version_keys),
            cards=cards,
        )
        cache.set(key, kept, TIMEOUT)
    return _for_viewer(request, post, block)
