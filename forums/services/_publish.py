"""What a post or topic changes once it is public: counters, the author's
watch and the fan-out asked for (its feed entry, index and caches follow in
``forums.changes``)."""

from django.db.models import F
from django.utils import timezone

from community.recognition import badges_check
from forums import kinds
from forums.models import Post, Section, Topic, TopicWatch
from forums.services.fanout import _fanout_enqueue


def _after_post(post: Post, *, quoted: Post | None = None) -> None:
    """What a published post changes at once: the author watches the topic;
    everyone who hears about it is told by a task after commit, so the topic
    stays locked only while the post is numbered and written."""
    badges_check(user=post.author, measures=[kinds.POSTS_MEASURE])
    # One statement, whether or not the author watches already.
    TopicWatch.objects.bulk_create(
        [TopicWatch(user=post.author, topic_id=post.topic_id)], ignore_conflicts=True
    )
    _fanout_enqueue(post.topic_id)


def _topic_published(topic: Topic, post: Post) -> None:
    """Counters, once a topic is public (the watchers of its section and
    tags are told after commit: ``post_published_fanout``)."""
    Section.objects.filter(pk=topic.section_id).update(
        topic_count=F("topic_count") + 1,
        post_count=F("post_count") + 1,
        last_post_at=timezone.now(),
    )
    _after_post(post)


def _reply_published(post: Post, *, quoted: Post | None = None) -> None:
    """The topic's counters and the author's watch; the rest after commit."""
    now = timezone.now()
    Topic.objects.filter(pk=post.topic_id).update(
        reply_count=F("reply_count") + 1, last_post_at=now, last_poster=post.author
    )
    _after_post(post, quoted=quoted)
    # The section's counters follow with the topic's fan-out (``topic_fanout``
    # counts the replies it claims, once each): a burst of replies in the
    # section's topics does not wait in turn for the section's row.
