"""Following, blocking and bookmarks."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts import community_hooks
from accounts.bookmarks import bookmarkable_get
from accounts.models import Block, Bookmark, Follow, User
from accounts.permissions import can_follow_member
from community import services as community
from community.pagecache import page_cache_invalidate
from community.recognition import badges_check
from community.sanctions import participation_check

__all__ = [
    "block_create",
    "block_delete",
    "bookmark_toggle",
    "follow_create",
    "follow_delete",
]


@transaction.atomic
def follow_create(*, follower: User, followee: User) -> Follow:
    """Follow a colleague; following twice is harmless.

    Raises ValidationError (code "not_allowed") for oneself, or when the
    colleague has blocked the follower.
    """
    participation_check(follower)
    if not can_follow_member(follower, followee):
        raise ValidationError(_("You cannot follow this member."), code="not_allowed")
    follow, created = Follow.objects.get_or_create(follower=follower, followee=followee)
    if created:
        badges_check(user=followee)
        community.notify(
            recipient=followee,
            kind=community_hooks.FOLLOW,
            actor=follower,
            url=follower.get_absolute_url(),
        )
    page_cache_invalidate()
    return follow


def follow_delete(*, follower: User, followee: User) -> None:
    Follow.objects.filter(follower=follower, followee=followee).delete()
    page_cache_invalidate()


@transaction.atomic
def block_create(*, blocker: User, blocked: User) -> Block:
    """Block a member: follows both ways end; their content is folded for the blocker.

    Raises ValidationError (code "self") when a member tries to block themself.
    """
    if blocker.pk == blocked.pk:
        raise ValidationError(_("You cannot block yourself."), code="self")
    Follow.objects.filter(
        Q(follower=blocker, followee=blocked) | Q(follower=blocked, followee=blocker)
    ).delete()
    block, _created = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    return block


def block_delete(*, blocker: User, blocked: User) -> None:
    Block.objects.filter(blocker=blocker, blocked=blocked).delete()


def bookmark_toggle(*, user: User, key: str, object_id: int) -> bool:
    """Bookmark the object, or remove the bookmark; returns whether it is now kept.

    Raises ObjectDoesNotExist when the kind is unknown or the object is not
    visible to the member (the view answers 404).
    """
    kind = bookmarkable_get(key)
    if kind is None:
        raise ObjectDoesNotExist(key)
    target = kind.visible_to(user).get(pk=object_id)
    content_type = ContentType.objects.get_for_model(kind.model)
    deleted, _rows = Bookmark.objects.filter(
        user=user, content_type=content_type, object_id=target.pk
    ).delete()
    if deleted:
        return False
    Bookmark.objects.get_or_create(
        user=user, content_type=content_type, object_id=target.pk
    )
    return True
