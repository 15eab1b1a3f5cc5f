"""One search across the network: the registry, the index and the query.

Apps register each searchable model in ``AppConfig.ready()`` with
``searchable_register``: how a row reads for search (``document``, or None
when nobody but its author and moderators may see it) and the queryset that
loads rows for a rebuild. Their change functions (``<app>/changes.py``) call
``search_index(obj)`` after a write that changes the row or who may see it,
and ``search_remove(obj)`` before deleting it: the index is kept current by
the code that writes, not by signals. The same change functions move on the
counts kept of search results (``SEARCH_COUNTS``) and visitors' cached pages;
the index itself moves no cache but its own after a rebuild.

On PostgreSQL each entry has a weighted ``tsvector`` in the ``russian``
configuration (title A, tags B, text C; a reply's title D), GIN-indexed, and
a query is every word as a stemmed prefix (``дроби 5 класс`` finds «Дробные
числа. Урок для 5-го класса»), ranked by relevance, then freshness. When it
finds nothing, titles and names are matched by trigram word similarity, so a
typo still finds. On SQLite (the embedded default) a word matches by
case-folded containment of a crude stem.

On a large index a kind's count stops past COUNT_LIMIT (the page shows
«1 000+» and its pages end there), and such a kind ranks only its
COUNT_LIMIT newest matches; each kind but the replies has a GIN index of its
own (migration 0021), so a word common in replies costs the others nothing.

An embedded video or document (``community.embeds``) is searched by its
title as well: an entry's text carries the titles of the links it shows,
and the entries carrying a link are indexed again when its title arrives.
"""

import datetime
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from html import unescape

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection, connections, transaction
from django.db.models import F, Model, Q, QuerySet, Value
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString

from community import audience
from community.embed_providers import embed_match
from community.generations import generation as generation_of
from community.generations import generation_bump
from community.models import EmbedPreview, SearchEntry, SearchWord
from community.registry import Registry

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
BODY_LIMIT = 20_000
SNIPPET_LENGTH = 240

# Trigram word similarity for titles and names; index-assisted with «%>».
SearchEntry._meta.get_field("title").register_lookup(TrigramWordSimilar)


@dataclass
class SearchDocument:
    """What search knows of a row: its words, filters and where it leads."""

    title: str
    url: str
    date: datetime.datetime
    body: str = ""
    tags: Iterable[str] = ()
    subject_ids: Iterable[int] = ()
    grade_slugs: Iterable[str] = ()
    # Academic hours, for the kinds that have them (courses): a range filter.
    hours: int | None = None
    author_id: int | None = None
    members_only: bool = False
    # Only the members of this group (a community) may find it (``community.audience``).
    group_id: int | None = None
    # A reply carries its topic's title for display; it should not outrank the topic.
    title_weight: str = "A"


@dataclass(frozen=True)
class SearchKind:
    key: str
    label: Promise
    model: type[Model]
    document: Callable[[Model], SearchDocument | None]
    # Every row that may be indexed, with what ``document`` reads loaded.
    queryset: Callable[[], QuerySet]
    order: int = 50


_kinds: Registry[str, SearchKind] = Registry()


def searchable_register(kind: SearchKind) -> None:
    _kinds.register(kind.key, kind)


def search_kinds() -> list[SearchKind]:
    return sorted(_kinds.values(), key=lambda kind: kind.order)


def _kind_for(model: type[Model]) -> SearchKind | None:
    for kind in _kinds.values():
        if kind.model is model:
            return kind
    return None


# --- writing the index --------------------------------------------------------


def plain_text(html: str) -> str:
    """Rendered, sanitised HTML back to words (the index and snippets are text)."""
    return " ".join(unescape(strip_tags(html)).split())


def _fold(text: str) -> str:
    return text.casefold().replace("ё", "е")


