"""What follows a write in the forums: the one place that says it.

The forums' services call these after they change a topic or a post, inside
their transaction, and never the caches, the index or the feed directly
(``forums/tests/test_changes.py``). What a topic and its posts feed:

- **a topic's kept posts** (``versions.topic_pages``): the rendered posts of
  its pages (``fragments``);
- **the search index**: the topic (its opening post is searched as the
  topic) and each reply, with the counts kept of search results;
- **visitors' cached pages** (``community.pagecache``): the topic's own
  pages (``topic_pages``, under which they are kept), its section's and
  the section's above (``section_pages``), the index (``forum_index_pages``)
  and the lists (``LIST_PAGES``: tags) for what happens inside a topic —
  the section above and the index with the counters, which a reply moves
  with its fan-out, not as it is published —, so a reply leaves the
  other topics' and sections' pages, the home page and the profiles kept
  (the home page's newest topics follow an opening post: ``HOME_PAGES``);
  everything (``PUBLIC_PAGES``) when topics move or sections change;
- **the activity feed**: a topic's entry while it is public, a reply's while
  it is shown, an accepted answer's while it is the answer, and only in a
  section everyone may read (the feed is read by anyone): a community's
  section whose readers are fewer has none (``section_audience_changed``);
- **members' evidence of growth** (``community.attainments``): the answers
  of hers accepted (``forums.attainments``), told when an answer is
  accepted or taken back, when the accepted reply is removed, hidden or
  shown again, and when its topic is hidden, moved, merged or split or its
  section's readers change. A reply written or edited tells nothing (and
  asks nothing).

Members' cards and unread counts are not the forums' to move: the accounts
and the notifications do it.
"""

from collections.abc import Iterable

from community import services as community
from community.attainments import attainments_changed
from community.audience import Audience
from community.changes import (
    HOME_PAGES,
    LIST_PAGES,
    PUBLIC_PAGES,
    SEARCH_COUNTS,
    moved,
)
from community.evidence import REPLIED, evidence_record
from community.search import search_audience_set, search_index, search_index_many
from forums import attainments, kinds
from forums.models import Post, Section, Topic
from forums.versions import forum_index_pages, section_pages, topic_pages


def _told(section: Section) -> bool:
    """Whether the activity feed (read by anyone) may tell of the section's
    topics: only when everyone may read them."""
    return section.audience == Audience.EVERYONE


def topic_kept_under(pk: int) -> list[str]:
    """What visitors' pages of a topic are kept under beside ``PUBLIC_PAGES``
    (``community.pagecache.page_scoped``): its own generation, which every
    change function here that changes what they show moves."""
    return [topic_pages(pk)]


def section_kept_under(slug: str) -> list[str]:
    """What visitors' pages of a section are kept under beside
    ``PUBLIC_PAGES`` (``community.pagecache.page_scoped``): its own
    generation, which every change function here that changes its list
    moves with the lists (``_lists``): a reply in one section leaves the
    other sections' pages kept."""
    return [section_pages(slug)]


def index_kept_under() -> list[str]:
    """What the visitors' forums' index is kept under beside ``PUBLIC_PAGES``
    (``community.pagecache.page_scoped``): its own generation, which every
    change function here that changes the sections' counters moves
    (``_lists``): not a reply just published, whose counters follow with the
    fan-out."""
    return [forum_index_pages()]


def _lists(*topics: Topic, counters: bool = True) -> list[str]:
    """The visitors' lists that show these topics: the lists kept under
    ``LIST_PAGES`` (tags) and each topic's section's page; with ``counters``
    (the sections' counters may have changed), the page of the section above
    it, which shows its subsections' counters, and the forums' index. No
    query where the topics came with their sections (and those with their
    parents), one otherwise."""
    slugs: set[str] = set()
    unknown: set[int] = set()
    for topic in topics:
        section = topic.section if Topic.section.is_cached(topic) else None
        if section is None or (
            counters and section.parent_id and not Section.parent.is_cached(section)
        ):
            unknown.add(topic.section_id)
            continue
        slugs.add(section.slug)
        if counters and section.parent_id:
            slugs.add(section.parent.slug)
    if unknown:
        fields = ("slug", "parent__slug") if counters else ("slug",)
        chains = Section.objects.filter(pk__in=unknown).values_list(*fields)
        slugs.update(slug for chain in chains for slug in chain if slug)
    return [
        LIST_PAGES,
        *(section_pages(slug) for slug in sorted(slugs)),
        *([forum_index_pages()] if counters else []),
    ]


def post_changed(post: Post) -> None:
    """A post was written, edited, approved, refused or removed: its topic's
    kept posts, its search entry (the opening post's is the topic's), the
    search counts and visitors' pages: the topic's, and the lists (not the
    other topics' pages); an opening post's, the home page's too, which lists
    the newest topics."""
    opening = post.number == 1
    search_index(post.topic if opening else post)
    moved(
        topic_pages(post.topic_id),
        SEARCH_COUNTS,
        *_lists(post.topic),
        *([HOME_PAGES] if opening else []),
    )


