"""Reads for the forums' index and a section's page, lean enough for pages
every member opens.

Their rows are kept rendered (``list_fragments``), so what is left of a
page's time is mostly its queries, and building a query in the ORM cost
more than running it: a section's topics read as models took 5.5 ms of CPU,
as ``values()`` 1.5–2.3 ms, as the SQL below 0.3 ms. Hence the section and
its topic rows read with SQL written out here (names from the models'
metadata, values as parameters), only the columns a row's key needs, and
the member's state — do they moderate or watch the section, how far did
they read each topic — read with the page's rows.

What is kept in the cache under generations (the visible topics per
section) and what a kept row is rendered from (the topics of rows not kept)
is read from the primary: a replica that has not yet replayed a change
(``community.dbrouter``) would keep the old state under the new generation.
"""

import datetime
import json
from dataclasses import dataclass
from functools import cache as once

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, connections, router
from django.db.models import Count, IntegerField
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.urls import reverse

from community import audience
from community.changes import LIST_PAGES, PUBLIC_PAGES
from community.generations import generations
from forums.models import Section, SectionWatch, Topic, TopicRead
from forums.permissions import can_read_section

# What a topic row shows of the topic itself (``list_fragments.topic_rows``):
# by its name on a ``TopicRow`` (and on a ``Topic``), the model's field. The
# names and pictures of its author and last poster come with the models when
# a row is rendered, and are known unchanged by their cards' versions.
ROW_FIELDS = {
    "pk": "id",
    "title": "title",
    "kind": "kind",
    "accepted_post_id": "accepted_post",
    "is_pinned": "is_pinned",
    "is_locked": "is_locked",
    "reply_count": "reply_count",
    "view_count": "view_count",
    "last_post_at": "last_post_at",
    "author_id": "author",
    "last_poster_id": "last_poster",
}


@dataclass(frozen=True, slots=True)
class TopicRow:
    """A topic as a section's list reads it: ``ROW_FIELDS`` and the member's
    read position (None: never opened, or a visitor)."""

    pk: int
    title: str
    kind: str
    accepted_post_id: int | None
    is_pinned: bool
    is_locked: bool
    reply_count: int
    view_count: int
    last_post_at: datetime.datetime
    author_id: int
    last_poster_id: int | None
    last_read: int | None = None


# How many topics of each section its list shows, kept until a write that
# may change it: every change function of the forums moves the lists'
# generation or everything's (``forums.changes``).
VISIBLE_KEY = "forums:visible-topics:v1"
VISIBLE_UNDER = (LIST_PAGES, PUBLIC_PAGES)
VISIBLE_TIMEOUT = 10 * 60


def _quote(model, field: str | None = None) -> str:
    quote = connection.ops.quote_name
    if field is None:
        return quote(model._meta.db_table)
    return quote(model._meta.get_field(field).column)


