"""The master-classes' cards, month and page, rendered once and kept in the
cache, as the forums' rows are (``forums.list_fragments``).

The list, the month and a master-class's page spent most of their time
rendering for every member what is the same for most of them. What they
show is now kept under a digest of what it shows, read with the page's own
queries (``selectors_lists``, ``selectors.masterclass_get``):

- **a card of the list** (``masterclass_cards``): its title, cover, format
  and place, subject, start, status, seats and host, whether the list is of
  past ones, the member's own registration (registered, waitlisted, none)
  and whether she hosts it (her own hidden picture shows to her). Seats
  left are read with the page's row: a registration or a cancellation gives
  the card another key at once;
- **the list's filters** (``list_filters``): the form and the chips of
  the filters applied, under the address and its parameters;
- **the month** (``month_grid``): its days and each one's master-classes
  (address, title, start), and today;
- **a master-class's page, beside the member's state** (``page_body``):
  its hosts, subject and grades, cover, description, tags, materials and
  recording, kept under the master-class's row (title, cover, status,
  recording) and versions, never the member's registration, seats, forms
  or CSRF token, which the page renders around it each time.

A card and a page are kept with the versions they were rendered under: the
master-class's own (``changes.masterclass_kept_under``, moved by every
change function that changes what they show: an edit, a cancellation,
hiding, registrations, its cover, recording and materials), the cards of its
hosts (``community.cards``: a name or a picture changed), and for the page
``PUBLIC_PAGES`` (tags renamed, a material edited, an embedded recording's
preview fetched: the other apps' change functions move it). The versions
come in the same cache round trip as the kept HTML and are read before the
rows rendered from: a change committed meanwhile leaves the rendering
behind them. What differs per member is in the key or rendered outside:
nothing kept holds a form.

For all: the language, the time zone (times are the viewer's), the
templates' text, the compiled translations and the icons' address.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from community.cards import CARD_KEY, EVERYONE_KEY
from community.changes import PUBLIC_PAGES
from community.generations import generations
from community.releases import kept_key, kept_still, key_value, release_digest
from masterclasses import selectors_lists
from masterclasses.changes import masterclass_kept_under
from masterclasses.models import MasterClass
from masterclasses.selectors_lists import CARD_FIELDS, CardRow

CARD_TEMPLATE = "masterclasses/_card.html"
MONTH_TEMPLATE = "masterclasses/partials/_month_grid.html"
BODY_TEMPLATE = "masterclasses/partials/_page_body.html"
HOSTS_TEMPLATE = "masterclasses/partials/_page_hosts.html"
FILTERS_TEMPLATE = "masterclasses/partials/_list_filters.html"
CHIPS_TEMPLATE = "masterclasses/partials/_list_chips.html"
# The templates whose text what is kept depends on (and those they include).
TEMPLATES = (
    CARD_TEMPLATE,
    MONTH_TEMPLATE,
    BODY_TEMPLATE,
    HOSTS_TEMPLATE,
    FILTERS_TEMPLATE,
    CHIPS_TEMPLATE,
    "partials/components/filters.html",
    "partials/components/filter_chips.html",
    "partials/form_fields.html",
    "accounts/partials/_avatar.html",
    "partials/components/badge.html",
)
# A card's key changes with every registration: stale entries are many, so
# they go soon.
TIMEOUT = 10 * 60


def _release() -> str:
    """The templates' text, the compiled translations and the icons' sprite
    address (hashed by the static files' manifest): a release that changes
    any of them renders everything again."""
    return release_digest(TEMPLATES, icons=True)


def _key(kind: str, inputs: tuple) -> str:
    return kept_key("masterclasses", kind, inputs)


def _facts() -> tuple:
    return (
        translation.get_language(),
        timezone.get_current_timezone_name(),
        _release(),
    )


def _versions(pk: int, people: Iterable[int], *extra: str) -> list[str]:
    """The versions a rendering of a master-class is kept with: its own, its
    hosts' cards (and every card's), and ``extra``."""
    return [
        masterclass_kept_under(pk),
        EVERYONE_KEY,
        *(CARD_KEY.format(person) for person in people),
        *extra,
    ]


def masterclass_cards(
    request, rows: Iterable[CardRow], *, past: bool
) -> list[SafeString]:
    """The list's cards for this member, as ``masterclasses/_card.html``
    renders them.

    ``rows``: a page of ``selectors_lists.CardRows``. A card is kept under
    a digest of its fields, the member's registration and hosting and the
    page's facts (see the module's text), with the versions of the
    master-class and of its host's card. Cards missing, or kept under an
    older version, are rendered from their master-classes (one query) and
    kept; one that changed since its row was read is shown as it is now and
    not kept under the older row's key.
    """
    viewer = request.user
    member = viewer.is_authenticated
    rows = list(rows)
    facts = (member, past, *_facts())

    def key(values: dict, status) -> str:
        return _key(
            "card",
            (
                *(key_value(values[name]) for name in CARD_FIELDS),
                status,
                member and viewer.pk == values["host_id"],
                facts,
            ),
        )

    def fields(row: CardRow) -> dict:
        return {name: getattr(row, name) for name in CARD_FIELDS}

    keys = [key(fields(row), row.viewer_status) for row in rows]
    versions = {row.pk: _versions(row.pk, [row.host_id]) for row in rows}
    wanted = sorted({version for each in versions.values() for version in each})
    found = cache.get_many([*keys, *wanted])
    shown = {
        row_key: found[row_key][1]
        for row_key in keys
        if kept_still(found.get(row_key), found)
    }
    if len(shown) < len(set(keys)):
        found.update(
            generations([version for version in wanted if version not in found])
        )
        missing = [
            row for row, row_key in zip(rows, keys, strict=True) if row_key not in shown
        ]
        masterclasses = selectors_lists.masterclasses_for_cards(
            pks=[row.pk for row in missing]
        )
        template = get_template(CARD_TEMPLATE)
        fresh = {}
        for row in missing:
            masterclass = masterclasses.get(row.pk)
            if masterclass is None:  # gone meanwhile
                continue
            masterclass.viewer_status = row.viewer_status
            row_key = key(fields(row), row.viewer_status)
            html = template.render(
                {"masterclass": masterclass, "past": past, "user": viewer}
            )
            shown[row_key] = html
            now = {name: read(masterclass) for name, read in CARD_FIELDS.items()}
            if key(now, masterclass.viewer_status) == row_key:  # not changed since
                fresh[row_key] = (
                    tuple((each, found[each]) for each in versions[row.pk]),
                    html,
                )
        if fresh:
            cache.set_many(fresh, TIMEOUT)
    # Our own template's output: whatever a member wrote in it was escaped.
    return [mark_safe(shown[row_key]) for row_key in keys if row_key in shown]  # noqa: S308


def month_grid(
    weeks: Sequence[Sequence[tuple]],
    *,
    first: datetime.date,
    today: datetime.date,
) -> SafeString:
    """The month's days and their master-classes
    (``selectors_lists.month_events``), kept under a digest of them, today
    and the page's facts: one cache read."""
    key = _key(
        "month",
        (
            first.isoformat(),
            today.isoformat(),
            tuple(
                (pk, title, key_value(starts_at))
                for week in weeks
                for _day, events in week
                for pk, title, starts_at in events
            ),
            _facts(),
        ),
    )
    html = cache.get(key)
    if html is None:
        html = get_template(MONTH_TEMPLATE).render(
            {"weeks": weeks, "first": first, "today": today}
        )
        cache.set(key, html, TIMEOUT)
    # Our own template's output: the titles in it were escaped.
    return mark_safe(html)  # noqa: S308


