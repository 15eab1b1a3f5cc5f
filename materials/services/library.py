"""Every write to materials: publishing, files and versions, downloads, ratings,
collections."""

import logging
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Avg, Count, F, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors_relations import bookmark_holders
from community import limits
from community import services as community
from community.hiding import REPORTED, audited, hidden_set
from community.markdown import render_markdown
from community.recognition import badges_check
from community.sanctions import participation_check
from materials import kinds
from materials.changes import (
    collection_changed,
    material_changed,
    material_counts_changed,
    material_files_changed,
    material_published,
    material_removed,
    material_visibility_changed,
)
from materials.models import (
    Collection,
    CollectionItem,
    Material,
    MaterialDownload,
    MaterialFile,
    MaterialVersion,
    Rating,
)
from materials.permissions import (
    can_create_material,
    can_edit_collection,
    can_edit_material,
    can_rate_material,
    can_view_material,
)
from materials.services.thumbnails import thumbnail_names, thumbnails_delete_later
from materials.uploads import CheckedFile

__all__ = [
    "FIELDS",
    "collection_create",
    "collection_delete",
    "collection_item_set",
    "collection_update",
    "download_note",
    "download_record",
    "material_coauthors_set",
    "material_create",
    "material_delete",
    "material_hide",
    "material_hide_by_reports",
    "material_publish",
    "material_unpublish",
    "material_update",
    "material_version_add",
    "rating_delete",
    "rating_set",
]

logger = logging.getLogger(__name__)

FIELDS = [
    "title",
    "summary",
    "description",
    "subject",
    "kind",
    "language",
    "licence",
    "rights_confirmed",
]


def _storage_delete_later(names: Sequence[str]) -> None:
    """Remove stored files once the transaction that dropped them commits."""

    def delete() -> None:
        storage = MaterialFile._meta.get_field("file").storage
        for name in names:
            try:
                storage.delete(name)
            except OSError:  # already gone, or the disk said no: log and go on
                logger.warning("could not delete %s", name)

    transaction.on_commit(delete)


def _store_files(version: MaterialVersion, files: Sequence[CheckedFile]) -> None:
    """Save the files of a version; if anything fails, none stays in storage."""
    if not files:
        raise ValidationError(_("Attach at least one file."), code="no_files")
    saved: list[str] = []
    try:
        for checked in files:
            record = MaterialFile(
                version=version,
                name=checked.name,
                kind=checked.kind,
                content_type=checked.content_type,
                size=checked.size,
            )
            record.file.save(f"file.{checked.kind}", checked.upload, save=False)
            saved.append(record.file.name)
            record.save()
    except BaseException:
        storage = MaterialFile._meta.get_field("file").storage
        for name in saved:
            storage.delete(name)
        raise


def _thumbnail_later(material: Material) -> None:
    """After commit, a task makes the thumbnail match the new files."""
    from materials.tasks import material_thumbnail_task

    material_id = material.pk
    transaction.on_commit(lambda: material_thumbnail_task.delay(material_id))


def _check_fields(material: Material) -> None:
    if not material.rights_confirmed:
        raise ValidationError(
            _("Confirm that you are the author or may share this material."),
            code="rights",
        )
    material.full_clean(exclude=["author", "current_version", "subject"])


@transaction.atomic
def material_create(
    *,
    author,
    files: Sequence[CheckedFile],
    grades: Iterable = (),
    tags: Iterable[str] = (),
    publish: bool = True,
    **fields,
) -> Material:
    """A material with its first version; published at once unless a draft.

    Raises PermissionDenied, or ValidationError (no rights confirmation, no
    files, a bad field).
    """
    participation_check(author)
    if not can_create_material(author):
        raise PermissionDenied
    limits.write_limit_check(
        author, limits.MATERIALS, Material.objects.filter(author=author)
    )
    material = Material(author=author, **{key: fields[key] for key in fields})
    material.description_html = render_markdown(material.description)
    _check_fields(material)
    material.save()
    material.grades.set(grades)
    material.tags.set(_clean_tags(tags))
    version = MaterialVersion.objects.create(material=material, number=1)
    _store_files(version, files)
    material.current_version = version
    material.save(update_fields=["current_version"])
    _thumbnail_later(material)
    if publish:
        material_publish(material=material, actor=author)
    else:
        material_changed(material)
    return material


