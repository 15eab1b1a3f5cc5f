"""The expert review: submission, reviewers, the rubric, deadlines, decisions."""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community import services as community
from community.hiding import REPORTED, audited, hidden_set
from community.recognition import badges_check
from community.sanctions import participation_check
from materials import kinds
from materials.changes import material_review_decided, review_changed
from materials.models import (
    Material,
    Review,
    ReviewAssignment,
    ReviewRound,
    reviews_required,
)
from materials.permissions import (
    can_moderate_materials,
    can_submit_for_review,
    can_write_review,
    is_expert,
    review_conflict,
)

__all__ = [
    "ReviewWords",
    "decision_rule",
    "experts_for",
    "experts_of_subject",
    "review_assign",
    "review_deadlines_run",
    "review_decide",
    "review_hide",
    "review_hide_by_reports",
    "review_request",
    "review_take",
    "review_withdraw",
    "review_write",
    "reviewer_check",
    "reviewer_refusal_check",
]

STATUS_AFTER = {
    ReviewRound.Decision.RECOMMEND: Material.Review.RECOMMENDED,
    ReviewRound.Decision.REVISE: Material.Review.REVISE,
    ReviewRound.Decision.REJECT: Material.Review.REJECTED,
}


def _round_url(material: Material) -> str:
    return material.get_absolute_url() + "#review"


def experts_of_subject(subject, *, exclude_ids: Iterable[int] = ()) -> QuerySet:
    """Active experts (the group holding "materials.add_review") who teach
    ``subject``, less ``exclude_ids``; conflicts are the caller's to weigh."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            profile__subjects=subject,
            groups__permissions__codename="add_review",
            groups__permissions__content_type__app_label="materials",
        )
        .exclude(pk__in=list(exclude_ids))
        .select_related("profile")
        .distinct()
    )


def experts_for(material: Material) -> list:
    """Experts who teach the material's subject and have no conflict with it."""
    users = experts_of_subject(material.subject, exclude_ids=[material.author_id])
    return [user for user in users if not review_conflict(user, material)]


@transaction.atomic
def review_request(*, material: Material, author) -> ReviewRound:
    """Submit the current version for expert review; experts of the subject hear.

    Raises PermissionDenied, or ValidationError when a round is already open
    or a revision was asked for and no new version has been uploaded.
    """
    participation_check(author)
    material = Material.objects.select_for_update().get(pk=material.pk)
    if not can_submit_for_review(author, material):
        raise PermissionDenied
    if material.review_rounds.filter(
        status__in=[ReviewRound.Status.OPEN, ReviewRound.Status.AWAITING]
    ).exists():
        raise ValidationError(_("The material is already in review."), code="open")
    last = material.review_rounds.filter(status=ReviewRound.Status.DECIDED).first()
    if last is not None and last.version_id == material.current_version_id:
        raise ValidationError(
            _("Upload the revised version first, then submit it again."),
            code="same_version",
        )
    round_ = ReviewRound.objects.create(
        material=material, version=material.current_version
    )
    material.review_status = Material.Review.IN_REVIEW
    material.save(update_fields=["review_status"])
    community.audit(actor=author, action="review_request", target=material)
    for expert in experts_for(material):
        community.notify(
            recipient=expert,
            kind=kinds.REVIEW_REQUEST,
            actor=author,
            target=round_,
            target_title=material.title,
            url=_queue_url(),
        )
    return round_


def _queue_url() -> str:
    from django.urls import reverse

    return reverse("materials:review_queue")


def _open_round(round_: ReviewRound) -> ReviewRound:
    locked = (
        ReviewRound.objects.select_for_update(of=("self",))
        .select_related("material__author__profile")
        .get(pk=round_.pk)
    )
    if locked.status != ReviewRound.Status.OPEN:
        raise ValidationError(_("This review request is closed."), code="closed")
    return locked


@dataclass(frozen=True)
class ReviewWords:
    """What a refusal calls the item under review (a material, a course)."""

    experts_only: str
    own: str
    subject: str


