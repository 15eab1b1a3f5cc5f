"""What courses count toward a member's growth (``community.attainments``).

- ``course_certificate``: the course certificates she holds, with their
  verification codes and academic hours (the three-year rule of professional
  development counts from the latest);
- ``course_authored``: the courses she wrote (author or co-author) that
  everyone may read, published or archived;
- ``course_review_written``: the expert reviews of courses she wrote, shown
  as a count only (as the library's ``review_written``): each carries neither
  the course nor its authors, so that a blind review stays blind;
- suggestions: published courses open for enrolment.

A course hidden by a moderator counts for nobody, and so does a review
hidden by one. Whose items a write changed is told by ``courses.changes``
(``holders``, ``authors``, ``reviewers``, ``reviewer_of``).
"""

from collections.abc import Iterator

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from community.attainments import (
    ATTAINMENT_LIMIT,
    Attainment,
    Suggestion,
    attainment_source_register,
    suggestion_source_register,
    tagged,
)
from courses.models import (
    Course,
    CourseCertificate,
    CourseReview,
    Enrolment,
    ReviewAssignment,
)

SHOWN = (Course.Status.PUBLISHED, Course.Status.ARCHIVED)


def _authored_by(user) -> Q:
    return Q(author=user) | Q(
        pk__in=Course.coauthors.through.objects.filter(user=user).values("course_id")
    )


def certificates(user) -> list[Attainment]:
    """Her course certificates, the latest completed first: one query."""
    found = (
        CourseCertificate.objects.filter(user=user, course__is_hidden=False)
        .select_related("course")
        .order_by("-completed_at", "-pk")[:ATTAINMENT_LIMIT]
    )
    return [
        Attainment(
            key=certificate.code,
            title=certificate.course_title,
            url=(
                certificate.course.get_absolute_url()
                if certificate.course.status in SHOWN
                else ""
            ),
            occurred_at=certificate.completed_at,
            code=certificate.code,
            verify_url=reverse("certificate_verify", args=[certificate.code]),
            hours=certificate.hours,
        )
        for certificate in found
    ]


def authored(user) -> list[Attainment]:
    """The courses she wrote that everyone may read, the latest published
    first: one query."""
    found = Course.objects.filter(
        _authored_by(user), status__in=SHOWN, is_hidden=False
    ).order_by("-published_at", "-pk")[:ATTAINMENT_LIMIT]
    return [
        Attainment(
            key=str(course.pk),
            title=course.title,
            url=course.get_absolute_url(),
            occurred_at=course.published_at or course.created_at,
        )
        for course in found
    ]


def reviews(user) -> list[Attainment]:
    """The expert reviews of courses she wrote (a course's review before it
    opens, whatever was decided), not hidden, of courses not hidden, the
    latest first: one query. No title names the course."""
    found = (
        CourseReview.objects.filter(
            assignment__reviewer=user,
            is_hidden=False,
            assignment__round__course__is_hidden=False,
        )
        .order_by("-submitted_at", "-pk")
        .values_list("pk", "submitted_at")[:ATTAINMENT_LIMIT]
    )
    title = gettext("An expert review of a colleague's course")
    return [
        Attainment(key=str(pk), title=title, url="", occurred_at=submitted_at)
        for pk, submitted_at in found
    ]


def reviewers(course: Course) -> Iterator[int]:
    """The experts who wrote a review of it, read when iterated (one
    query)."""
    yield from ReviewAssignment.objects.filter(
        round__course_id=course.pk, review__isnull=False
    ).values_list("reviewer_id", flat=True)


def reviewer_of(review: CourseReview) -> Iterator[int]:
    """The expert who wrote it (a query unless its assignment is loaded)."""
    if CourseReview.assignment.is_cached(review):
        yield review.assignment.reviewer_id
        return
    yield from ReviewAssignment.objects.filter(pk=review.assignment_id).values_list(
        "reviewer_id", flat=True
    )


def holders(course: Course) -> Iterator[int]:
    """Those who hold its certificate, read when iterated (one query; none
    for a course never published: it has no certificates)."""
    if course.status not in SHOWN:
        return
    yield from CourseCertificate.objects.filter(course_id=course.pk).values_list(
        "user_id", flat=True
    )


def authors(course: Course) -> Iterator[int]:
    """Its author and co-authors while it counts as written (published or
    archived), read when iterated (one query for the co-authors)."""
    if course.status not in SHOWN:
        return
    yield course.author_id
    yield from Course.coauthors.through.objects.filter(course_id=course.pk).values_list(
        "user_id", flat=True
    )


def _open_for_enrolment(now) -> Q:
    """Self-paced, or a cohort whose enrolment window is open now
    (``permissions.enrolment_window_open`` as a query)."""
    return Q(format=Course.Format.SELF_PACED) | (
        (Q(enrolment_opens_at__isnull=True) | Q(enrolment_opens_at__lte=now))
        & (Q(enrolment_closes_at__isnull=True) | Q(enrolment_closes_at__gt=now))
        & (Q(ends_at__isnull=True) | Q(ends_at__gt=now))
    )


def _detail(course: Course) -> str:
    hours = ngettext(
        "%(hours)d academic hour", "%(hours)d academic hours", course.hours
    ) % {"hours": course.hours}
    if course.is_cohort and course.starts_at:
        when = gettext("from %(date)s") % {
            "date": date_format(timezone.localtime(course.starts_at), "j E")
        }
    else:
        when = str(course.get_format_display())
    return f"{hours} · {when}"


def suggest(
    tags: list[str],
    subject_ids: list[int],
    user,
    limit: int,
    exclude_keys: frozenset[str] = frozenset(),
) -> list:
    """Published courses open for enrolment carrying any of ``tags`` in
    ``subject_ids``; not hers, not those she is enrolled in or completed,
    not those ``exclude_keys`` names; the newest first, shared out by tag.
    One query (``tagged``)."""
    courses = Course.objects.published().filter(_open_for_enrolment(timezone.now()))
    if subject_ids:
        courses = courses.filter(subject_id__in=subject_ids)
    if user.is_authenticated:
        courses = courses.exclude(_authored_by(user)).exclude(
            pk__in=Enrolment.objects.filter(user=user)
            .exclude(status=Enrolment.Status.DROPPED)
            .values("course_id")
        )
    courses = courses.order_by("-published_at", "-pk")
    return [
        Suggestion(
            kind="course",
            object_key=f"courses.course:{course.pk}",
            title=course.title,
            url=course.get_absolute_url(),
            tags=names,
            detail=_detail(course),
        )
        for course, names in tagged(courses, tags, limit, exclude_keys)
    ]


def register() -> None:
    attainment_source_register(
        key="course_certificate",
        title=_("Courses completed"),
        order=10,
        items=certificates,
    )
    attainment_source_register(
        key="course_authored",
        title=_("Courses written"),
        order=15,
        items=authored,
    )
    attainment_source_register(
        key="course_review_written",
        title=_("Expert reviews of courses written"),
        order=36,
        items=reviews,
        as_count=True,
    )
    suggestion_source_register(key="courses", order=10, suggest=suggest)
