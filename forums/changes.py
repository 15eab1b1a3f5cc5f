"""What follows a write in the forums: the one place that says it.

The forums' services call these after they change a topic or a post, inside
their transaction, and never the caches, the index or the feed directly
(``forums/tests/test_changes.py``). What a topic and its posts feed:

- **a topic's kept posts** (``versions.topic_pages``): the rendered posts of
  its pages (``fragments``);
- **the search index**: the topic (its opening post is searched as the
  topic) and each reply, with the counts kept of search results;
- **visitors' cached pages** (``community.pagecache``): the section lists,
  the topic pages, the home page;
- **the activity feed**: a topic's entry while it is public, a reply's while
  it is shown, an accepted answer's while it is the answer.

Members' cards and unread counts are not the forums' to move: the accounts
and the notifications do it.
"""

from community import services as community
from community.changes import PUBLIC_PAGES, SEARCH_COUNTS, moved
from community.search import search_index, search_index_many
from forums import kinds
from forums.models import Post, Topic
from forums.versions import topic_pages


def post_changed(post: Post) -> None:
    """A post was written, edited, approved, refused or removed: its topic's
    kept posts, its search entry (the opening post's is the topic's), the
    search counts and visitors' pages."""
    search_index(post.topic if post.number == 1 else post)
    moved(topic_pages(post.topic_id), SEARCH_COUNTS, PUBLIC_PAGES)


def post_visibility_changed(post: Post) -> None:
    """A post became public or stopped being shown (published, hidden,
    restored, removed): its feed entry follows it, then ``post_changed``."""
    if post.number == 1:
        _topic_feed(post.topic)
    elif post.is_pending or post.is_hidden or post.is_deleted:
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
    topic's kept posts and visitors' pages; the index holds no counts."""
    moved(topic_pages(post.topic_id), PUBLIC_PAGES)


def topic_state_changed(topic: Topic) -> None:
    """Pinned, locked, moved to other moderators: who may reply and what the
    lists show. Its kept posts and visitors' pages."""
    moved(topic_pages(topic.pk), PUBLIC_PAGES)


def topic_visibility_changed(topic: Topic) -> None:
    """A topic became public or stopped being (published, hidden, restored,
    merged away): its feed entry follows it, and its replies' search entries
    follow it with its own (``topics_rearranged``)."""
    _topic_feed(topic)
    topics_rearranged(topic)


def topics_rearranged(*topics: Topic) -> None:
    """Posts moved between topics (merged, split) or a topic to another
    section: each topic's kept posts, the search entries of the topics and
    every reply in them, the search counts and visitors' pages."""
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
    answer entries follow, then the topic's kept posts and visitors' pages."""
    answer = topic.accepted_post
    if previous is not None and previous != answer:
        community.activity_remove(kind=kinds.ANSWER_ACTIVITY, target=previous)
    if answer is not None:
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


def _topic_feed(topic: Topic) -> None:
    """A topic's entry is in the feed while the topic is public."""
    if topic.is_hidden or topic.is_pending or topic.merged_into_id:
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
