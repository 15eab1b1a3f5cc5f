"""What courses tell the moderators' side and the account's: reports, the
moderation inbox, the audit log's names, the member's data.

- a course, an expert's review of a course and a learner's peer review are
  reportable; each is hidden through the app's own service (a course:
  ``services.course_hide``; a review: ``services.review_hide``; a peer
  review: ``moderation.peer_review_hide``), by reports until a moderator
  looks through their ``*_by_reports``;
- the inbox counts the courses whose reviews are in and wait for a
  moderator's decision (with a queue: publish, or return to the authors
  with a note); those still waiting for reviewers are the experts' queue's
  (``courses:review_queue``), as a moderator assigns reviewers in the admin;
- the member's enrolments, submissions, certificates and courses go into
  the data export, and their places are given up with the account
  (``account_data``).

This module reaches the services only inside the functions it registers.
"""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    register_reports()
    register_inbox()
    register_audit_actions()
    register_account_data()


# --- Reports ------------------------------------------------------------------------


def register_reports() -> None:
    from community.reports import reportable_register
    from courses import moderation, services
    from courses.models import Course, CourseReview, PeerReview

    reportable_register(
        Course,
        key="course",
        label=_("Course"),
        visible_to=moderation.courses_visible_to,
        owner_id=lambda course: course.author_id,
        hide=lambda course, moderator, reason: services.course_hide(
            course=course, moderator=moderator, reason=reason
        ),
        auto_hide=lambda course, hidden: services.course_hide_by_reports(
            course=course, hidden=hidden
        ),
    )
    reportable_register(
        CourseReview,
        key="course_review",
        label=_("Expert review of a course"),
        visible_to=moderation.course_reviews_visible_to,
        owner_id=lambda review: review.assignment.reviewer_id,
        hide=lambda review, moderator, reason: services.review_hide(
            review=review, moderator=moderator, reason=reason
        ),
        auto_hide=lambda review, hidden: services.review_hide_by_reports(
            review=review, hidden=hidden
        ),
    )
    reportable_register(
        PeerReview,
        key="peer_review",
        label=_("Peer review"),
        visible_to=moderation.peer_reviews_visible_to,
        owner_id=lambda review: review.reviewer_id,
        hide=lambda review, moderator, reason: moderation.peer_review_hide(
            review=review, moderator=moderator, reason=reason
        ),
        auto_hide=lambda review, hidden: moderation.peer_review_hide_by_reports(
            review=review, hidden=hidden
        ),
    )


# --- The moderation inbox ------------------------------------------------------------


def rounds_awaiting(user):
    """Review rounds whose reviews are in and wait for a moderator, oldest
    first, with the course and its author's profile."""
    from courses.models import ReviewRound

    return (
        ReviewRound.objects.filter(status=ReviewRound.Status.AWAITING)
        .select_related("course__author__profile")
        .order_by("submitted_at", "pk")
    )


def round_item(round_):
    from community.inbox import InboxItem

    course = round_.course
    return InboxItem(
        pk=round_.pk,
        kind=str(_("Course after expert review")),
        title=course.title,
        url=course.get_absolute_url(),
        author=course.author.profile.shown_name,
        created_at=round_.submitted_at,
        excerpt=course.annotation[:400],
    )


def round_decide(user, pk: int, *, publish: bool, note: str = "") -> str:
    """Publish the course, or send it back to its authors with the note
    (``services.review_decide``: recommend or revise)."""
    from django.shortcuts import get_object_or_404

    from courses import services
    from courses.models import ReviewRound

    round_ = get_object_or_404(ReviewRound.objects.select_related("course"), pk=pk)
    if round_.status != ReviewRound.Status.AWAITING:
        return str(_("Another moderator has already decided about this course."))
    decision = (
        ReviewRound.Decision.RECOMMEND if publish else ReviewRound.Decision.REVISE
    )
    services.review_decide(round_=round_, moderator=user, decision=decision, note=note)
    if publish:
        return str(_("Published: “%(title)s”.") % {"title": round_.course.title})
    return str(
        _("Returned to its authors with your note: “%(title)s”.")
        % {"title": round_.course.title}
    )


def register_inbox() -> None:
    from django.urls import reverse

    from community.inbox import InboxQueue, InboxSource, inbox_source_register
    from courses.models import ReviewRound

    changelist = "admin:courses_reviewround_changelist"
    inbox_source_register(
        InboxSource(
            key="courses_decisions",
            label=_("Courses waiting for a moderator's decision after expert review"),
            count=lambda: ReviewRound.objects.filter(
                status=ReviewRound.Status.AWAITING
            ).count(),
            url=lambda: reverse(changelist) + "?status__exact=awaiting",
            permission="courses.change_reviewround",
            order=33,
            # "Reject" sends the course back to its authors, who must be told
            # what to change.
            queue=InboxQueue(
                items=rounds_awaiting,
                item=round_item,
                approve=lambda user, pk: round_decide(user, pk, publish=True),
                reject=lambda user, pk, reason: round_decide(
                    user, pk, publish=False, note=reason
                ),
                reason_required=True,
            ),
        )
    )


# --- The audit log ------------------------------------------------------------------


def register_audit_actions() -> None:
    from community.notifications import audit_actions_register

    audit_actions_register(
        {
            "course_publish": _("course published"),
            "course_coauthors": _("co-authors of a course changed"),
            "course_archive": _("course archived"),
            "course_hide": _("course hidden"),
            "course_restore": _("course shown again"),
            "trusted_author": _("course author trusted"),
            "trusted_author_removed": _("trust in course author withdrawn"),
            "course_review_request": _("expert review of a course requested"),
            "course_review_withdraw": _("course taken out of expert review"),
            "course_review_take": _("an expert took a course for review"),
            "course_review_assign": _("an expert was assigned to review a course"),
            "course_review_expired": _("an expert missed a course review deadline"),
            "course_review_awaiting": _(
                "course reviews collected, waiting for a decision"
            ),
            "course_review_recommend": _("course published after expert review"),
            "course_review_revise": _(
                "course sent back for revision after expert review"
            ),
            "course_review_reject": _("course rejected after expert review"),
            "course_review_hide": _("expert review of a course hidden"),
            "course_review_restore": _("expert review of a course shown again"),
            "peer_review_hide": _("peer review hidden"),
            "peer_review_restore": _("peer review shown again"),
        }
    )


# --- The member's data ---------------------------------------------------------------


def register_account_data() -> None:
    from accounts.account_data import account_data_register
    from courses import account_data

    account_data_register(
        key="courses",
        export=account_data.member_export,
        erase=account_data.member_erase,
    )
