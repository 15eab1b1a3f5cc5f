"""Who may see and change materials, ratings and collections."""

from materials.models import Collection, Material


def _is_member(user) -> bool:
    return user.is_authenticated and user.is_active


def can_moderate_materials(user) -> bool:
    # The Moderators group (and superusers).
    return _is_member(user) and (
        user.is_superuser or user.has_perm("materials.change_material")
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
