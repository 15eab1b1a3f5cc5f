"""Who may see, write, review, join and follow courses.

Pure predicates shared by views, templates and services. Those used in lists
ask nothing of the database when their rows carry what they read (co-authors
prefetched); the ones about review and assignments ask a query or two and are
asked on one object's page.
"""

from django.utils import timezone

from courses.models import (
    Course,
    Enrolment,
    PeerReview,
    Progress,
    ReviewAssignment,
    Submission,
    TrustedAuthor,
    Unit,
)
from materials.permissions import is_expert, review_conflict_between


def _is_member(user) -> bool:
    return user.is_authenticated and user.is_active


def can_moderate_courses(user) -> bool:
    # Staff (the Moderators group: ``accounts.services.user_role_change``
    # makes its members staff, and no one else) and superusers; members pay
    # no permission query here.
    return _is_member(user) and (user.is_superuser or user.is_staff)


def is_author(user, course: Course) -> bool:
    # The author or a co-author (read from a prefetch when there is one).
    if not _is_member(user):
        return False
    if user.pk == course.author_id:
        return True
    return any(coauthor.pk == user.pk for coauthor in course.coauthors.all())


def is_trusted_author(user) -> bool:
    # Moderators, and authors a moderator trusts (one query).
    if not _is_member(user):
        return False
    return (
        can_moderate_courses(user)
        or TrustedAuthor.objects.filter(user_id=user.pk).exists()
    )


def _is_public(course: Course) -> bool:
    # Published, or archived with its learners' progress kept; never hidden.
    return not course.is_hidden and course.status in (
        Course.Status.PUBLISHED,
        Course.Status.ARCHIVED,
    )


def can_see_course(user, course: Course) -> bool:
    # Published (or archived) and not hidden: everyone; drafts, courses in
    # review and hidden ones: the authors, moderators, and the experts who
    # may review it or were assigned to.
    if _is_public(course):
        return True
    if is_author(user, course) or can_moderate_courses(user):
        return True
    if not _is_member(user):
        return False
    if course.status == Course.Status.REVIEW and can_review_course(user, course):
        return True
    return ReviewAssignment.objects.filter(
        round__course=course, reviewer_id=user.pk
    ).exists()


def can_edit_course(user, course: Course) -> bool:
    # Authors while it is neither hidden nor archived; moderators always.
    if can_moderate_courses(user):
        return True
    return (
        not course.is_hidden
        and course.status != Course.Status.ARCHIVED
        and is_author(user, course)
    )


def can_submit_course(user, course: Course) -> bool:
    # Authors (co-authors too), of a draft not hidden by a moderator.
    return (
        course.status == Course.Status.DRAFT
        and not course.is_hidden
        and is_author(user, course)
    )


def can_change_coauthors(user, course: Course) -> bool:
    # The author alone (and moderators), while the course can be edited.
    if can_moderate_courses(user):
        return True
    return (
        _is_member(user)
        and user.pk == course.author_id
        and can_edit_course(user, course)
    )


def can_archive_course(user, course: Course) -> bool:
    # The author (not co-authors) or a moderator, of a published course.
    if course.status != Course.Status.PUBLISHED:
        return False
    if can_moderate_courses(user):
        return True
    return _is_member(user) and user.pk == course.author_id and not course.is_hidden


def enrolment_window_open(course: Course, now=None) -> bool:
    """Whether a cohort's enrolment window is open now (always for self-paced)."""
    if not course.is_cohort:
        return True
    now = now or timezone.now()
    if course.enrolment_opens_at and now < course.enrolment_opens_at:
        return False
    if course.enrolment_closes_at and now >= course.enrolment_closes_at:
        return False
    return not (course.ends_at and now >= course.ends_at)


def can_enrol(user, course: Course) -> bool:
    # Members, not its authors, in a published visible course while the
    # enrolment window is open (a full course takes them onto the waitlist).
    return (
        _is_member(user)
        and course.status == Course.Status.PUBLISHED
        and not course.is_hidden
        and not is_author(user, course)
        and enrolment_window_open(course)
    )


def can_see_learners(user, course: Course) -> bool:
    # Authors and moderators: the learners' progress and completions.
    return is_author(user, course) or can_moderate_courses(user)


# --- Review before opening ------------------------------------------------------------


def review_conflict(user, course: Course) -> str:
    """Why ``user`` may not review ``course``: "own" (an author), "school" (a
    colleague of the author's or of a co-author's school), or ""."""
    return review_conflict_between(
        user, [course.author, *course.coauthors.select_related("profile")]
    )


def is_expert_of_subject(user, course: Course) -> bool:
    # An expert who teaches the course's subject (one query).
    return (
        is_expert(user) and user.profile.subjects.filter(pk=course.subject_id).exists()
    )


def can_review_course(user, course: Course) -> bool:
    # An expert of the course's subject with no conflict of interest.
    return (
        _is_member(user)
        and is_expert_of_subject(user, course)
        and not review_conflict(user, course)
    )


def can_write_review(user, assignment: ReviewAssignment) -> bool:
    # The assigned expert, while the assignment is open and in time.
    return (
        _is_member(user)
        and user.pk == assignment.reviewer_id
        and assignment.status == ReviewAssignment.Status.ACTIVE
        and assignment.due_at > timezone.now()
    )


def can_decide_review(user) -> bool:
    # Moderators decide a round waiting for them (or any open one).
    return can_moderate_courses(user)


def can_see_reviews(user, course: Course) -> bool:
    # Authors and moderators (reviewers see their own through the queue).
    return is_author(user, course) or can_moderate_courses(user)


def can_see_reviewer_names(user) -> bool:
    # Moderators always; the authors unless reviews are blind.
    from django.conf import settings

    return can_moderate_courses(user) or not settings.MATERIALS_BLIND_REVIEW


# --- Assignments ----------------------------------------------------------------------


def _has_done_the_assignment(user, unit: Unit) -> bool:
    # A learner who holds a place (not one who dropped out) and submitted
    # this assignment, has it done, or completed the course.
    return (
        Submission.objects.filter(
            unit=unit,
            enrolment__user_id=user.pk,
            enrolment__status__in=Enrolment.HOLDS_A_PLACE,
        ).exists()
        or Progress.objects.filter(
            unit=unit,
            enrolment__user_id=user.pk,
            enrolment__status__in=Enrolment.HOLDS_A_PLACE,
            done_at__isnull=False,
        ).exists()
        or Enrolment.objects.filter(
            course_id=unit.course_id,
            user_id=user.pk,
            status=Enrolment.Status.COMPLETED,
        ).exists()
    )


def can_peer_review(user, submission: Submission) -> bool:
    # Another learner who has done (or submitted) this assignment, or
    # completed the course; once per version of a submission waiting for
    # review by peers.
    unit = submission.unit
    return (
        _is_member(user)
        and user.pk != submission.enrolment.user_id
        and unit.completion == Unit.Completion.PEERS
        and submission.status == Submission.Status.SUBMITTED
        and _has_done_the_assignment(user, unit)
        and not PeerReview.objects.filter(
            submission=submission, reviewer_id=user.pk, version=submission.version
        ).exists()
    )


def can_see_submission(user, submission: Submission) -> bool:
    # The learner, the course's authors, moderators, its peer reviewers and
    # the learners who may review it.
    if not _is_member(user):
        return False
    if user.pk == submission.enrolment.user_id:
        return True
    course = submission.unit.course
    if is_author(user, course) or can_moderate_courses(user):
        return True
    if PeerReview.objects.filter(submission=submission, reviewer_id=user.pk).exists():
        return True
    return can_peer_review(user, submission)
