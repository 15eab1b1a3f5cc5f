"""Reads for forum pages; each owns its joins."""

import datetime
import json
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from accounts.models import Block, Bookmark
from community import audience, pending
from community.page_blocks import page_block_annotations
from community.paging import CountedPaginator
from community.tagged import tagged
from forums.models import (
    Post,
    Reaction,
    Section,
    TagWatch,
    Topic,
    TopicRead,
    TopicWatch,
)
from forums.permissions import can_read_section, can_view_topic

# Without an earlier visit, "new" means the last days.
NEW_WITHOUT_VISIT = datetime.timedelta(days=7)

POSTS_PER_PAGE = 20

# Topic page views wait in the cache (``community.pending``) until
# ``services.topic_views_flush`` adds them to ``Topic.view_count``.
TOPIC_VIEWS = "forums.topic-views"


def _readable_topics(user) -> QuerySet[Topic]:
    """Topics of the sections ``user`` may read (``community.audience``)."""
    return Topic.objects.filter(audience.readable(user, "section__"))


def _with_read(topics: QuerySet[Topic], user) -> QuerySet[Topic]:
    """Each topic with the member's read position (``last_read``: None, never
    opened) and how many posts follow it (``new_replies``: None, never opened;
    0 or less, read to the end): a topic's posts are numbered from 1, its
    opening post and then its ``reply_count`` replies."""
    if not user.is_authenticated:
        return topics.annotate(
            last_read=Value(None, output_field=IntegerField()),
            new_replies=Value(None, output_field=IntegerField()),
        )
    topics = topics.annotate(
        last_read=Subquery(
            TopicRead.objects.filter(user=user, topic=OuterRef("pk")).values(
                "last_read_number"
            )[:1]
        )
    )
    return topics.annotate(
        new_replies=ExpressionWrapper(
            F("reply_count") + 1 - F("last_read"), output_field=IntegerField()
        )
    )


def topic_list_for_section(*, section: Section, user) -> QuerySet[Topic]:
    """The section's visible topics, pinned first, each with the reader's progress."""
    topics = (
        Topic.objects.filter(section=section, is_hidden=False, is_pending=False)
        .select_related("author__profile", "last_poster__profile")
        .order_by("-is_pinned", "-last_post_at", "-pk")
    )
    return _with_read(topics, user)


def topic_list_unanswered(*, user) -> QuerySet[Topic]:
    """Questions that have no accepted answer yet, newest first."""
    topics = (
        _readable_topics(user)
        .filter(
            kind=Topic.Kind.QUESTION,
            accepted_post__isnull=True,
            is_hidden=False,
            is_pending=False,
        )
        .select_related("section", "author__profile", "last_poster__profile")
        .order_by("-created_at", "-pk")
    )
    return _with_read(topics, user)


def questions_waiting(*, user, subject_ids: list[int], limit: int) -> list[Topic]:
    """Questions no one has answered yet, for the member's home page.

    Waiting means: a public question (not hidden, not held for a moderator),
    open for replies (not locked), with no accepted answer and no published
    reply, asked by someone else. In the member's subjects (a section's, or
    its parent section's, subject) or, when she named none, anywhere; newest
    first. One query.
    """
    topics = (
        _readable_topics(user)
        .filter(
            kind=Topic.Kind.QUESTION,
            accepted_post__isnull=True,
            reply_count=0,
            is_hidden=False,
            is_pending=False,
            is_locked=False,
        )
        # Questions the member may answer: none in a read-only section, in a
        # community's only for its members.
        .filter(
            Q(section__group_id__isnull=True)
            | Q(section__group_id__in=audience.groups_of(user))
        )
        .exclude(section__is_read_only=True)
        .exclude(author=user)
        .select_related("section")
        .only("pk", "title", "created_at", "section__title", "section__slug")
    )
    if subject_ids:
        topics = topics.filter(
            Q(section__subject_id__in=subject_ids)
            | Q(section__parent__subject_id__in=subject_ids)
        )
    return list(topics.order_by("-created_at", "-pk")[:limit])


