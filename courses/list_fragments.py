"""The catalogue's filters, count and cards, rendered once and kept in the
cache, as the master-classes' and the materials' are
(``masterclasses.list_fragments``, ``materials.list_fragments``).

The catalogue spent most of its time rendering for every member what is the
same for most of them: the filters' form (every subject and grade an
option) and twenty cards. They are now kept:

- **the filters** (``catalogue_filters``): the form and the chips of the
  filters applied, under the address and its query (what the form shows and
  which filters are applied), the subjects and grades (the admin edits them
  without a change function, so they are read with the page: one query) and
  the language;
- **the count** of the courses found, under the filters applied and the
  visitors' pages' generation (``PUBLIC_PAGES``, which every change of a
  public course and of its places moves on);
- **a course's card** (``course_cards``): under a digest of its row as the
  page reads it (``selectors_lists.CARD_FIELDS``: title, address, cover,
  kind, format, dates, hours, places taken, subject, author), the member's
  own place in it (enrolled, completed, waitlisted, none) and whether she
  writes it (her own hidden picture shows to her), kept with the versions of
  the course (``changes.course_kept_under``: its co-authors, and every
  change function of a course) and of its authors' cards
  (``community.cards``: a name or a picture changed).

For all: the language, the time zone (a cohort's dates are the viewer's),
the templates' text, the compiled translations and the icons' address. The
versions come in the same cache round trip as the kept HTML (the co-authors'
cards, named by what was kept, in a second) and are read before the rows
rendered from: a change committed meanwhile leaves the rendering behind
them. Nothing kept holds a form sent by POST, so no CSRF token.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from community.cards import CARD_KEY, EVERYONE_KEY
from community.changes import PUBLIC_PAGES
from community.generations import generations
from community.releases import kept_key, kept_still, key_value, release_digest
from courses import selectors_lists
from courses.changes import course_kept_under
from courses.selectors_lists import CARD_FIELDS, CardRow
from materials.selectors_lists import vocabulary_digest

CARD_TEMPLATE = "courses/_course_card.html"
ABOUT_TEMPLATE = "courses/partials/_detail_about.html"
AUTHORS_TEMPLATE = "courses/partials/_detail_authors.html"
UNITS_TEMPLATE = "courses/partials/_detail_units.html"
FILTERS_TEMPLATE = "partials/components/filters.html"
CHIPS_TEMPLATE = "partials/components/filter_chips.html"
# The templates whose text what is kept depends on (and those they include).
TEMPLATES = (
    CARD_TEMPLATE,
    ABOUT_TEMPLATE,
    AUTHORS_TEMPLATE,
    UNITS_TEMPLATE,
    "courses/_unit_row.html",
    "courses/_unit_icon.html",
    FILTERS_TEMPLATE,
    CHIPS_TEMPLATE,
    "partials/form_fields.html",
    "partials/components/form_row.html",
    "partials/components/badge.html",
    "accounts/partials/_avatar.html",
)
# A card's key changes with every place taken: stale entries are many, so
# they go soon.
TIMEOUT = 10 * 60


def _release() -> str:
    """The templates' text, the compiled translations and the icons' sprite
    address (hashed by the static files' manifest): a release that changes
    any of them renders everything again."""
    return release_digest(TEMPLATES, icons=True)


def _key(kind: str, inputs: tuple) -> str:
    return kept_key("courses", kind, inputs)


@dataclass(frozen=True)
class CatalogueFilters:
    """The catalogue's filter form (its panel), the filters it applies (their
    chips) and the number of courses they find."""

    panel: SafeString
    chips: SafeString
    count: int


def catalogue_filters(request, form, courses, filters: dict) -> CatalogueFilters:
    """The ``CatalogueFilters`` of ``courses`` (``selectors.catalogue``,
    filtered by ``form``'s ``filters``): the form and chips kept under the
    address, its query, the vocabulary and the language; the count under
    the filters applied and ``PUBLIC_PAGES``: one cache round trip (and one
    query of the vocabulary) when both are kept."""
    language = translation.get_language()
    query = tuple(sorted((name, tuple(values)) for name, values in request.GET.lists()))
    filters_key = _key(
        "filters",
        (request.path, query, vocabulary_digest(), language, _release()),
    )
    applied = (
        (name, str(getattr(value, "pk", value))) for name, value in filters.items()
    )
    count_key = _key("count", tuple(sorted(applied)))
    found = cache.get_many([filters_key, count_key, PUBLIC_PAGES])
    generation, kept_count = found.get(PUBLIC_PAGES), found.get(count_key)
    if (
        kept_count is not None
        and generation is not None
        and kept_count[0] == generation
    ):
        count = kept_count[1]
    else:
        # The generation is read before counting: a change committed
        # meanwhile leaves the count behind it.
        generation = generation or generations([PUBLIC_PAGES])[PUBLIC_PAGES]
        count = courses.count()
        cache.set(count_key, (generation, count), TIMEOUT)
    kept = found.get(filters_key)
    if kept is None:
        context = {"form": form, "request": request, "search": True}
        kept = tuple(
            get_template(name).render(context)
            for name in (FILTERS_TEMPLATE, CHIPS_TEMPLATE)
        )
        cache.set(filters_key, kept, TIMEOUT)
    # Our own templates' output: the parameters in it were escaped.
    return CatalogueFilters(*(mark_safe(html) for html in kept), count=count)  # noqa: S308


def _versions(pk: int, people: Iterable[int]) -> list[str]:
    """The versions a card is kept with: its course's, its authors' cards
    and every card's."""
    return [
        course_kept_under(pk),
        EVERYONE_KEY,
        *(CARD_KEY.format(person) for person in people),
    ]


def course_cards(request, rows: Iterable[CardRow]) -> list[SafeString]:
    """The catalogue's cards for this member, as ``courses/_course_card.html``
    renders them.

    ``rows``: a page of ``selectors_lists.CardRows``. A card is kept under a
    digest of its row, the member's place in the course, whether she writes
    it and the page's facts (see the module's text), with the versions of
    the course and of its authors' cards. Cards missing, or kept under an
    older version, are rendered from their courses (two queries) and kept;
    one that changed since its row was read is shown as it is now and not
    kept under the older row's key.
    """
    viewer = request.user
    rows = list(rows)
    facts = (
        translation.get_language(),
        timezone.get_current_timezone_name(),
        _release(),
    )

    def key(values: dict, status: str, writes: bool) -> str:
        return _key(
            "card",
            (*(key_value(values[name]) for name in CARD_FIELDS), status, writes, facts),
        )

    def writes(row: CardRow) -> bool:
        return viewer.is_authenticated and (
            viewer.pk == row.author_id or row.viewer_coauthor
        )

    keys = [
        key(
            {name: getattr(row, name) for name in CARD_FIELDS},
            row.viewer_status,
            writes(row),
        )
        for row in rows
    ]
    wanted = sorted(
        {name for row in rows for name in _versions(row.pk, [row.author_id])}
    )
    found = cache.get_many([*keys, *wanted])
    # The co-authors' cards: named by what was kept with each card.
    more = {
        name
        for row_key in keys
        for name, _version in (found.get(row_key) or ((), None))[0]
        if name not in found
    }
    if more:
        found.update(cache.get_many(sorted(more)))
    shown = {
        row_key: found[row_key][1]
        for row_key in keys
        if kept_still(found.get(row_key), found)
    }
    if len(shown) < len(set(keys)):
        missing = [
            row for row, row_key in zip(rows, keys, strict=True) if row_key not in shown
        ]
        pks = [row.pk for row in missing]
        coauthors = selectors_lists.coauthor_ids(pks=pks)
        versions = {
            row.pk: _versions(row.pk, [row.author_id, *coauthors.get(row.pk, ())])
            for row in missing
        }
        # The versions are read before the courses and their authors: a
        # change committed meanwhile leaves the rendering behind them.
        found.update(
            generations(
                sorted(
                    {name for each in versions.values() for name in each} - set(found)
                )
            )
        )
        courses = selectors_lists.courses_for_cards(pks=pks)
        template = get_template(CARD_TEMPLATE)
        fresh = {}
        for row in missing:
            course = courses.get(row.pk)
            if course is None:  # gone meanwhile
                continue
            course.viewer_status = row.viewer_status
            row_key = key(
                {name: getattr(row, name) for name in CARD_FIELDS},
                row.viewer_status,
                writes(row),
            )
            html = template.render({"course": course, "user": viewer})
            shown[row_key] = html
            now = {name: read(course) for name, read in CARD_FIELDS.items()}
            same_authors = [user.pk for user in course.coauthors.all()] == list(
                coauthors.get(row.pk, ())
            )
            if same_authors and key(now, row.viewer_status, writes(row)) == row_key:
                fresh[row_key] = (
                    tuple((name, found[name]) for name in versions[row.pk]),
                    html,
                )
        if fresh:
            cache.set_many(fresh, TIMEOUT)
    # Our own template's output: whatever a member wrote in it was escaped.
    return [mark_safe(shown[row_key]) for row_key in keys if row_key in shown]  # noqa: S308


# What a page's kept parts show of its course's own row; its grades, tags and
# co-authors move its version (``course_changed``), renamed tags every card's.
ABOUT_FIELDS = {
    "pk": lambda course: course.pk,
    "cover": lambda course: course.cover.name or "",
    "goals_html": lambda course: course.goals_html,
    "subject__name_en": lambda course: course.subject.name_en,
    "subject__name_ru": lambda course: course.subject.name_ru,
    "author_id": lambda course: course.author_id,
}


@dataclass(frozen=True)
class PageParts:
    """What a course's page shows every reader beside her own state: above
    its programme (cover, subject and grades, goals, tags), its authors, and
    its units' rows."""

    about: SafeString
    authors: SafeString
    units: SafeString


def _units_key(course, units, *, linked: bool, now: datetime.datetime) -> str:
    """The programme's rows are kept under all that they show: each unit's
    fields, whether it is open yet and done by the reader (her progress,
    never a form: those with the same see the same), whether titles are
    links, and the page's facts."""
    return _key(
        "units",
        (
            course.slug,
            linked,
            tuple(
                (
                    unit.pk,
                    unit.kind,
                    unit.title,
                    unit.hours,
                    unit.required,
                    key_value(unit.opens_at),
                    key_value(unit.due_at),
                    bool(unit.opens_at and unit.opens_at > now),
                    bool(unit.is_done),
                )
                for unit in units
            ),
            translation.get_language(),
            timezone.get_current_timezone_name(),
            _release(),
        ),
    )


def page_parts(
    course, units, *, writes: bool, linked: bool, now: datetime.datetime
) -> PageParts:
    """A course page's ``PageParts`` (``partials/_detail_about.html``,
    ``partials/_detail_authors.html``, ``partials/_detail_units.html``): one
    cache round trip.

    The first two are kept under a digest of its row (``ABOUT_FIELDS``), its
    co-authors, whether the reader writes it (her own hidden picture shows to
    her), the language and the templates, with the versions of the course, of
    its authors' cards and of every card (tags renamed:
    ``community.changes.tagged_changed``); rendered when not, from its
    grades, tags and authors' profiles read after the versions (three
    queries). The units' rows (``units``: ``selectors.units_of``, read with
    the page) are kept under all they show (``_units_key``).

    ``course``: with its co-authors' ids (``selectors.course_get_for_page``).
    """
    coauthor_ids = [user.pk for user in course.coauthors.all()]
    key = _key(
        "page",
        (
            *(read(course) for read in ABOUT_FIELDS.values()),
            tuple(coauthor_ids),
            writes,
            translation.get_language(),
            _release(),
        ),
    )
    units_key = _units_key(course, units, linked=linked, now=now)
    wanted = _versions(course.pk, [course.author_id, *coauthor_ids])
    found = cache.get_many([key, units_key, *wanted])
    kept = found.get(key)
    if not kept_still(kept, found):
        found.update(generations([name for name in wanted if name not in found]))
        context = {"course": course, **selectors_lists.page_reads(course)}
        kept = (
            tuple((name, found[name]) for name in wanted),
            tuple(
                get_template(name).render(context)
                for name in (ABOUT_TEMPLATE, AUTHORS_TEMPLATE)
            ),
        )
        cache.set(key, kept, TIMEOUT)
    rows = found.get(units_key)
    if rows is None:
        rows = get_template(UNITS_TEMPLATE).render(
            {"course": course, "units": units, "linked": linked, "now": now}
        )
        cache.set(units_key, rows, TIMEOUT)
    # Our own templates' output: the goals are the Markdown renderer's, the
    # rest was escaped.
    return PageParts(*(mark_safe(html) for html in (*kept[1], rows)))  # noqa: S308
