"""Reads about follows, blocks and bookmarks."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, QuerySet, prefetch_related_objects
from django.http import Http404

from accounts.bookmarks import Bookmarkable, bookmarkables
from accounts.models import Block, Bookmark, Follow, Profile, User


def is_following(*, follower: User, followee: User) -> bool:
    return Follow.objects.filter(follower=follower, followee=followee).exists()


def is_blocking(*, blocker: User, blocked: User) -> bool:
    return Block.objects.filter(blocker=blocker, blocked=blocked).exists()


def own_space_profile(*, user: User) -> Profile:
    """The member's own profile for the frame of her bookmarks
    (``accounts/space_base.html``: name, picture, subjects): the one loaded
    with her (``accounts.backends``), its subjects read — one query, where
    ``selectors.profile_get_for_space`` counts follows and asks about blocks
    that her own page does not show. Http404 for a deleted profile (or
    none), as there."""
    profile = getattr(user, "profile", None)
    if profile is None or profile.deleted_at is not None:
        raise Http404
    prefetch_related_objects([profile], "subjects")
    return profile


def _kinds_by_type() -> dict[int, Bookmarkable]:
    """The registered kinds by their content type's id, from ContentType's
    own cache (one query the first time in a process, none after)."""
    kinds = bookmarkables()
    types = ContentType.objects.get_for_models(*(kind.model for kind in kinds))
    return {types[kind.model].pk: kind for kind in kinds}


def bookmark_list_for_user(*, user: User) -> QuerySet[Bookmark]:
    """The member's bookmarks of registered kinds, newest first: what
    ``bookmark_rows`` reads of them (their target's type and id), no more."""
    return Bookmark.objects.filter(
        user=user, content_type_id__in=sorted(_kinds_by_type())
    ).only("content_type_id", "object_id")


def bookmark_rows(*, page, user: User) -> list[tuple[Bookmark, object, object]]:
    """(bookmark, target, kind) for one page; one query per kind of target.

    Targets the member can no longer see (a post back in drafts) are left out.
    """
    kinds = _kinds_by_type()
    wanted: dict[int, list[int]] = {}
    for bookmark in page:
        if bookmark.content_type_id in kinds:
            wanted.setdefault(bookmark.content_type_id, []).append(bookmark.object_id)
    visible: dict[tuple[int, int], object] = {}
    for type_id, ids in wanted.items():
        for target in kinds[type_id].visible_to(user).filter(pk__in=ids):
            visible[(type_id, target.pk)] = target
    rows = []
    for bookmark in page:
        target = visible.get((bookmark.content_type_id, bookmark.object_id))
        if target is not None:
            rows.append((bookmark, target, kinds[bookmark.content_type_id]))
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
