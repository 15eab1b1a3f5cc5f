"""Reads for blog pages."""

import json
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.http import Http404
from taggit.models import Tag, TaggedItem

from accounts.models import Block, BlogComment, BlogPost, Profile
from accounts.permissions import can_moderate_blogs, can_view_post
from accounts.selectors_relations import bookmarked_expression
from community.tagged import tagged


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

    With ``for_page``, the post's tags are read in the same query
    (``post_tags``); for a signed-in ``viewer``, also whether they bookmarked
    it (``viewer_bookmarked``), whom they blocked (``viewer_blocked_json``,
    see ``viewer_blocked``) and whether a comment of theirs on it is hidden
    (``viewer_hidden_comment``: they see it, others do not).
    """
    posts = BlogPost.objects.select_related("author__profile")
    if for_page:
        posts = posts.annotate(tags_json=_tags_json())
    if for_page and viewer.is_authenticated:
        posts = posts.annotate(
            viewer_bookmarked=bookmarked_expression(user=viewer, model=BlogPost),
            viewer_blocked_json=_blocked_json(viewer),
            viewer_hidden_comment=Exists(
                BlogComment.objects.filter(
                    post=OuterRef("pk"), author=viewer, is_hidden=True
                )
            ),
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


def _quoted(model, field: str | None = None) -> str:
    """A table's (or, with ``field``, a column's) quoted name, for raw SQL."""
    quote = connection.ops.quote_name
    if field is None:
        return quote(model._meta.db_table)
    return quote(model._meta.get_field(field).column)


def _tags_json() -> RawSQL:
    """The post's tags as a JSON list of [name, slug] (``post_tags`` sorts)."""
    tag, item = _quoted(Tag), _quoted(TaggedItem)
    name, slug = f"{tag}.{_quoted(Tag, 'name')}", f"{tag}.{_quoted(Tag, 'slug')}"
    this_post = f"{_quoted(BlogPost)}.{_quoted(BlogPost, 'id')}"
    joined = (
        f"FROM {item} "
        f"JOIN {tag} ON {tag}.{_quoted(Tag, 'id')} = "
        f"{item}.{_quoted(TaggedItem, 'tag')} "
        f"WHERE {item}.{_quoted(TaggedItem, 'object_id')} = {this_post} "
        f"AND {item}.{_quoted(TaggedItem, 'content_type')} = %s"
    )
    if connection.vendor == "postgresql":
        pairs = f"COALESCE(json_agg(json_build_array({name}, {slug})), '[]')::text"
    else:
        pairs = f"json_group_array(json_array({name}, {slug}))"
    content_type = ContentType.objects.get_for_model(BlogPost).pk
    # Names from the models' metadata, the value a parameter.
    return RawSQL(  # noqa: S611
        f"SELECT {pairs} {joined}", (content_type,), output_field=TextField()
    )


@dataclass(frozen=True)
class TagShown:
    name: str
    slug: str


def post_tags(post: BlogPost) -> list[TagShown]:
    """The post's tags by name: from ``post_get(for_page=True)``'s query."""
    listed = getattr(post, "tags_json", None)
    if listed is None:
        pairs = [(tag.name, tag.slug) for tag in post.tags.all()]
    else:
        pairs = [pair for pair in json.loads(listed) if pair[0] is not None]
    return sorted((TagShown(*pair) for pair in pairs), key=lambda tag: tag.name)


def _blocked_json(viewer) -> RawSQL:
    """Whom ``viewer`` blocked, as a JSON list of ids (their comments fold)."""
    table = _quoted(Block)
    blocked = f"{table}.{_quoted(Block, 'blocked')}"
    where = f"FROM {table} WHERE {_quoted(Block, 'blocker')} = %s"
    if connection.vendor == "postgresql":
        listed = f"SELECT COALESCE(json_agg({blocked}), '[]')::text {where}"
    else:
        listed = f"SELECT json_group_array({blocked}) {where}"
    # Names from the models' metadata, the value a parameter.
    return RawSQL(listed, (viewer.pk,), output_field=TextField())  # noqa: S611


def viewer_blocked(post: BlogPost) -> frozenset[int]:
    """Whom the viewer blocked, from ``post_get(for_page=True)``'s query."""
    listed = getattr(post, "viewer_blocked_json", None)
    return frozenset(json.loads(listed)) if listed else frozenset()


def comment_page_authors(comments: QuerySet[BlogComment], page) -> set[int]:
    """Who wrote the comments of ``page`` (of ``comments``): one narrow query."""
    first = (page.number - 1) * page.paginator.per_page
    return set(
        comments.values_list("author_id", flat=True)[
            first : first + page.paginator.per_page
        ]
    )


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
        tagged(BlogPost.objects.published(), tag)
        .filter(
            author__is_active=True,
            author__profile__deleted_at__isnull=True,
        )
        .select_related("author__profile")
        .order_by("-published_at", "-pk")
    )
