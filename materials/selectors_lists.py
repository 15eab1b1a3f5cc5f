"""Reads for the pages whose parts are kept rendered (``list_fragments``):
the catalogue and a material's page, lean enough for pages every member
opens.

A kept card or page part is checked against its material's version
(``changes.material_shown``) and its people's cards, so the page reads only
what decides which renderings to show — a catalogue's row is the material's
id, author and downloads — and what the member alone sees
(their bookmark and rating, read with the material's row). What a rendering
is made from is read only when one is missing, from the primary: a replica
that has not yet replayed a change (``community.dbrouter``) would keep the
old state under the new version.
"""

import hashlib
from dataclasses import dataclass
from functools import cache as once

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connection, connections, router
from django.db.models import Prefetch, QuerySet

from community.models import Grade, Subject
from materials.models import Material, Rating
from materials.selectors import main_file_kind, versions_with_files


def _quote(model, field: str | None = None) -> str:
    quote = connection.ops.quote_name
    if field is None:
        return quote(model._meta.db_table)
    return quote(model._meta.get_field(field).column)


@once
def _vocabulary_sql() -> str:
    """The subjects' and grades' rows, in one query (written out: building
    it in the ORM cost more than running it)."""
    fields = ("id", "slug", "name_en", "name_ru", "position")

    def rows(model, table: str) -> str:
        columns = ", ".join(_quote(model, field) for field in fields)
        return f"SELECT '{table}', {columns} FROM {_quote(model)}"  # noqa: S608

    return f"{rows(Subject, 's')} UNION ALL {rows(Grade, 'g')}"


def vocabulary_digest() -> str:
    """A digest of the subjects and grades (their names and order): the
    catalogue's filters and cards show them, and the admin edits them with
    no change function, so they are read on each page — one query."""
    with connections[router.db_for_read(Subject)].cursor() as cursor:
        cursor.execute(_vocabulary_sql())
        rows = sorted(cursor.fetchall())
    return hashlib.blake2b(repr(rows).encode(), digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class CardRow:
    """A material as the catalogue's page reads it: what decides which kept
    card shows it (``list_fragments.material_cards``)."""

    pk: int
    author_id: int
    download_count: int


# What a card's key takes from the material's row besides its version: the
# download count moves with no change function (``download_record``).
CARD_ROW_FIELDS = ("pk", "author_id", "download_count")


class CatalogueRows:
    """The filtered catalogue (``selectors.catalogue``) as ``CardRow``s, for
    ``CountedPaginator``: a slice is one query of three columns."""

    def __init__(self, materials: QuerySet[Material]) -> None:
        self.materials = materials

    def __getitem__(self, window: slice) -> list[CardRow]:
        rows = (
            self.materials.select_related(None)
            .prefetch_related(None)
            .values_list(*CARD_ROW_FIELDS)[window]
        )
        return [CardRow(*row) for row in rows]


def materials_for_cards(*, pks: list[int]) -> dict[int, Material]:
    """The materials of cards to render, as ``materials/partials/_card.html``
    needs them (author's profile, subject, grades, the main file's kind),
    from the primary."""
    materials = (
        Material.objects.using(DEFAULT_DB_ALIAS)
        .filter(pk__in=pks)
        .select_related("author__profile", "subject")
        .annotate(main_file_kind=main_file_kind())
        .prefetch_related(
            Prefetch("grades", queryset=Grade.objects.order_by("position"))
        )
    )
    return {material.pk: material for material in materials}


@once
def _page_people_sql() -> str:
    """A material's co-authors (the first parameter) and a page of its
    ratings (the second; how many, from where), newest first: rows of
    (kind, member, rating, score, comment, when)."""
    rating, through = _quote(Rating), Material.coauthors.through
    coauthors = _quote(through)
    columns = ", ".join(
        _quote(Rating, field)
        for field in ("user", "id", "score", "comment", "updated_at")
    )
    return (
        f"SELECT 'c', {_quote(through, 'user')}, NULL, NULL, NULL, NULL "  # noqa: S608
        f"FROM {coauthors} WHERE {_quote(through, 'material')} = %s "
        f"UNION ALL SELECT 'r', page.* FROM (SELECT {columns} FROM {rating} "
        f"WHERE {_quote(Rating, 'material')} = %s "
        f"ORDER BY {_quote(Rating, 'updated_at')} DESC, {_quote(Rating, 'id')} DESC "
        f"LIMIT %s OFFSET %s) page"
    )


class PageRatings:
    """A material's ratings as its page lists them, newest first, for
    ``CountedPaginator``: a slice is one query from the primary, which also
    finds the material's co-authors (``coauthor_ids``) — who the page names
    is known before their names are read (``people``). Each rating's
    ``user`` is set by ``people_attach``."""

    def __init__(self, material: Material) -> None:
        self.material = material
        self.coauthor_ids: list[int] = []

    def __getitem__(self, window: slice) -> list[Rating]:
        params = [self.material.pk, self.material.pk]
        params += [window.stop - window.start, window.start]
        ratings = []
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(_page_people_sql(), params)
            for kind, user, pk, score, comment, when in cursor:
                if kind == "c":
                    self.coauthor_ids.append(user)
                else:
                    rating = Rating(pk=pk, user_id=user, score=score, comment=comment)
                    ratings.append((when, pk, rating))
        self.coauthor_ids.sort()
        ratings.sort(key=lambda row: row[:2], reverse=True)
        return [rating for _when, _pk, rating in ratings]


def people(*, pks: set[int]) -> dict:
    """Members a material's page names, with their profiles, by id, from
    the primary (none asked: no query)."""
    if not pks:
        return {}
    found = (
        get_user_model()
        .objects.using(DEFAULT_DB_ALIAS)
        .filter(pk__in=pks)
        .select_related("profile")
    )
    return {user.pk: user for user in found}


@dataclass(frozen=True)
class PageReads:
    """What a material's page parts show beside the material's row."""

    grades: list
    tags: list
    versions: list


def page_parts_reads(material: Material) -> PageReads:
    """The grades in order, tags and versions with their files
    (``selectors.versions_with_files``) of a material's page, from the
    primary: three queries."""
    primary = DEFAULT_DB_ALIAS
    graded = Material.grades.through.objects.using(primary).filter(
        material_id=material.pk
    )
    return PageReads(
        grades=list(
            Grade.objects.using(primary).filter(pk__in=graded.values("grade_id"))
        ),
        tags=list(material.tags.all().using(primary)),
        versions=versions_with_files(material=material, using=primary),
    )
