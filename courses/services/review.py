"""The experts' review of a course before it opens: the materials' rules.

A course submitted by an author who is not trusted opens a review round
(``_round_open``, called by ``authoring.course_submit``). Experts of its
subject (``materials.services.review.experts_of_subject``) without a conflict
of interest (``materials.permissions.review_conflict_between``: an author, or
a colleague of the school of any of its authors) take a place
(``MATERIALS_REVIEWS_REQUIRED``) with a deadline (``MATERIALS_REVIEW_DAYS``)
and fill in the course rubric; the last review due decides by the materials'
own rule (``decision_rule``): publish, revise or reject — or a moderator
decides. Publishing opens the course; revise and reject bring it back to its
authors' drafts with the note.
"""

import datetime
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community import services as community
from community.hiding import REPORTED, audited, hidden_set
from community.recognition import badges_check
from community.sanctions import participation_check
from courses import kinds
from courses.changes import course_changed, review_changed
from courses.models import (
    Course,
    CourseReview,
    ReviewAssignment,
    ReviewRound,
)
from courses.permissions import (
    can_moderate_courses,
    can_write_review,
    is_author,
    review_conflict,
)
from courses.services._common import _authors, _publish
from materials.models import reviews_required
from materials.services.review import (
    ReviewWords,
    decision_rule,
    experts_of_subject,
    reviewer_refusal_check,
)

__all__ = [
    "experts_for_course",
    "review_assign",
    "review_deadlines_run",
    "review_decide",
    "review_hide",
    "review_hide_by_reports",
    "review_take",
    "review_withdraw",
    "review_write",
    "reviewer_check",
]

_OPEN = (ReviewRound.Status.OPEN, ReviewRound.Status.AWAITING)


def _queue_url() -> str:
    return reverse("courses:review_queue")


def _course_url(course: Course) -> str:
    return course.get_absolute_url() + "#review"


def experts_for_course(course: Course) -> list:
    """Experts who teach the course's subject and have no conflict with it
    (none of its authors, nor a colleague of their schools)."""
    authors = _authors(course)
    users = experts_of_subject(
        course.subject, exclude_ids=[author.pk for author in authors]
    )
    return [user for user in users if not review_conflict(user, course)]


def _round_open(course: Course, *, author) -> ReviewRound:
    """Open a review round for ``course`` (its row locked by the caller) and
    tell the experts of its subject. Raises ValidationError(code="open")
    when a round is open already."""
    try:
        with transaction.atomic():
            round_ = ReviewRound.objects.create(course=course)
    except IntegrityError as error:  # one open round per course
        raise ValidationError(_("The course is already in review."), code="open") from (
            error
        )
    community.audit(actor=author, action="course_review_request", target=course)
    for expert in experts_for_course(course):
        community.notify(
            recipient=expert,
            kind=kinds.REVIEW_REQUEST,
            actor=author,
            target=round_,
            target_title=course.title,
            url=_queue_url(),
        )
    return round_


def _open_round(round_: ReviewRound) -> ReviewRound:
    locked = (
        ReviewRound.objects.select_for_update(of=("self",))
        .select_related("course__author__profile")
        .get(pk=round_.pk)
    )
    if locked.status != ReviewRound.Status.OPEN:
        raise ValidationError(_("This review request is closed."), code="closed")
    return locked


COURSE_WORDS = ReviewWords(
    experts_only=gettext_lazy("Only experts review courses."),
    own=gettext_lazy("No one reviews their own course."),
    subject=gettext_lazy("The course is not in one of your subjects."),
)


def _check_reviewer(reviewer, round_: ReviewRound, *, subject_required: bool) -> None:
    # The materials' rule, with the course's authors and subject.
    course = round_.course
    reviewer_refusal_check(
        reviewer,
        round_,
        conflict=review_conflict(reviewer, course),
        subject_id=course.subject_id,
        subject_required=subject_required,
        words=COURSE_WORDS,
    )