def _name(model, field: str | None = None) -> str:
    """A table's (or, with ``field``, a column's) quoted name, for raw SQL."""
    quote = connection.ops.quote_name
    if field is None:
        return quote(model._meta.db_table)
    return quote(model._meta.get_field(field).column)


def _raw(sql: str, params: tuple, output_field) -> RawSQL:
    # Names from the models' metadata (``_name``), values as parameters:
    # nothing of a request is ever part of the text.
    return RawSQL(sql, params, output_field=output_field)  # noqa: S611


def _tags_json(this_topic: str) -> RawSQL:
    """The topic's tags as a JSON list of [name, slug] (``topic_tags`` sorts)."""
    tag, item = _name(Tag), _name(TaggedItem)
    name, slug = f"{tag}.{_name(Tag, 'name')}", f"{tag}.{_name(Tag, 'slug')}"
    joined = (
        f"FROM {item} "
        f"JOIN {tag} ON {tag}.{_name(Tag, 'id')} = {item}.{_name(TaggedItem, 'tag')} "
        f"WHERE {item}.{_name(TaggedItem, 'object_id')} = {this_topic} "
        f"AND {item}.{_name(TaggedItem, 'content_type')} = %s"
    )
    if connection.vendor == "postgresql":
        pairs = f"COALESCE(json_agg(json_build_array({name}, {slug})), '[]')::text"
    else:
        pairs = f"json_group_array(json_array({name}, {slug}))"
    listed = f"SELECT {pairs} {joined}"
    return _raw(listed, (ContentType.objects.get_for_model(Topic).pk,), TextField())


def _blocked_json(user) -> RawSQL:
    """Whom the member has blocked, as a JSON list of ids (their posts fold)."""
    blocked = f"{_name(Block)}.{_name(Block, 'blocked')}"
    where = f"FROM {_name(Block)} WHERE {_name(Block, 'blocker')} = %s"
    if connection.vendor == "postgresql":
        listed = f"SELECT COALESCE(json_agg({blocked}), '[]')::text {where}"
    else:
        listed = f"SELECT json_group_array({blocked}) {where}"
    return _raw(listed, (user.pk,), TextField())


@dataclass(frozen=True)
class TagShown:
    name: str
    slug: str


def topic_tags(topic: Topic) -> list[TagShown]:
    """The topic's tags, by name: from ``topic_get(for_page=True)``'s query."""
    pairs = json.loads(topic.tags_json)
    return sorted((TagShown(*pair) for pair in pairs), key=lambda tag: tag.name)


def _viewer_annotations(topics: QuerySet[Topic], user) -> QuerySet[Topic]:
    """What the topic page asks about the member, read with the topic itself:
    how far they have read, whether they watch it, bookmarked it or moderate
    its section, and the number of its last post (the services number posts
    without gaps, so it is the count; should a post row ever be deleted, e.g.
    with its author's account by a superuser, pages are ranges of numbers all
    the same, one of them a post shorter).

    Written as SQL: as ORM subqueries, building them cost more than running
    them (the topic read took 3.8–4.1 ms so, 1.7–1.9 ms as SQL).
    """
    topic, topic_id = _name(Topic), _name(Topic, "id")
    this_topic = f"{topic}.{topic_id}"
    post = _name(Post)
    topics = topics.annotate(
        post_total=_raw(
            f"SELECT {_name(Post, 'number')} FROM {post} "  # noqa: S608
            f"WHERE {_name(Post, 'topic')} = {this_topic} "
            f"ORDER BY {_name(Post, 'number')} DESC LIMIT 1",
            (),
            output_field=IntegerField(),
        ),
        tags_json=_tags_json(this_topic),
    )
    if not user.is_authenticated:
        return topics
    moderators = Section.moderators.through

    def exists(model, where: str, params: tuple) -> RawSQL:
        return _raw(
            f"EXISTS (SELECT 1 FROM {_name(model)} WHERE {where})",  # noqa: S608
            params,
            output_field=BooleanField(),
        )

    return topics.annotate(
        viewer_blocked_json=_blocked_json(user),
        viewer_read_to=_raw(
            f"SELECT {_name(TopicRead, 'last_read_number')} "  # noqa: S608
            f"FROM {_name(TopicRead)} "
            f"WHERE {_name(TopicRead, 'topic')} = {this_topic} "
            f"AND {_name(TopicRead, 'user')} = %s",
            (user.pk,),
            output_field=IntegerField(),
        ),
        viewer_watching=exists(
            TopicWatch,
            f"{_name(TopicWatch, 'topic')} = {this_topic} "
            f"AND {_name(TopicWatch, 'user')} = %s",
            (user.pk,),
        ),
        viewer_bookmarked=exists(
            Bookmark,
            f"{_name(Bookmark, 'object_id')} = {this_topic} "
            f"AND {_name(Bookmark, 'content_type')} = %s "
            f"AND {_name(Bookmark, 'user')} = %s",
            (ContentType.objects.get_for_model(Topic).pk, user.pk),
        ),
        viewer_moderates=exists(
            moderators,
            f"{_name(moderators, 'section')} = {topic}.{_name(Topic, 'section')} "
            f"AND {_name(moderators, 'user')} = %s",
            (user.pk,),
        ),
    )