def _clean_tags(tags: Iterable[str]) -> list[str]:
    return sorted({tag.strip()[:100] for tag in tags if tag.strip()})


@transaction.atomic
def material_update(
    *, material: Material, editor, grades=None, tags=None, **fields
) -> Material:
    """Change a material's description (files change through a new version)."""
    participation_check(editor)
    if not can_edit_material(editor, material):
        raise PermissionDenied
    for key in FIELDS:
        if key in fields:
            setattr(material, key, fields[key])
    material.description_html = render_markdown(material.description)
    _check_fields(material)
    material.save()
    if grades is not None:
        material.grades.set(grades)
    if tags is not None:
        material.tags.set(_clean_tags(tags))
    material_changed(material)
    return material


@transaction.atomic
def material_publish(*, material: Material, actor) -> Material:
    """Show a draft in the catalogue and the feeds."""
    participation_check(actor)
    if not can_edit_material(actor, material):
        raise PermissionDenied
    if material.is_published:
        return material
    material.status = Material.Status.PUBLISHED
    material.published_at = material.published_at or timezone.now()
    material.save(update_fields=["status", "published_at"])
    badges_check(user=material.author)
    # A draft has no feed entry to take back: the entry is recorded unless
    # a moderator hid the material.
    material_published(material)
    return material


@transaction.atomic
def material_unpublish(*, material: Material, actor) -> Material:
    """Take a material back to drafts (its files and reviews stay)."""
    participation_check(actor)
    if not can_edit_material(actor, material):
        raise PermissionDenied
    if not material.is_published:
        return material  # a draft already: nothing shown to take back
    material.status = Material.Status.DRAFT
    material.save(update_fields=["status"])
    material_visibility_changed(material)
    return material


def _kept_by_others(material: Material) -> bool:
    """Rows of other apps that keep the material from being deleted (their
    foreign key protects it: a contest's entry)."""
    return any(
        relation.on_delete is models.PROTECT
        and relation.related_model._base_manager.filter(
            **{relation.field.name: material.pk}
        ).exists()
        for relation in Material._meta.related_objects
    )


def _entered_error() -> ValidationError:
    return ValidationError(
        _(
            "The material is entered in a contest and cannot be deleted: "
            "the jury and the results rely on it."
        ),
        code="entered",
    )


@transaction.atomic
def material_delete(*, material: Material, actor) -> None:
    """Delete a material with every version; the files go after commit.

    Raises PermissionDenied for anyone but its editors, ValidationError
    (code "entered") while a contest's entry keeps it.
    """
    participation_check(actor)
    if not can_edit_material(actor, material):
        raise PermissionDenied
    if _kept_by_others(material):
        raise _entered_error()
    names = list(
        MaterialFile.objects.filter(version__material=material).values_list(
            "file", flat=True
        )
    )
    material_removed(material)
    thumbnails = thumbnail_names(Material.objects.get(pk=material.pk))
    Material.objects.filter(pk=material.pk).update(current_version=None)
    try:
        material.delete()
    except ProtectedError as error:
        # Entered between the check and now: nothing is deleted.
        raise _entered_error() from error
    _storage_delete_later(names)
    thumbnails_delete_later(thumbnails)


