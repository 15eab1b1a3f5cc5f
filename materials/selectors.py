"""Reads for the materials' pages; each owns its joins."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    When,
    Window,
)
from django.db.models.fields.files import FieldFile
from django.http import Http404
from taggit.models import TaggedItem

from accounts.models import Profile
from community import pagecache
from community.models import Grade
from community.paging import count_kept
from materials.models import (
    Collection,
    CollectionItem,
    Material,
    MaterialFile,
    MaterialVersion,
    Rating,
    ReviewAssignment,
    ReviewRound,
)
from materials.permissions import can_view_collection, can_view_material

MIN_RATINGS_SHOWN = 3
SORTS = {
    "new": ["-published_at", "-pk"],
    "rating": ["-rating_average", "-rating_count", "-pk"],
    "downloads": ["-download_count", "-pk"],
}


def main_file_kind() -> Subquery:
    """The kind of the current version's first PDF, else of its first file
    (the card's icon without a thumbnail: ``Material.file_icon``), in the
    material's own query."""
    return Subquery(
        MaterialFile.objects.filter(version_id=OuterRef("current_version_id"))
        .order_by(
            Case(When(kind="pdf", then=0), default=1, output_field=IntegerField()),
            "pk",
        )
        .values("kind")[:1]
    )


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
    materials = (
        Material.objects.public()
        .select_related("author__profile", "subject")
        .annotate(main_file_kind=main_file_kind())
    )
    if subject is not None:
        materials = materials.filter(subject=subject)
    # Grade and tag through subqueries, not joins: no duplicate rows, so no
    # DISTINCT, which would sort the whole catalogue before taking a page.
    if grade is not None:
        materials = materials.filter(
            pk__in=Material.grades.through.objects.filter(grade=grade).values(
                "material_id"
            )
        )
    if kind:
        materials = materials.filter(kind=kind)
    if licence:
        materials = materials.filter(licence=licence)
    if recommended:
        materials = materials.filter(review_status=Material.Review.RECOMMENDED)
    if tag:
        materials = materials.filter(
            pk__in=TaggedItem.objects.filter(
                content_type=ContentType.objects.get_for_model(Material),
                tag__slug=tag,
            ).values("object_id")
        )
    if sort == "rating":
        # An average of one or two ratings says little: those sort last.
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
    )


def catalogue_count(materials: QuerySet[Material], filters: dict) -> int:
    """How many materials the filtered catalogue holds: kept until public
    content changes (the same number for every reader)."""
    return count_kept(
        materials,
        generation_key=pagecache.GENERATION_KEY,
        key=(
            "materials:catalogue",
            sorted(
                (name, str(getattr(value, "pk", value)))
                for name, value in filters.items()
            ),
        ),
    )


def materials_of(*, user) -> QuerySet[Material]:
    """The member's own materials, drafts and hidden ones included."""
    return (
        Material.objects.filter(author=user)
        .select_related("subject")
        .order_by("-created_at", "-pk")
    )


def material_get(
    *,
    pk: int,
    user,
    for_page: bool = False,
    using: str | None = None,
    lean: bool = False,
) -> Material:
    """The material the member may see, or 404 (from the database ``using``,
    else as the router says).

    With ``for_page``, the material carries what its page asks about the
    member, in the same query: whether they bookmarked it and their own rating
    (``rating_of``); and the author's picture its link preview shows
    (``author_picture``: a file, or None while the author has none, hides it
    from search engines or is hidden). ``lean``: without the author's and
    subject's rows (a page whose parts that show them are kept).
    """
    materials = Material.objects.db_manager(using).all()
    if not lean:
        materials = materials.select_related("author__profile", "subject")
    if for_page:
        materials = materials.annotate(
            author_avatar=F("author__profile__avatar"),
            author_indexable=F("author__profile__indexable"),
            author_hidden=F("author__profile__is_hidden"),
        )
    if for_page and user.is_authenticated:
        from accounts.selectors_relations import bookmarked_expression

        own = Rating.objects.filter(material=OuterRef("pk"), user=user)
        materials = materials.annotate(
            viewer_bookmarked=bookmarked_expression(user=user, model=Material),
            viewer_score=Subquery(own.values("score")[:1]),
            viewer_comment=Subquery(own.values("comment")[:1]),
        )
    material = next(iter(materials.filter(pk=pk).order_by()[:1]), None)
    if material is None or not can_view_material(user, material):
        raise Http404
    if for_page:
        shown = material.author_indexable and not material.author_hidden
        material.author_picture = (
            FieldFile(None, Profile._meta.get_field("avatar"), material.author_avatar)
            if material.author_avatar and shown
            else None
        )
    return material