def topic_get(
    *, pk: int, user, follow_merged: bool = False, for_page: bool = False
) -> Topic:
    """The topic the member may see, or 404.

    With ``follow_merged``, a merged topic gives the topic it went into (the
    caller redirects there). With ``for_page``, the topic carries what its page
    asks about the member (``topic_page``), in the same query.
    """
    if for_page:
        # The page reads the section only; the rest is annotations, with
        # what other apps' blocks on the page read beside the topic
        # (``community.page_blocks``: a poll).
        topics = _viewer_annotations(Topic.objects.select_related("section"), user)
        blocks = page_block_annotations(page="forums.topic", viewer=user)
        if blocks:
            topics = topics.annotate(**blocks)
    else:
        # The checks read the section (its moderators); a write re-reads the
        # rest under its lock.
        topics = Topic.objects.select_related("section")
    topics = topics.order_by()  # one row by its key: nothing to sort

    def one(key: int) -> Topic | None:
        found = topics.filter(pk=key)[:1]
        return found[0] if found else None

    topic = one(pk)
    for _hop in range(5):
        if topic is None or not (follow_merged and topic.merged_into_id):
            break
        topic = one(topic.merged_into_id)
    if topic is not None and getattr(topic, "viewer_moderates", None) is not None:
        # The permission checks ask this once per post: answer from the query.
        topic.section.__dict__["_moderator_answers"] = {user.pk: topic.viewer_moderates}
    if topic is None or not can_view_topic(user, topic):
        raise Http404
    return topic


def _with_authors(posts: QuerySet[Post]) -> QuerySet[Post]:
    from community.models import BadgeAward

    featured = BadgeAward.objects.filter(
        is_featured=True, revoked_at__isnull=True
    ).select_related("badge")
    return posts.select_related("author__profile").prefetch_related(
        Prefetch("author__badge_awards", queryset=featured, to_attr="featured_badges")
    )


def post_list_for_topic(*, topic: Topic) -> QuerySet[Post]:
    """The topic's posts with their authors and the badges they chose to show."""
    return _with_authors(Post.objects.filter(topic=topic))


# What a topic page shows of a post and its author: not the Markdown source,
# nor the rest of the member's profile (the rows are read twenty at a time).
PAGE_FIELDS = (
    "topic_id",
    "number",
    "body_html",
    "is_deleted",
    "is_hidden",
    "is_pending",
    "created_at",
    "edited_at",
    "thanks_count",
    "useful_count",
    "author__username",
    "author__profile__user_id",
    "author__profile__display_name",
    "author__profile__avatar",
    "author__profile__is_hidden",
    "author__profile__deleted_at",
)