@transaction.atomic
def material_version_add(
    *, material: Material, author, files: Sequence[CheckedFile], note: str = ""
) -> MaterialVersion:
    """Replace the files with a new version; the earlier ones stay downloadable.

    Members who bookmarked the material hear of it.
    """
    participation_check(author)
    if not can_edit_material(author, material):
        raise PermissionDenied
    material = Material.objects.select_for_update().get(pk=material.pk)
    number = (
        material.versions.order_by("-number").values_list("number", flat=True).first()
        or 0
    ) + 1
    version = MaterialVersion.objects.create(
        material=material, number=number, note=note.strip()[:500]
    )
    _store_files(version, files)
    material.current_version = version
    material.save(update_fields=["current_version", "updated_at"])
    _thumbnail_later(material)
    if material.is_published and not material.is_hidden:
        # In a fixed number of queries, however many bookmarked it (the
        # author, the actor, is left out by notify_many).
        community.notify_many(
            recipients=bookmark_holders(target=material).only("pk", "is_active"),
            kind=kinds.NEW_VERSION,
            actor=material.author,
            target=material,
            target_title=material.title,
            url=material.get_absolute_url(),
        )
    material_files_changed(material)
    return version


@transaction.atomic
def material_coauthors_set(
    *, material: Material, coauthors: Iterable, actor=None
) -> list:
    """The material's co-authors become exactly ``coauthors`` (its author
    left out), credited beside the author on its page.

    With ``actor``, the author (or a moderator) sets them: PermissionDenied
    for anyone else. Without, another app's service credits them under its
    own rules (a network project's final product: every member of the team
    that made it). Put on record in the audit log either way.
    """
    if actor is not None:
        participation_check(actor)
        if not can_edit_material(actor, material):
            raise PermissionDenied
    users = sorted(
        {user for user in coauthors if user.pk != material.author_id},
        key=lambda user: user.pk,
    )
    material.coauthors.set(users)
    community.audit(
        actor=actor,
        action="material_coauthors",
        target=material,
        reason=", ".join(user.username for user in users),
    )
    material_changed(material)
    return users


def material_hide(
    *, material: Material, moderator, hidden: bool = True, reason: str = ""
) -> Material:
    """A moderator hides (or shows again) a material; the audit log says who
    and why (``community.hiding``: the call is always put on record).

    Raises PermissionDenied for anyone but a moderator.
    """
    from materials.permissions import can_moderate_materials

    if not can_moderate_materials(moderator):
        raise PermissionDenied
    return _material_set_hidden(
        material, hidden=hidden, moderator=moderator, reason=reason
    )


def material_hide_by_reports(*, material: Material, hidden: bool = True) -> Material:
    """Reports of established members hide a material until a moderator looks."""
    return _material_set_hidden(
        material, hidden=hidden, moderator=None, reason=REPORTED
    )


# The audit log tells an automatic call by its own action names.
_material_record = audited("material", automatic_apart=True)


def _material_set_hidden(
    material: Material, *, hidden: bool, moderator, reason: str
) -> Material:
    hidden_set(
        material,
        hidden=hidden,
        moderator=moderator,
        reason=reason,
        changed=material_visibility_changed,
        record=_material_record,
    )
    return material


def download_note(*, material: Material, user) -> None:
    """A member downloads a file: a task counts it after the response (the
    download itself writes nothing), once a day (``download_record``)."""
    if not user.is_authenticated:
        return
    from materials.tasks import download_record_task

    ids, day = (material.pk, user.pk), timezone.localdate().isoformat()
    transaction.on_commit(lambda: download_record_task.delay(*ids, day))


def download_record(*, material: Material, user, day=None) -> bool:
    """Count a member's download once a ``day`` (today by default); returns
    whether it counted, so a second run counts nothing."""
    if not user.is_authenticated or not can_view_material(user, material):
        return False
    _row, created = MaterialDownload.objects.get_or_create(
        material=material, user=user, day=day or timezone.localdate()
    )
    if created:
        Material.objects.filter(pk=material.pk).update(
            download_count=F("download_count") + 1
        )
        # Not a change function: like a topic's views, the count reaches
        # visitors' kept pages when they are next built (at most the page
        # cache's timeout later), rather than every download emptying them.
    return created


