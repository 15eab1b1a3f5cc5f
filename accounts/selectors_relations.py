"""Reads about follows, blocks and bookmarks."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.bookmarks import bookmarkable_for_model, bookmarkables
from accounts.models import Block, Bookmark, Follow, User


def is_following(*, follower: User, followee: User) -> bool:
    return Follow.objects.filter(follower=follower, followee=followee).exists()


def is_blocking(*, blocker: User, blocked: User) -> bool:
    return Block.objects.filter(blocker=blocker, blocked=blocked).exists()


def bookmark_list_for_user(*, user: User) -> QuerySet[Bookmark]:
    """The member's bookmarks of registered kinds, newest first."""
    # The registered kinds as a subquery: no query of its own, however many.
    kinds = Q()
    for item in bookmarkables():
        meta = item.model._meta
        kinds |= Q(app_label=meta.app_label, model=meta.model_name)
    return Bookmark.objects.filter(
        user=user, content_type__in=ContentType.objects.filter(kinds)
    ).select_related("content_type")


def bookmark_rows(*, page, user: User) -> list[tuple[Bookmark, object, object]]:
    """(bookmark, target, kind) for one page; one query per kind of target.

    Targets the member can no longer see (a post back in drafts) are left out.
    """
    wanted: dict[type, list[int]] = {}
    for bookmark in page:
        wanted.setdefault(bookmark.content_type.model_class(), []).append(
            bookmark.object_id
        )
    visible: dict[tuple[type, int], object] = {}
    for model, ids in wanted.items():
        kind = bookmarkable_for_model(model)
        if kind is None:
            continue
        for target in kind.visible_to(user).filter(pk__in=ids):
            visible[(model, target.pk)] = target
    rows = []
    for bookmark in page:
        model = bookmark.content_type.model_class()
        target = visible.get((model, bookmark.object_id))
        if target is not None:
            rows.append((bookmark, target, bookmarkable_for_model(model)))
    return rows


def bookmarked_ids(*, user, model: type, ids: list[int]) -> set[int]:
    """Which of ``ids`` of ``model`` the member has bookmarked (for buttons)."""
    if not user.is_authenticated:
        return set()
    return set(
        Bookmark.objects.filter(
            user=user,
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=ids,
        ).values_list("object_id", flat=True)
    )


def bookmark_holders(*, target) -> QuerySet[User]:
    """Active members who bookmarked ``target`` (to tell them of a change)."""
    return User.objects.filter(
        is_active=True,
        bookmarks__content_type=ContentType.objects.get_for_model(target),
        bookmarks__object_id=target.pk,
    ).order_by("pk")


def bookmarked_expression(*, user, model: type) -> Exists:
    """For annotating rows of ``model``: has the member bookmarked each one?

    Saves the separate query of ``bookmarked_ids`` where one row is read anyway.
    """
    return Exists(
        Bookmark.objects.filter(
            user=user,
            content_type=ContentType.objects.get_for_model(model),
            object_id=OuterRef("pk"),
        )
    )