def versions_with_files(
    *, material: Material, using: str | None = None
) -> list[MaterialVersion]:
    """The material's versions, newest first, each with its files in the
    order they were uploaded (``version.files_shown``), in one query: the
    files with their versions (from the database ``using``, else as the
    router says). Every version has a file (``_store_files`` refuses a
    version without one, and no file row is deleted alone)."""
    versions: dict[int, MaterialVersion] = {}
    files = (
        MaterialFile.objects.db_manager(using)
        .filter(version__material=material)
        .select_related("version")
        .order_by("-version__number", "pk")
    )
    for file in files:
        version = versions.get(file.version_id)
        if version is None:
            version = versions[file.version_id] = file.version
            version.files_shown = []
        version.files_shown.append(file)
    return list(versions.values())


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
    """The member's own rating (from ``material_get(for_page=True)`` when read
    with it)."""
    if not user.is_authenticated:
        return None
    if hasattr(material, "viewer_score"):
        if material.viewer_score is None:
            return None
        return Rating(
            material=material,
            user=user,
            score=material.viewer_score,
            comment=material.viewer_comment,
        )
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


# --- Expert review ---------------------------------------------------------------


def review_queue(*, user) -> QuerySet:
    """Open requests in the expert's subjects, with free places, not their own.

    Requests from the expert's own school stay out (the service refuses them
    too); requests already taken by this expert are in their assignments.
    """
    school = user.profile.school_key
    rounds = (
        ReviewRound.objects.waiting_for_reviewers()
        .filter(material__subject__in=user.profile.subjects.all())
        .exclude(material__author=user)
        .exclude(assignments__reviewer=user)
        .select_related("material__author__profile", "material__subject", "version")
        .order_by("submitted_at", "pk")
    )
    if school:
        rounds = rounds.exclude(material__author__profile__school_key=school)
    return rounds


def assignments_of(*, user) -> list:
    return list(
        ReviewAssignment.objects.filter(
            reviewer=user, status=ReviewAssignment.Status.ACTIVE
        )
        .select_related("round__material", "round__version")
        .order_by("due_at")
    )


def review_assignments_waiting(*, user, limit: int) -> tuple[int, list]:
    """The reviews the expert has taken on and not yet written, soonest
    deadline first: how many there are, and the first ``limit`` of them with
    their materials. One query (the count rides along as a window)."""
    rows = list(
        ReviewAssignment.objects.filter(
            reviewer=user, status=ReviewAssignment.Status.ACTIVE
        )
        .select_related("round__material")
        .only("pk", "due_at", "round__material__title")
        .annotate(total=Window(Count("pk")))
        .order_by("due_at", "pk")[:limit]
    )
    return (rows[0].total if rows else 0), rows


def review_rounds_for(*, material: Material, hidden_too: bool = False) -> list:
    """The material's review requests, newest first, with their reviews.

    Reviews hidden by a moderator are left out unless ``hidden_too`` (for
    moderators).
    """
    assignments = ReviewAssignment.objects.select_related(
        "reviewer__profile", "review"
    ).order_by("pk")
    if not hidden_too:
        assignments = assignments.exclude(review__is_hidden=True)
    return list(
        ReviewRound.objects.filter(material=material)
        .select_related("version", "decided_by__profile")
        .prefetch_related(Prefetch("assignments", queryset=assignments))
        .order_by("-submitted_at", "-pk")
    )
