"""Assignments: a learner's work, colleagues' reviews of it, the author's
decision. The locks follow ``services.learning``'s order: the course, the
learner's enrolment, then the submission."""

import logging
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community import services as community
from community.markdown import render_markdown
from community.sanctions import participation_check
from courses import kinds
from courses.changes import progress_changed
from courses.models import Course, Enrolment, PeerReview, Submission, Unit
from courses.permissions import (
    can_moderate_courses,
    can_peer_review,
    can_see_submission,
    is_author,
)
from courses.services.learning import _learner_enrolment, _unit_done
from courses.uploads import (
    content_type_of,
    submission_file_check,
    submission_file_delete,
    submission_file_store,
    submission_storage,
)

logger = logging.getLogger(__name__)

TEXT_MAX_LENGTH = 20_000
COMMENT_MAX_LENGTH = 3000
AUDIT_RETURN = "course_submission_return"


def _file_delete_later(name: str) -> None:
    """Remove a replaced file once the transaction that replaced it commits."""

    def delete() -> None:
        try:
            submission_file_delete(name)
        except OSError:  # already gone, or the disk said no: log and go on
            logger.warning("could not delete %s", name)

    if name:
        transaction.on_commit(delete)


@transaction.atomic
def submission_submit(*, unit: Unit, user, text: str = "", file=None) -> Submission:
    """Hand in the learner's work on an assignment: a text (Markdown,
    rendered once here) and/or a file (checked by its content and size, kept
    in private storage). Returned work may be handed in again: a new version,
    waiting for review afresh (earlier reviews stay on record and count no
    more); a new file replaces the old one. When the authors accept the work
    (``completion`` author), they are told it waits.

    Raises ValidationError: not an assignment, nothing handed in, a file
    refused, work waiting for review or accepted already, no place, not
    open; PermissionDenied for a course the member may not see.
    """
    if unit.kind != Unit.Kind.ASSIGNMENT:
        raise ValidationError(_("This unit is not an assignment."), code="kind")
    text = (text or "").replace("\x00", "").strip()
    if not text and not file:
        raise ValidationError(_("Write your answer or attach a file."), code="empty")
    if len(text) > TEXT_MAX_LENGTH:
        raise ValidationError(
            _("The answer is at most %(limit)d characters.")
            % {"limit": TEXT_MAX_LENGTH},
            code="too_long",
        )
    checked = submission_file_check(file) if file else None
    now = timezone.now()
    enrolment = _learner_enrolment(unit, user, now)
    course = enrolment.course
    submission = (
        Submission.objects.select_for_update()
        .filter(unit=unit, enrolment=enrolment)
        .first()
    )
    if submission is not None and submission.status == Submission.Status.SUBMITTED:
        raise ValidationError(
            _("Your work waits for review: send a new version once it is returned."),
            code="waiting",
        )
    if submission is not None and submission.status == Submission.Status.ACCEPTED:
        raise ValidationError(_("Your work is accepted already."), code="accepted")
    replaced = ""
    stored = submission_file_store(checked) if checked else ""
    try:
        if submission is None:
            submission = Submission(unit=unit, enrolment=enrolment)
        else:
            submission.version = F("version") + 1
        submission.text = text
        submission.text_html = render_markdown(text) if text else ""
        if checked:
            replaced = submission.file.name or ""
            submission.file = stored
            submission.file_name = checked.name
            submission.file_size = checked.size
        submission.status = Submission.Status.SUBMITTED
        submission.accepted_reviews = 0
        submission.submitted_at = now
        submission.decided_at = None
        submission.decided_by = None
        submission.decision_note = ""
        submission.save()
        submission.refresh_from_db(fields=["version"])
    except BaseException:
        if stored:
            submission_file_delete(stored)
        raise
    _file_delete_later(replaced)
    if enrolment.last_unit_id != unit.pk:
        Enrolment.objects.filter(pk=enrolment.pk).update(last_unit=unit)
    if unit.completion == Unit.Completion.AUTHOR:
        community.notify_many(
            recipients=[course.author, *course.coauthors.all()],
            kind=kinds.SUBMISSION_WAITING,
            actor=user,
            target=unit,
            target_title=unit.title,
            url=reverse("courses:submissions", kwargs={"slug": course.slug}),
        )
    progress_changed(enrolment)
    return submission


def _locked(submission: Submission) -> tuple[Course, Enrolment, Submission]:
    """The course's row, the learner's enrolment, then the submission."""
    course_id = Unit.objects.values_list("course_id", flat=True).get(
        pk=submission.unit_id
    )
    course = Course.objects.select_for_update(of=("self",)).get(pk=course_id)
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=submission.enrolment_id)
    )
    enrolment.course = course
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("unit")
        .get(pk=submission.pk)
    )
    submission.unit.course = course
    submission.enrolment = enrolment
    return course, enrolment, submission


def _scores_clean(scores: dict) -> dict[str, int]:
    cleaned = {}
    for key, _label in PeerReview.CRITERIA:
        try:
            value = int((scores or {}).get(key))
        except (TypeError, ValueError):
            value = 0
        if not 1 <= value <= 5:
            raise ValidationError(
                _("Score every criterion from 1 to 5."), code="scores"
            )
        cleaned[key] = value
    return cleaned


