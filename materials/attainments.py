"""What the library counts toward a member's growth (``community.attainments``).

- ``material_recommended``: her published materials that experts
  recommended (never who reviewed them);
- ``review_written``: the expert reviews she wrote, shown as a count only:
  each carries neither the material nor its author, so that a blind review
  stays blind wherever her evidence is shown.

A material hidden by a moderator (or taken back to a draft), and a review
hidden by one, count for nobody. Whose items a write changed is told by
``materials.changes`` (``author_of``, ``reviewers_of``, ``reviewer_of``).
"""

from collections.abc import Iterator

from django.db.models import F, Max, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community.attainments import (
    ATTAINMENT_LIMIT,
    Attainment,
    attainment_source_register,
)
from materials.models import Material, Review, ReviewAssignment, ReviewRound


def recommended(user) -> list[Attainment]:
    """Her public materials recommended by experts, the latest recommendation
    first: one query."""
    found = (
        Material.objects.public()
        .filter(author=user, review_status=Material.Review.RECOMMENDED)
        .annotate(
            recommended_at=Max(
                "review_rounds__decided_at",
                filter=Q(review_rounds__decision=ReviewRound.Decision.RECOMMEND),
            )
        )
        .order_by(F("recommended_at").desc(nulls_last=True), "-published_at", "-pk")[
            :ATTAINMENT_LIMIT
        ]
    )
    return [
        Attainment(
            key=str(material.pk),
            title=material.title,
            url=material.get_absolute_url(),
            occurred_at=(
                material.recommended_at or material.published_at or material.created_at
            ),
        )
        for material in found
    ]


def reviews(user) -> list[Attainment]:
    """The expert reviews she wrote of materials everyone may read, the
    latest first: one query. No title names the material."""
    found = (
        Review.objects.filter(
            assignment__reviewer=user,
            is_hidden=False,
            assignment__round__material__status=Material.Status.PUBLISHED,
            assignment__round__material__is_hidden=False,
        )
        .order_by("-submitted_at", "-pk")
        .values_list("pk", "submitted_at")[:ATTAINMENT_LIMIT]
    )
    title = gettext("An expert review of a colleague's material")
    return [
        Attainment(key=str(pk), title=title, url="", occurred_at=submitted_at)
        for pk, submitted_at in found
    ]


def author_of(material: Material) -> list[int]:
    """Its author while it is marked recommended (no query)."""
    if material.review_status != Material.Review.RECOMMENDED:
        return []
    return [material.author_id]


def reviewers_of(material: Material) -> Iterator[int]:
    """The experts who wrote a review of it, read when iterated (one
    query)."""
    yield from ReviewAssignment.objects.filter(
        round__material_id=material.pk, review__isnull=False
    ).values_list("reviewer_id", flat=True)


def reviewer_of(review: Review) -> Iterator[int]:
    """The expert who wrote it (a query unless its assignment is loaded)."""
    if Review.assignment.is_cached(review):
        yield review.assignment.reviewer_id
        return
    yield from ReviewAssignment.objects.filter(pk=review.assignment_id).values_list(
        "reviewer_id", flat=True
    )


def register() -> None:
    attainment_source_register(
        key="material_recommended",
        title=_("Materials recommended by experts"),
        order=30,
        items=recommended,
    )
    attainment_source_register(
        key="review_written",
        title=_("Expert reviews written"),
        order=35,
        items=reviews,
        as_count=True,
    )
