"""Reads for the learner's, the author's, the expert's and the export pages.

Each page's reads are a fixed number of queries however many units,
learners or submissions a course has: lists are paginated
(``COURSES_PER_PAGE``) and carry what their rows show. Nothing here writes.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from community.numbers import MAX_ID
from courses.models import (
    Course,
    CourseCertificate,
    Enrolment,
    PeerReview,
    Progress,
    ReviewAssignment,
    ReviewRound,
    Submission,
    Unit,
)
from courses.permissions import can_see_course


def _page(queryset, number) -> Page:
    return Paginator(queryset, settings.COURSES_PER_PAGE).get_page(number)


def _people() -> QuerySet:
    """Members with their profiles (the names a page shows)."""
    return get_user_model().objects.select_related("profile")


def course_get(*, slug: str, user) -> Course:
    """The course at ``slug`` as ``user`` may see it, else Http404.

    Carries the author's and co-authors' profiles and the subject, so the
    permission predicates and the page's byline ask nothing more (2 queries).
    """
    course = (
        Course.objects.select_related("author__profile", "subject")
        .prefetch_related(
            Prefetch("coauthors", queryset=_people().order_by("pk")),
        )
        .filter(slug=slug)
        .first()
    )
    if course is None or not can_see_course(user, course):
        raise Http404
    return course


def enrolment_of(*, course: Course, user) -> Enrolment | None:
    """The member's enrolment in ``course`` (any status), or None."""
    if not user.is_authenticated:
        return None
    enrolment = Enrolment.objects.filter(course=course, user=user).first()
    if enrolment is not None:
        enrolment.course = course
    return enrolment


# --- The unit page -------------------------------------------------------------


@dataclass
class UnitPage:
    """What the unit page shows besides the unit: the course's outline, where
    this unit stands in it, and the learner's state."""

    unit: Unit
    outline: list[Unit]
    previous: Unit | None
    next: Unit | None
    enrolment: Enrolment | None
    done_ids: set[int] = field(default_factory=set)
    progress: Progress | None = None
    submission: Submission | None = None
    reviews: list[PeerReview] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.unit.pk in self.done_ids


def unit_page(*, course: Course, pk: int, user) -> UnitPage:
    """The unit ``pk`` of ``course`` (Http404 when it is not one of its units)
    with the outline and the learner's progress: at most 6 queries."""
    unit = (
        Unit.objects.select_related(
            "masterclass__subject", "material", "topic__section"
        )
        .filter(course=course, pk=pk)
        .first()
    )
    if unit is None:
        raise Http404
    unit.course = course
    outline = list(
        Unit.objects.filter(course=course)
        .only("pk", "course_id", "position", "kind", "title", "hours", "required")
        .order_by("position", "pk")
    )
    index = next(i for i, row in enumerate(outline) if row.pk == unit.pk)
    page = UnitPage(
        unit=unit,
        outline=outline,
        previous=outline[index - 1] if index > 0 else None,
        next=outline[index + 1] if index + 1 < len(outline) else None,
        enrolment=enrolment_of(course=course, user=user),
    )
    enrolment = page.enrolment
    if enrolment is None or enrolment.status not in Enrolment.HOLDS_A_PLACE:
        return page
    for progress in Progress.objects.filter(enrolment=enrolment):
        if progress.done_at is not None:
            page.done_ids.add(progress.unit_id)
        if progress.unit_id == unit.pk:
            page.progress = progress
    if unit.kind == Unit.Kind.ASSIGNMENT:
        page.submission = Submission.objects.filter(
            unit=unit, enrolment=enrolment
        ).first()
        if page.submission is not None:
            page.reviews = submission_reviews(submission=page.submission, names=False)
    return page


# --- Assignments ---------------------------------------------------------------


def submission_get(*, course: Course, pk: int) -> Submission:
    """A submission to an assignment of ``course``, with the learner's profile
    and the unit (whose course is ``course``, co-authors included), else
    Http404. The caller asks ``can_see_submission``."""
    submission = (
        Submission.objects.select_related("unit", "enrolment__user__profile")
        .filter(unit__course=course, pk=pk)
        .first()
    )
    if submission is None:
        raise Http404
    submission.unit.course = course
    submission.enrolment.course = course
    return submission


def submission_reviews(*, submission: Submission, names: bool) -> list[PeerReview]:
    """The submission's peer reviews shown (newest version first); with the
    reviewers' profiles when ``names``."""
    reviews = submission.reviews.filter(is_hidden=False).order_by(
        "-version", "created_at", "pk"
    )
    if names:
        reviews = reviews.select_related("reviewer__profile")
    reviews = list(reviews)
    for review in reviews:
        # (label, score) per criterion, as the pages list them.
        review.rubric = [
            (label, getattr(review, key)) for key, label in PeerReview.CRITERIA
        ]
    return reviews


def peer_queue(*, course: Course, user, enrolment: Enrolment | None, number) -> Page:
    """Submissions of ``course`` that ``user`` may review, the ones with the
    fewest accepting reviews first: waiting for peers, not their own, not yet
    reviewed by them at this version, of assignments they submitted or
    finished (every assignment once they completed the course). The list
    ``can_peer_review`` answers for one submission, in one query."""
    if enrolment is None or enrolment.status not in Enrolment.HOLDS_A_PLACE:
        return _page(Submission.objects.none(), number)
    submissions = Submission.objects.filter(
        unit__course=course,
        unit__completion=Unit.Completion.PEERS,
        status=Submission.Status.SUBMITTED,
    ).exclude(enrolment__user=user)
    if enrolment.status != Enrolment.Status.COMPLETED:
        submissions = submissions.filter(
            Q(unit__in=Submission.objects.filter(enrolment=enrolment).values("unit"))
            | Q(
                unit__in=Progress.objects.filter(
                    enrolment=enrolment, done_at__isnull=False
                ).values("unit")
            )
        )
    reviewed = PeerReview.objects.filter(
        submission=OuterRef("pk"), reviewer=user, version=OuterRef("version")
    )
    submissions = (
        submissions.exclude(Exists(reviewed))
        .select_related("unit", "enrolment__user__profile")
        .order_by("accepted_reviews", "submitted_at", "pk")
    )
    return _page(submissions, number)


