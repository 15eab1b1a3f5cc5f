"""What follows a write in courses: the one place that says it.

The courses' services call these after they change a course, its units, its
learners or its review, inside their transaction, and never the caches, the
index or the feed directly (``courses/tests/test_changes.py``). What a course
feeds:

- **the search index**: its entry while it is published and not hidden
  (``search_documents``), with the counts kept of search results;
- **visitors' cached pages** (``community.pagecache``): the catalogue, its
  page and programme, the tag pages and the home page, which show its title,
  cover, units and hours, authors, dates, places left and waitlist, status;
- **members' kept catalogue cards and course pages** (``list_fragments``): kept
  under its course's own version (``course_kept_under``), which
  ``course_changed`` (and so every change of what a card or a page's kept
  parts show: its fields, co-authors, grades, tags, cover, hiding,
  archiving) moves on; the places taken are in a card's key;
- **the activity feed**: its entry while it is published and not hidden;
- **followers of the author**: told once, when the course is first
  published;
- **members' evidence of growth** (``community.attainments``): the
  certificates a learner holds, the courses an author wrote, the expert
  reviews of courses a reviewer wrote (``courses.attainments``), told when a
  certificate is issued, a course becomes public or stops being, its title
  or its authors change, a review is written, hidden or shown again.

A learner's progress shows only on signed-in pages (never cached); the
members' notifications move their own unread counts (``community.notify``);
badges are the community layer's to move.
"""

from collections.abc import Iterable
from itertools import chain

from django.contrib.auth import get_user_model

from community import services as community
from community.attainments import attainments_changed
from community.changes import PUBLIC_PAGES, SEARCH_COUNTS, moved
from community.search import search_index
from courses import attainments, kinds
from courses.models import Course

# The version of a course's kept card and page parts (``list_fragments``).
KEPT_KEY = "courses:kept:{}"


def _is_public(course: Course) -> bool:
    return course.status == Course.Status.PUBLISHED and not course.is_hidden


def course_kept_under(pk: int) -> str:
    """The generation a course's kept card and page parts
    (``list_fragments``) are kept under: moved by every function here that
    changes what they show."""
    return KEPT_KEY.format(pk)


def course_changed(course: Course) -> None:
    """A course was written or edited (its fields, co-authors, units and
    hours), submitted, returned or decided: its search entry (gone while it
    is not public), the search counts, visitors' pages and its kept card and
    page parts."""
    search_index(course)
    moved(SEARCH_COUNTS, PUBLIC_PAGES, course_kept_under(course.pk))


def course_authors_changed(course: Course, *, before: Iterable[int] = ()) -> None:
    """Its title or its authors changed: ``course_changed``, and the
    evidence of those who wrote it, with ``before`` (its co-authors until
    now: one taken off no longer wrote it)."""
    course_changed(course)
    attainments_changed(chain(before, attainments.authors(course)))


def _feed_follows(course: Course) -> None:
    # Its feed entry: there while it is published and not hidden, gone otherwise.
    if _is_public(course):
        community.activity_record(
            actor=course.author,
            kind=kinds.COURSE_ACTIVITY,
            target=course,
            title=course.title,
            url=course.get_absolute_url(),
            subjects=[course.subject],
        )
    else:
        community.activity_remove(kind=kinds.COURSE_ACTIVITY, target=course)


def course_visibility_changed(course: Course) -> None:
    """A course stopped being public or became public again (archived,
    hidden, shown again): its feed entry follows it — there while it is
    published and not hidden, gone otherwise — then ``course_changed``; the
    evidence of its learners (their certificates), authors and reviewers."""
    _feed_follows(course)
    course_changed(course)
    attainments_changed(
        chain(
            attainments.holders(course),
            attainments.authors(course),
            attainments.reviewers(course),
        )
    )


def course_published(course: Course) -> None:
    """A course was published (directly by a trusted author, or after its
    review): ``course_visibility_changed``, and the author's followers hear
    of it (``kinds.NEW_BY_AUTHOR``, in a fixed number of queries however many
    follow)."""
    from accounts.models import Follow

    course_visibility_changed(course)
    if course.is_hidden:
        return
    community.notify_many(
        recipients=get_user_model()
        .objects.filter(
            pk__in=Follow.objects.filter(followee_id=course.author_id).values(
                "follower_id"
            )
        )
        .only("pk", "is_active"),
        kind=kinds.NEW_BY_AUTHOR,
        actor=course.author,
        target=course,
        target_title=course.title,
        url=course.get_absolute_url(),
    )


def enrolments_changed(course: Course) -> None:
    """Someone enrolled, joined the waitlist, dropped out, was moved in from
    the waitlist or completed the course: the places left, the waiting and
    the completions on visitors' pages. The index holds no counts (a kept
    card's key holds the places taken)."""
    moved(PUBLIC_PAGES)


def progress_changed(enrolment) -> None:
    """A learner did a unit (or it was reviewed, returned, accepted): shown
    on the learner's and the authors' signed-in pages only, never cached —
    nothing to move. Called all the same, so that a page made public later
    is moved from here."""


def certificate_issued(certificate) -> None:
    """A certificate was issued: the course's completions and the holder's
    portfolio on visitors' pages, and the holder's evidence of growth."""
    moved(PUBLIC_PAGES)
    attainments_changed([certificate.user_id])


def review_changed(review) -> None:
    """An expert review was written, hidden or shown again: a published
    course's page may say it was reviewed by experts (visitors' pages); the
    reviewer's evidence of growth (``course_review_written``)."""
    moved(PUBLIC_PAGES)
    attainments_changed(attainments.reviewer_of(review))
