"""New courses as RSS (``/courses/feed/``); courses in a tag's feed."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from community.excerpts import EXCERPT_LENGTH, shorten
from community.feeds import FEED_ITEMS, EntryFeed, FeedEntry
from courses import selectors_public
from courses.models import Course


def course_entry(course: Course) -> FeedEntry:
    """Reads what ``selectors_public`` loaded: no query.

    The description starts with the course's academic hours, then its
    annotation (plain text as the author wrote it)."""
    head = (
        ngettext("%(hours)d academic hour", "%(hours)d academic hours", course.hours)
        % {"hours": course.hours}
        + " — "
    )
    return FeedEntry(
        title=course.title,
        url=course.get_absolute_url(),
        description=head + shorten(course.annotation, EXCERPT_LENGTH - len(head)),
        author_name=course.author.profile.shown_name,
        # Public courses are published, so they have the date.
        published_at=course.published_at or course.created_at,
        updated_at=course.updated_at,
        categories=[tag.name for tag in course.tags.all()],
    )


def tag_entries(tag, limit: int) -> list[FeedEntry]:
    courses = selectors_public.courses_new_with_tag(tag=tag, limit=limit)
    return [course_entry(course) for course in courses]


class CourseFeed(EntryFeed):
    """``/courses/feed/``: the newest published courses (``CourseFeed(atom=True)``
    gives the same as Atom)."""

    def title(self) -> str:
        return _("New courses on Kollegi")

    def description(self) -> str:
        return _("Courses colleagues made of master-classes, materials and tasks.")

    def link(self) -> str:
        return reverse("courses:catalogue")

    def entries(self, obj) -> list[FeedEntry]:
        courses = selectors_public.courses_new(limit=FEED_ITEMS)
        return [course_entry(course) for course in courses]
