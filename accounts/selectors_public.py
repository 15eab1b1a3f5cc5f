"""Reads for feeds and the sitemap: members' pages everyone may see and
search engines may index.

A profile is public when its member is active, has not deleted the account,
is not hidden by a moderator and lets search engines index it (the personal
space asks them to stay away otherwise). A blog post is public when it is
published, not hidden, and its author's profile is public.
"""

from django.db.models import Q, QuerySet

from accounts.models import BlogPost, Profile
from community.tagged import tagged

PUBLIC_PROFILE = Q(
    user__is_active=True, deleted_at__isnull=True, is_hidden=False, indexable=True
)
_PUBLIC_AUTHOR = Q(
    author__is_active=True,
    author__profile__deleted_at__isnull=True,
    author__profile__is_hidden=False,
    author__profile__indexable=True,
)


def _public_posts() -> QuerySet[BlogPost]:
    return BlogPost.objects.published().filter(_PUBLIC_AUTHOR)


def profiles_for_sitemap() -> QuerySet[Profile]:
    return (
        Profile.objects.filter(PUBLIC_PROFILE)
        .select_related("user")
        .only("pk", "updated_at", "user__username")
        .order_by("pk")
    )


def posts_for_sitemap() -> QuerySet[BlogPost]:
    return (
        _public_posts()
        .select_related("author")
        .only("pk", "slug", "updated_at", "author__username")
        .order_by("pk")
    )


def posts_new_with_tag(*, tag, limit: int) -> list[BlogPost]:
    """Newest first, with the author and the tags: 2 queries."""
    return list(
        tagged(_public_posts(), tag)
        .select_related("author__profile")
        .prefetch_related("tags")
        .order_by("-published_at", "-pk")[:limit]
    )
