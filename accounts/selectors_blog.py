"""Reads for blog pages."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.models import Block, BlogComment, BlogPost, Profile
from accounts.permissions import can_moderate_blogs, can_view_post
from accounts.selectors_relations import bookmarked_expression


def post_list_for_blog(
    *, profile: Profile, viewer, tag: str = ""
) -> QuerySet[BlogPost]:
    """The member's posts as ``viewer`` may see them: drafts only for the author,
    posts hidden by a moderator for the author and moderators."""
    moderator = viewer.pk != profile.user_id and can_moderate_blogs(viewer)
    posts = (
        BlogPost.objects.visible_to(viewer, moderator=moderator)
        .filter(author_id=profile.user_id)
        .prefetch_related("tags")
        .order_by("status", "-published_at", "-created_at")
    )
    if tag:
        posts = posts.filter(tags__slug=tag)
    return posts


def post_get(*, username: str, slug: str, viewer, for_page: bool = False) -> BlogPost:
    """One post of an active member; a draft of someone else's is a 404 like a miss.

    With ``for_page`` and a signed-in ``viewer``, the post also says whether
    they bookmarked it (``viewer_bookmarked``), read in the same query.
    """
    posts = BlogPost.objects.select_related("author__profile")
    if for_page and viewer.is_authenticated:
        posts = posts.annotate(
            viewer_bookmarked=bookmarked_expression(user=viewer, model=BlogPost)
        )
    post = posts.filter(
        author__username=username,
        author__is_active=True,
        author__profile__deleted_at__isnull=True,
        slug=slug,
    ).first()
    if post is None or not can_view_post(viewer, post):
        raise Http404
    return post


def comment_list_for_post(
    *, post: BlogPost, viewer=None, moderator: bool = False
) -> QuerySet[BlogComment]:
    """The post's comments; those hidden by a moderator only for their author
    and moderators.

    Each comment's ``post`` is ``post`` itself (no join, no query), and for a
    signed-in ``viewer`` each says whether they blocked its author
    (``author_blocked``: the comment folds), in the same query.
    """
    comments = post.comments.select_related("author__profile")
    signed_in = viewer is not None and viewer.is_authenticated
    if signed_in:
        comments = comments.annotate(
            author_blocked=Exists(
                Block.objects.filter(blocker=viewer, blocked=OuterRef("author_id"))
            )
        )
    if moderator:
        return comments
    if signed_in:
        return comments.filter(Q(is_hidden=False) | Q(author=viewer))
    return comments.filter(is_hidden=False)


def post_list_for_tag(*, tag) -> QuerySet[BlogPost]:
    """Published posts carrying ``tag`` (not hidden, their authors' blogs
    open), newest first, with the author's name."""
    return (
        BlogPost.objects.published()
        .filter(
            tags=tag,
            author__is_active=True,
            author__profile__deleted_at__isnull=True,
        )
        .select_related("author__profile")
        .order_by("-published_at", "-pk")
    )
