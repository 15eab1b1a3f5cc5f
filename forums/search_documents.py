"""How forum topics and replies read for the site search."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from community.audience import Audience
from community.search import SearchDocument, SearchKind, plain_text, searchable_register


def _topic_visible(topic) -> bool:
    return not (topic.is_hidden or topic.is_pending or topic.merged_into_id)


def _readers(section) -> dict:
    """Who may find a topic or a reply: its section's readers
    (``community.audience``)."""
    group = section.audience == Audience.GROUP
    return {
        "members_only": section.audience == Audience.MEMBERS,
        # A group's section without its group (never made so) is nobody's: 0.
        "group_id": (section.group_id or 0) if group else None,
    }


def topic_document(topic) -> SearchDocument | None:
    if not _topic_visible(topic):
        return None
    opening = getattr(topic, "opening_posts", None)
    if opening is None:
        opening = list(topic.posts.filter(number=1))
    body = plain_text(opening[0].body_html) if opening else ""
    return SearchDocument(
        title=topic.title,
        url=topic.get_absolute_url(),
        date=topic.created_at,
        body=body,
        tags=[tag.name for tag in topic.tags.all()],
        subject_ids=[topic.section.subject_id] if topic.section.subject_id else [],
        author_id=topic.author_id,
        **_readers(topic.section),
    )


def post_document(post) -> SearchDocument | None:
    # The opening post is searched with its topic.
    topic = post.topic
    if post.number == 1 or post.is_hidden or post.is_deleted or post.is_pending:
        return None
    if not _topic_visible(topic):
        return None
    return SearchDocument(
        title=f"{topic.title} — #{post.number}",
        title_weight="D",
        url=post.get_absolute_url(),
        date=post.created_at,
        body=plain_text(post.body_html),
        subject_ids=[topic.section.subject_id] if topic.section.subject_id else [],
        author_id=post.author_id,
        **_readers(topic.section),
    )


def register() -> None:
    from forums.models import Post, Topic

    searchable_register(
        SearchKind(
            key="topics",
            label=_("Forum topics"),
            model=Topic,
            document=topic_document,
            queryset=lambda: Topic.objects.select_related("section").prefetch_related(
                "tags",
                Prefetch(
                    "posts",
                    queryset=Post.objects.filter(number=1),
                    to_attr="opening_posts",
                ),
            ),
            order=10,
        )
    )
    searchable_register(
        SearchKind(
            key="posts",
            label=_("Forum replies"),
            model=Post,
            document=post_document,
            queryset=lambda: Post.objects.filter(number__gt=1).select_related(
                "topic__section"
            ),
            order=20,
        )
    )
