"""Who may see and change materials, ratings and collections."""

from collections.abc import Iterable

from materials.models import Collection, Material


def _is_member(user) -> bool:
    return user.is_authenticated and user.is_active


def can_moderate_materials(user) -> bool:
    # The Moderators group (and superusers).
    return _is_member(user) and (
        user.is_superuser
        # Moderators are staff: members pay no permission query here.
        or (user.is_staff and user.has_perm("materials.change_material"))
    )


def can_view_material(user, material: Material) -> bool:
    # Published and not hidden: everyone; drafts and hidden ones: the author
    # and moderators.
    if material.is_published and not material.is_hidden:
        return True
    if _is_member(user) and user.pk == material.author_id:
        return True
    return can_moderate_materials(user)


def can_create_material(user) -> bool:
    return _is_member(user)


def can_edit_material(user, material: Material) -> bool:
    # The author (while not hidden by a moderator), or a moderator.
    if not _is_member(user):
        return False
    if user.pk == material.author_id and not material.is_hidden:
        return True
    return can_moderate_materials(user)


def can_rate_material(user, material: Material) -> bool:
    # Members, on others' published materials.
    return (
        _is_member(user)
        and user.pk != material.author_id
        and material.is_published
        and not material.is_hidden
    )


def can_view_collection(user, collection: Collection) -> bool:
    if collection.is_public:
        return True
    return _is_member(user) and user.pk == collection.owner_id


def can_edit_collection(user, collection: Collection) -> bool:
    return _is_member(user) and user.pk == collection.owner_id


# --- Expert review ---------------------------------------------------------------


def is_expert(user) -> bool:
    # The Experts group (its permission to add reviews).
    return _is_member(user) and user.has_perm("materials.add_review")


def _school(user) -> str:
    from accounts.models import school_key

    return school_key(getattr(getattr(user, "profile", None), "school", ""))


def review_conflict_between(user, authors: Iterable) -> str:
    """Why ``user`` may not review the work of ``authors``: "own" (one of
    them), "school" (a colleague of one of theirs), or ""."""
    authors = list(authors)
    if any(user.pk == author.pk for author in authors):
        return "own"
    mine = _school(user)
    if mine and any(mine == _school(author) for author in authors):
        return "school"
    return ""


def review_conflict(user, material: Material) -> str:
    """Why ``user`` may not review ``material``: "own", "school", or ""."""
    if user.pk == material.author_id:
        return "own"
    return review_conflict_between(user, [material.author])


def can_submit_for_review(user, material: Material) -> bool:
    # The author, of a published material that is not in review or recommended.
    return (
        _is_member(user)
        and user.pk == material.author_id
        and material.is_published
        and not material.is_hidden
        and material.review_status
        not in (Material.Review.IN_REVIEW, Material.Review.RECOMMENDED)
    )


def can_see_reviews(user, material: Material) -> bool:
    # The author and moderators (reviewers see their own through the queue).
    if not _is_member(user):
        return False
    return user.pk == material.author_id or can_moderate_materials(user)


def can_see_reviewer_names(user, material: Material) -> bool:
    # Moderators always; the author unless reviews are blind.
    from django.conf import settings

    if can_moderate_materials(user):
        return True
    return not settings.MATERIALS_BLIND_REVIEW


def can_write_review(user, assignment) -> bool:
    # The assigned expert, while the assignment is open and in time.
    from django.utils import timezone

    return (
        _is_member(user)
        and user.pk == assignment.reviewer_id
        and assignment.status == assignment.Status.ACTIVE
        and assignment.due_at > timezone.now()
    )