def _entry_values(kind: SearchKind, document: SearchDocument) -> dict:
    tags = " ".join(tag for tag in document.tags if tag)
    body = document.body[:BODY_LIMIT]
    title = document.title[:300]
    subjects = ",".join(str(pk) for pk in document.subject_ids)
    grades = ",".join(document.grade_slugs)
    return {
        "kind": kind.key,
        "title": title,
        "body": body,
        "tags": tags[:500],
        "url": document.url[:500],
        "subjects": f",{subjects}," if subjects else "",
        "grades": f",{grades}," if grades else "",
        "hours": document.hours,
        "date": document.date,
        "audience": (
            SearchEntry.Audience.GROUP
            if document.group_id is not None
            else SearchEntry.Audience.MEMBERS
            if document.members_only
            else SearchEntry.Audience.EVERYONE
        ),
        "group_id": document.group_id,
        "author_id": document.author_id,
        # Only SQLite searches the folded text; PostgreSQL keeps its rows narrow.
        "folded": (
            "" if connection.vendor == "postgresql" else _fold(f"{title} {tags} {body}")
        ),
    }


def _vector_of(values: dict, title_weight: str):
    """An entry's weighted Russian tsvector (title, tags B, text C), computed
    from its values in the INSERT that writes it."""
    return (
        SearchVector(Value(values["title"]), weight=title_weight, config="russian")
        + SearchVector(Value(values["tags"]), weight="B", config="russian")
        + SearchVector(Value(values["body"]), weight="C", config="russian")
    )


# Every column an entry's upsert writes again when its row is indexed anew.
_UPSERT_FIELDS = [
    "kind",
    "title",
    "body",
    "tags",
    "url",
    "subjects",
    "grades",
    "hours",
    "date",
    "audience",
    "group_id",
    "author_id",
    "folded",
    "search_vector",
    "updated_at",
]


def search_index(obj: Model) -> None:
    """Bring ``obj``'s entry up to date: written, changed, or gone if now unseen."""
    search_index_many([obj])


def search_index_many(objects: Iterable[Model]) -> int:
    """Index a batch of rows of registered kinds; returns how many are searchable.

    One upsert writes the entries with their vectors (a new reply's entry is
    one INSERT); only the rows no longer searchable are deleted. Texts that
    carry embedded links cost one more query: their titles
    (``_with_embed_titles``).
    """
    objects = list(objects)
    if not objects:
        return 0
    unseen: dict[int, list[int]] = {}
    entries: list[SearchEntry] = []
    postgresql = connection.vendor == "postgresql"
    documents = []
    for obj in objects:
        kind = _kind_for(type(obj))
        if kind is None:
            raise LookupError(f"{type(obj).__name__} is not registered for search")
        content_type = ContentType.objects.get_for_model(obj)
        document = kind.document(obj)
        if document is None:
            unseen.setdefault(content_type.pk, []).append(obj.pk)
            continue
        documents.append((obj, kind, content_type, document))
    titled = _with_embed_titles([document for *_rest, document in documents])
    for (obj, kind, content_type, _document), document in zip(
        documents, titled, strict=True
    ):
        values = _entry_values(kind, document)
        entry = SearchEntry(target_type=content_type, target_id=obj.pk, **values)
        if postgresql:
            entry.search_vector = _vector_of(values, document.title_weight)
        entries.append(entry)
    # No savepoint inside a caller's transaction: one or two statements.
    with transaction.atomic(savepoint=False):
        for type_id, pks in unseen.items():
            SearchEntry.objects.filter(
                target_type_id=type_id, target_id__in=pks
            ).delete()
        if entries:
            SearchEntry.objects.bulk_create(
                entries,
                update_conflicts=True,
                unique_fields=["target_type", "target_id"],
                update_fields=_UPSERT_FIELDS,
            )
            if postgresql:
                _words_add(entries)
    return len(entries)


