"""Reads for the materials' pages; each owns its joins."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from community.models import Grade
from materials.models import (
    Collection,
    CollectionItem,
    Material,
    MaterialFile,
    MaterialVersion,
    Rating,
)
from materials.permissions import can_view_collection, can_view_material

MIN_RATINGS_SHOWN = 3
SORTS = {
    "new": ["-published_at", "-pk"],
    "rating": ["-rating_average", "-rating_count", "-pk"],
    "downloads": ["-download_count", "-pk"],
}


def catalogue(
    *,
    subject=None,
    grade=None,
    kind: str = "",
    licence: str = "",
    recommended: bool = False,
    tag: str = "",
    sort: str = "new",
) -> QuerySet[Material]:
    """Published materials for the catalogue, filtered and sorted."""
    materials = Material.objects.public().select_related("author__profile", "subject")
    if subject is not None:
        materials = materials.filter(subject=subject)
    if grade is not None:
        materials = materials.filter(grades=grade)
    if kind:
        materials = materials.filter(kind=kind)
    if licence:
        materials = materials.filter(licence=licence)
    if recommended:
        materials = materials.filter(review_status=Material.Review.RECOMMENDED)
    if tag:
        materials = materials.filter(tags__slug=tag)
    if sort == "rating":
        # An average of one or two ratings says little: those sort last.
        from django.db.models import Case, IntegerField, When

        materials = materials.annotate(
            rated=Case(
                When(rating_count__gte=MIN_RATINGS_SHOWN, then=1),
                default=0,
                output_field=IntegerField(),
            )
        ).order_by("-rated", *SORTS["rating"])
    else:
        materials = materials.order_by(*SORTS.get(sort, SORTS["new"]))
    return materials.prefetch_related(
        Prefetch("grades", queryset=Grade.objects.order_by("position"))
    ).distinct()


def material_get(*, pk: int, user) -> Material:
    material = (
        Material.objects.select_related("author__profile", "subject", "current_version")
        .filter(pk=pk)
        .first()
    )
    if material is None or not can_view_material(user, material):
        raise Http404
    return material


def versions_with_files(*, material: Material) -> list[MaterialVersion]:
    return list(
        material.versions.prefetch_related(
            Prefetch("files", queryset=MaterialFile.objects.order_by("pk"))
        ).order_by("-number")
    )


def file_get(*, material: Material, pk: int) -> MaterialFile:
    found = (
        MaterialFile.objects.select_related("version")
        .filter(pk=pk, version__material=material)
        .first()
    )
    if found is None:
        raise Http404
    return found


def rating_list(*, material: Material) -> QuerySet[Rating]:
    return material.ratings.select_related("user__profile").order_by("-updated_at")


def rating_of(*, material: Material, user) -> Rating | None:
    if not user.is_authenticated:
        return None
    return Rating.objects.filter(material=material, user=user).first()


def average_shown(material: Material):
    """The average, or None below the number of ratings that makes it mean much."""
    if material.rating_count < MIN_RATINGS_SHOWN:
        return None
    return material.rating_average


def collections_of(*, user) -> QuerySet[Collection]:
    if not user.is_authenticated:
        return Collection.objects.none()
    return Collection.objects.filter(owner=user).order_by("title", "pk")


def collection_get(*, pk: int, user) -> Collection:
    collection = (
        Collection.objects.select_related("owner__profile").filter(pk=pk).first()
    )
    if collection is None or not can_view_collection(user, collection):
        raise Http404
    return collection


def collection_materials(*, collection: Collection, user) -> QuerySet[Material]:
    """The collection's materials the reader may see, latest added first."""
    items = CollectionItem.objects.filter(collection=collection)
    materials = Material.objects.filter(
        pk__in=items.values("material_id")
    ).select_related("author__profile", "subject")
    if user.is_authenticated and user.pk == collection.owner_id:
        return materials.filter(is_hidden=False).order_by("title", "pk")
    return materials.public().order_by("title", "pk")
