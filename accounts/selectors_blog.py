"""Reads for blog pages."""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import BlogComment, BlogPost, Profile
from accounts.permissions import can_moderate_blogs, can_view_post


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


def post_get(*, username: str, slug: str, viewer) -> BlogPost:
    """One post of an active member; a draft of someone else's is a 404 like a miss."""
    post = (
        BlogPost.objects.select_related("author__profile")
        .filter(
            author__username=username,
            author__is_active=True,
            author__profile__deleted_at__isnull=True,
            slug=slug,
        )
        .first()
    )
    if post is None or not can_view_post(viewer, post):
        raise Http404
    return post


def comment_list_for_post(
    *, post: BlogPost, viewer=None, moderator: bool = False
) -> QuerySet[BlogComment]:
    """The post's comments; those hidden by a moderator only for their author
    and moderators."""
    comments = BlogComment.objects.filter(post=post).select_related(
        "post", "author__profile"
    )
    if moderator:
        return comments
    if viewer is not None and viewer.is_authenticated:
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