def _words_add(entries: list[SearchEntry]) -> None:
    """The words of the entries just written, added to ``SearchWord`` (one
    statement; those known already are left, in the words' order, so two
    writers never wait on each other crosswise)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO community_searchword (word) "
            "SELECT DISTINCT lexeme FROM community_searchentry AS entry "
            "JOIN unnest(%s::integer[], %s::bigint[]) AS written(type_id, target_id) "
            "ON entry.target_type_id = written.type_id "
            "AND entry.target_id = written.target_id "
            "CROSS JOIN LATERAL unnest(tsvector_to_array(entry.search_vector)) "
            "AS lexeme WHERE length(lexeme) <= %s "
            "ORDER BY lexeme ON CONFLICT DO NOTHING",
            [
                [entry.target_type_id for entry in entries],
                [entry.target_id for entry in entries],
                SearchWord.MAX_LENGTH,
            ],
        )


# A link in an entry's text, as the text shows it.
LINK = re.compile(r"https?://[^\s<>\"']+")


def _with_embed_titles(documents: list[SearchDocument]) -> list[SearchDocument]:
    """The documents with every embedded link of their text
    (``community.embeds``) followed by its canonical address, when written
    otherwise, and by its title once fetched (``community.embed_previews``):
    a word of a video's title finds the post that shows it, and the entries
    that carry a link are found by its address when the title arrives
    (``search_reindex_containing``). One query for the batch, none when no
    text carries a link a service we list knows."""
    targets = {}
    for document in documents:
        if "http" not in document.body:
            continue
        for link in set(LINK.findall(document.body)):
            target = embed_match(link)
            if target is not None:
                targets[link] = target
    if not targets:
        return documents
    titles = dict(
        EmbedPreview.objects.filter(
            key__in={target.key for target in targets.values()},
            status=EmbedPreview.Status.FETCHED,
            is_hidden=False,
        )
        .exclude(title="")
        .values_list("key", "title")
    )

    def annotated(match: re.Match) -> str:
        target = targets.get(match[0])
        if target is None:
            return match[0]
        words = [match[0]]
        if target.url != match[0]:
            words.append(target.url)
        if target.key in titles:
            words.append(titles[target.key])
        return " ".join(words)

    return [
        replace(document, body=LINK.sub(annotated, document.body))
        if "http" in document.body
        else document
        for document in documents
    ]


def search_reindex_containing(text: str, *, batch_size: int = 500) -> int:
    """Index again every row whose entry's text contains ``text`` (the
    canonical address of an embedded link whose title arrived, or was hidden:
    ``_with_embed_titles`` puts it in every entry that carries the link).
    Returns how many entries were written."""
    entries = SearchEntry.objects.filter(body__contains=text)
    if connection.vendor == "postgresql":
        # The text's words through the GIN index first; the containment
        # above checks what they found.
        entries = entries.filter(
            search_vector=SearchQuery(text, config="russian", search_type="plain")
        )
    found: dict[int, list[int]] = {}
    for type_id, target_id in entries.order_by().values_list(
        "target_type_id", "target_id"
    ):
        found.setdefault(type_id, []).append(target_id)
    done = 0
    for type_id, pks in found.items():
        kind = _kind_for(ContentType.objects.get_for_id(type_id).model_class())
        if kind is None:
            continue
        for start in range(0, len(pks), batch_size):
            done += search_index_many(
                kind.queryset().filter(pk__in=pks[start : start + batch_size])
            )
    return done


def search_remove(obj: Model) -> None:
    """Take a row out of search (call before deleting it)."""
    SearchEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(obj), target_id=obj.pk
    ).delete()


def search_audience_set(
    model: type[Model], pks, *, audience: str, group_id: int | None = None
) -> int:
    """Who may find the entries of ``model``'s rows ``pks`` (a list or a
    subquery of primary keys): one UPDATE, whatever their number. The text
    is unchanged; ``group_id`` is kept for a group's audience only."""
    if audience not in SearchEntry.Audience.values:
        raise ValueError(audience)
    return SearchEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(model), target_id__in=pks
    ).update(
        audience=audience,
        group_id=group_id if audience == SearchEntry.Audience.GROUP else None,
    )