MATERIAL_WORDS = ReviewWords(
    experts_only=gettext_lazy("Only experts review materials."),
    own=gettext_lazy("No one reviews their own material."),
    subject=gettext_lazy("The material is not in one of your subjects."),
)


def reviewer_refusal_check(
    reviewer,
    round_,
    *,
    conflict: str,
    subject_id: int,
    subject_required: bool,
    words: ReviewWords,
) -> None:
    """The one rule for who may take a place in a review round, a
    material's or a course's: an expert, without a conflict of interest
    (``conflict``: "own" or "school", from ``review_conflict_between``), of
    the subject when ``subject_required``, not assigned already, while the
    round waits for reviewers (its queryset's ``waiting_for_reviewers``).
    Raises ValidationError naming the reason."""
    if not is_expert(reviewer):
        raise ValidationError(words.experts_only, code="expert")
    if conflict == "own":
        raise ValidationError(words.own, code="own")
    if conflict == "school":
        raise ValidationError(
            _("Colleagues from the same school do not review each other."),
            code="school",
        )
    if (
        subject_required
        and not reviewer.profile.subjects.filter(pk=subject_id).exists()
    ):
        raise ValidationError(words.subject, code="subject")
    if round_.assignments.filter(reviewer=reviewer).exists():
        raise ValidationError(
            _("This reviewer has already been assigned to this request."),
            code="taken",
        )
    rounds = type(round_).objects.filter(pk=round_.pk)
    if not rounds.waiting_for_reviewers().exists():
        raise ValidationError(
            _("The request already has all its reviewers."), code="full"
        )


def _check_reviewer(reviewer, round_: ReviewRound, *, subject_required: bool) -> None:
    material = round_.material
    reviewer_refusal_check(
        reviewer,
        round_,
        conflict=review_conflict(reviewer, material),
        subject_id=material.subject_id,
        subject_required=subject_required,
        words=MATERIAL_WORDS,
    )


def reviewer_check(*, round_: ReviewRound, reviewer) -> None:
    """Raise ValidationError if a moderator may not assign ``reviewer`` now."""
    if round_.status != ReviewRound.Status.OPEN:
        raise ValidationError(_("This review request is closed."), code="closed")
    _check_reviewer(reviewer, round_, subject_required=False)


def _assignment_create(round_, reviewer, *, assigned_by=None) -> ReviewAssignment:
    try:
        with transaction.atomic():
            return ReviewAssignment.objects.create(
                round=round_,
                reviewer=reviewer,
                assigned_by=assigned_by,
                due_at=timezone.now()
                + datetime.timedelta(days=settings.MATERIALS_REVIEW_DAYS),
            )
    except IntegrityError as error:  # the same expert, twice at once
        raise ValidationError(
            _("This reviewer has already been assigned to this request."),
            code="taken",
        ) from error


@transaction.atomic
def review_take(*, round_: ReviewRound, reviewer) -> ReviewAssignment:
    """An expert takes a request from the queue, with a deadline.

    Raises ValidationError naming the reason: not an expert, own material,
    same school, another subject, already taken, no free place, closed.
    """
    participation_check(reviewer)
    round_ = _open_round(round_)
    _check_reviewer(reviewer, round_, subject_required=True)
    assignment = _assignment_create(round_, reviewer)
    community.audit(actor=reviewer, action="review_take", target=round_.material)
    return assignment


