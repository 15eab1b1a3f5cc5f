"""Reads for feeds, the sitemap, link previews and visitors' home page:
what anyone may see.

A topic is public when its section is everyone's (``community.audience``:
not a community's that only its members, or only signed-in members, read)
and it is neither hidden (merged topics are hidden too) nor waiting for a
moderator; its opening text only when that post is not deleted, hidden or
waiting either.
"""

from django.db.models import OuterRef, Q, QuerySet, Subquery

from community.audience import public
from community.tagged import tagged
from forums.models import Post, Section, Topic


def _public_topics() -> QuerySet[Topic]:
    return Topic.objects.filter(public("section__"), is_hidden=False, is_pending=False)


def _public_sections() -> QuerySet[Section]:
    return Section.objects.filter(public())


def _visible_opening() -> QuerySet[Post]:
    return Post.objects.filter(
        number=1, is_deleted=False, is_hidden=False, is_pending=False
    )


def _for_feed(topics: QuerySet[Topic], limit: int) -> list[Topic]:
    """Newest first, with the author, the tags and the opening text: 2 queries."""
    opening = _visible_opening().filter(topic=OuterRef("pk")).values("body_html")[:1]
    return list(
        topics.select_related("author__profile")
        .prefetch_related("tags")
        .annotate(opening_html=Subquery(opening))
        .order_by("-created_at", "-pk")[:limit]
    )


def topics_latest(*, limit: int) -> list[Topic]:
    """The newest public topics of every section, with their section: one query."""
    return list(
        _public_topics()
        .select_related("section")
        .only("pk", "title", "section__title")
        .order_by("-created_at", "-pk")[:limit]
    )


def topics_new_in_section(*, section: Section, limit: int) -> list[Topic]:
    """The section's newest public topics, its subsections' included."""
    topics = _public_topics().filter(Q(section=section) | Q(section__parent=section))
    return _for_feed(topics, limit)


def topics_new_with_tag(*, tag, limit: int) -> list[Topic]:
    return _for_feed(tagged(_public_topics(), tag), limit)


def section_for_feed(*, slug: str) -> Section:
    """The section by its address, if anyone may read it; raises
    Section.DoesNotExist."""
    return _public_sections().get(slug=slug)


def sections_for_sitemap() -> QuerySet[Section]:
    return _public_sections().order_by("pk")


def topics_for_sitemap() -> QuerySet[Topic]:
    return _public_topics().order_by("pk").only("pk", "last_post_at")