def _told_reviewed(submission: Submission, *, actor=None) -> None:
    unit = submission.unit
    community.notify(
        recipient=submission.enrolment.user,
        kind=kinds.ASSIGNMENT_REVIEWED,
        actor=actor,
        target=submission,
        target_title=unit.title,
        url=unit.get_absolute_url(),
    )


@transaction.atomic
def peer_review_write(
    *, submission: Submission, reviewer, scores: dict, verdict: str, comment: str
) -> PeerReview:
    """A colleague's review of a submission waiting for peers: a score from 1
    to 5 on each criterion of ``PeerReview.CRITERIA``, accept or revise, and
    a comment. At ``unit.reviews_needed`` accepting reviews of the version
    the work is accepted and the unit done; at as many asking for revision
    it is returned. The learner is told (ASSIGNMENT_REVIEWED, grouped per
    submission; the reviewer is not named).

    Raises PermissionDenied unless ``can_peer_review`` (one's own work, a
    second review of the version, not done the assignment oneself…);
    ValidationError for a score out of range, an unknown verdict or an
    empty comment.
    """
    participation_check(reviewer)
    _course, enrolment, submission = _locked(submission)
    if not can_peer_review(reviewer, submission):
        raise PermissionDenied
    values = _scores_clean(scores)
    if verdict not in PeerReview.Verdict.values:
        raise ValidationError(_("Accept the work or ask for revision."), code="verdict")
    comment = (comment or "").replace("\x00", "").strip()
    if not comment:
        raise ValidationError(
            _("Write a comment: what is good, what to improve."), code="comment"
        )
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            _("The comment is at most %(limit)d characters.")
            % {"limit": COMMENT_MAX_LENGTH},
            code="comment",
        )
    try:
        with transaction.atomic():
            review = PeerReview.objects.create(
                submission=submission,
                reviewer=reviewer,
                version=submission.version,
                verdict=verdict,
                comment=comment,
                **values,
            )
    except IntegrityError as error:
        raise ValidationError(
            _("You have reviewed this version already."), code="twice"
        ) from error
    unit = submission.unit
    now = timezone.now()
    if verdict == PeerReview.Verdict.ACCEPT:
        Submission.objects.filter(pk=submission.pk).update(
            accepted_reviews=F("accepted_reviews") + 1
        )
        submission.refresh_from_db(fields=["accepted_reviews"])
        if submission.accepted_reviews >= unit.reviews_needed:
            submission.status = Submission.Status.ACCEPTED
            submission.decided_at = now
            submission.save(update_fields=["status", "decided_at"])
            _unit_done(enrolment, unit, now, opened=False)
    else:
        revisions = PeerReview.objects.filter(
            submission=submission,
            version=submission.version,
            verdict=PeerReview.Verdict.REVISE,
        ).count()
        if revisions >= unit.reviews_needed:
            submission.status = Submission.Status.RETURNED
            submission.decided_at = now
            submission.save(update_fields=["status", "decided_at"])
    _told_reviewed(submission)
    progress_changed(enrolment)
    return review


@transaction.atomic
def submission_decide(
    *, submission: Submission, author, accept: bool, comment: str = ""
) -> Submission:
    """An author (or co-author, or a moderator) accepts the work — the unit
    done — or returns it for revision, saying what to improve (required; kept
    in the audit log). Works waiting for peers may be decided so too. The
    learner is told. Raises PermissionDenied for anyone else,
    ValidationError for work decided already or a return without a comment.
    """
    participation_check(author)
    course, enrolment, submission = _locked(submission)
    if not (is_author(author, course) or can_moderate_courses(author)):
        raise PermissionDenied
    if submission.status != Submission.Status.SUBMITTED:
        raise ValidationError(_("This work is decided already."), code="decided")
    comment = (comment or "").replace("\x00", "").strip()
    if not accept and not comment:
        raise ValidationError(
            _("Say what to improve: the learner reads it."), code="comment"
        )
    now = timezone.now()
    submission.status = (
        Submission.Status.ACCEPTED if accept else Submission.Status.RETURNED
    )
    submission.decided_at = now
    submission.decided_by = author
    submission.decision_note = "" if accept else comment[:3000]
    submission.save(
        update_fields=["status", "decided_at", "decided_by", "decision_note"]
    )
    if accept:
        _unit_done(enrolment, submission.unit, now, opened=False)
    else:
        community.audit(
            actor=author, action=AUDIT_RETURN, target=submission, reason=comment
        )
    _told_reviewed(submission, actor=author)
    progress_changed(enrolment)
    return submission


@dataclass(frozen=True)
class SubmissionFile:
    """A submission's file, open for reading; the caller closes it."""

    file: IO[bytes]
    name: str
    content_type: str
    size: int


def submission_file_open(*, submission: Submission, user) -> SubmissionFile:
    """The submission's file from the private storage, for those who may see
    the submission (``can_see_submission``); writes nothing. Raises
    PermissionDenied for anyone else (a page answers it with 404), and
    FileNotFoundError when it has no file or the file is gone."""
    if not can_see_submission(user, submission):
        raise PermissionDenied
    name = submission.file.name
    if not name:
        raise FileNotFoundError("the submission has no file")
    return SubmissionFile(
        file=submission_storage().open(name, "rb"),
        name=submission.file_name or name.rsplit("/", 1)[-1],
        content_type=content_type_of(name),
        size=submission.file_size,
    )