def _moment(value) -> datetime.datetime:
    """A moment as the ORM gives it (aware, UTC) from a raw row: SQLite's
    driver gives it naive."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value


@dataclass(frozen=True)
class SectionLink:
    """A section as another section's page links to it: its parent in the
    breadcrumbs, its subsections."""

    pk: int
    slug: str
    title: str

    def get_absolute_url(self) -> str:
        return reverse("forums:section", kwargs={"slug": self.slug})


@once
def _section_sql() -> str:
    """A section by its address (the third parameter) with its parent's
    address and title, its subsections in order as a JSON list of [pk,
    address, title], and whether the member (the first two) moderates and
    watches it."""
    table = _quote(Section)
    pk, parent = _quote(Section, "id"), _quote(Section, "parent")
    slug, title = _quote(Section, "slug"), _quote(Section, "title")
    columns = f"kid.{pk}, kid.{slug}, kid.{title}"
    order = f"kid.{_quote(Section, 'position')}, kid.{title}"
    children = f"FROM {table} kid WHERE kid.{parent} = this.{pk}"
    if connection.vendor == "postgresql":
        listed = (
            f"SELECT COALESCE(json_agg(json_build_array({columns}) ORDER BY {order}),"
            f" '[]')::text {children}"
        )
    else:
        listed = (
            f"SELECT json_group_array(json_array({columns})) "  # noqa: S608
            f"FROM (SELECT {columns} {children} ORDER BY {order}) kid"
        )
    moderators = Section.moderators.through

    def exists(model) -> str:
        return (
            f"EXISTS (SELECT 1 FROM {_quote(model)} "  # noqa: S608
            f"WHERE {_quote(model, 'section')} = this.{pk} "
            f"AND {_quote(model, 'user')} = %s)"
        )

    return (
        f"SELECT this.*, up.{slug} AS parent_slug, up.{title} AS parent_title, "  # noqa: S608
        f"({listed}) AS children_json, "
        f"{exists(moderators)} AS user_moderates, "
        f"{exists(SectionWatch)} AS viewer_watching "
        f"FROM {table} this LEFT JOIN {table} up ON up.{pk} = this.{parent} "
        f"WHERE this.{slug} = %s"
    )


def section_for_page(*, slug: str, user) -> Section:
    """The section of a section's page, or 404 (``can_read_section``), in
    one query: with its parent (``parent_link``, a ``SectionLink`` or None),
    its subsections in order (``children_listed``) and what the page asks
    about the member — do they moderate it (answered for
    ``can_moderate_section``), do they watch it (``viewer_watching``)."""
    member = user.pk if user.is_authenticated else None
    # Names from the models' metadata; the values are parameters.
    found = list(Section.objects.raw(_section_sql(), [member, member, slug]))
    if not found:
        raise Http404
    section = found[0]
    if user.is_authenticated:
        # can_moderate_section reads its answer from here: no second query.
        section.__dict__.setdefault("_moderator_answers", {})[user.pk] = bool(
            section.user_moderates
        )
    if not can_read_section(user, section):
        raise Http404
    section.parent_link = (
        SectionLink(section.parent_id, section.parent_slug, section.parent_title)
        if section.parent_id is not None
        else None
    )
    section.children_listed = [
        SectionLink(*child) for child in json.loads(section.children_json or "[]")
    ]
    section.viewer_watching = bool(section.viewer_watching)
    return section


def visible_topic_counts() -> dict[int, int]:
    """How many topics of each section its list shows (neither hidden nor
    waiting for a moderator): one COUNT over all topics, kept in the cache
    with the generations it was counted under — read first, so that a change
    committed meanwhile leaves it behind."""
    found = cache.get_many([*VISIBLE_UNDER, VISIBLE_KEY])
    kept = found.get(VISIBLE_KEY)
    versions = tuple(found.get(key) for key in VISIBLE_UNDER)
    if kept is not None and kept[0] == versions:
        return kept[1]
    if None in versions:
        started = generations(VISIBLE_UNDER)
        versions = tuple(started[key] for key in VISIBLE_UNDER)
    counts = dict(
        Topic.objects.using(DEFAULT_DB_ALIAS)
        .filter(is_hidden=False, is_pending=False)
        .order_by()
        .values("section_id")
        .annotate(total=Count("pk"))
        .values_list("section_id", "total")
    )
    cache.set(VISIBLE_KEY, (versions, counts), VISIBLE_TIMEOUT)
    return counts


@once
def _rows_sql(member: bool) -> str:
    """A section's shown topics, pinned first, then by their last message:
    ``ROW_FIELDS`` and the member's read position (``last_read``, the first
    parameter; None: never opened); then the section, how many, from
    where."""
    topic, read = _quote(Topic), _quote(TopicRead)
    columns = ", ".join(
        f"{topic}.{_quote(Topic, field)}" for field in ROW_FIELDS.values()
    )
    last_read = "NULL"
    if member:
        last_read = (
            f"(SELECT {read}.{_quote(TopicRead, 'last_read_number')} "  # noqa: S608
            f"FROM {read} WHERE {read}.{_quote(TopicRead, 'topic')} = "
            f"{topic}.{_quote(Topic, 'id')} "
            f"AND {read}.{_quote(TopicRead, 'user')} = %s)"
        )
    return (
        f"SELECT {columns}, {last_read} FROM {topic} "  # noqa: S608
        f"WHERE {topic}.{_quote(Topic, 'section')} = %s "
        f"AND NOT {topic}.{_quote(Topic, 'is_hidden')} "
        f"AND NOT {topic}.{_quote(Topic, 'is_pending')} "
        f"ORDER BY {topic}.{_quote(Topic, 'is_pinned')} DESC, "
        f"{topic}.{_quote(Topic, 'last_post_at')} DESC, "
        f"{topic}.{_quote(Topic, 'id')} DESC "
        f"LIMIT %s OFFSET %s"
    )


class SectionRows:
    """A section's shown topics as ``TopicRow``s, pinned first, for
    ``CountedPaginator``: a slice is one query."""

    def __init__(self, *, section: Section, user) -> None:
        self.section = section
        self.user = user

    def __getitem__(self, window: slice) -> list[TopicRow]:
        member = self.user.is_authenticated
        params = [self.user.pk] if member else []
        params += [self.section.pk, window.stop - window.start, window.start]
        with connections[router.db_for_read(Topic)].cursor() as cursor:
            cursor.execute(_rows_sql(member), params)
            return [
                TopicRow(
                    pk,
                    title,
                    kind,
                    accepted,
                    bool(pinned),
                    bool(locked),
                    replies,
                    views,
                    _moment(last_post_at),
                    author,
                    last_poster,
                    last_read,
                )
                for (
                    pk,
                    title,
                    kind,
                    accepted,
                    pinned,
                    locked,
                    replies,
                    views,
                    last_post_at,
                    author,
                    last_poster,
                    last_read,
                ) in cursor
            ]


def topics_for_rows(*, pks: list[int], user) -> dict[int, Topic]:
    """The topics of rows to render, with their author's and last poster's
    profiles and the member's progress as ``selectors._with_read`` gives it
    (``last_read``, ``new_replies``), from the primary (see the module's
    text)."""
    topics = (
        Topic.objects.using(DEFAULT_DB_ALIAS)
        .filter(pk__in=pks)
        .select_related("author__profile", "last_poster__profile")
    )
    if user.is_authenticated:
        topics = topics.annotate(
            last_read=RawSQL(  # noqa: S611 - names from the models, a parameter
                f"SELECT {_quote(TopicRead, 'last_read_number')} "  # noqa: S608
                f"FROM {_quote(TopicRead)} "
                f"WHERE {_quote(TopicRead, 'topic')} = {_quote(Topic)}."
                f"{_quote(Topic, 'id')} AND {_quote(TopicRead, 'user')} = %s",
                (user.pk,),
                output_field=IntegerField(),
            )
        )
    found = {}
    for topic in topics:
        topic.last_read = getattr(topic, "last_read", None)
        topic.new_replies = (
            None if topic.last_read is None else topic.reply_count + 1 - topic.last_read
        )
        found[topic.pk] = topic
    return found


@once
def _site_sections_sql() -> str:
    """The site's own sections (a community's are shown on its page), in
    the model's order."""
    table = _quote(Section)
    return (
        f"SELECT * FROM {table} "  # noqa: S608
        f"WHERE {table}.{_quote(Section, 'group_id')} IS NULL "
        f"ORDER BY {table}.{_quote(Section, 'position')}, "
        f"{table}.{_quote(Section, 'title')}"
    )


