"""The experts' review of a course before it opens, branch by branch: who
takes a place, the rubric, the materials' decision rule, moderators'
decisions, withdrawal, deadlines, hiding — and the steps that arrive at once
(PostgreSQL)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Follow
from accounts.tests.factories import UserFactory
from community.models import ActivityEvent, AuditEntry, Notification
from community.notifications import notification_kind
from community.tests.races import needs_postgresql, together
from courses import kinds, permissions, services
from courses.models import (
    Course,
    CourseReview,
    ReviewAssignment,
    ReviewRound,
)
from courses.tests.authoring_helpers import (
    course_moderator,
    course_ready,
    expert,
)

pytestmark = pytest.mark.django_db

ALL_FIVES = {"goals": 5, "structure": 5, "hours": 4, "value": 5}
ALL_TWOS = {"goals": 2, "structure": 2, "hours": 2, "value": 3}


@pytest.fixture
def moderator(moderator):
    return course_moderator(moderator)


def _codes(error: ValidationError) -> set:
    return {item.code for item in error.error_list}


def _submitted(course=None) -> ReviewRound:
    course = course or course_ready()
    services.course_submit(course=course, author=course.author)
    return ReviewRound.objects.get(course=course, status=ReviewRound.Status.OPEN)


def _write(assignment, recommendation="recommend", scores=ALL_FIVES, summary="Годится"):
    return services.review_write(
        assignment=assignment,
        reviewer=assignment.reviewer,
        scores=scores,
        comments={"goals": "Цели ясны", "hours": "  Часы реальны  "},
        recommendation=recommendation,
        summary=summary,
    )


def _reviewed(round_, *recommendations, scores=ALL_FIVES) -> ReviewRound:
    for recommendation in recommendations:
        assignment = services.review_take(round_=round_, reviewer=expert())
        _write(assignment, recommendation=recommendation, scores=scores)
    round_.refresh_from_db()
    return round_


def _course(round_) -> Course:
    return Course.objects.get(pk=round_.course_id)


# --- Taking a place -------------------------------------------------------------------


def test_an_expert_of_the_subject_takes_a_place_with_a_deadline(settings):
    round_ = _submitted()
    reviewer = expert()

    assignment = services.review_take(round_=round_, reviewer=reviewer)

    assert assignment.status == ReviewAssignment.Status.ACTIVE
    expected = timezone.now() + datetime.timedelta(days=settings.MATERIALS_REVIEW_DAYS)
    assert abs(assignment.due_at - expected) < datetime.timedelta(minutes=1)
    assert AuditEntry.objects.filter(action="course_review_take").exists()
    course = _course(round_)
    assert permissions.can_see_course(reviewer, course)
    assert permissions.can_write_review(reviewer, assignment)


def test_a_member_who_is_not_an_expert_takes_no_place():
    round_ = _submitted()

    with pytest.raises(ValidationError) as error:
        services.review_take(round_=round_, reviewer=UserFactory())

    assert _codes(error.value) == {"expert"}


def test_an_expert_of_another_subject_takes_no_place():
    round_ = _submitted()

    with pytest.raises(ValidationError) as error:
        services.review_take(round_=round_, reviewer=expert("physics"))

    assert _codes(error.value) == {"subject"}


def test_no_author_reviews_their_own_course():
    coauthor = expert()
    course = course_ready(author=expert())
    services.coauthors_set(
        course=course, editor=course.author, usernames=[coauthor.username]
    )
    round_ = _submitted(course)

    for reviewer in (course.author, coauthor):
        with pytest.raises(ValidationError) as error:
            services.review_take(round_=round_, reviewer=reviewer)
        assert _codes(error.value) == {"own"}


def test_a_colleague_from_the_school_of_any_author_takes_no_place():
    coauthor = UserFactory()
    course = course_ready()
    services.coauthors_set(
        course=course, editor=course.author, usernames=[coauthor.username]
    )
    round_ = _submitted(course)

    for school in (course.author.profile.school, coauthor.profile.school):
        with pytest.raises(ValidationError) as error:
            services.review_take(round_=round_, reviewer=expert(school=school))
        assert _codes(error.value) == {"school"}
    assert not permissions.can_review_course(
        expert(school=f"  {coauthor.profile.school.upper()} "), _course(round_)
    )


def test_an_expert_takes_a_place_once():
    round_ = _submitted()
    reviewer = expert()
    services.review_take(round_=round_, reviewer=reviewer)

    with pytest.raises(ValidationError) as error:
        services.review_take(round_=round_, reviewer=reviewer)

    assert _codes(error.value) == {"taken"}


def test_the_places_are_as_many_as_the_reviews_required(settings):
    settings.MATERIALS_REVIEWS_REQUIRED = 2
    round_ = _submitted()
    services.review_take(round_=round_, reviewer=expert())
    services.review_take(round_=round_, reviewer=expert())

    assert not ReviewRound.objects.filter(pk=round_.pk).waiting_for_reviewers()
    with pytest.raises(ValidationError) as error:
        services.review_take(round_=round_, reviewer=expert())

    assert _codes(error.value) == {"full"}


def test_a_released_place_is_free_again(settings):
    settings.MATERIALS_REVIEWS_REQUIRED = 1
    round_ = _submitted()
    late = services.review_take(round_=round_, reviewer=expert())
    ReviewAssignment.objects.filter(pk=late.pk).update(
        due_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    services.review_deadlines_run()

    assert ReviewRound.objects.filter(pk=round_.pk).waiting_for_reviewers().exists()
    services.review_take(round_=round_, reviewer=expert())


def test_a_closed_round_takes_no_reviewer():
    round_ = _submitted()
    services.review_withdraw(round_=round_, author=_course(round_).author)

    with pytest.raises(ValidationError) as error:
        services.review_take(round_=round_, reviewer=expert())

    assert _codes(error.value) == {"closed"}


def test_experts_for_course_leaves_out_authors_and_their_colleagues():
    author = expert()
    colleague = expert(school=author.profile.school)
    stranger = expert()
    course = course_ready(author=author)

    assert services.experts_for_course(course) == [stranger]
    assert colleague not in services.experts_for_course(course)


# --- A moderator names a reviewer -----------------------------------------------------


def test_a_moderator_assigns_a_reviewer_of_any_subject_who_is_told(moderator):
    round_ = _submitted()
    physicist = expert("physics")

    assignment = services.review_assign(
        round_=round_, reviewer=physicist, moderator=moderator
    )

    assert assignment.assigned_by == moderator
    assert Notification.objects.filter(
        recipient=physicist, kind=kinds.REVIEW_ASSIGNED
    ).exists()
    assert AuditEntry.objects.filter(action="course_review_assign").exists()


def test_only_moderators_assign_and_conflicts_still_count(moderator):
    round_ = _submitted()

    with pytest.raises(PermissionDenied):
        services.review_assign(round_=round_, reviewer=expert(), moderator=expert())
    with pytest.raises(ValidationError) as error:
        services.review_assign(
            round_=round_, reviewer=_course(round_).author, moderator=moderator
        )
    assert _codes(error.value) == {"expert"}
    with pytest.raises(ValidationError) as error:
        services.reviewer_check(
            round_=round_,
            reviewer=expert(school=_course(round_).author.profile.school),
        )
    assert _codes(error.value) == {"school"}


# --- The rubric and the decision ------------------------------------------------------


def test_a_review_is_stored_and_the_authors_are_told():
    coauthor = UserFactory()
    course = course_ready()
    services.coauthors_set(
        course=course, editor=course.author, usernames=[coauthor.username]
    )
    round_ = _submitted(course)
    assignment = services.review_take(round_=round_, reviewer=expert())

    review = _write(assignment)

    assert (review.goals, review.hours) == (5, 4)
    assert review.hours_comment == "Часы реальны"
    assert review.average == pytest.approx(4.75)
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.SUBMITTED
    for author in (course.author, coauthor):
        assert Notification.objects.filter(
            recipient=author, kind=kinds.REVIEW_RECEIVED
        ).exists()
    assert _course(round_).status == Course.Status.REVIEW


def test_a_blind_review_does_not_name_the_reviewer_to_the_authors(settings):
    settings.MATERIALS_BLIND_REVIEW = True
    round_ = _submitted()
    assignment = services.review_take(round_=round_, reviewer=expert())

    _write(assignment)

    notice = Notification.objects.get(kind=kinds.REVIEW_RECEIVED)
    assert notice.actor is None


def test_recommending_reviews_publish_the_course_and_followers_hear(settings):
    settings.MATERIALS_REVIEWS_REQUIRED = 2
    course = course_ready()
    follower = UserFactory()
    Follow.objects.create(follower=follower, followee=course.author)

    round_ = _reviewed(_submitted(course), "recommend", "recommend")

    course.refresh_from_db()
    assert round_.status == ReviewRound.Status.DECIDED
    assert round_.decision == ReviewRound.Decision.RECOMMEND
    assert round_.decided_by is None
    # The rule's reasoning: the average of the scores (4.75).
    assert "4.8" in round_.decision_note
    assert course.status == Course.Status.PUBLISHED
    assert course.published_at is not None
    assert Notification.objects.filter(
        recipient=course.author, kind=kinds.REVIEW_DECISION
    ).exists()
    assert Notification.objects.filter(
        recipient=follower, kind=kinds.NEW_BY_AUTHOR
    ).exists()
    assert ActivityEvent.objects.filter(
        kind=kinds.COURSE_ACTIVITY, target_id=course.pk
    ).exists()
    assert AuditEntry.objects.filter(action="course_review_recommend").exists()


def test_low_scores_send_the_course_back_to_draft_with_the_note(settings):
    settings.MATERIALS_REVIEWS_REQUIRED = 2

    round_ = _reviewed(_submitted(), "revise", "recommend", scores=ALL_TWOS)

    assert round_.decision == ReviewRound.Decision.REVISE
    assert round_.decision_note
    course = _course(round_)
    assert course.status == Course.Status.DRAFT
    assert course.published_at is None
    assert permissions.can_submit_course(course.author, course)


def test_every_reviewer_rejecting_rejects_the_course(settings):
    settings.MATERIALS_REVIEWS_REQUIRED = 2

    round_ = _reviewed(_submitted(), "reject", "reject")

    assert round_.decision == ReviewRound.Decision.REJECT
    assert _course(round_).status == Course.Status.DRAFT


def test_a_split_verdict_waits_for_a_moderator(settings, moderator):
    settings.MATERIALS_REVIEWS_REQUIRED = 2
    round_ = _reviewed(_submitted(), "reject", "recommend")

    assert round_.status == ReviewRound.Status.AWAITING
    assert _course(round_).status == Course.Status.REVIEW
    assert AuditEntry.objects.filter(action="course_review_awaiting").exists()

    services.review_decide(
        round_=round_, moderator=moderator, decision="recommend", note="  Годится "
    )

    round_.refresh_from_db()
    assert (round_.decided_by, round_.decision_note) == (moderator, "Годится")
    assert _course(round_).status == Course.Status.PUBLISHED


def test_a_moderator_may_decide_an_open_round_and_its_reviewers_are_released(
    moderator,
):
    round_ = _submitted()
    assignment = services.review_take(round_=round_, reviewer=expert())

    services.review_decide(
        round_=round_, moderator=moderator, decision="revise", note="Мало практики"
    )

    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.WITHDRAWN
    assert _course(round_).status == Course.Status.DRAFT
    with pytest.raises(PermissionDenied):
        _write(assignment)


def test_review_decide_refuses_members_unknown_decisions_and_closed_rounds(
    moderator,
):
    round_ = _submitted()

    with pytest.raises(PermissionDenied):
        services.review_decide(
            round_=round_, moderator=_course(round_).author, decision="recommend"
        )
    with pytest.raises(ValidationError) as error:
        services.review_decide(round_=round_, moderator=moderator, decision="maybe")
    assert _codes(error.value) == {"decision"}
    services.review_decide(round_=round_, moderator=moderator, decision="reject")
    with pytest.raises(ValidationError) as error:
        services.review_decide(round_=round_, moderator=moderator, decision="reject")
    assert _codes(error.value) == {"closed"}


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"scores": {**ALL_FIVES, "goals": 6}}, "score"),
        ({"scores": {**ALL_FIVES, "value": 0}}, "score"),
        ({"scores": {"goals": 5}}, "score"),
        ({"scores": {**ALL_FIVES, "hours": "много"}}, "score"),
        ({"recommendation": "publish"}, "recommendation"),
        ({"summary": "   "}, "summary"),
    ],
)
def test_review_write_checks_the_rubric(fields, code):
    round_ = _submitted()
    assignment = services.review_take(round_=round_, reviewer=expert())

    with pytest.raises(ValidationError) as error:
        _write(assignment, **fields)

    assert _codes(error.value) == {code}
    assert not CourseReview.objects.exists()


def test_only_the_assigned_expert_writes_once_and_in_time():
    round_ = _submitted()
    assignment = services.review_take(round_=round_, reviewer=expert())

    with pytest.raises(PermissionDenied):
        services.review_write(
            assignment=assignment,
            reviewer=expert(),
            scores=ALL_FIVES,
            comments={},
            recommendation="recommend",
            summary="Чужой отзыв",
        )
    _write(assignment)
    with pytest.raises(PermissionDenied):
        _write(assignment)

    late = services.review_take(round_=round_, reviewer=expert())
    ReviewAssignment.objects.filter(pk=late.pk).update(due_at=timezone.now())
    with pytest.raises(PermissionDenied):
        _write(late)


# --- Withdrawal -----------------------------------------------------------------------


def test_a_co_author_withdraws_the_course_to_its_drafts():
    coauthor = UserFactory()
    course = course_ready()
    services.coauthors_set(
        course=course, editor=course.author, usernames=[coauthor.username]
    )
    round_ = _submitted(course)
    assignment = services.review_take(round_=round_, reviewer=expert())

    services.review_withdraw(round_=round_, author=coauthor)

    round_.refresh_from_db()
    assignment.refresh_from_db()
    assert round_.status == ReviewRound.Status.WITHDRAWN
    assert assignment.status == ReviewAssignment.Status.WITHDRAWN
    assert _course(round_).status == Course.Status.DRAFT
    assert AuditEntry.objects.filter(action="course_review_withdraw").exists()

    # Changed and submitted again: a new round.
    services.course_update(course=course, editor=course.author, title="Исправлено")
    second = _submitted(course)
    assert second.pk != round_.pk


def test_only_authors_withdraw_and_only_an_open_round():
    round_ = _submitted()

    with pytest.raises(PermissionDenied):
        services.review_withdraw(round_=round_, author=UserFactory())
    services.review_withdraw(round_=round_, author=_course(round_).author)
    with pytest.raises(ValidationError) as error:
        services.review_withdraw(round_=round_, author=_course(round_).author)
    assert _codes(error.value) == {"closed"}


# --- Deadlines ------------------------------------------------------------------------


def test_deadlines_remind_once_and_release_late_assignments_once(settings):
    settings.MATERIALS_REVIEWS_REQUIRED = 2
    round_ = _submitted()
    soon = services.review_take(round_=round_, reviewer=expert())
    late = services.review_take(round_=round_, reviewer=expert())
    now = timezone.now()
    ReviewAssignment.objects.filter(pk=soon.pk).update(
        due_at=now + datetime.timedelta(days=1)
    )
    ReviewAssignment.objects.filter(pk=late.pk).update(
        due_at=now - datetime.timedelta(minutes=1)
    )

    assert services.review_deadlines_run(now=now) == (1, 1)
    assert services.review_deadlines_run(now=now) == (0, 0)

    late.refresh_from_db()
    assert late.status == ReviewAssignment.Status.EXPIRED
    assert Notification.objects.filter(
        recipient=soon.reviewer, kind=kinds.REVIEW_REMINDER
    ).exists()
    assert Notification.objects.filter(
        recipient=late.reviewer, kind=kinds.REVIEW_EXPIRED
    ).exists()
    assert AuditEntry.objects.filter(action="course_review_expired").exists()


# --- Hiding a review ------------------------------------------------------------------


def test_a_moderator_hides_a_review_on_record(moderator):
    round_ = _submitted()
    review = _write(services.review_take(round_=round_, reviewer=expert()))

    services.review_hide(review=review, moderator=moderator, reason="Грубость")

    review.refresh_from_db()
    assert review.is_hidden
    assert AuditEntry.objects.filter(
        action="course_review_hide", reason="Грубость"
    ).exists()
    with pytest.raises(PermissionDenied):
        services.review_hide(review=review, moderator=expert(), reason="")

    services.review_hide_by_reports(review=review, hidden=False)
    assert not CourseReview.objects.get(pk=review.pk).is_hidden


# --- At once (PostgreSQL) -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_experts_taking_the_last_place_at_once_get_one_place(vocabulary, settings):
    needs_postgresql()
    settings.MATERIALS_REVIEWS_REQUIRED = 2
    round_ = _submitted()
    services.review_take(round_=round_, reviewer=expert())
    first, second = expert(), expert()

    errors = together(
        [
            lambda reviewer=reviewer: services.review_take(
                round_=ReviewRound.objects.get(pk=round_.pk), reviewer=reviewer
            )
            for reviewer in (first, second)
        ]
    )

    assert sorted(error is None for error in errors) == [False, True]
    refused = next(error for error in errors if error is not None)
    assert isinstance(refused, ValidationError)
    assert _codes(refused) == {"full"}
    assert round_.assignments.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_double_submit_opens_one_round(vocabulary):
    needs_postgresql()
    course = course_ready()

    errors = together(
        [
            lambda: services.course_submit(
                course=Course.objects.get(pk=course.pk), author=course.author
            )
            for _click in range(3)
        ]
    )

    assert sum(error is None for error in errors) == 1
    assert all(
        isinstance(error, ValidationError) and _codes(error) == {"status"}
        for error in errors
        if error is not None
    )
    assert ReviewRound.objects.filter(course=course).count() == 1
    assert AuditEntry.objects.filter(action="course_review_request").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_last_two_reviews_at_once_decide_once(vocabulary, settings):
    needs_postgresql()
    settings.MATERIALS_REVIEWS_REQUIRED = 2
    course = course_ready()
    round_ = _submitted(course)
    assignments = [
        services.review_take(round_=round_, reviewer=expert()) for _n in range(2)
    ]

    errors = together(
        [
            lambda assignment=assignment: _write(
                ReviewAssignment.objects.get(pk=assignment.pk)
            )
            for assignment in assignments
        ]
    )

    assert errors == [None, None]
    round_.refresh_from_db()
    assert round_.status == ReviewRound.Status.DECIDED
    assert _course(round_).status == Course.Status.PUBLISHED
    assert AuditEntry.objects.filter(action="course_publish").count() == 1
    assert (
        Notification.objects.filter(
            recipient=course.author, kind=kinds.REVIEW_DECISION
        ).count()
        == 1
    )


# --- The experts hear the decision too ------------------------------------------------


def _expert_notices(kind=kinds.REVIEW_DECIDED_FOR_EXPERT):
    return Notification.objects.filter(kind=kind)


def test_the_experts_who_reviewed_hear_the_rules_decision(settings):
    settings.MATERIALS_REVIEWS_REQUIRED = 2
    course = course_ready()

    round_ = _reviewed(_submitted(course), "recommend", "recommend")

    reviewers = set(round_.assignments.values_list("reviewer_id", flat=True).order_by())
    notices = _expert_notices()
    assert {notice.recipient_id for notice in notices} == reviewers
    assert len(reviewers) == 2
    for notice in notices:
        assert notice.target_title == course.title
        assert notice.url == course.get_absolute_url()
        assert notice.actor is None
    # The authors hear the decision of their own kind, once each.
    assert not notices.filter(recipient=course.author).exists()


def test_only_the_experts_who_submitted_hear_a_moderators_decision(settings, moderator):
    settings.MATERIALS_REVIEWS_REQUIRED = 3
    round_ = _reviewed(_submitted(), "recommend")
    reviewed = round_.assignments.get().reviewer
    still_writing = services.review_take(round_=round_, reviewer=expert()).reviewer

    services.review_decide(
        round_=round_, moderator=moderator, decision="revise", note="Мало практики"
    )

    notice = _expert_notices().get()
    assert (notice.recipient, notice.actor) == (reviewed, moderator)
    assert not _expert_notices().filter(recipient=still_writing).exists()
    # The experts' own switch: the one for courses.
    kind = notification_kind(kinds.REVIEW_DECIDED_FOR_EXPERT)
    assert kind.preference == kinds.PREFERENCE
    assert "%(target)s" in str(kind.one)