class _NumberedPaginator(CountedPaginator):
    """A topic's posts are numbered 1..count without gaps: the count is known
    and a page is a range of numbers. Its ``object_list`` is those numbers;
    ``topic_page_posts`` reads the posts (an index range, not an OFFSET)."""

    def page(self, number) -> Page:
        number = self.validate_number(number)
        first = (number - 1) * self.per_page
        last = min(first + self.per_page, self.count)
        return self._get_page(range(first + 1, last + 1), number, self)


def topic_page_get(*, topic: Topic, page_number) -> Page:
    """The page of a topic read with ``topic_get(for_page=True)``, without
    reading its posts: the count is the last post's number, and ``last``
    (or a number past the end) is the last page."""
    paginator = _NumberedPaginator((), POSTS_PER_PAGE, count=topic.post_total or 0)
    if page_number == "last":
        page_number = paginator.num_pages
    return paginator.get_page(page_number)


@dataclass(frozen=True)
class TopicViewer:
    """What a topic page shows of the member's own dealings with the topic."""

    last_read: int | None
    is_watching: bool
    is_bookmarked: bool
    blocked: frozenset[int]  # whose posts fold for them


def topic_viewer(topic: Topic) -> TopicViewer:
    """Read from the annotations of ``topic_get(for_page=True)``."""
    blocked = getattr(topic, "viewer_blocked_json", None)
    return TopicViewer(
        last_read=getattr(topic, "viewer_read_to", None),
        is_watching=bool(getattr(topic, "viewer_watching", False)),
        is_bookmarked=bool(getattr(topic, "viewer_bookmarked", False)),
        blocked=frozenset(json.loads(blocked)) if blocked else frozenset(),
    )


@dataclass(frozen=True)
class TopicPosts:
    posts: list[Post]
    accepted_answer: Post | None
    opening_post: Post | None


def _shown_on(topic: Topic, page: Page) -> Q:
    """The posts a page shows: its range of numbers, and on the first page
    the accepted answer."""
    first = (page.number - 1) * POSTS_PER_PAGE
    shown = Q(number__gt=first, number__lte=first + POSTS_PER_PAGE)
    if topic.accepted_post_id and page.number == 1:
        shown |= Q(pk=topic.accepted_post_id)
    return shown


def topic_page_authors(*, topic: Topic, page: Page) -> set[int]:
    """Who wrote the posts a page shows (one narrow query)."""
    return set(
        Post.objects.filter(_shown_on(topic, page), topic=topic).values_list(
            "author_id", flat=True
        )
    )


def topic_page_posts(*, topic: Topic, page: Page) -> TopicPosts:
    """The posts of a page (``topic_page_get``), the accepted answer (shown
    after the opening post) and the opening post (for the page's description)
    in one query, their authors' badges in a second."""
    first = (page.number - 1) * POSTS_PER_PAGE
    wanted = _shown_on(topic, page) | Q(number=1)
    loaded = list(
        _with_authors(Post.objects.filter(wanted, topic=topic)).only(*PAGE_FIELDS)
    )
    for post in loaded:
        post.topic = topic  # the permission checks per post read the topic's section
    opening = next((post for post in loaded if post.number == 1), None)
    if opening is not None and (
        opening.is_deleted or opening.is_hidden or opening.is_pending
    ):
        opening = None
    accepted = None
    if page.number == 1:
        accepted = next(
            (post for post in loaded if post.pk == topic.accepted_post_id), None
        )
    return TopicPosts(
        posts=[
            post for post in loaded if first < post.number <= first + POSTS_PER_PAGE
        ],
        accepted_answer=accepted,
        opening_post=opening,
    )


def page_of_post(post: Post) -> int:
    return (post.number - 1) // POSTS_PER_PAGE + 1


def read_position(*, topic: Topic, user) -> int | None:
    """The number of the last post the member has read; None: never opened."""
    if not user.is_authenticated:
        return None
    return (
        TopicRead.objects.filter(topic=topic, user=user)
        .values_list("last_read_number", flat=True)
        .first()
    )