def _ratings_recount(material: Material) -> None:
    # Ratings written at once count one after the other: the second waits for
    # the first to commit and then sees its row. "No key": inserting a rating
    # takes a key-share lock on the material, which this must not wait for.
    Material.objects.select_for_update(no_key=True).filter(pk=material.pk).first()
    totals = Rating.objects.filter(material=material).aggregate(
        count=Count("pk"), average=Avg("score")
    )
    Material.objects.filter(pk=material.pk).update(
        rating_count=totals["count"], rating_average=totals["average"]
    )


@transaction.atomic
def rating_set(*, material: Material, user, score: int, comment: str = "") -> Rating:
    """Rate a material 1–5 (again: the earlier rating is replaced)."""
    participation_check(user)
    if not can_rate_material(user, material):
        raise PermissionDenied
    if not 1 <= int(score) <= 5:
        raise ValidationError(_("A rating is from 1 to 5."), code="score")
    if not Rating.objects.filter(material=material, user=user).exists():
        # Changing one's rating is not another rating.
        limits.write_limit_check(user, limits.RATINGS, Rating.objects.filter(user=user))
    rating, created = Rating.objects.update_or_create(
        material=material,
        user=user,
        defaults={"score": int(score), "comment": comment.strip()[:1000]},
    )
    _ratings_recount(material)
    if created:
        community.notify(
            recipient=material.author,
            kind=kinds.NEW_RATING,
            actor=user,
            target=material,
            target_title=material.title,
            url=material.get_absolute_url(),
        )
    material_counts_changed(material)
    return rating


@transaction.atomic
def rating_delete(*, material: Material, user, actor=None) -> None:
    """Take a rating back (its author), or remove it (a moderator)."""
    from materials.permissions import can_moderate_materials

    actor = actor or user
    participation_check(actor)
    if actor.pk != user.pk and not can_moderate_materials(actor):
        raise PermissionDenied
    Rating.objects.filter(material=material, user=user).delete()
    _ratings_recount(material)
    material_counts_changed(material)


def collection_create(
    *, owner, title: str, description: str = "", is_public: bool = False
) -> Collection:
    participation_check(owner)
    if not owner.is_authenticated:
        raise PermissionDenied
    limits.write_limit_check(
        owner, limits.COLLECTIONS, Collection.objects.filter(owner=owner)
    )
    collection = Collection(
        owner=owner,
        title=title.strip(),
        description=description.strip(),
        is_public=is_public,
    )
    collection.full_clean(exclude=["owner"])
    collection.save()
    return collection


def collection_update(*, collection: Collection, editor, **fields) -> Collection:
    participation_check(editor)
    if not can_edit_collection(editor, collection):
        raise PermissionDenied
    was_public = collection.is_public
    for key in ("title", "description", "is_public"):
        if key in fields:
            value = fields[key]
            setattr(collection, key, value.strip() if isinstance(value, str) else value)
    collection.full_clean(exclude=["owner"])
    collection.save()
    collection_changed(collection, was_public=was_public)
    return collection


def collection_delete(*, collection: Collection, editor) -> None:
    participation_check(editor)
    if not can_edit_collection(editor, collection):
        raise PermissionDenied
    collection.delete()
    collection_changed(collection)


def collection_item_set(
    *, collection: Collection, material: Material, editor, present: bool
) -> None:
    """Put a material in a collection (or take it out)."""
    participation_check(editor)
    if not can_edit_collection(editor, collection):
        raise PermissionDenied
    if present:
        if not can_view_material(editor, material):
            raise PermissionDenied
        limits.write_limit_check(
            editor,
            limits.COLLECTION_ITEMS,
            CollectionItem.objects.filter(collection__owner=editor),
            field="added_at",
        )
        CollectionItem.objects.get_or_create(collection=collection, material=material)
    else:
        CollectionItem.objects.filter(collection=collection, material=material).delete()
    collection_changed(collection)