@transaction.atomic
def review_assign(*, round_: ReviewRound, reviewer, moderator) -> ReviewAssignment:
    """A moderator names a reviewer (any subject; conflicts still refused)."""
    if not can_moderate_materials(moderator):
        raise PermissionDenied
    round_ = _open_round(round_)
    _check_reviewer(reviewer, round_, subject_required=False)
    assignment = _assignment_create(round_, reviewer, assigned_by=moderator)
    community.audit(
        actor=moderator,
        action="review_assign",
        target=round_.material,
        reason=reviewer.profile.shown_name,
    )
    community.notify(
        recipient=reviewer,
        kind=kinds.REVIEW_ASSIGNED,
        actor=moderator,
        target=assignment,
        target_title=round_.material.title,
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
) -> Review:
    """Submit the rubric; when the last required review is in, the rule decides.

    Raises PermissionDenied (not the reviewer, late, already submitted) or
    ValidationError (a score outside 1–5, an unknown recommendation, no summary).
    """
    participation_check(reviewer)
    assignment = (
        ReviewAssignment.objects.select_for_update(of=("self",))
        .select_related("round__material__author")
        .get(pk=assignment.pk)
    )
    if not can_write_review(reviewer, assignment):
        raise PermissionDenied
    if recommendation not in ReviewRound.Decision.values:
        raise ValidationError(_("Choose a recommendation."), code="recommendation")
    if not summary.strip():
        raise ValidationError(_("Write an overall comment."), code="summary")
    fields = {}
    for key, _label in Review.CRITERIA:
        score = int(scores.get(key, 0))
        if not 1 <= score <= 5:
            raise ValidationError(_("Every score is from 1 to 5."), code="score")
        fields[key] = score
        fields[f"{key}_comment"] = comments.get(key, "").strip()[:2000]
    review = Review.objects.create(
        assignment=assignment,
        recommendation=recommendation,
        summary=summary.strip()[:5000],
        **fields,
    )
    assignment.status = ReviewAssignment.Status.SUBMITTED
    assignment.save(update_fields=["status"])
    badges_check(user=reviewer)
    round_ = ReviewRound.objects.select_for_update().get(pk=assignment.round_id)
    material = round_.material
    community.notify(
        recipient=material.author,
        kind=kinds.REVIEW_RECEIVED,
        actor=None if settings.MATERIALS_BLIND_REVIEW else reviewer,
        target=round_,
        target_title=material.title,
        url=_round_url(material),
    )
    reviews = list(Review.objects.filter(assignment__round=round_))
    if round_.status == ReviewRound.Status.OPEN and len(reviews) >= reviews_required():
        decision, reason = decision_rule(reviews)
        if decision:
            _decide(round_, decision=decision, actor=None, note=reason)
        else:
            round_.status = ReviewRound.Status.AWAITING
            round_.save(update_fields=["status"])
            community.audit(
                actor=None, action="review_awaiting", target=material, reason=reason
            )
    review_changed(review)
    return review


def decision_rule(reviews: list[Review]) -> tuple[str, str]:
    """The stated rule, with its reasoning; ("", reason) leaves it to a moderator.

    Every reviewer says "reject": rejected. Some (not all) say "reject": a
    moderator decides. Otherwise recommended at an average of at least
    ``MATERIALS_RECOMMEND_THRESHOLD``, else returned for revision.
    """
    average = sum(review.average for review in reviews) / len(reviews)
    rejects = sum(
        review.recommendation == ReviewRound.Decision.REJECT for review in reviews
    )
    reason = _("average %(average).1f, %(rejects)d of %(count)d say reject") % {
        "average": average,
        "rejects": rejects,
        "count": len(reviews),
    }
    if rejects == len(reviews):
        return ReviewRound.Decision.REJECT, reason
    if rejects:
        return "", reason
    if average >= settings.MATERIALS_RECOMMEND_THRESHOLD:
        return ReviewRound.Decision.RECOMMEND, reason
    return ReviewRound.Decision.REVISE, reason


def _decide(round_: ReviewRound, *, decision: str, actor, note: str) -> ReviewRound:
    now = timezone.now()
    round_.status = ReviewRound.Status.DECIDED
    round_.decision = decision
    round_.decided_by = actor
    round_.decided_at = now
    round_.decision_note = note[:1000]
    round_.save()
    round_.assignments.filter(status=ReviewAssignment.Status.ACTIVE).update(
        status=ReviewAssignment.Status.WITHDRAWN
    )
    material = round_.material
    material.review_status = STATUS_AFTER[decision]
    material.save(update_fields=["review_status"])
    material_review_decided(material)
    badges_check(user=material.author)
    community.audit(
        actor=actor, action=f"review_{decision}", target=material, reason=note
    )
    community.notify(
        recipient=material.author,
        kind=kinds.REVIEW_DECISION,
        actor=actor,
        target=round_,
        target_title=material.title,
        url=_round_url(material),
        group=False,
    )
    return round_


