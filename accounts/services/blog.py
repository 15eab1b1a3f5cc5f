"""Blog posts and comments."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import kinds
from accounts.changes import (
    blog_comment_visibility_changed,
    blog_post_changed,
    blog_post_removed,
    blog_post_shown_changed,
    blog_post_visibility_changed,
)
from accounts.models import BlogComment, BlogPost, User
from accounts.permissions import (
    can_comment_post,
    can_delete_comment,
    can_delete_post,
    can_edit_post,
    can_moderate_blogs,
    is_blocked_by,
)
from community import limits
from community import services as community
from community.hiding import REPORTED, audited, hidden_set
from community.markdown import render_markdown
from community.sanctions import participation_check
from community.slugs import free_slug, readable_slug

__all__ = [
    "comment_create",
    "comment_delete",
    "comment_hide",
    "comment_hide_by_reports",
    "post_comments_set",
    "post_create",
    "post_delete",
    "post_hide",
    "post_hide_by_reports",
    "post_publish",
    "post_unpublish",
    "post_update",
]


def _slug_for(*, author: User, title: str, exclude_pk: int | None = None) -> str:
    base = readable_slug(title, fallback="post")
    taken = set(
        BlogPost.objects.filter(author=author, slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    return free_slug(base, taken)


@transaction.atomic
def post_create(
    *,
    author: User,
    title: str,
    body: str,
    tags: Iterable[str] = (),
    publish: bool = False,
) -> BlogPost:
    """Write a post (a draft unless ``publish``); the Markdown is rendered here, once.

    Raises ValidationError when a field is invalid.
    """
    participation_check(author)
    limits.write_limit_check(
        author, limits.BLOG_POSTS, BlogPost.objects.filter(author=author)
    )
    post = BlogPost(
        author=author,
        title=title.strip(),
        body=body,
        body_html=render_markdown(body),
        slug=_slug_for(author=author, title=title),
    )
    if publish:
        post.status = BlogPost.Status.PUBLISHED
        post.published_at = timezone.now()
    post.full_clean(exclude=["author"])
    post.save()
    post.tags.set(_clean_tags(tags))
    if post.is_published:
        blog_post_visibility_changed(post)
    else:
        blog_post_changed(post)
    return post


def _clean_tags(tags: Iterable[str]) -> list[str]:
    return sorted({tag.strip()[:100] for tag in tags if tag.strip()})


@transaction.atomic
def post_update(
    *, post: BlogPost, actor: User, title: str, body: str, tags: Iterable[str]
) -> BlogPost:
    """Change a post's text; its address stays, so links to it keep working.

    Raises PermissionDenied for anyone but the author, ValidationError on bad input.
    """
    participation_check(actor)
    if not can_edit_post(actor, post):
        raise PermissionDenied
    post.title = title.strip()
    post.body = body
    post.body_html = render_markdown(body)
    post.full_clean(exclude=["author"])
    post.save(update_fields=["title", "body", "body_html", "updated_at"])
    post.tags.set(_clean_tags(tags))
    blog_post_changed(post)
    return post


@transaction.atomic
def post_publish(*, post: BlogPost, actor: User) -> BlogPost:
    """Publish a draft; the first publication date is kept on later ones."""
    participation_check(actor)
    if not can_edit_post(actor, post):
        raise PermissionDenied
    if post.is_published:
        return post
    post.status = BlogPost.Status.PUBLISHED
    post.published_at = post.published_at or timezone.now()
    post.save(update_fields=["status", "published_at", "updated_at"])
    blog_post_visibility_changed(post)
    return post


@transaction.atomic
def post_unpublish(*, post: BlogPost, actor: User) -> BlogPost:
    """Take a post back to drafts: only its author sees it then."""
    participation_check(actor)
    if not can_edit_post(actor, post):
        raise PermissionDenied
    if post.is_published:
        post.status = BlogPost.Status.DRAFT
        post.save(update_fields=["status", "updated_at"])
    blog_post_visibility_changed(post)
    return post


def post_comments_set(*, post: BlogPost, actor: User, closed: bool) -> BlogPost:
    """Close or reopen comments; existing comments stay."""
    participation_check(actor)
    if not can_edit_post(actor, post):
        raise PermissionDenied
    if post.comments_closed != closed:
        post.comments_closed = closed
        post.save(update_fields=["comments_closed", "updated_at"])
        blog_post_shown_changed(post)
    return post


@transaction.atomic
def post_delete(*, post: BlogPost, actor: User) -> None:
    """Delete a post with its comments (the author, or a moderator)."""
    participation_check(actor)
    if not can_delete_post(actor, post):
        raise PermissionDenied
    blog_post_removed(post)
    post.delete()


@transaction.atomic
def comment_create(*, post: BlogPost, author: User, body: str) -> BlogComment:
    """Comment on a post and count it.

    Raises ValidationError with code "blocked" when the post's author blocked the
    commenter, "closed" when comments are closed or the post is not published,
    and "invalid" on an empty or too long text.
    """
    participation_check(author)
    if not can_comment_post(author, post):
        if is_blocked_by(author, post.author):
            raise ValidationError(
                _("The author does not accept your comments."), code="blocked"
            )
        raise ValidationError(_("Comments on this post are closed."), code="closed")
    limits.write_limit_check(
        author, limits.COMMENTS, BlogComment.objects.filter(author=author)
    )
    comment = BlogComment(
        post=post, author=author, body=body.strip(), body_html=render_markdown(body)
    )
    comment.full_clean(exclude=["post", "author"])
    comment.save()
    BlogPost.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
    community.notify(
        recipient=post.author,
        kind=kinds.BLOG_COMMENT,
        actor=author,
        target=post,
        target_title=post.title,
        url=f"{post.get_absolute_url()}#comment-{comment.pk}",
    )
    blog_post_shown_changed(post)
    return comment


@transaction.atomic
def comment_delete(*, comment: BlogComment, actor: User) -> None:
    """Delete a comment (its author, the post's author, or a moderator)."""
    participation_check(actor)
    if not can_delete_comment(actor, comment):
        raise PermissionDenied
    post_id = comment.post_id
    counted = not comment.is_hidden  # a hidden comment is no longer counted
    comment.delete()
    if counted:
        BlogPost.objects.filter(pk=post_id, comment_count__gt=0).update(
            comment_count=F("comment_count") - 1
        )
    blog_post_shown_changed(comment.post)


# --- Moderation ------------------------------------------------------------------
# A moderator's call is always put on record (confirming an automatic hide is a
# decision too); an automatic hide or restore only when it changes something.


@transaction.atomic
def post_hide(
    *, post: BlogPost, moderator: User, reason: str, hidden: bool = True
) -> BlogPost:
    """A moderator hides a post (or shows it again): only its author and
    moderators see it then, and it leaves the feeds.

    Raises PermissionDenied for anyone but a moderator.
    """
    if not can_moderate_blogs(moderator):
        raise PermissionDenied
    return _post_set_hidden(post, hidden=hidden, moderator=moderator, reason=reason)


@transaction.atomic
def post_hide_by_reports(*, post: BlogPost, hidden: bool = True) -> BlogPost:
    """Reports of established members hide a post until a moderator looks."""
    return _post_set_hidden(post, hidden=hidden, moderator=None, reason=REPORTED)


def _post_set_hidden(
    post: BlogPost, *, hidden: bool, moderator: User | None, reason: str
) -> BlogPost:
    hidden_set(
        post,
        hidden=hidden,
        moderator=moderator,
        reason=reason,
        changed=blog_post_visibility_changed,
        record=audited("blog_post"),
    )
    return post


@transaction.atomic
def comment_hide(
    *, comment: BlogComment, moderator: User, reason: str, hidden: bool = True
) -> BlogComment:
    """A moderator hides a comment (or shows it again): others see that it
    was hidden, and it is not counted.

    Raises PermissionDenied for anyone but a moderator.
    """
    if not can_moderate_blogs(moderator):
        raise PermissionDenied
    return _comment_set_hidden(
        comment, hidden=hidden, moderator=moderator, reason=reason
    )


@transaction.atomic
def comment_hide_by_reports(
    *, comment: BlogComment, hidden: bool = True
) -> BlogComment:
    """Reports of established members hide a comment until a moderator looks."""
    return _comment_set_hidden(comment, hidden=hidden, moderator=None, reason=REPORTED)


def _comment_set_hidden(
    comment: BlogComment, *, hidden: bool, moderator: User | None, reason: str
) -> BlogComment:
    hidden_set(
        comment,
        hidden=hidden,
        moderator=moderator,
        reason=reason,
        changed=blog_comment_visibility_changed,
        record=audited("blog_comment"),
    )
    return comment