# What a page's kept body shows of its master-class's own row; the rest
# (hosts, grades, tags, materials) moves its version.
BODY_FIELDS = (
    "pk",
    "title",
    "cover",
    "description_html",
    "recording_url",
    "host_id",
    "subject_id",
)


@dataclass(frozen=True)
class PageBody:
    """What a master-class's page shows beside the member's own state: who
    hosts it (with its subject and grades: a line under the title) and its
    main column (cover, description, tags, materials, recording)."""

    hosts: SafeString
    main: SafeString


def page_body(masterclass: MasterClass, *, cohost_ids: Sequence[int]) -> PageBody:
    """A master-class's ``PageBody`` (``partials/_page_hosts.html``,
    ``partials/_page_body.html``), kept under a digest of its row and the
    page's facts with the versions of the master-class, of its hosts' cards
    and ``PUBLIC_PAGES``; rendered (four queries) when not.

    ``cohost_ids``: its co-hosts, as the page read them."""
    key = _key(
        "body",
        (
            *(str(getattr(masterclass, name)) for name in BODY_FIELDS),
            tuple(cohost_ids),
            _facts(),
        ),
    )
    wanted = _versions(masterclass.pk, [masterclass.host_id, *cohost_ids], PUBLIC_PAGES)
    found = cache.get_many([key, *wanted])
    kept = found.get(key)
    if not kept_still(kept, found):
        found.update(generations([each for each in wanted if each not in found]))
        context = {
            "masterclass": masterclass,
            **selectors_lists.page_body_parts(masterclass),
        }
        kept = (
            tuple((each, found[each]) for each in wanted),
            tuple(
                get_template(name).render(context)
                for name in (HOSTS_TEMPLATE, BODY_TEMPLATE)
            ),
        )
        cache.set(key, kept, TIMEOUT)
    # Our own templates' output: the member's text in it was escaped, the
    # description is the Markdown renderer's.
    return PageBody(*(mark_safe(html) for html in kept[1]))  # noqa: S308


@dataclass(frozen=True)
class ListFilters:
    """The list's filter form (its panel) and the filters it applies (their
    chips)."""

    panel: SafeString
    chips: SafeString


def list_filters(request, form) -> ListFilters:
    """The list's ``ListFilters``, kept under a digest of the address and
    its parameters (each chip's link keeps the others), the subjects offered
    (one query of their names) and the language: one cache read. They hold
    no form that is sent by POST, so no CSRF token."""
    key = _key(
        "filters",
        (
            request.path,
            sorted(request.GET.lists()),
            tuple(selectors_lists.subject_names()),
            translation.get_language(),
            _release(),
        ),
    )
    kept = cache.get(key)
    if kept is None:
        context = {"form": form, "request": request}
        kept = tuple(
            get_template(name).render(context)
            for name in (FILTERS_TEMPLATE, CHIPS_TEMPLATE)
        )
        cache.set(key, kept, TIMEOUT)
    # Our own templates' output: the parameters in it were escaped.
    return ListFilters(*(mark_safe(html) for html in kept))  # noqa: S308