def reply_published(post: Post) -> None:
    """A reply was published as it was written (``post_create``): its
    topic's kept posts and visitors' pages at once, so readers see it. Its
    search entry, its feed entry and the search counts follow about a second
    later with the topic's fan-out, which tells its watchers
    (``replies_announced``): one batch for a burst of replies instead of a
    write of each in the request that holds the topic. Other topics' and
    sections' pages stay kept for visitors, and the index and the section
    above until the fan-out moves the counters (``_lists``)."""
    moved(topic_pages(post.topic_id), *_lists(post.topic, counters=False))


def replies_announced(replies: list[Post]) -> None:
    """The fan-out claimed these published replies, still shown (a reply
    hidden or removed meanwhile is not among them): their search entries in
    one batch, their feed entries (while everyone may read the section),
    the search counts and visitors' pages (the section's counters moved with
    them: ``services.fanout``)."""
    if not replies:
        return
    search_index_many(replies)
    evidence_record(
        REPLIED,
        [(reply.author_id, reply.topic_id) for reply in replies if reply.author_id],
    )
    for reply in replies:
        if _told(reply.topic.section):
            community.activity_record(
                actor=reply.author,
                kind=kinds.REPLY_ACTIVITY,
                target=reply,
                title=reply.topic.title,
                url=reply.get_absolute_url(),
                at=reply.created_at,
            )
    moved(SEARCH_COUNTS, *_lists(*(reply.topic for reply in replies)))


def post_visibility_changed(post: Post) -> None:
    """A post became public or stopped being shown (published, hidden,
    restored, removed): its feed entry follows it, then ``post_changed``;
    the accepted answer's author's evidence (no query for any other)."""
    if post.number > 1 and post.topic.accepted_post_id == post.pk:
        attainments_changed([post.author_id])
    if post.number == 1:
        _topic_feed(post.topic)
    elif (
        post.is_pending
        or post.is_hidden
        or post.is_deleted
        or not _told(post.topic.section)
    ):
        community.activity_remove(kind=kinds.REPLY_ACTIVITY, target=post)
        community.activity_remove(kind=kinds.ANSWER_ACTIVITY, target=post)
    else:
        # Replies reach the author's followers only: a subject's feed stays
        # readable.
        community.activity_record(
            actor=post.author,
            kind=kinds.REPLY_ACTIVITY,
            target=post,
            title=post.topic.title,
            url=post.get_absolute_url(),
        )
    post_changed(post)


def post_shown_changed(post: Post) -> None:
    """What a post's pages show beside its text changed (its reactions): its
    topic's kept posts and visitors' pages (its own and the lists); the
    index holds no counts."""
    moved(topic_pages(post.topic_id), *_lists(post.topic))


def topic_state_changed(topic: Topic) -> None:
    """Pinned, locked, moved to other moderators: who may reply and what the
    lists show. Its kept posts and visitors' pages (its own and the
    lists)."""
    moved(topic_pages(topic.pk), *_lists(topic))


def topic_visibility_changed(topic: Topic) -> None:
    """A topic became public or stopped being (published, hidden, restored,
    merged away): its feed entry follows it, and its replies' search entries
    follow it with its own (``topics_rearranged``)."""
    _topic_feed(topic)
    topics_rearranged(topic)


def topics_rearranged(*topics: Topic, answers_moved: Iterable[int] = ()) -> None:
    """Posts moved between topics (merged, split) or a topic to another
    section: each topic's kept posts, the search entries of the topics and
    every reply in them, the search counts and visitors' pages. A topic now
    in a section whose readers are fewer than everyone leaves the feed with
    its replies and answer. The evidence of the authors of the topics'
    accepted answers, and of ``answers_moved`` (answers that lost their mark
    with the posts moved)."""
    attainments_changed(
        attainments.authors_of(
            [*answers_moved, *(topic.accepted_post_id for topic in topics)]
        )
    )
    untold = [topic.pk for topic in topics if not _told(topic.section)]
    if untold:
        _feed_remove(untold, Post.objects.filter(topic__in=untold).values("pk"))
    search_index_many(
        [
            *topics,
            *Post.objects.filter(topic__in=topics, number__gt=1).select_related(
                "topic__section"
            ),
        ]
    )
    moved(*(topic_pages(topic.pk) for topic in topics), SEARCH_COUNTS, PUBLIC_PAGES)


def answer_changed(topic: Topic, *, previous: Post | None) -> None:
    """The question's accepted answer changed from ``previous``: the feed's
    answer entries follow, then the topic's kept posts and visitors' pages;
    the evidence of the authors of both answers."""
    answer = topic.accepted_post
    attainments_changed(
        [post.author_id for post in (previous, answer) if post is not None]
    )
    if previous is not None and previous != answer:
        community.activity_remove(kind=kinds.ANSWER_ACTIVITY, target=previous)
    if answer is not None and _told(topic.section):
        section = topic.section
        community.activity_record(
            actor=answer.author,
            kind=kinds.ANSWER_ACTIVITY,
            target=answer,
            title=topic.title,
            url=answer.get_absolute_url(),
            subjects=[section.subject] if section.subject_id else [],
        )
    topic_state_changed(topic)


