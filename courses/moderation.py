"""What moderators do with courses beyond authoring: peer reviews hidden and
shown again, and who may see (and so report) each reportable kind.

A course is hidden through ``services.course_hide`` and an expert's review of
a course through ``services.review_hide`` (core's, with their ``*_by_reports``);
a learner's peer review of a colleague's assignment through
``peer_review_hide`` here. Each follows the one rule of every app
(``community.hiding``): a moderator's call is always put on record, an
automatic one (reports of established members) only when it changed
something.

A hidden peer review leaves the submission's page; the verdict it gave
stands (a submission accepted stays accepted: the learner's completion is
not taken back by a moderator's hiding of one colleague's words).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet

from community.hiding import REPORTED, audited, hidden_set
from courses import changes
from courses.models import Course, CourseReview, PeerReview, ReviewAssignment
from courses.permissions import can_moderate_courses

# Put on the audit log as peer_review_hide and peer_review_restore; an
# automatic call has no actor.
_record = audited("peer_review")


def _peer_review_changed(review: PeerReview) -> None:
    # What a peer review changes shows on its learner's and the authors'
    # signed-in pages only.
    changes.progress_changed(review.submission.enrolment)


def _peer_review_set_hidden(
    review: PeerReview, *, hidden: bool, moderator, reason: str
) -> PeerReview:
    hidden_set(
        review,
        hidden=hidden,
        moderator=moderator,
        reason=reason,
        changed=_peer_review_changed,
        record=_record,
    )
    return review


@transaction.atomic
def peer_review_hide(
    *, review: PeerReview, moderator, reason: str, hidden: bool = True
) -> PeerReview:
    """A moderator hides a peer review (or shows it again): it leaves the
    submission's page; the call is put on record.

    Raises PermissionDenied for anyone but a moderator of courses.
    """
    if not can_moderate_courses(moderator):
        raise PermissionDenied
    return _peer_review_set_hidden(
        review, hidden=hidden, moderator=moderator, reason=reason
    )


@transaction.atomic
def peer_review_hide_by_reports(
    *, review: PeerReview, hidden: bool = True
) -> PeerReview:
    """Reports of established members hide a peer review until a moderator looks."""
    return _peer_review_set_hidden(
        review, hidden=hidden, moderator=None, reason=REPORTED
    )


# --- Who may see what can be reported ------------------------------------------------


def courses_visible_to(user) -> QuerySet[Course]:
    """Courses everyone may read: published or archived, not hidden
    (``permissions.can_see_course``'s public part), plain (bookmarks,
    reports). Drafts and courses in review are their authors', moderators'
    and reviewers' only, and are not reported."""
    return Course.objects.filter(
        status__in=[Course.Status.PUBLISHED, Course.Status.ARCHIVED],
        is_hidden=False,
    )


def _authored_by(user, prefix: str) -> Q:
    return Q(**{f"{prefix}author_id": user.pk}) | Q(**{f"{prefix}coauthors": user.pk})


def course_reviews_visible_to(user) -> QuerySet[CourseReview]:
    """Experts' reviews as the course's rounds page shows them: to its
    authors and to moderators; submitted, not hidden."""
    reviews = CourseReview.objects.filter(
        is_hidden=False, assignment__status=ReviewAssignment.Status.SUBMITTED
    ).select_related("assignment__round__course")
    if can_moderate_courses(user):
        return reviews
    if not (user.is_authenticated and user.is_active):
        return reviews.none()
    return reviews.filter(
        pk__in=CourseReview.objects.filter(
            _authored_by(user, "assignment__round__course__")
        ).values("pk")
    )


def peer_reviews_visible_to(user) -> QuerySet[PeerReview]:
    """Peer reviews as a submission's page shows them: to its learner, to the
    course's authors and to moderators; not hidden."""
    reviews = PeerReview.objects.filter(is_hidden=False).select_related(
        "submission__unit__course"
    )
    if can_moderate_courses(user):
        return reviews
    if not (user.is_authenticated and user.is_active):
        return reviews.none()
    return reviews.filter(
        pk__in=PeerReview.objects.filter(
            Q(submission__enrolment__user_id=user.pk)
            | _authored_by(user, "submission__unit__course__")
        ).values("pk")
    )