def search_reindex_objects(objects: Iterable[Model]) -> int:
    """Index rows again after a change elsewhere (tags merged, a topic moved)."""
    return search_index_many(objects)


def search_rebuild(
    kind: SearchKind,
    *,
    batch_size: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Index every row of a kind again, in batches by primary key."""
    content_type = ContentType.objects.get_for_model(kind.model)
    done = 0
    last_pk = 0
    queryset = kind.queryset().order_by("pk")
    while True:
        batch = list(queryset.filter(pk__gt=last_pk)[:batch_size])
        if not batch:
            break
        last_pk = batch[-1].pk
        done += search_index_many(batch)
        if progress is not None:
            progress(len(batch))
    # Rows gone meanwhile (deleted without a service call) leave no entry behind.
    SearchEntry.objects.filter(target_type=content_type).exclude(
        target_id__in=kind.model._default_manager.values("pk")
    ).delete()
    generation_bump(SEARCH_COUNTS)
    return done


# --- reading ------------------------------------------------------------------


WORD = re.compile(r"[^\W_]+", re.UNICODE)


def query_words(text: str) -> list[str]:
    """The words of a query: letters and digits only, at most MAX_WORDS."""
    return WORD.findall(text)[:MAX_WORDS]


def _crude_stem(word: str) -> str:
    """For containment on SQLite: «дроби» → «дроб», «класса» → «клас»."""
    word = _fold(word)
    if len(word) >= 6 and word.isalpha():
        return word[:-2]
    if len(word) == 5 and word.isalpha():
        return word[:-1]
    return word


@dataclass
class SearchFilters:
    subject_id: int | None = None
    grade_slug: str = ""
    since: datetime.datetime | None = None
    # Academic hours, inclusive. They narrow only the entries that carry
    # hours (courses): the other kinds' tabs and counts stay as they are.
    hours_min: int | None = None
    hours_max: int | None = None


@dataclass
class SearchResults:
    """The matches of one kind, ranked, and the count of every kind."""

    entries: QuerySet
    kind: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    similar: bool = False  # found by trigram similarity, not by the words
    # The query under the index's generation: pages of it are kept by that.
    digest: str = ""

    def page(self, start: int, stop: int) -> list[SearchEntry]:
        """Ranked entries ``start:stop``, kept like the counts until the
        index changes: every member sees the same results."""
        if not self.digest:
            return list(self.entries[start:stop])
        return cache.get_or_set(
            f"search:page:{self.digest}:{self.kind}:{start}:{stop}",
            lambda: list(self.entries[start:stop]),
            COUNTS_TIMEOUT,
        )


def _visible(user) -> QuerySet:
    return SearchEntry.objects.filter(audience.readable(user))


def _filtered(entries: QuerySet, filters: SearchFilters) -> QuerySet:
    if filters.subject_id:
        entries = entries.filter(subjects__contains=f",{filters.subject_id},")
    if filters.grade_slug:
        entries = entries.filter(grades__contains=f",{filters.grade_slug},")
    if filters.since:
        entries = entries.filter(date__gte=filters.since)
    if filters.hours_min is not None:
        entries = entries.filter(
            Q(hours__gte=filters.hours_min) | Q(hours__isnull=True)
        )
    if filters.hours_max is not None:
        entries = entries.filter(
            Q(hours__lte=filters.hours_max) | Q(hours__isnull=True)
        )
    return entries


def _tsquery(words: list[str], *, prefix: bool = True) -> SearchQuery:
    # Each word a stemmed prefix, all required: «дроби» matches «дробные».
    # (Without ``prefix`` each a whole stem: fewer matches, found faster.)
    suffix = ":*" if prefix else ""
    return SearchQuery(
        " & ".join(f"{word}{suffix}" for word in words),
        config="russian",
        search_type="raw",
    )


# A word's prefix is matched through the indexed words it begins when they
# are at most this many (``_prefixes_spelled``); past that, as a prefix. At
# a million entries 2-25 words spelled beat their prefix (17.9 → 14.0 ms
# with «урок»), 111 or 234 lose to it by 3-4× (34 → 147 ms, 124 → 420 ms).
SPELLED_LIMIT = 32
LEXEME = re.compile(r"[^\W_]+")


def _prefixes_spelled(words: list[str], using: str = "default") -> str:
    """The query of ``_tsquery(words)`` with each prefix spelled out as the
    indexed words it begins (``SearchWord``): «дроб:* & 5:* & класс:*»
    becomes «(дроб | дробн) & (5 | 5а | 5б) & (класс | классн)». The same
    entries match (but a number, which begins no other number), while the
    GIN index skips through whole words, where a
    prefix makes it gather every entry of every word it begins first
    (several common prefixes together: seconds at a million entries). Two
    small queries: the words' stems, then the words each stem begins. A
    stem that begins no known word, or more than SPELLED_LIMIT, stays a
    prefix. Returns the query's text in the ``simple`` configuration (the
    lexemes are the index's own: not stemmed again), or "" where it cannot
    be spelled (then ``_tsquery`` as it is). Read from ``using``, the
    database the search reads (a replica's words are its entries' words)."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT tsvector_to_array(to_tsvector('russian', word)) "
            "FROM unnest(%s::text[]) WITH ORDINALITY AS query(word, place) "
            "ORDER BY place",
            [words],
        )
        stems = [list(row[0]) for row in cursor.fetchall()]
        known = sorted({stem for group in stems for stem in group})
        begun: dict[str, list[str]] = {stem: [] for stem in known}
        if known:
            # A number begins no other number: «5» finds «5а» and «5-го»,
            # not «50» or «512».
            one = (
                "(SELECT %s, word FROM community_searchword WHERE word LIKE %s "
                "AND (%s OR substr(word, %s, 1) !~ '[0-9]') "
                "ORDER BY word LIMIT %s)"
            )
            params = []
            for stem in known:
                # Letters and digits only (``LEXEME``, checked below); a
                # wildcard in a stem would be taken literally all the same.
                pattern = re.sub(r"([\\%_])", r"\\\1", stem) + "%"
                numeral = stem[-1].isdigit()
                params += [stem, pattern, not numeral, len(stem) + 1]
                params.append(SPELLED_LIMIT + 1)
            cursor.execute(" UNION ALL ".join([one] * len(known)), params)
            for stem, word in cursor.fetchall():
                begun[stem].append(word)
    terms = []
    for group in stems:
        for stem in group:
            spelled = begun[stem]
            if not all(map(LEXEME.fullmatch, [stem, *spelled])):
                return ""  # a lexeme the raw syntax would misread
            if 0 < len(spelled) <= SPELLED_LIMIT:
                terms.append("(" + " | ".join(spelled) + ")")
            else:
                terms.append(f"{stem}:*")
    return " & ".join(terms)  # none for stop words only: as before