def section_changed() -> None:
    """A section was made or changed: the forums' index and lists on
    visitors' pages."""
    moved(PUBLIC_PAGES)


def section_audience_changed(section: Section) -> bool:
    """Who may read a section changed (a community's, following its
    visibility): at once, the search entries of its topics and replies take
    the new readers (one UPDATE per kind, the texts unchanged) and, unless
    everyone may read it now, its topics, replies and answers leave the
    activity feed; when everyone may, they are owed back: True, and the
    service asks for the task that records them after commit
    (``services.section_feed_record``). Then the search counts and visitors'
    pages, and the evidence of the authors of its accepted answers. The
    topics' kept posts are the same for every reader (who may read them is
    asked before): they stay."""
    topics = Topic.objects.filter(section=section).values("pk")
    replies = Post.objects.filter(topic__section=section, number__gt=1).values("pk")
    for model, rows in ((Topic, topics), (Post, replies)):
        search_audience_set(
            model, rows, audience=section.audience, group_id=section.group_id
        )
    owed = _told(section)
    if not owed:
        _feed_remove(topics, replies)
    moved(SEARCH_COUNTS, PUBLIC_PAGES)
    # An answer's title and link are shown only where everyone may read it.
    attainments_changed(attainments.answerers_in(section))
    return owed


def topic_moved(topic: Topic, *, previous: Section) -> bool:
    """A topic moved to another section (``topics_rearranged``); from a
    section whose readers are fewer to one everyone reads, its feed entries
    are owed back: True, and the service asks for the task after commit."""
    topics_rearranged(topic)
    return _told(topic.section) and not _told(previous)


def topics_feed_record(topics) -> int:
    """Put ``topics`` (a queryset) back in the activity feed with their shown
    replies and accepted answers, at the times they were written: those
    public in a section everyone may read (the caller holds the sections'
    rows). Recording one twice is harmless. Returns how many were recorded."""
    public = topics.filter(
        section__audience=Audience.EVERYONE,
        is_hidden=False,
        is_pending=False,
        merged_into__isnull=True,
    )
    topics = list(
        public.select_related(
            "author", "accepted_post__author", "section__subject"
        ).order_by("pk")
    )
    titles = {topic.pk: topic.title for topic in topics}
    count = 0
    for topic in topics:
        section = topic.section
        subjects = [section.subject] if section.subject_id else []
        community.activity_record(
            actor=topic.author,
            kind=kinds.TOPIC_ACTIVITY,
            target=topic,
            title=topic.title,
            url=topic.get_absolute_url(),
            subjects=subjects,
            at=topic.created_at,
        )
        answer = topic.accepted_post
        if answer is not None and _shown(answer):
            community.activity_record(
                actor=answer.author,
                kind=kinds.ANSWER_ACTIVITY,
                target=answer,
                title=topic.title,
                url=answer.get_absolute_url(),
                subjects=subjects,
                at=answer.created_at,
            )
            count += 1
    replies = (
        Post.objects.filter(
            topic__in=public.values("pk"),
            number__gt=1,
            is_pending=False,
            is_hidden=False,
            is_deleted=False,
        )
        .select_related("author")
        .order_by("pk")
    )
    for reply in replies.iterator(chunk_size=500):
        community.activity_record(
            actor=reply.author,
            kind=kinds.REPLY_ACTIVITY,
            target=reply,
            title=titles[reply.topic_id],
            url=reply.get_absolute_url(),
            at=reply.created_at,
        )
        count += 1
    return count + len(topics)


def _shown(post: Post) -> bool:
    return not (post.is_pending or post.is_hidden or post.is_deleted)


def _feed_remove(topic_ids, post_ids) -> None:
    """Topics (and replies, answers) out of the feed: one statement per kind
    of target, whatever their number (``topic_ids``, ``post_ids``: lists or
    subqueries of primary keys)."""
    community.activity_remove_many(
        kinds=[kinds.TOPIC_ACTIVITY], model=Topic, target_ids=topic_ids
    )
    community.activity_remove_many(
        kinds=[kinds.REPLY_ACTIVITY, kinds.ANSWER_ACTIVITY],
        model=Post,
        target_ids=post_ids,
    )


def _topic_feed(topic: Topic) -> None:
    """A topic's entry is in the feed while the topic is public, in a
    section everyone may read."""
    if (
        topic.is_hidden
        or topic.is_pending
        or topic.merged_into_id
        or not _told(topic.section)
    ):
        community.activity_remove(kind=kinds.TOPIC_ACTIVITY, target=topic)
        return
    section = topic.section
    community.activity_record(
        actor=topic.author,
        kind=kinds.TOPIC_ACTIVITY,
        target=topic,
        title=topic.title,
        url=topic.get_absolute_url(),
        subjects=[section.subject] if section.subject_id else [],
    )