def reviewer_check(*, round_: ReviewRound, reviewer) -> None:
    """Raise ValidationError if a moderator may not assign ``reviewer`` now."""
    if round_.status != ReviewRound.Status.OPEN:
        raise ValidationError(_("This review request is closed."), code="closed")
    _check_reviewer(reviewer, round_, subject_required=False)


def _assignment_create(round_, reviewer, *, assigned_by=None) -> ReviewAssignment:
    # The materials' deadline; the same expert twice at once is refused.
    try:
        with transaction.atomic():
            return ReviewAssignment.objects.create(
                round=round_,
                reviewer=reviewer,
                assigned_by=assigned_by,
                due_at=timezone.now()
                + datetime.timedelta(days=settings.MATERIALS_REVIEW_DAYS),
            )
    except IntegrityError as error:
        raise ValidationError(
            _("This reviewer has already been assigned to this request."),
            code="taken",
        ) from error


@transaction.atomic
def review_take(*, round_: ReviewRound, reviewer) -> ReviewAssignment:
    """An expert takes a course from the queue, with a deadline.

    The round's row lock makes two experts taking the last place at once
    take it one after the other: the second is refused (code "full").
    Raises ValidationError naming the reason: not an expert ("expert"), an
    author ("own"), same school ("school"), another subject ("subject"),
    already taken ("taken"), no free place ("full"), closed ("closed").
    """
    participation_check(reviewer)
    round_ = _open_round(round_)
    _check_reviewer(reviewer, round_, subject_required=True)
    assignment = _assignment_create(round_, reviewer)
    community.audit(actor=reviewer, action="course_review_take", target=round_.course)
    return assignment


@transaction.atomic
def review_assign(*, round_: ReviewRound, reviewer, moderator) -> ReviewAssignment:
    """A moderator names a reviewer (any subject; conflicts still refused);
    the reviewer is told."""
    if not can_moderate_courses(moderator):
        raise PermissionDenied
    round_ = _open_round(round_)
    _check_reviewer(reviewer, round_, subject_required=False)
    assignment = _assignment_create(round_, reviewer, assigned_by=moderator)
    community.audit(
        actor=moderator,
        action="course_review_assign",
        target=round_.course,
        reason=reviewer.profile.shown_name,
    )
    community.notify(
        recipient=reviewer,
        kind=kinds.REVIEW_ASSIGNED,
        actor=moderator,
        target=assignment,
        target_title=round_.course.title,
        url=_queue_url(),
    )
    return assignment


@transaction.atomic
def review_write(
    *,
    assignment: ReviewAssignment,
    reviewer,
    scores: Mapping[str, int],
    comments: Mapping[str, str],
    recommendation: str,
    summary: str,
) -> CourseReview:
    """Submit the course rubric (goals, structure, realistic hours, value);
    the authors are told. When the last review due is in, the materials'
    rule decides: published, back to draft with the note — or the round
    waits for a moderator.

    Raises PermissionDenied (not the reviewer, late, already submitted) or
    ValidationError (a score outside 1–5, an unknown recommendation, no
    summary).
    """
    participation_check(reviewer)
    assignment = (
        ReviewAssignment.objects.select_for_update(of=("self",))
        .select_related("round__course")
        .get(pk=assignment.pk)
    )
    if not can_write_review(reviewer, assignment):
        raise PermissionDenied
    if recommendation not in ReviewRound.Decision.values:
        raise ValidationError(_("Choose a recommendation."), code="recommendation")
    if not summary.strip():
        raise ValidationError(_("Write an overall comment."), code="summary")
    fields = {}
    for key, _label in CourseReview.CRITERIA:
        try:
            score = int(scores.get(key, 0))
        except (TypeError, ValueError):
            score = 0
        if not 1 <= score <= 5:
            raise ValidationError(_("Every score is from 1 to 5."), code="score")
        fields[key] = score
        fields[f"{key}_comment"] = str(comments.get(key, "")).strip()[:2000]
    review = CourseReview.objects.create(
        assignment=assignment,
        recommendation=recommendation,
        summary=summary.strip()[:5000],
        **fields,
    )
    assignment.status = ReviewAssignment.Status.SUBMITTED
    assignment.save(update_fields=["status"])
    badges_check(user=reviewer)
    # The round's lock: the last two reviews at once decide once.
    round_ = (
        ReviewRound.objects.select_for_update(of=("self",))
        .select_related("course__author")
        .get(pk=assignment.round_id)
    )
    course = round_.course
    for author in _authors(course):
        community.notify(
            recipient=author,
            kind=kinds.REVIEW_RECEIVED,
            actor=None if settings.MATERIALS_BLIND_REVIEW else reviewer,
            target=round_,
            target_title=course.title,
            url=_course_url(course),
        )
    reviews = list(CourseReview.objects.filter(assignment__round=round_))
    if round_.status == ReviewRound.Status.OPEN and len(reviews) >= reviews_required():
        decision, reason = decision_rule(reviews)
        if decision:
            _decide(round_, decision=decision, actor=None, note=reason)
        else:
            round_.status = ReviewRound.Status.AWAITING
            round_.save(update_fields=["status"])
            community.audit(
                actor=None,
                action="course_review_awaiting",
                target=course,
                reason=reason,
            )
    review_changed(review)
    return review