@once
def _member_counts_sql() -> str:
    """Per section, how many shown topics the member (the first parameter)
    has read to the end ("read"), and how many shown topics have posts since
    a moment (the second) and are not read to the end ("new"; the member is
    the third)."""
    topic, read = _quote(Topic), _quote(TopicRead)
    pk = f"{topic}.{_quote(Topic, 'id')}"
    section = f"{topic}.{_quote(Topic, 'section')}"
    replies = f"{topic}.{_quote(Topic, 'reply_count')}"
    shown = (
        f"NOT {topic}.{_quote(Topic, 'is_hidden')} "
        f"AND NOT {topic}.{_quote(Topic, 'is_pending')}"
    )
    through = (
        f"{read}.{_quote(TopicRead, 'topic')} = {pk} "
        f"AND {read}.{_quote(TopicRead, 'user')} = %s "
        f"AND {read}.{_quote(TopicRead, 'last_read_number')} > {replies}"
    )
    return (
        f"SELECT 'read', {section}, COUNT(*) "  # noqa: S608
        f"FROM {read} JOIN {topic} ON {through} WHERE {shown} GROUP BY {section} "
        f"UNION ALL "
        f"SELECT 'new', {section}, COUNT(*) FROM {topic} "
        f"WHERE {topic}.{_quote(Topic, 'last_post_at')} > %s AND {shown} "
        f"AND NOT EXISTS (SELECT 1 FROM {read} WHERE {through}) "
        f"GROUP BY {section}"
    )


