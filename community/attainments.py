"""Attainments: what a member has achieved on the site that counts toward her
professional growth, one source per kind, and what she might do next.

Each app registers its sources in ``AppConfig.ready()`` (the community layer
knows no app's models). A source's ``items(user)`` lists her attainments of
that kind in a fixed number of queries, newest first, at most
``ATTAINMENT_LIMIT``; only what the public may see of her work counts (a
hidden material, a removed answer does not). A source whose list is shown only
as a count (reviews while blind review is on: no reviewer is named) says
``as_count=True``.

Whose items a write may have changed is said by the app that writes, in its
change functions (``<app>/changes.py``, called by its services; no signals):
they call ``attainments_changed(member_ids)``. The members told in one
transaction are gathered, and once it commits each listener registered with
``attainments_listen`` hears them once, deduplicated (it should only enqueue
its own task). Nothing is heard of a transaction rolled back, and nothing is
asked while nobody listens (``member_ids`` may be a lazy iterable: a
queryset's ``values_list``, a generator). A listener keeps a nightly backstop
for what no change function tells (a badge renamed, a line's community
hidden).

Suggestion sources (``suggestion_source_register``) offer what a member could
take up next — an open course, an upcoming master-class, a community — for a
set of tags and subjects, shared out by tag (``tagged``: one tag's many rows
crowd out no other's), leaving out the objects the caller names
(``exclude_keys``: what her plan holds already).
"""

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import (
    Case,
    F,
    IntegerField,
    Model,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils.functional import Promise

from community.registry import Registry

logger = logging.getLogger(__name__)

ATTAINMENT_LIMIT = 500
SUGGESTION_LIMIT = 12


@dataclass(frozen=True)
class Attainment:
    key: str  # stable within the source (a certificate's code, "<pk>")
    title: str
    url: str  # a page on the site ("" if none the public may open)
    occurred_at: datetime.datetime  # aware
    code: str = ""  # verification code (certificates)
    verify_url: str = ""  # where the code is checked
    hours: int | None = None


@dataclass(frozen=True)
class AttainmentSource:
    key: str
    title: Promise
    order: int
    items: Callable[[object], list[Attainment]]
    # Shown as a count only (reviews under blind review: no names).
    as_count: bool = False


@dataclass(frozen=True)
class Suggestion:
    kind: str  # "course" | "masterclass" | "community"
    object_key: str  # "courses.course:12"
    title: str
    url: str
    tags: tuple[str, ...]  # lower-cased tag names it carries
    detail: str = ""  # "24 ч · с 12 января"


@dataclass(frozen=True)
class SuggestionSource:
    key: str
    order: int
    suggest: Callable[..., list[Suggestion]]


_sources: Registry[str, AttainmentSource] = Registry()
_listeners: Registry[str, Callable[[list[int]], None]] = Registry()
_suggestions: Registry[str, SuggestionSource] = Registry()


def attainment_source_register(
    *,
    key: str,
    title: Promise,
    order: int,
    items: Callable[[object], list[Attainment]],
    as_count: bool = False,
) -> None:
    """Add a source; registering the same key again replaces it
    (``manage.py check`` reports the key when the entry differs). Called from
    ``AppConfig.ready()``."""
    _sources.register(key, AttainmentSource(key, title, order, items, as_count))


def attainment_sources() -> list[AttainmentSource]:
    return sorted(_sources.values(), key=lambda source: (source.order, source.key))


def attainment_source(key: str) -> AttainmentSource | None:
    return _sources.get(key)


def attainments_for(user) -> dict[str, list[Attainment]]:
    """Every source's attainments of ``user`` (an empty list where she has
    none), by the sources' order."""
    return {
        source.key: list(source.items(user))[:ATTAINMENT_LIMIT]
        for source in attainment_sources()
    }


def attainments_listen(key: str, handler: Callable[[list[int]], None]) -> None:
    """``handler(member_ids)`` hears, after commit, the members whose
    attainments a transaction may have changed (once per transaction)."""
    _listeners.register(key, handler)


def attainments_changed(member_ids: Iterable[int]) -> None:
    """The attainments of these members may have changed (a certificate
    issued, an answer accepted, a community hidden...): called by the apps'
    change functions, inside the writing transaction. Every listener hears
    them once the transaction commits, with those of its other calls,
    deduplicated; nothing of one rolled back. While nobody listens nothing
    is done, and ``member_ids`` (a lazy iterable may be given) is never
    read."""
    if not _listeners:
        return
    _gather(member_ids, DEFAULT_DB_ALIAS)


class _Batch:
    """The members gathered in one transaction, told once."""

    def __init__(self) -> None:
        self.member_ids: set[int] = set()
        self.told = False


class _Flush:
    """An on-commit callback of a transaction's batch: the first that runs
    tells the whole batch, the others nothing.

    One is added for every call of ``attainments_changed``, so that the batch
    lives as long as any of them: a transaction (or the savepoint) rolled back
    drops them all, and its members are never told.
    """

    def __init__(self, batch: _Batch) -> None:
        self.batch = batch

    def __call__(self) -> None:
        if self.batch.told:
            return
        self.batch.told = True
        member_ids = sorted(self.batch.member_ids)
        for key, handler in list(_listeners.items()):
            try:
                handler(member_ids)
            except Exception:
                # One listener failing keeps the others; the commit is done.
                logger.exception("attainments listener %s failed", key)


def _batch(connection) -> _Batch:
    """The batch of the transaction under way (a new one outside any)."""
    if connection.in_atomic_block:
        for _savepoints, callback, *_rest in reversed(connection.run_on_commit):
            if isinstance(callback, _Flush):
                if not callback.batch.told:
                    return callback.batch
                break
    return _Batch()


def _gather(member_ids: Iterable[int], using: str) -> None:
    member_ids = {int(pk) for pk in member_ids if pk is not None}
    if not member_ids or not _listeners:
        return
    batch = _batch(transaction.get_connection(using))
    batch.member_ids |= member_ids
    transaction.on_commit(_Flush(batch), using=using)


def suggestion_source_register(
    *, key: str, order: int, suggest: Callable[..., list[Suggestion]]
) -> None:
    """``suggest(tags, subject_ids, user, limit, exclude_keys)``: open,
    upcoming, public things carrying any of ``tags`` (lower-cased), in
    ``subject_ids`` where the thing has a subject, not the member's own, not
    those ``exclude_keys`` names (``Suggestion.object_key``s); at most
    ``limit``, shared out by tag, in one query (``tagged``)."""
    _suggestions.register(key, SuggestionSource(key, order, suggest))


def suggestions_for(
    tags: Iterable[str],
    subject_ids: Iterable[int],
    user,
    limit_per_source: int = SUGGESTION_LIMIT,
    *,
    exclude_keys: Iterable[str] = (),
) -> list[Suggestion]:
    """What every source suggests, by the sources' order, leaving out the
    objects ``exclude_keys`` names; nothing without tags."""
    tags = sorted({str(tag).strip().lower() for tag in tags if str(tag).strip()})
    if not tags:
        return []
    subject_ids = sorted({int(pk) for pk in subject_ids})
    exclude_keys = frozenset(str(key) for key in exclude_keys)
    found = []
    sources = sorted(_suggestions.values(), key=lambda item: (item.order, item.key))
    for source in sources:
        found += [
            suggestion
            for suggestion in source.suggest(
                tags=tags,
                subject_ids=subject_ids,
                user=user,
                limit=limit_per_source,
                exclude_keys=exclude_keys,
            )
            if suggestion.object_key not in exclude_keys
        ][:limit_per_source]
    return found


def tag_condition(tags: Iterable[str], field: str = "name") -> Q:
    """A ``Q`` on taggit's ``Tag`` for any of ``tags`` whatever their case
    (SQLite folds only ASCII letters: the usual spellings of a Cyrillic tag —
    дроби, Дроби, ДРОБИ — are matched as well)."""
    condition = Q(pk__in=[])
    for tag in tags:
        condition |= Q(**{f"{field}__iexact": tag})
        for variant in {tag.lower(), tag.capitalize(), tag.upper(), tag.title()}:
            condition |= Q(**{field: variant})
    return condition


def with_any_tag(queryset: QuerySet, tags: Iterable[str]) -> QuerySet:
    """The rows of ``queryset`` (a model with taggit's ``tags``) carrying any
    of ``tags``: subqueries, no join that repeats a row."""
    from taggit.models import Tag

    wanted = Tag.objects.filter(tag_condition(tags)).values("pk")
    model = queryset.model
    return queryset.filter(
        pk__in=model._default_manager.filter(tags__in=wanted).values("pk")
    )


def _keys_pks(exclude_keys: Iterable[str], model) -> list[int]:
    """The pks of the ``model`` objects ``exclude_keys`` names
    ("courses.course:12": the model's label, lower-cased, and its pk)."""
    prefix = f"{model._meta.label_lower}:"
    return sorted(
        int(key[len(prefix) :])
        for key in exclude_keys
        if key.startswith(prefix) and key[len(prefix) :].isdigit()
    )


def tagged(
    queryset: QuerySet,
    tags: Iterable[str],
    limit: int,
    exclude_keys: Iterable[str] = (),
) -> list[tuple[Model, tuple[str, ...]]]:
    """At most ``limit`` rows of ``queryset`` (ordered, a model with
    taggit's ``tags``) carrying any of ``tags``, shared out by tag: each
    tag's rows in the queryset's order, taken in turns (the first of every
    tag, then the second...), so that the many rows of one tag leave the
    others their share; not the objects ``exclude_keys`` names
    ("<app>.<model>:<pk>", as ``Suggestion.object_key``). Each comes with the
    lower-cased names of all the tags it carries, in the queryset's order, in
    one query: the rows chosen by a subquery (each tag's rows numbered by a
    window), read once per tag they carry and gathered here."""
    tags = list(tags)
    if not tags:
        return []
    excluded = _keys_pks(exclude_keys, queryset.model)
    if excluded:
        queryset = queryset.exclude(pk__in=excluded)
    ordering = [
        *(queryset.query.order_by or queryset.model._meta.ordering or ()),
        "pk",
    ]
    slot = Case(
        *(
            When(tag_condition([tag], "tags__name"), then=Value(number))
            for number, tag in enumerate(tags)
        ),
        output_field=IntegerField(),
    )
    chosen = (
        queryset.order_by()
        .annotate(tag_slot=slot)
        .filter(tag_slot__isnull=False)
        .annotate(
            tag_turn=Window(
                RowNumber(), partition_by=[F("tag_slot")], order_by=ordering
            )
        )
        .order_by("tag_turn", "tag_slot")
        .values("pk")[:limit]
    )
    found: dict[int, tuple[Model, set[str]]] = {}
    for row in queryset.filter(pk__in=chosen).annotate(carried_tag=F("tags__name")):
        _row, names = found.setdefault(row.pk, (row, set()))
        if row.carried_tag:
            names.add(row.carried_tag.lower())
    return [(row, tuple(sorted(names))) for row, names in found.values()]


def _badge_items(user) -> list[Attainment]:
    from community.models import BadgeAward

    awards = (
        BadgeAward.objects.filter(user=user, revoked_at__isnull=True)
        .select_related("badge")
        .order_by("-awarded_at", "-pk")[:ATTAINMENT_LIMIT]
    )
    return [
        Attainment(
            key=str(award.pk),
            title=str(award.badge.shown_name),
            url=award.badge.get_absolute_url(),
            occurred_at=award.awarded_at,
        )
        for award in awards
    ]


def register_defaults() -> None:
    from django.utils.translation import gettext_lazy as _

    attainment_source_register(
        key="badge",
        title=_("Badges"),
        order=90,
        items=_badge_items,
    )