def _decide(round_: ReviewRound, *, decision: str, actor, note: str) -> ReviewRound:
    """Close the round with ``decision``: the course published, or back to
    its authors' drafts with the note; the authors told, and the experts
    who submitted a review (``kinds.REVIEW_DECIDED_FOR_EXPERT``)."""
    round_.status = ReviewRound.Status.DECIDED
    round_.decision = decision
    round_.decided_by = actor
    round_.decided_at = timezone.now()
    round_.decision_note = note[:1000]
    round_.save(
        update_fields=[
            "status",
            "decision",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
    )
    round_.assignments.filter(status=ReviewAssignment.Status.ACTIVE).update(
        status=ReviewAssignment.Status.WITHDRAWN
    )
    course = Course.objects.select_for_update(of=("self",)).get(pk=round_.course_id)
    round_.course = course
    community.audit(
        actor=actor, action=f"course_review_{decision}", target=course, reason=note
    )
    if decision == ReviewRound.Decision.RECOMMEND:
        _publish(course, actor=actor)
    else:
        course.status = Course.Status.DRAFT
        course.save(update_fields=["status", "updated_at"])
        course_changed(course)
    badges_check(user=course.author)
    for author in _authors(course):
        community.notify(
            recipient=author,
            kind=kinds.REVIEW_DECISION,
            actor=actor,
            target=round_,
            target_title=course.title,
            url=_course_url(course),
            group=False,
        )
    reviewers = (
        round_.assignments.filter(status=ReviewAssignment.Status.SUBMITTED)
        .select_related("reviewer")
        .order_by("pk")
    )
    for assignment in reviewers:
        community.notify(
            recipient=assignment.reviewer,
            kind=kinds.REVIEW_DECIDED_FOR_EXPERT,
            actor=actor,
            target=round_,
            target_title=course.title,
            url=course.get_absolute_url(),
            group=False,
        )
    return round_


@transaction.atomic
def review_decide(
    *, round_: ReviewRound, moderator, decision: str, note: str = ""
) -> ReviewRound:
    """A moderator decides a round (waiting for them, or at any time).

    Raises PermissionDenied, or ValidationError for an unknown decision
    ("decision") or a closed round ("closed").
    """
    if not can_moderate_courses(moderator):
        raise PermissionDenied
    if decision not in ReviewRound.Decision.values:
        raise ValidationError(_("Choose a decision."), code="decision")
    round_ = ReviewRound.objects.select_for_update(of=("self",)).get(pk=round_.pk)
    if round_.status not in _OPEN:
        raise ValidationError(_("This review request is closed."), code="closed")
    return _decide(round_, decision=decision, actor=moderator, note=note.strip())


@transaction.atomic
def review_withdraw(*, round_: ReviewRound, author) -> ReviewRound:
    """An author takes the course out of review before the decision: back
    to the drafts, its reviewers' places released.

    Raises PermissionDenied (not an author) or ValidationError(code="closed").
    """
    participation_check(author)
    round_ = (
        ReviewRound.objects.select_for_update(of=("self",))
        .select_related("course")
        .get(pk=round_.pk)
    )
    course = round_.course
    if not is_author(author, course):
        raise PermissionDenied
    if round_.status not in _OPEN:
        raise ValidationError(_("This review request is closed."), code="closed")
    round_.status = ReviewRound.Status.WITHDRAWN
    round_.save(update_fields=["status"])
    round_.assignments.filter(status=ReviewAssignment.Status.ACTIVE).update(
        status=ReviewAssignment.Status.WITHDRAWN
    )
    course = Course.objects.select_for_update(of=("self",)).get(pk=course.pk)
    course.status = Course.Status.DRAFT
    course.save(update_fields=["status", "updated_at"])
    community.audit(actor=author, action="course_review_withdraw", target=course)
    course_changed(course)
    return round_


def review_deadlines_run(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Remind reviewers before the deadline and release late assignments
    (the place is free again for another expert).

    Each reminder and each release happens once, however often this runs (a
    conditional update claims the row). Returns (reminded, expired).
    """
    now = now or timezone.now()
    reminded = expired = 0
    soon = now + datetime.timedelta(days=settings.MATERIALS_REVIEW_REMINDER_DAYS)
    due_soon = ReviewAssignment.objects.filter(
        status=ReviewAssignment.Status.ACTIVE,
        reminded_at__isnull=True,
        due_at__gt=now,
        due_at__lte=soon,
    ).select_related("round__course", "reviewer")
    for assignment in due_soon:
        with transaction.atomic():
            claimed = ReviewAssignment.objects.filter(
                pk=assignment.pk, reminded_at__isnull=True
            ).update(reminded_at=now)
            if claimed:
                reminded += 1
                community.notify(
                    recipient=assignment.reviewer,
                    kind=kinds.REVIEW_REMINDER,
                    target=assignment,
                    target_title=assignment.round.course.title,
                    url=_queue_url(),
                    group=False,
                )
    late = ReviewAssignment.objects.filter(
        status=ReviewAssignment.Status.ACTIVE, due_at__lte=now
    ).select_related("round__course", "reviewer__profile")
    for assignment in late:
        with transaction.atomic():
            claimed = ReviewAssignment.objects.filter(
                pk=assignment.pk, status=ReviewAssignment.Status.ACTIVE
            ).update(status=ReviewAssignment.Status.EXPIRED)
            if claimed:
                expired += 1
                course = assignment.round.course
                community.audit(
                    actor=None,
                    action="course_review_expired",
                    target=course,
                    reason=assignment.reviewer.profile.shown_name,
                )
                community.notify(
                    recipient=assignment.reviewer,
                    kind=kinds.REVIEW_EXPIRED,
                    target=assignment,
                    target_title=course.title,
                    url=_queue_url(),
                    group=False,
                )
    return reminded, expired


# --- Moderation -----------------------------------------------------------------------

# An automatic call is told by its empty actor, under the same action names.
_review_record = audited("course_review")


@transaction.atomic
def review_hide(
    *, review: CourseReview, moderator, reason: str, hidden: bool = True
) -> CourseReview:
    """A moderator hides an expert review (or shows it again): it leaves the
    authors' page; put on record.

    Raises PermissionDenied for anyone but a moderator.
    """
    if not can_moderate_courses(moderator):
        raise PermissionDenied
    hidden_set(
        review,
        hidden=hidden,
        moderator=moderator,
        reason=reason,
        changed=review_changed,
        record=_review_record,
    )
    return review


@transaction.atomic
def review_hide_by_reports(
    *, review: CourseReview, hidden: bool = True
) -> CourseReview:
    """Reports hide an expert review until a moderator looks."""
    hidden_set(
        review,
        hidden=hidden,
        moderator=None,
        reason=REPORTED,
        changed=review_changed,
        record=_review_record,
    )
    return review