@transaction.atomic
def review_decide(
    *, round_: ReviewRound, moderator, decision: str, note: str = ""
) -> ReviewRound:
    """A moderator decides a request (waiting for them, or at any time)."""
    if not can_moderate_materials(moderator):
        raise PermissionDenied
    if decision not in ReviewRound.Decision.values:
        raise ValidationError(_("Choose a decision."), code="decision")
    round_ = (
        ReviewRound.objects.select_for_update(of=("self",))
        .select_related("material")
        .get(pk=round_.pk)
    )
    if round_.status not in (ReviewRound.Status.OPEN, ReviewRound.Status.AWAITING):
        raise ValidationError(_("This review request is closed."), code="closed")
    return _decide(round_, decision=decision, actor=moderator, note=note)


@transaction.atomic
def review_withdraw(*, round_: ReviewRound, author) -> ReviewRound:
    """The author takes the material out of review before the decision."""
    participation_check(author)
    round_ = (
        ReviewRound.objects.select_for_update(of=("self",))
        .select_related("material")
        .get(pk=round_.pk)
    )
    material = round_.material
    if author.pk != material.author_id:
        raise PermissionDenied
    if round_.status not in (ReviewRound.Status.OPEN, ReviewRound.Status.AWAITING):
        raise ValidationError(_("This review request is closed."), code="closed")
    round_.status = ReviewRound.Status.WITHDRAWN
    round_.save(update_fields=["status"])
    round_.assignments.filter(status=ReviewAssignment.Status.ACTIVE).update(
        status=ReviewAssignment.Status.WITHDRAWN
    )
    last = material.review_rounds.filter(status=ReviewRound.Status.DECIDED).first()
    material.review_status = (
        STATUS_AFTER[last.decision] if last else Material.Review.NONE
    )
    material.save(update_fields=["review_status"])
    community.audit(actor=author, action="review_withdraw", target=material)
    return round_


def review_deadlines_run(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Remind reviewers before the deadline and release late assignments.

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
    ).select_related("round__material", "reviewer")
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
                    target_title=assignment.round.material.title,
                    url=_queue_url(),
                    group=False,
                )
    late = ReviewAssignment.objects.filter(
        status=ReviewAssignment.Status.ACTIVE, due_at__lte=now
    ).select_related("round__material", "reviewer")
    for assignment in late:
        with transaction.atomic():
            claimed = ReviewAssignment.objects.filter(
                pk=assignment.pk, status=ReviewAssignment.Status.ACTIVE
            ).update(status=ReviewAssignment.Status.EXPIRED)
            if claimed:
                expired += 1
                material = assignment.round.material
                community.audit(
                    actor=None,
                    action="review_expired",
                    target=material,
                    reason=assignment.reviewer.profile.shown_name,
                )
                community.notify(
                    recipient=assignment.reviewer,
                    kind=kinds.REVIEW_EXPIRED,
                    target=assignment,
                    target_title=material.title,
                    url=_queue_url(),
                    group=False,
                )
    return reminded, expired


# --- Moderation ------------------------------------------------------------------


@transaction.atomic
def review_hide(
    *, review: Review, moderator, reason: str, hidden: bool = True
) -> Review:
    """A moderator hides a review (or shows it again): it leaves the material's
    page. The call is always put on record (``community.hiding``).

    Raises PermissionDenied for anyone but a moderator.
    """
    if not can_moderate_materials(moderator):
        raise PermissionDenied
    return _review_set_hidden(review, hidden=hidden, moderator=moderator, reason=reason)


@transaction.atomic
def review_hide_by_reports(*, review: Review, hidden: bool = True) -> Review:
    """Reports hide a review until a moderator looks."""
    return _review_set_hidden(review, hidden=hidden, moderator=None, reason=REPORTED)


# An automatic call is told by its empty actor, under the same action names.
_review_record = audited("material_review")


def _review_set_hidden(
    review: Review, *, hidden: bool, moderator, reason: str
) -> Review:
    hidden_set(
        review,
        hidden=hidden,
        moderator=moderator,
        reason=reason,
        changed=review_changed,
        record=_review_record,
    )
    return review
