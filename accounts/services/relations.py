"""Following, blocking and bookmarks."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts import kinds
from accounts.bookmarks import bookmarkable_get
from accounts.changes import follows_changed
from accounts.models import Block, Bookmark, Follow, User
from accounts.permissions import can_follow_member
from community import services as community
from community.recognition import badges_check
from community.sanctions import participation_check

__all__ = [
    "block_create",
    "block_delete",
    "bookmark_set",
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
            kind=kinds.FOLLOW,
            actor=follower,
            url=follower.get_absolute_url(),
        )
    follows_changed()
    return follow


def follow_delete(*, follower: User, followee: User) -> None:
    Follow.objects.filter(follower=follower, followee=followee).delete()
    follows_changed()


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
    follows_changed()  # the follows both ways ended
    return block


def block_delete(*, blocker: User, blocked: User) -> None:
    Block.objects.filter(blocker=blocker, blocked=blocked).delete()


def _bookmarked(*, user: User, key: str, object_id: int) -> dict:
    """The bookmark's unique (member, kind, object), the object checked.

    Raises ObjectDoesNotExist when the kind is unknown or the object is not
    visible to the member (the view answers 404).
    """
    kind = bookmarkable_get(key)
    if kind is None:
        raise ObjectDoesNotExist(key)
    target = kind.visible_to(user).get(pk=object_id)
    return {
        "user": user,
        "content_type": ContentType.objects.get_for_model(kind.model),
        "object_id": target.pk,
    }


def bookmark_set(*, user: User, key: str, object_id: int, on: bool) -> bool:
    """Keep the object among the member's bookmarks (``on``) or not; returns ``on``.

    Sets the state asked for: a double click or a retry changes nothing the
    second time, and requests arriving at once keep one row. Raises
    ObjectDoesNotExist when the kind is unknown or the object is not visible
    to the member.
    """
    pair = _bookmarked(user=user, key=key, object_id=object_id)
    if on:
        # Under a savepoint; a parallel insert that won is read back.
        Bookmark.objects.get_or_create(**pair)
    else:
        Bookmark.objects.filter(**pair).delete()
    return on
