"""Tags across the network: the page of a tag, suggestions, and merging two tags.

Every app's tags live in taggit's one ``Tag`` table. Apps say what they have
under a tag in ``AppConfig.ready()`` with ``tagged_source_register``: a key, a
label, an order, ``items(user, tag)`` (the queryset of what ``user`` may see,
ordered, with what the row template reads loaded) and the template of one
row, which gets the row as ``item``. The community layer imports no domain
model.

Merging tags moves every tagged item to the surviving tag; apps that keep
their own rows pointing at tags (the forums' tag watches) register a hook
with ``tag_merge_hook_register`` that moves theirs.
"""

import hashlib
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    Count,
    F,
    Func,
    IntegerField,
    Model,
    Q,
    QuerySet,
    Subquery,
)
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from taggit.models import Tag, TaggedItem

from community import audience
from community.changes import (
    LIST_PAGES,
    PUBLIC_PAGES,
    SEARCH_COUNTS,
    tagged_changed,
)
from community.generations import generations
from community.paging import CountedPaginator
from community.registry import Registry
from community.releases import key_value
from community.search import search_kinds
from community.services import audit

SUGGESTIONS = 10
# Longer than any tag's name (taggit's 100) plus quotes and spaces around it.
MAX_QUERY_LENGTH = 200
MAX_TOKEN_LENGTH = 100
PER_PAGE = 20
# Rows per UPDATE/SELECT … IN (…) when a merge moves many.
BATCH = 500
# A kind's count stops past COUNT_LIMIT (shown «1000+», its pages end there,
# as search's do): a frequent tag reads a thousand rows of each kind, not all.
COUNT_LIMIT = 1000
# What a member's tag page keeps (its counts, its rows) is kept under what
# visitors' cached tag page is kept under (``community.pagecache``: every
# write that changes what a tag page shows moves one of them) and the search
# counts (every write to what is tagged, a tag's rename or merge).
KEPT_UNDER = (SEARCH_COUNTS, PUBLIC_PAGES, LIST_PAGES)
KEPT_TIMEOUT = 10 * 60
# What a row shows that may change without moving those generations: the
# member's own progress in it (a topic read) and counters flushed in batches.
ROW_STATE = ("last_read", "view_count")


# --- The registry -------------------------------------------------------------


@dataclass(frozen=True)
class TaggedSource:
    key: str
    label: Promise
    # (user, tag) -> what user may see under the tag, ordered, rows loaded for
    # the template in a fixed number of queries.
    items: Callable[[object, Tag], QuerySet]
    order: int = 50
    # One row of the list (a <li>), given the row as ``item``.
    template: str = "community/partials/_tagged_item.html"


_sources: Registry[str, TaggedSource] = Registry()
_merge_hooks: list[Callable[[list[Tag], Tag], None]] = []


def tagged_source_register(
    *,
    key: str,
    label: Promise,
    items: Callable[[object, Tag], QuerySet],
    order: int = 50,
    template: str = "community/partials/_tagged_item.html",
) -> None:
    """Show what an app has under a tag on the tag's page (call from ready())."""
    _sources.register(key, TaggedSource(key, label, items, order, template))


def tagged_sources() -> list[TaggedSource]:
    return sorted(_sources.values(), key=lambda source: source.order)


# Rows whose tags not everyone may read (a private community, a topic of
# its section): key -> (model, a callable giving a queryset of their pks).
_unlisted: Registry[str, tuple[type[Model], Callable[[], QuerySet]]] = Registry()


def tag_unlisted_register(
    *, key: str, model: type[Model], rows: Callable[[], QuerySet]
) -> None:
    """Rows of ``model`` not everyone may read (``rows()``: a queryset of
    their pks): their tags are not suggested to anyone on their account, so
    a word used only inside a private community never leaves it."""
    _unlisted.register(key, (model, rows))


def _unlisted_uses() -> Q:
    """The tag uses on rows not everyone may read (subqueries: no query)."""
    hidden = Q()
    for model, rows in _unlisted.values():
        content_type = ContentType.objects.get_for_model(model)
        hidden |= Q(
            taggit_taggeditem_items__content_type=content_type,
            taggit_taggeditem_items__object_id__in=rows(),
        )
    return hidden