def reactions_by_number(*, topic: Topic, user, numbers) -> dict[int, set[str]]:
    """The kinds of reaction the member gave to the topic's posts ``numbers``,
    by post number: one query."""
    reacted: dict[int, set[str]] = {}
    if not user.is_authenticated:
        return reacted
    for number, kind in Reaction.objects.filter(
        user=user, post__topic=topic, post__number__in=list(numbers)
    ).values_list("post__number", "kind"):
        reacted.setdefault(number, set()).add(kind)
    return reacted


def last_read_number(*, topic: Topic, user) -> int:
    return read_position(topic=topic, user=user) or 0


def topic_views(*, topic: Topic) -> int:
    """Views written so far plus those waiting in the cache: one cache read."""
    return topic.view_count + pending.counter_pending(TOPIC_VIEWS, topic.pk)


def unread_counts_by_section(*, user) -> dict[int, int]:
    """For the section list: how many topics of each section have unread posts.

    A topic is unread when the member never opened it or has not reached its
    last post. One query for all sections.
    """
    if not user.is_authenticated:
        return {}
    reads = TopicRead.objects.filter(user=user, topic=OuterRef("pk")).values(
        "last_read_number"
    )[:1]
    rows = (
        Topic.objects.filter(is_hidden=False, is_pending=False)
        .annotate(read_to=Subquery(reads))
        .filter(Q(read_to__isnull=True) | Q(read_to__lte=F("reply_count")))
        .values("section_id")
        .annotate(unread=Count("pk"))
        .order_by()
    )
    return {row["section_id"]: row["unread"] for row in rows}


def _listed(topics: QuerySet[Topic], user) -> QuerySet[Topic]:
    """Public topics of the sections ``user`` may read, for lists across
    sections."""
    return (
        topics.filter(audience.readable(user, "section__"))
        .filter(is_hidden=False, is_pending=False)
        .select_related("section", "author__profile", "last_poster__profile")
    )


def new_since(user) -> datetime.datetime:
    """Where "new since my last visit" starts for the member."""
    if user.previous_visit_at is not None:
        return user.previous_visit_at
    return timezone.now() - NEW_WITHOUT_VISIT


def topic_list_new(*, user, since: datetime.datetime) -> QuerySet[Topic]:
    """Topics with posts since ``since`` that the member has not read to the end."""
    topics = _with_read(
        _listed(Topic.objects.filter(last_post_at__gt=since), user), user
    )
    return topics.filter(
        Q(last_read__isnull=True) | Q(last_read__lte=F("reply_count"))
    ).order_by("-last_post_at", "-pk")


def topic_list_for_tag(*, tag, user) -> QuerySet[Topic]:
    topics = _listed(tagged(Topic.objects.all(), tag), user)
    return _with_read(topics, user).order_by("-last_post_at", "-pk")


def is_watching_tag(*, tag, user) -> bool:
    if not user.is_authenticated:
        return False
    return TagWatch.objects.filter(tag=tag, user=user).exists()


def sections_moderated_by(user) -> QuerySet[Section]:
    """The sections the member may move topics into."""
    sections = Section.objects.order_by("position", "title")
    if user.is_superuser or user.has_perm("forums.change_topic"):
        return sections
    return sections.filter(moderators=user)


def section_open_reports(*, section: Section):
    """Open reports on the posts and topics of one section, newest first."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    from community.models import Report

    post_type, topic_type = ContentType.objects.get_for_models(Post, Topic).values()
    return (
        Report.objects.filter(status=Report.Status.OPEN)
        .filter(
            Q(
                target_type=post_type,
                target_id__in=Post.objects.filter(topic__section=section).values("pk"),
            )
            | Q(
                target_type=topic_type,
                target_id__in=Topic.objects.filter(section=section).values("pk"),
            )
        )
        .select_related("reporter__profile")
        .order_by("-created_at", "-pk")
    )


def section_for_writing(*, slug: str, user) -> Section:
    """The section a member writes in or watches, or 404 when they may not
    read it (a community's section for those outside it)."""
    section = Section.objects.filter(slug=slug).first()
    if section is None or not can_read_section(user, section):
        raise Http404
    return section