def _matching(entries: QuerySet, words: list[str], digest: str = "") -> QuerySet:
    """The entries with every word, unordered (counted, then ranked by kind).

    On PostgreSQL the prefixes spelled out (``_prefixes_spelled``), kept
    like the counts under the query's ``digest``."""
    if connection.vendor == "postgresql":
        spelled = (
            cache.get_or_set(
                f"search:spelled:{digest}",
                lambda: _prefixes_spelled(words, entries.db),
                COUNTS_TIMEOUT,
            )
            if digest
            else _prefixes_spelled(words, entries.db)
        )
        if not spelled:
            return entries.filter(search_vector=_tsquery(words))
        return entries.filter(
            search_vector=SearchQuery(spelled, config="simple", search_type="raw")
        )
    for word in words:
        entries = entries.filter(folded__contains=_crude_stem(word))
    return entries


def _ranked(entries: QuerySet, words: list[str], *, capped: bool = False) -> QuerySet:
    """Matches of one kind by relevance (weights: title, tags, text), then
    freshness; on SQLite by freshness alone.

    Ranking reads every match's vector: past COUNT_LIMIT matches (``capped``,
    a kind whose count stopped there) only the COUNT_LIMIT newest are
    ranked, as many as its pages show (a common word's newest are found
    through the (kind, date) index, without reading every match)."""
    if connection.vendor != "postgresql":
        return entries.order_by("-date", "-pk")
    if capped:
        newest = entries.order_by("-date", "-pk").values("pk")[:COUNT_LIMIT]
        entries = SearchEntry.objects.filter(pk__in=newest)
    return entries.annotate(
        rank=SearchRank(F("search_vector"), _tsquery(words))
    ).order_by("-rank", "-date", "-pk")