def tag_merge_hook_register(hook: Callable[[list[Tag], Tag], None]) -> None:
    """``hook(sources, target)`` moves the app's own rows from the merged tags
    to the surviving one; it runs in the merge's transaction, before the
    sources are deleted."""
    if hook not in _merge_hooks:
        _merge_hooks.append(hook)


# --- Reads ----------------------------------------------------------------------


@dataclass(frozen=True)
class TaggedKind:
    source: TaggedSource
    count: int

    @property
    def capped(self) -> bool:
        """Whether the count stopped at COUNT_LIMIT: more than that."""
        return self.count > COUNT_LIMIT


def _counts(tag: Tag, lists: list[QuerySet]) -> list[int]:
    """How many rows each of ``lists`` holds, each counted up to COUNT_LIMIT
    + 1, all in one query (a scalar subquery each): the page names every kind
    with its count."""
    if not lists:
        return []
    counted = {
        f"count_{index}": Subquery(
            rows.model._base_manager.filter(
                pk__in=rows.order_by().values("pk")[: COUNT_LIMIT + 1]
            )
            .order_by()
            .values("pk")
            # Not an aggregate to Django: no GROUP BY, one row of the COUNT.
            .annotate(total=Func(F("pk"), function="COUNT"))
            .values("total")[:1],
            output_field=IntegerField(),
        )
        for index, rows in enumerate(lists)
    }
    found = Tag.objects.filter(pk=tag.pk).values(**counted).first() or {}
    return [found.get(f"count_{index}") or 0 for index in range(len(lists))]


def _kept_key(kind: str, inputs: tuple, versions: dict | None = None) -> str:
    """The cache key of ``inputs`` under ``KEPT_UNDER``'s generations (read
    now, unless read before the rows were: ``versions``)."""
    kept = tuple(sorted((versions or generations(KEPT_UNDER)).items()))
    digest = hashlib.blake2b(repr((kept, inputs)).encode(), digest_size=16)
    return f"tags:{kind}:{digest.hexdigest()}"


def _viewer(user) -> tuple:
    """Whose page it is, as what is kept is keyed: a member's own (their
    rows, their profile among the colleagues) with their groups, which they
    join and leave without the generations above moving."""
    if not user.is_authenticated:
        return (None,)
    return (user.pk, audience.groups_kept(user))


@dataclass(frozen=True)
class Keeping:
    """What a page's kept parts are keyed by beside their own inputs: the
    generations (read once, before the rows) and the viewer."""

    versions: dict
    viewer: tuple

    @classmethod
    def now(cls, user) -> "Keeping":
        return cls(generations(KEPT_UNDER), _viewer(user))


def _counts_kept(
    tag: Tag, user, sources: list[TaggedSource], keeping: Keeping
) -> list[int]:
    """``_counts``, kept until a write moves ``KEPT_UNDER`` (no query then)."""
    key = _kept_key(
        "counts",
        (tag.pk, keeping.viewer, tuple(source.key for source in sources)),
        keeping.versions,
    )
    counts = cache.get(key)
    if counts is None:
        counts = _counts(tag, [source.items(user, tag) for source in sources])
        cache.set(key, counts, KEPT_TIMEOUT)
    return counts


def _state_names(rows: QuerySet) -> list[str]:
    """The names of ``ROW_STATE`` the rows have (a field or an annotation)."""
    fields = {field.attname for field in rows.model._meta.concrete_fields}
    return [
        name for name in ROW_STATE if name in rows.query.annotations or name in fields
    ]


