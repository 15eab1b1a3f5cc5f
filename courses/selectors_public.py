"""Reads for channels anyone may read: the RSS feed, a tag's page and feed,
the sitemap, the digest, the portfolio.

A course is public while it is published and not hidden by a moderator
(``Course.objects.published()``): drafts, courses in review, archived and
hidden ones never reach these channels. Courses have no audience of their
own: a published course is everyone's.
"""

from django.db.models import QuerySet

from community.tagged import tagged
from courses.models import Course


def _for_feed(courses: QuerySet[Course], limit: int) -> list[Course]:
    """Newest first, with the author's profile and the tags: 2 queries."""
    return list(
        courses.select_related("author__profile")
        .prefetch_related("tags")
        .order_by("-published_at", "-pk")[:limit]
    )


def courses_new(*, limit: int) -> list[Course]:
    """The newest public courses (the RSS feed)."""
    return _for_feed(Course.objects.published(), limit)


def courses_new_with_tag(*, tag, limit: int) -> list[Course]:
    """The newest public courses carrying ``tag`` (the tag's feed)."""
    return _for_feed(tagged(Course.objects.published(), tag), limit)


def course_list_for_tag(*, tag) -> QuerySet[Course]:
    """Public courses carrying ``tag``, newest first, with what a tag page's
    row shows (the author's profile, the subject): one query a page."""
    return (
        tagged(Course.objects.published(), tag)
        .select_related("author__profile", "subject")
        .order_by("-published_at", "-pk")
    )


def courses_for_sitemap() -> QuerySet[Course]:
    return Course.objects.published().order_by("pk").only("pk", "slug", "updated_at")