def _similar(entries: QuerySet, text: str) -> QuerySet:
    if connection.vendor != "postgresql":
        return entries.none()
    return entries.filter(title__trigram_word_similar=text)


def search(
    *, text: str, user, kind: str | None = None, filters: SearchFilters | None = None
) -> SearchResults:
    """Search what ``user`` may see; ``kind`` picks the tab (None: the first with hits).

    Two queries: the counts per kind (each stopping past COUNT_LIMIT), then
    (paginated by the caller) the ranked entries of one kind; on PostgreSQL
    two small ones more the first time a query is asked while the index is
    unchanged (its prefixes spelled out, ``_prefixes_spelled``). Raises nothing
    on odd input: no words, no results.
    """
    filters = filters or SearchFilters()
    words = query_words(text[:MAX_QUERY_LENGTH])
    base = _filtered(_visible(user), filters)
    if not words:
        return SearchResults(entries=base.none())
    similar = False
    key = (
        tuple(words),
        filters.subject_id,
        filters.grade_slug,
        filters.since.date() if filters.since else None,
        filters.hours_min,
        filters.hours_max,
        user.is_authenticated,
        # What a member finds depends on their groups (``community.audience``):
        # members of the same groups (most often none) share the results.
        audience.groups_kept(user),
    )
    digest = _digest(key)
    matched = _matching(base, words, digest)
    exact = None
    if connection.vendor == "postgresql":
        exact = base.filter(search_vector=_tsquery(words, prefix=False))
    counts = _counts_cached(matched, digest, exact)
    ranked = _ranked
    if not counts:
        matched = _similar(base, " ".join(words))
        digest = _digest(("similar", *key))
        counts = _counts_cached(matched, digest)
        similar = bool(counts)
        ranked = _by_date
    if kind is None:
        kind = next((item.key for item in search_kinds() if counts.get(item.key)), "")
    return SearchResults(
        entries=ranked(
            matched.filter(kind=kind),
            words,
            capped=count_capped(counts.get(kind, 0)),
        ),
        kind=kind,
        counts=counts,
        similar=similar,
        digest=digest,
    )


def _by_date(entries: QuerySet, words: list[str], *, capped: bool = False) -> QuerySet:
    return entries.order_by("-date", "-pk")


