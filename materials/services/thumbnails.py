"""The picture of a material's first page (``materials.thumbnails``)."""

import logging

from django.core.files.base import ContentFile
from django.db import transaction

from materials.changes import material_thumbnail_changed
from materials.models import Material, MaterialFile
from materials.thumbnails import MAX_PDF_BYTES, pdf_thumbnail

__all__ = ["material_thumbnail_update", "materials_without_thumbnail"]

logger = logging.getLogger(__name__)

FIELDS = [
    "thumbnail",
    "thumbnail_small",
    "thumbnail_width",
    "thumbnail_height",
    "thumbnail_file",
]


def _source_of(material_id: int) -> MaterialFile | None:
    """The current version's first PDF."""
    return (
        MaterialFile.objects.filter(
            version__material_id=material_id,
            version_id=Material.objects.filter(pk=material_id).values(
                "current_version_id"
            )[:1],
            kind="pdf",
        )
        .order_by("pk")
        .first()
    )


def thumbnail_names(material: Material) -> list[str]:
    """The stored names of the material's pictures."""
    names = (material.thumbnail.name, material.thumbnail_small.name)
    return [name for name in names if name]


def thumbnails_delete_later(names: list[str]) -> None:
    """Remove pictures from storage once the transaction that dropped them
    commits (at once outside a transaction)."""
    storage = Material._meta.get_field("thumbnail").storage

    def delete() -> None:
        for name in names:
            try:
                storage.delete(name)
            except OSError:  # already gone, or the disk said no: log and go on
                logger.warning("could not delete %s", name)

    if names:
        transaction.on_commit(delete)


def _render(source: MaterialFile):
    """The thumbnail of ``source``, or None (logged) when the PDF gives none.

    Raises OSError when the file cannot be read (storage away): nothing is
    recorded then, so a later run tries again.
    """
    if source.size > MAX_PDF_BYTES:
        logger.info("no thumbnail for material file %s: too large", source.pk)
        return None
    with source.file.open("rb") as handle:
        data = handle.read()
    try:
        return pdf_thumbnail(data)
    except Exception:  # a damaged or hostile PDF, whatever PDFium said
        logger.warning("no thumbnail for material file %s", source.pk, exc_info=True)
        return None


def _up_to_date(material: Material, source_id: int | None) -> bool:
    # A PDF tried once stays as it came out, a picture or none.
    if source_id is not None:
        return material.thumbnail_file_id == source_id
    return material.thumbnail_file_id is None and not material.thumbnail


def material_thumbnail_update(*, material_id: int) -> bool:
    """Make the material's thumbnail match its current version's first PDF.

    Renders only when that PDF is not the one the thumbnail was made from; a
    PDF that gives no picture leaves none and is not tried again; without a
    PDF the thumbnail goes. The replaced pictures leave storage after commit.
    Safe to run twice or at once: the second run finds nothing to do.
    Returns whether the material changed.
    """
    material = Material.objects.filter(pk=material_id).first()
    if material is None:
        return False
    source = _source_of(material_id)
    source_id = source.pk if source else None
    if _up_to_date(material, source_id):
        return False
    made = _render(source) if source else None
    return _thumbnail_store(material_id=material_id, source_id=source_id, made=made)


@transaction.atomic
def _thumbnail_store(*, material_id: int, source_id: int | None, made) -> bool:
    material = Material.objects.select_for_update().filter(pk=material_id).first()
    if material is None:
        return False
    current = _source_of(material_id)
    if (current.pk if current else None) != source_id:
        # The files changed while rendering: the task enqueued by that
        # change makes the right picture.
        return False
    if _up_to_date(material, source_id):
        return False  # another run got here first
    old = thumbnail_names(material)
    saved: list[str] = []
    try:
        if made is not None:
            material.thumbnail.save("480.jpg", ContentFile(made.large), save=False)
            saved.append(material.thumbnail.name)
            material.thumbnail_small.save(
                "240.jpg", ContentFile(made.small), save=False
            )
            saved.append(material.thumbnail_small.name)
            material.thumbnail_width = made.width
            material.thumbnail_height = made.height
        else:
            material.thumbnail = material.thumbnail_small = ""
            material.thumbnail_width = material.thumbnail_height = None
        material.thumbnail_file_id = source_id
        material.save(update_fields=FIELDS)
    except BaseException:
        storage = Material._meta.get_field("thumbnail").storage
        for name in saved:
            storage.delete(name)
        raise
    thumbnails_delete_later(old)
    material_thumbnail_changed(material)
    return True


def materials_without_thumbnail():
    """Materials whose current first PDF was never turned into a picture, and
    those with a picture but no PDF any more (ids, oldest first)."""
    from django.db.models import Exists, OuterRef, Q

    pdf = MaterialFile.objects.filter(
        version_id=OuterRef("current_version_id"), kind="pdf"
    ).order_by("pk")
    return (
        Material.objects.annotate(has_pdf=Exists(pdf))
        .filter(
            (Q(has_pdf=True) & ~Q(thumbnail_file_id=pdf.values("pk")[:1]))
            | Q(has_pdf=True, thumbnail_file__isnull=True)
            | (Q(has_pdf=False) & ~Q(thumbnail=""))
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