def kept_rows(
    *,
    kind: str,
    template: str,
    rows: QuerySet,
    start: int,
    stop: int,
    user,
    context: Callable[[object], dict],
    keeping: Keeping | None = None,
) -> list[SafeString]:
    """Rows ``start:stop`` of ``rows``, each as ``template`` renders
    ``context(row)``, kept: under ``KEPT_UNDER``, the viewer, each row's pk
    and what of ``ROW_STATE`` it has (the member's own progress, counters
    flushed in batches), the language, the time zone and the day.

    The page's query reads only those (no joins for what the rows show: most
    of a list's query was planning them); kept, one cache round trip, and
    nothing else. Otherwise the rows are read whole (one query, or the few
    their queryset prefetches), rendered and kept; a row that changed since
    its pk was read is shown as it is now and the page not kept. Also the
    forums' «new since my last visit»."""
    # Read before the rows: a write committed meanwhile leaves them behind.
    keeping = keeping or Keeping.now(user)
    names = _state_names(rows)
    light = [
        tuple(key_value(value) for value in row)
        for row in rows.values_list("pk", *names)[start:stop]
    ]
    facts = (
        kind,
        template,
        keeping.viewer,
        translation.get_language(),
        timezone.get_current_timezone_name(),
        timezone.localdate().isoformat(),
    )
    key = _kept_key("rows", (facts, tuple(light)), keeping.versions)
    html = cache.get(key)
    if html is None:
        pks = [row[0] for row in light]
        found = {item.pk: item for item in rows.filter(pk__in=pks)}
        rendering = get_template(template)
        html = [rendering.render(context(found[pk])) for pk in pks if pk in found]
        unchanged = [
            (pk, *(key_value(getattr(found[pk], name)) for name in names))
            for pk in pks
            if pk in found
        ] == light
        if unchanged:
            cache.set(key, html, KEPT_TIMEOUT)
    # Our own templates' output: whatever a member wrote in it was escaped.
    return [mark_safe(row) for row in html]  # noqa: S308


def tag_page(*, tag: Tag, user, kind: str | None, page: str | None) -> dict:
    """What ``/tags/<slug>/`` shows: each kind with its count (all counted in
    one query, kept) and one page of the chosen kind (the first kind with
    anything, unless ``kind`` names one), its rows rendered and kept
    (``kept_rows``). Kept, two queries less than the rows' (the tag's, its
    rows' pks) and three cache round trips."""
    keeping = Keeping.now(user)
    sources = tagged_sources()
    counts = _counts_kept(tag, user, sources, keeping)
    kinds = [
        TaggedKind(source, count) for source, count in zip(sources, counts, strict=True)
    ]
    chosen = next((item for item in kinds if item.source.key == kind), None)
    if chosen is None:
        chosen = next((item for item in kinds if item.count), None) or (
            kinds[0] if kinds else None
        )
    page_obj = None
    rows: list[SafeString] = []
    if chosen is not None:
        items = chosen.source.items(user, tag)
        page_obj = CountedPaginator(items, PER_PAGE, count=chosen.count).get_page(page)
        rows = kept_rows(
            kind=chosen.source.key,
            template=chosen.source.template,
            rows=items,
            start=page_obj.start_index() - 1 if chosen.count else 0,
            stop=page_obj.end_index(),
            user=user,
            context=lambda item: {"item": item, "user": user},
            keeping=keeping,
        )
    return {
        "tag": tag,
        "kinds": kinds,
        "chosen": chosen,
        "page_obj": page_obj,
        "rows": rows,
        "count_limit": COUNT_LIMIT,
    }


def suggest_token(query: str) -> str:
    """The tag being typed: the last comma-separated part, without quotes;
    empty when there is nothing sensible to look up."""
    if not query or len(query) > MAX_QUERY_LENGTH:
        return ""
    token = query.rsplit(",", 1)[-1].strip().strip('"').strip()
    if len(token) > MAX_TOKEN_LENGTH:
        return ""
    # Control characters (NUL breaks PostgreSQL) and the like: no tag has them.
    if any(unicodedata.category(char).startswith("C") for char in token):
        return ""
    return token