def _counts(entries: QuerySet, exact: QuerySet | None = None) -> dict[str, int]:
    """How many entries of each kind match, each counted up to COUNT_LIMIT
    + 1 (``count_capped``): one query, each kind's count stopping there, so a
    frequent word reads a thousand rows of each kind, not all it is in.

    ``exact``, when given, is a subset of ``entries`` that is cheaper to find
    (the words as whole stems: the GIN index skips through their entries,
    where a prefix gathers every word it begins first): a kind it already
    fills past the limit is not counted again."""
    keys = [item.key for item in search_kinds()]
    if not keys:
        return {}
    parts, params = [], []
    for key in keys:
        try:
            sql, more = _capped_count(entries.filter(kind=key))
            if exact is not None:
                quick, quick_params = _capped_count(exact.filter(kind=key))
                sql = f"CASE WHEN {quick} > %s THEN %s ELSE {sql} END"
                more = (*quick_params, COUNT_LIMIT, COUNT_LIMIT + 1, *more)
        except EmptyResultSet:  # nothing can match (``QuerySet.none()``)
            return {}
        parts.append(sql)
        params.extend(more)
    with connections[entries.db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {key: count for key, count in zip(keys, row, strict=True) if count}


def _capped_count(entries: QuerySet) -> tuple[str, tuple]:
    """SQL counting ``entries`` up to COUNT_LIMIT + 1, and its parameters."""
    capped = entries.order_by().values("pk")[: COUNT_LIMIT + 1]
    sql, params = capped.query.get_compiler(using=entries.db).as_sql()
    # The SQL is Django's own, compiled above; the values are parameters.
    return f"(SELECT COUNT(*) FROM ({sql}) AS capped)", tuple(params)  # noqa: S608


def count_capped(count: int) -> bool:
    """Whether a kind's count stopped at the limit: more than COUNT_LIMIT."""
    return count > COUNT_LIMIT


# Counting every match of a frequent word would read every row it is in: a
# kind's count stops past COUNT_LIMIT (shown «1 000+», its pages end there,
# as large sites do). The counts of a query (and its pages,
# ``SearchResults.page``) are kept until the index changes (a generation
# number that the change functions move on with every index write), so
# paging and switching tabs reuse them.
GENERATION_KEY = "search:generation"
COUNTS_TIMEOUT = 10 * 60
COUNT_LIMIT = 1000
# Named for the change functions, which move it on with the index's writes.
SEARCH_COUNTS = GENERATION_KEY


def _digest(key: tuple) -> str:
    generation = generation_of(GENERATION_KEY)
    return hashlib.sha256(repr((generation, key)).encode()).hexdigest()[:32]


def _counts_cached(
    entries: QuerySet, digest: str, exact: QuerySet | None = None
) -> dict[str, int]:
    return cache.get_or_set(
        f"search:counts:{digest}", lambda: _counts(entries, exact), COUNTS_TIMEOUT
    )


def snippet(entry: SearchEntry, words: list[str]) -> SafeString:
    """Some words around the first match, escaped, with the matches marked."""
    text = entry.body or entry.tags
    if not text:
        return format_html("")
    stems = [_crude_stem(word) for word in words if word]
    lowered = text.lower().replace("ё", "е")
    if len(lowered) != len(text):  # a letter whose lower case is longer
        lowered = text
    start = min(
        (found for found in (lowered.find(stem) for stem in stems) if found >= 0),
        default=0,
    )
    begin = max(0, start - SNIPPET_LENGTH // 3)
    if begin:
        space = text.find(" ", begin)
        begin = space + 1 if 0 <= space < start else begin
    piece = text[begin : begin + SNIPPET_LENGTH]
    folded_piece = lowered[begin : begin + SNIPPET_LENGTH]
    marks = sorted(
        (match.start(), match.end())
        for stem in stems
        if stem
        for match in re.finditer(re.escape(stem), folded_piece)
    )
    # Plain strings are escaped by format_html; the marks are built by it.
    parts: list[str] = ["… " if begin else ""]
    position = 0
    for mark_start, mark_end in marks:
        if mark_start < position:
            continue
        # The mark runs to the end of the word: «дроб» marks «дробные».
        while mark_end < len(piece) and piece[mark_end].isalnum():
            mark_end += 1
        parts.append(piece[position:mark_start])
        parts.append(format_html("<mark>{}</mark>", piece[mark_start:mark_end]))
        position = mark_end
    parts.append(piece[position:])
    parts.append(" …" if begin + SNIPPET_LENGTH < len(text) else "")
    return format_html("{}" * len(parts), *parts)


def since_for(period: str) -> datetime.datetime | None:
    days = {"week": 7, "month": 31, "year": 366}.get(period)
    return timezone.now() - datetime.timedelta(days=days) if days else None


__all__ = [
    "SearchDocument",
    "SearchFilters",
    "SearchKind",
    "plain_text",
    "search",
    "search_index",
    "search_index_many",
    "search_rebuild",
    "search_reindex_containing",
    "search_reindex_objects",
    "search_remove",
    "searchable_register",
    "snippet",
]