def submissions_waiting(*, course: Course, number) -> Page:
    """The course's submissions waiting for a decision, oldest first, with the
    learner and the assignment."""
    return _page(
        Submission.objects.filter(
            unit__course=course, status=Submission.Status.SUBMITTED
        )
        .select_related("unit", "enrolment__user__profile")
        .order_by("submitted_at", "pk"),
        number,
    )


# --- Learners ------------------------------------------------------------------


def learners(*, course: Course, number) -> Page:
    """The course's learners (not those who dropped out): those learning
    first, then the waitlist and those done, each with their profile — one
    query a page besides the count."""
    rows = (
        Enrolment.objects.filter(course=course)
        .exclude(status=Enrolment.Status.DROPPED)
        .select_related("user__profile", "course", "accepted_by__profile")
        .order_by("queued_at", "pk")
    )
    return _page(rows, number)


def learner_get(*, course: Course, pk: int) -> Enrolment:
    enrolment = (
        Enrolment.objects.select_related("user__profile")
        .filter(course=course, pk=pk)
        .first()
    )
    if enrolment is None:
        raise Http404
    enrolment.course = course
    return enrolment


def completions(*, course: Course) -> QuerySet[Enrolment]:
    """Completed learners with their certificates, in the order they
    completed (the export; one query, read in chunks)."""
    return (
        Enrolment.objects.filter(course=course, status=Enrolment.Status.COMPLETED)
        .select_related("user__profile", "certificate")
        .order_by("completed_at", "pk")
    )


def certificate_get(*, pk: int, user) -> CourseCertificate:
    """The member's own certificate, else Http404 (whoever else asks)."""
    if not user.is_authenticated:
        raise Http404
    certificate = (
        CourseCertificate.objects.select_related("course__subject")
        .filter(pk=pk, user=user)
        .first()
    )
    if certificate is None:
        raise Http404
    return certificate


# --- The programme -------------------------------------------------------------


def programme_units(*, course: Course) -> list[Unit]:
    """The units in order: the programme's topics (one query)."""
    return list(
        Unit.objects.filter(course=course)
        .only("pk", "course_id", "position", "kind", "title", "hours", "required")
        .order_by("position", "pk")
    )


# --- Review before opening -----------------------------------------------------


def review_queue(*, user, number) -> Page:
    """Rounds waiting for reviewers (``waiting_for_reviewers``) in the
    expert's subjects, not of a course they write, not from their school or
    a co-author's, not already theirs; the oldest first."""
    profile = user.profile
    free = (
        ReviewRound.objects.waiting_for_reviewers()
        .filter(course__subject__in=profile.subjects.all())
        .exclude(course__author=user)
        .exclude(course__coauthors=user)
        .exclude(assignments__reviewer=user)
    )
    school = profile.school_key
    if school:
        free = free.exclude(course__author__profile__school_key=school).exclude(
            course__coauthors__profile__school_key=school
        )
    free = free.select_related("course__author__profile", "course__subject").order_by(
        "submitted_at", "pk"
    )
    return _page(free, number)


def review_assignments_of(*, user) -> list[ReviewAssignment]:
    """The expert's reviews in progress, soonest deadline first."""
    return list(
        ReviewAssignment.objects.filter(
            reviewer=user, status=ReviewAssignment.Status.ACTIVE
        )
        .select_related("round__course")
        .order_by("due_at", "pk")
    )


def review_assignment_get(*, pk: int, user) -> ReviewAssignment:
    """The reviewer's own assignment, with its course, else Http404."""
    assignment = (
        ReviewAssignment.objects.select_related(
            "round__course__subject", "round__course__author__profile"
        )
        .filter(pk=pk, reviewer=user)
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment


def review_rounds(*, course: Course, hidden_too: bool) -> list[ReviewRound]:
    """The course's review rounds, newest first, with the assignments and
    their reviews (reviews hidden by a moderator only when ``hidden_too``):
    2 queries."""
    assignments = ReviewAssignment.objects.select_related(
        "reviewer__profile", "review"
    ).order_by("pk")
    if not hidden_too:
        assignments = assignments.exclude(review__is_hidden=True)
    return list(
        ReviewRound.objects.filter(course=course)
        .select_related("decided_by__profile")
        .prefetch_related(Prefetch("assignments", queryset=assignments))
        .order_by("-submitted_at", "-pk")
    )


def review_round_get(*, pk: int) -> ReviewRound:
    round_ = ReviewRound.objects.select_related("course").filter(pk=pk).first()
    if round_ is None:
        raise Http404
    return round_


def unit_of_kind(*, course: Course, pk: int, kind: str) -> Unit:
    """One of the course's units of ``kind`` as a learner works it, or 404."""
    if pk > MAX_ID:
        raise Http404
    unit = (
        Unit.objects.select_related("material")
        .filter(course=course, pk=pk, kind=kind)
        .first()
    )
    if unit is None:
        raise Http404
    unit.course = course
    return unit
