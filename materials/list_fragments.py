"""The catalogue's cards and a material's page, rendered once and kept in
the cache.

A member's catalogue spent most of its time rendering the filters' form
(every subject and grade an option) and the same twenty cards for every
member, and a material's page its files, ratings and details. These are now
kept, as the forums' rows are (``forums.list_fragments``):

- **the filters** (``catalogue_page``): under a digest of the address and its
  query (what the form shows and which filters are applied), the subjects
  and grades (``selectors_lists.vocabulary_digest``: the admin edits them
  without a change function, so they are read with the page) and the
  language;
- **a material's card** (``material_cards``): under a digest of the row the
  page reads (its id, author, and downloads — counted with no change
  function), whether the member wrote it (their own hidden picture
  shows to them), the vocabulary and the language, kept with the versions of
  the material (``changes.material_shown``: every change function of the
  materials that changes what a card shows moves it on — an edit, a new
  version or thumbnail, a rating, a review's decision, hiding) and of its
  author's card (``community.cards``: their name and picture);
- **a material's page** (``page_parts``): the parts every reader sees — its
  title and authors, description and files, ratings, details — under the
  material's id, the address's query (the page of ratings), the vocabulary,
  the language and the time zone (dates), kept with the versions of the
  material and of the cards of its author, co-authors and the raters on the
  page.

and for all the templates' text, the compiled translations and the icons'
address. What differs per member — the bookmark, their rating and its form,
the editing and review buttons, their collections, links to report — is
rendered around the kept parts from the page's own row, never inside them:
a kept part holds no form, so no CSRF token.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.core.paginator import Page
from django.db.models import QuerySet
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from community.cards import CARD_KEY, EVERYONE_KEY
from community.changes import PUBLIC_PAGES
from community.generations import generations
from community.paging import CountedPaginator
from community.releases import kept_key, release_digest
from materials import selectors_lists
from materials.changes import material_shown
from materials.models import Material
from materials.selectors import average_shown
from materials.selectors_lists import CardRow

FILTERS_TEMPLATE = "partials/components/filters.html"
CARD_TEMPLATE = "materials/partials/_card.html"
PAGE_PARTS = {
    "top": "materials/partials/_detail_top.html",
    "files": "materials/partials/_detail_files.html",
    "ratings_head": "materials/partials/_detail_ratings_head.html",
    "ratings": "materials/partials/_detail_ratings.html",
    "about": "materials/partials/_detail_about.html",
}
# The templates whose text what is kept depends on (and those they include).
TEMPLATES = (
    FILTERS_TEMPLATE,
    "partials/form_fields.html",
    CARD_TEMPLATE,
    "partials/components/badge.html",
    "accounts/partials/_avatar.html",
    "partials/pagination.html",
    *PAGE_PARTS.values(),
)
TIMEOUT = 10 * 60
RATINGS_PER_PAGE = 20


def _release() -> str:
    """The templates' text, the compiled translations and the icons' sprite
    address (hashed by the static files' manifest): a release that changes
    any of them renders everything again."""
    return release_digest(TEMPLATES, icons=True)


def _key(kind: str, inputs: tuple) -> str:
    return kept_key("materials", kind, inputs)


def _query(request) -> tuple:
    return tuple(sorted((name, tuple(values)) for name, values in request.GET.lists()))


def _unchanged(kept_versions: Iterable[tuple[str, int]], found: dict) -> bool:
    return all(found.get(key) == version for key, version in kept_versions)


@dataclass(frozen=True)
class CataloguePage:
    """The catalogue as a member sees it: the filters, the page of rows
    (``selectors_lists.CardRow``, counted) and their cards, rendered."""

    filters: SafeString
    page: Page
    cards: list[SafeString]


def catalogue_page(
    request, form, materials: QuerySet[Material], filters: dict, per_page: int
) -> CataloguePage:
    """The catalogue of ``materials`` (``selectors.catalogue``, filtered by
    ``form``'s ``filters``) at the page the address asks.

    The filters (``partials/components/filters.html``) are kept under the
    address and its query, the vocabulary and the language; the count under
    the filters and the visitors' pages' generation (which every change of a
    public material moves on, as ``selectors.catalogue_count``): both in one
    cache round trip, the cards (``material_cards``) in a second.
    """
    vocabulary = selectors_lists.vocabulary_digest()
    language = translation.get_language()
    filters_key = _key(
        "filters", (request.path, _query(request), vocabulary, language, _release())
    )
    applied = (
        (name, str(getattr(value, "pk", value))) for name, value in filters.items()
    )
    count_key = _key("count", tuple(sorted(applied)))
    found = cache.get_many([filters_key, count_key, PUBLIC_PAGES])
    generation, kept = found.get(PUBLIC_PAGES), found.get(count_key)
    if kept is not None and generation is not None and kept[0] == generation:
        count = kept[1]
    else:
        # The generation is read before counting: a change committed
        # meanwhile leaves the count behind it.
        generation = generation or generations([PUBLIC_PAGES])[PUBLIC_PAGES]
        count = materials.count()
        cache.set(count_key, (generation, count), TIMEOUT)
    html = found.get(filters_key)
    if html is None:
        html = get_template(FILTERS_TEMPLATE).render({"form": form, "request": request})
        cache.set(filters_key, html, TIMEOUT)
    page = CountedPaginator(
        selectors_lists.CatalogueRows(materials), per_page, count=count
    ).get_page(request.GET.get("page"))
    return CataloguePage(
        # Our own template's output: what the address carried was escaped.
        filters=mark_safe(html),  # noqa: S308
        page=page,
        cards=material_cards(request, page, vocabulary),
    )


def _card_keys(row: CardRow | Material) -> list[str]:
    """The versions a card is kept with: its material's, its author's card
    and every card's."""
    return [material_shown(row.pk), EVERYONE_KEY, CARD_KEY.format(row.author_id)]


def material_cards(request, rows: Sequence[CardRow], vocabulary: str) -> list:
    """The catalogue's cards of ``rows`` (a page of
    ``selectors_lists.CatalogueRows``) for this member, as
    ``materials/partials/_card.html`` renders them.

    Kept under a digest of the row, whether the member wrote it, the
    vocabulary and the language, with the versions of the material and of
    its author's card, read in the same round trip as the cards. Cards
    missing, or kept under older versions, are rendered from their materials
    (two queries: the materials, their grades) and kept; a material changed
    since its row was read is shown as it is now and not kept under the
    older row's key.
    """
    viewer = request.user
    facts = (vocabulary, translation.get_language(), _release())

    def key(row: CardRow | Material) -> str:
        return _key(
            "card",
            (
                *(getattr(row, name) for name in selectors_lists.CARD_ROW_FIELDS),
                viewer.is_authenticated and viewer.pk == row.author_id,
                facts,
            ),
        )

    keys = [key(row) for row in rows]
    versions = sorted({name for row in rows for name in _card_keys(row)})
    found = cache.get_many([*keys, *versions])
    shown = {}
    for row_key in keys:
        kept = found.get(row_key)
        if kept is not None and _unchanged(kept[0], found):
            shown[row_key] = kept[1]
    if len(shown) < len(set(keys)):
        # The versions are read before the materials: a change committed
        # meanwhile leaves the rendering behind them.
        found.update(generations([name for name in versions if name not in found]))
        missing = [
            row for row, row_key in zip(rows, keys, strict=True) if row_key not in shown
        ]
        materials = selectors_lists.materials_for_cards(pks=[row.pk for row in missing])
        template = get_template(CARD_TEMPLATE)
        fresh = {}
        for row in missing:
            material = materials.get(row.pk)
            if material is None:  # gone meanwhile
                continue
            row_key = key(row)
            html = template.render({"material": material, "user": viewer})
            shown[row_key] = html
            if key(material) == row_key:  # not changed meanwhile
                fresh[row_key] = (
                    tuple((name, found[name]) for name in _card_keys(row)),
                    html,
                )
        if fresh:
            cache.set_many(fresh, TIMEOUT)
    # Our own template's output: whatever a member wrote in it was escaped.
    return [mark_safe(shown[row_key]) for row_key in keys if row_key in shown]  # noqa: S308


@dataclass(frozen=True)
class PageParts:
    """The parts of a material's page every reader sees (``PAGE_PARTS``),
    rendered."""

    top: SafeString
    files: SafeString
    ratings_head: SafeString
    ratings: SafeString
    about: SafeString


@dataclass
class PageLookup:
    """What ``page_parts_found`` found: the parts kept (None: to render, with
    ``page_parts_render``), and the key and versions read."""

    parts: PageParts | None
    key: str
    found: dict


def _parts(htmls: dict[str, str]) -> PageParts:
    # Our own templates' output: whatever a member wrote in it was escaped.
    return PageParts(**{name: mark_safe(html) for name, html in htmls.items()})  # noqa: S308


def page_parts_found(request, pk: int) -> PageLookup:
    """The kept parts of material ``pk``'s page for this address's query
    (the page of ratings), language and time zone, if the material's version
    and the cards they show are those they were kept with: two cache round
    trips. Asked before the page reads the material, so that a change
    committed meanwhile leaves a rendering behind the versions read."""
    key = _key(
        "page",
        (
            pk,
            _query(request),
            translation.get_language(),
            timezone.get_current_timezone_name(),
            _release(),
        ),
    )
    own = [material_shown(pk), EVERYONE_KEY]
    found = cache.get_many([key, *own])
    kept = found.pop(key, None)
    if kept is not None and _unchanged(kept[0][: len(own)], found):
        cards = kept[0][len(own) :]
        if _unchanged(cards, cache.get_many([name for name, _v in cards])):
            return PageLookup(_parts(kept[1]), key, found)
    found.update(generations([name for name in own if name not in found]))
    return PageLookup(None, key, found)


def page_parts_render(request, material: Material, lookup: PageLookup) -> PageParts:
    """The parts of ``material``'s page (as the page read it, from the
    primary, after ``page_parts_found``), rendered and kept with the
    versions ``lookup`` read and those of the cards they show — read before
    the people's names."""
    listed = selectors_lists.PageRatings(material)
    ratings = CountedPaginator(
        listed, RATINGS_PER_PAGE, count=material.rating_count
    ).get_page(request.GET.get("page"))
    named = {*listed.coauthor_ids, *(rating.user_id for rating in ratings)}
    cards = generations(
        CARD_KEY.format(pk) for pk in sorted({material.author_id, *named})
    )
    # Their names are read after their cards' versions.
    users = selectors_lists.people(pks=named)
    for rating in ratings:
        rating.user = users.get(rating.user_id)  # None: erased meanwhile
    reads = selectors_lists.page_parts_reads(material)
    context = {
        "material": material,
        "coauthors": [users[pk] for pk in listed.coauthor_ids],
        "grades": reads.grades,
        "tags": reads.tags,
        "versions": reads.versions,
        "average": average_shown(material),
        "ratings": ratings,
        "request": request,
    }
    htmls = {
        name: get_template(template).render(context)
        for name, template in PAGE_PARTS.items()
    }
    versions = (
        (material_shown(material.pk), lookup.found[material_shown(material.pk)]),
        (EVERYONE_KEY, lookup.found[EVERYONE_KEY]),
        *cards.items(),
    )
    cache.set(lookup.key, (versions, htmls), TIMEOUT)
    return _parts(htmls)


RATING_FIELDS_TEMPLATE = "partials/form_fields.html"


def rating_fields(form) -> SafeString:
    """The rating form's fields (``partials/form_fields.html``: no CSRF
    token, the form's tag is the page's): kept under the member's own score
    and comment (its initial values) and the language while the form is not
    bound; a form sent back with errors is rendered as it is."""
    if form.is_bound:
        return mark_safe(get_template(RATING_FIELDS_TEMPLATE).render({"form": form}))  # noqa: S308
    initial = form.initial or {}
    key = _key(
        "rating-fields",
        (
            initial.get("score"),
            initial.get("comment"),
            translation.get_language(),
            _release(),
        ),
    )
    html = cache.get(key)
    if html is None:
        html = get_template(RATING_FIELDS_TEMPLATE).render({"form": form})
        cache.set(key, html, TIMEOUT)
    # Our own template's output: the member's comment in it was escaped.
    return mark_safe(html)  # noqa: S308