def tag_suggestions(*, query: str, limit: int = SUGGESTIONS) -> list[str]:
    """Names of existing tags starting with the token being typed, whatever
    its case, the most used first (one query).

    SQLite folds only ASCII letters in LIKE, so the usual spellings of a
    Cyrillic prefix (дроби, Дроби, ДРОБИ) are matched as well. The same for
    everyone (the answer is cached publicly): uses on rows not everyone may
    read do not count (``tag_unlisted_register``).
    """
    token = suggest_token(query)
    if not token:
        return []
    condition = Q(name__istartswith=token)
    for variant in {token.lower(), token.capitalize(), token.upper(), token.title()}:
        condition |= Q(name__startswith=variant)
    hidden = _unlisted_uses()
    # The uses everyone may read; a tag used only where not everyone reads
    # is left out (a tag nothing carries any more is still offered).
    uses = Count("taggit_taggeditem_items", filter=~hidden if hidden else None)
    return list(
        Tag.objects.filter(condition)
        .annotate(uses=uses, all_uses=Count("taggit_taggeditem_items"))
        .filter(Q(uses__gt=0) | Q(all_uses=0))
        .order_by("-uses", "name")
        .values_list("name", flat=True)[:limit]
    )


# --- Permissions ------------------------------------------------------------------


def can_merge_tags(user) -> bool:
    # The Moderators group (taggit.change_tag) and superusers.
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.has_perm("taggit.change_tag"))
    )


# --- Renaming and merging ---------------------------------------------------------


@transaction.atomic
def tag_rename(*, tag: Tag, moderator) -> Tag:
    """Save a tag whose name or address a moderator changed (in the admin
    site): everything carrying it is indexed again (search entries hold tag
    names) and the change goes into the moderation log."""
    if not can_merge_tags(moderator):
        raise PermissionDenied
    tag.save()
    audit(actor=moderator, action="tag_rename", target=tag, reason=tag.name)
    tagged_changed(
        _tagged_objects(
            TaggedItem.objects.filter(tag=tag).values_list(
                "content_type_id", "object_id"
            )
        )
    )
    return tag


def _tagged_objects(pairs: Iterable[tuple[int, int]]) -> list:
    """The searchable objects behind (content type, id) pairs."""
    kinds = {kind.model: kind for kind in search_kinds()}
    ids_by_type: dict[int, set[int]] = {}
    for type_id, object_id in pairs:
        ids_by_type.setdefault(type_id, set()).add(object_id)
    objects = []
    for type_id, ids in ids_by_type.items():
        kind = kinds.get(ContentType.objects.get_for_id(type_id).model_class())
        if kind is None:
            continue
        ids = sorted(ids)
        for start in range(0, len(ids), BATCH):
            objects.extend(kind.queryset().filter(pk__in=ids[start : start + BATCH]))
    return objects


@transaction.atomic
def tag_merge(*, sources: Iterable[Tag], target: Tag, moderator) -> Tag:
    """Put everything tagged with ``sources`` under ``target`` and delete them.

    An object tagged with several of them ends up tagged once. The apps' merge
    hooks move their own rows; the decision goes into the moderation log.
    """
    if not can_merge_tags(moderator):
        raise PermissionDenied
    merged = sorted(
        {tag.pk: tag for tag in sources if tag.pk != target.pk}.values(),
        key=lambda tag: tag.name.lower(),
    )
    if not merged:
        raise ValidationError(_("Choose at least one other tag to merge into it."))
    merged_ids = [tag.pk for tag in merged]
    tagged = set(
        TaggedItem.objects.filter(tag=target).values_list(
            "content_type_id", "object_id"
        )
    )
    moving: list[int] = []
    touched: set[tuple[int, int]] = set()
    for pk, type_id, object_id in (
        TaggedItem.objects.filter(tag_id__in=merged_ids)
        .order_by("pk")
        .values_list("pk", "content_type_id", "object_id")
    ):
        touched.add((type_id, object_id))
        if (type_id, object_id) not in tagged:
            tagged.add((type_id, object_id))
            moving.append(pk)
    # The rest (the object has the target already) goes with the sources.
    for start in range(0, len(moving), BATCH):
        TaggedItem.objects.filter(pk__in=moving[start : start + BATCH]).update(
            tag=target
        )
    for hook in _merge_hooks:
        hook(merged, target)
    names = ", ".join(tag.name for tag in merged)
    Tag.objects.filter(pk__in=merged_ids).delete()
    audit(actor=moderator, action="tag_merge", target=target, reason=names)
    tagged_changed(_tagged_objects(touched))
    return target