@dataclass(frozen=True)
class ForumsIndex:
    """The forums' index: the site's top-level sections in order, each with
    its subsections in order (``children_listed``) and, on each, how many of
    its topics are unread for the member (``unread``); and for a member how
    many topics are new since their last visit (``new_count``)."""

    sections: list[Section]
    new_count: int | None


def forums_index(*, user, since: datetime.datetime | None) -> ForumsIndex:
    """The forums' index for ``user`` (``since``: where "new since my last
    visit" starts, ``selectors.new_since``; None for a visitor): the
    sections in one query, the member's counts in a second, the shown topics
    per section kept (``visible_topic_counts``).

    A topic is unread when the member never opened it or has not reached its
    last post, as ``selectors.unread_counts_by_section`` counted each topic:
    here the shown topics less those read to the end, from the member's own
    reads. The new ones are ``selectors.topic_list_new``'s, in the sections
    the member may read (``community.audience``: a community's sections are
    asked about only when one has new topics)."""
    sections = list(Section.objects.raw(_site_sections_sql()))
    read_through: dict[int, int] = {}
    new: dict[int, int] = {}
    if user.is_authenticated:
        moment = connection.ops.adapt_datetimefield_value(since)
        with connections[router.db_for_read(Topic)].cursor() as cursor:
            cursor.execute(_member_counts_sql(), [user.pk, moment, user.pk])
            for kind, section, total in cursor:
                (read_through if kind == "read" else new)[section] = total
    visible = visible_topic_counts() if user.is_authenticated else {}
    children: dict[int, list[Section]] = {}
    for section in sections:
        section.unread = max(
            visible.get(section.pk, 0) - read_through.get(section.pk, 0), 0
        )
        if section.parent_id is not None:
            children.setdefault(section.parent_id, []).append(section)
    top = [section for section in sections if section.parent_id is None]
    for section in top:
        section.children_listed = children.get(section.pk, [])
    new_count = None
    if user.is_authenticated:
        readable = _readable(user, sections, list(new))
        new_count = sum(total for pk, total in new.items() if pk in readable)
    return ForumsIndex(sections=top, new_count=new_count)


def _readable(user, known: list[Section], wanted: list[int]) -> set[int]:
    """Which of the sections ``wanted`` the member may read: the site's own
    as their audience says (``community.audience.may_read``: no query), a
    community's in one query."""
    site = {section.pk: section for section in known}
    readable = {
        pk
        for pk in wanted
        if pk in site and audience.may_read(user, site[pk].audience, site[pk].group_id)
    }
    others = [pk for pk in wanted if pk not in site]
    if others:
        readable |= set(
            Section.objects.filter(pk__in=others)
            .filter(audience.readable(user))
            .values_list("pk", flat=True)
        )
    return readable
