"""Reports and moderation of courses: courses, expert reviews and peer
reviews reportable and hidden through the app's services; peer reviews
hidden and shown again (``courses.moderation``); the moderation inbox."""

import datetime

import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from community import reporting
from community.inbox import inbox_for, inbox_queue_for
from community.models import AuditEntry, Report, SearchEntry
from community.reports import reportable_for_model
from courses import moderation
from courses.models import Course, CourseReview, PeerReview, ReviewRound
from courses.tests.community_helpers import (
    enrolled,
    peer_review,
    published,
    reviewed,
)

pytestmark = pytest.mark.django_db


def _established():
    return UserFactory(date_joined=timezone.now() - datetime.timedelta(days=90))


def _report(reporter, key: str, obj) -> Report:
    return reporting.report_create(
        reporter=reporter, key=key, object_id=obj.pk, reason="spam"
    )


# --- Courses ------------------------------------------------------------------------


@override_settings(MODERATION_AUTOHIDE_REPORTS=3)
def test_enough_reports_hide_a_course_until_a_moderator_looks(moderator):
    course = published(title="Реклама курсов")
    assert SearchEntry.objects.filter(kind="courses").count() == 1

    for _ in range(3):
        _report(_established(), "course", course)

    course.refresh_from_db()
    assert course.is_hidden
    assert not SearchEntry.objects.filter(kind="courses").exists()
    assert AuditEntry.objects.filter(action="course_hide", actor=None).exists()

    report = Report.objects.filter(target_id=course.pk).first()
    reporting.report_resolve(report=report, moderator=moderator, hide=False)

    course.refresh_from_db()
    assert not course.is_hidden
    assert SearchEntry.objects.filter(kind="courses").count() == 1


def test_a_moderator_hides_a_reported_course_through_its_service(moderator):
    course = published()
    report = _report(UserFactory(), "course", course)

    reporting.report_resolve(report=report, moderator=moderator, hide=True)

    course.refresh_from_db()
    assert course.is_hidden
    entry = AuditEntry.objects.get(action="course_hide")
    assert entry.actor == moderator


def test_an_author_cannot_report_their_course_nor_anyone_a_draft():
    from django.core.exceptions import ValidationError

    from courses.tests.authoring_helpers import course_ready

    course = published()
    draft = course_ready()

    with pytest.raises(ValidationError):
        _report(course.author, "course", course)
    with pytest.raises(ObjectDoesNotExist):
        _report(UserFactory(), "course", draft)


def test_the_report_form_names_the_course(client):
    course = published(title="Дроби без страха")
    client.force_login(UserFactory())

    response = client.get(reverse("report", args=["course", course.pk]))

    assert response.status_code == 200
    assert "Дроби без страха" in response.content.decode()


# --- Expert reviews of courses --------------------------------------------------------


@override_settings(MODERATION_AUTOHIDE_REPORTS=1)
def test_an_author_reports_an_expert_review_which_hides_it():
    round_ = reviewed()
    review = CourseReview.objects.filter(assignment__round=round_).first()

    _report(_established_author(round_), "course_review", review)

    review.refresh_from_db()
    assert review.is_hidden
    assert AuditEntry.objects.filter(action="course_review_hide").exists()


def _established_author(round_: ReviewRound):
    author = round_.course.author
    type(author).objects.filter(pk=author.pk).update(
        date_joined=timezone.now() - datetime.timedelta(days=90)
    )
    author.refresh_from_db()
    return author


def test_only_authors_and_moderators_may_report_an_expert_review(moderator):
    round_ = reviewed()
    review = CourseReview.objects.filter(assignment__round=round_).first()

    assert review in moderation.course_reviews_visible_to(round_.course.author)
    assert review in moderation.course_reviews_visible_to(moderator)
    assert not moderation.course_reviews_visible_to(UserFactory()).exists()
    with pytest.raises(ObjectDoesNotExist):
        _report(UserFactory(), "course_review", review)


# --- Peer reviews -------------------------------------------------------------------


@override_settings(MODERATION_AUTOHIDE_REPORTS=1)
def test_a_learner_reports_a_peer_review_which_hides_it():
    learner = _established()
    review = peer_review(published(), learner=learner)

    _report(learner, "peer_review", review)

    review.refresh_from_db()
    assert review.is_hidden
    entry = AuditEntry.objects.get(action="peer_review_hide")
    assert entry.actor is None


def test_who_may_see_and_report_a_peer_review(moderator):
    learner, coauthor = UserFactory(), UserFactory()
    course = published()
    course.coauthors.add(coauthor)
    review = peer_review(course, learner=learner)
    stranger = enrolled(course).user

    for user in (learner, course.author, coauthor, moderator):
        assert review in moderation.peer_reviews_visible_to(user)
    assert not moderation.peer_reviews_visible_to(stranger).exists()
    with pytest.raises(ObjectDoesNotExist):
        _report(stranger, "peer_review", review)


def test_a_moderator_hides_a_peer_review_and_shows_it_again(moderator):
    review = peer_review(published())

    moderation.peer_review_hide(review=review, moderator=moderator, reason="грубо")
    hidden = PeerReview.objects.get(pk=review.pk).is_hidden
    moderation.peer_review_hide(
        review=review, moderator=moderator, reason="", hidden=False
    )

    assert hidden
    assert not PeerReview.objects.get(pk=review.pk).is_hidden
    assert list(
        AuditEntry.objects.order_by("pk").values_list("action", "actor", "reason")
    )[-2:] == [
        ("peer_review_hide", moderator.pk, "грубо"),
        ("peer_review_restore", moderator.pk, ""),
    ]


def test_only_moderators_of_courses_hide_a_peer_review():
    review = peer_review(published())
    author = review.submission.unit.course.author
    learner = review.submission.enrolment.user

    for user in (author, learner, review.reviewer, UserFactory()):
        with pytest.raises(PermissionDenied):
            moderation.peer_review_hide(review=review, moderator=user, reason="")
    assert not PeerReview.objects.get(pk=review.pk).is_hidden


def test_a_hide_by_reports_is_on_record_only_when_it_changes_something():
    review = peer_review(published())

    moderation.peer_review_hide_by_reports(review=review)
    moderation.peer_review_hide_by_reports(review=review)

    assert AuditEntry.objects.filter(action="peer_review_hide").count() == 1


def test_every_reportable_kind_of_courses_is_registered():
    for model, key in [
        (Course, "course"),
        (CourseReview, "course_review"),
        (PeerReview, "peer_review"),
    ]:
        assert reportable_for_model(model).key == key


# --- The moderation inbox -------------------------------------------------------------


def test_the_inbox_counts_courses_waiting_for_a_decision(moderator):
    from courses import services
    from courses.tests.authoring_helpers import course_ready

    waiting = course_ready()  # still collecting reviews: not a moderator's yet
    services.course_submit(course=waiting, author=waiting.author)
    reviewed()

    counts = {source.key: count for source, count in inbox_for(moderator)}

    assert counts["courses_decisions"] == 1
    assert "courses_decisions" not in {
        source.key for source, _count in inbox_for(UserFactory())
    }


def test_the_inbox_queue_publishes_a_course_after_expert_review(moderator):
    round_ = reviewed()
    source = inbox_queue_for(moderator, "courses_decisions")
    item = source.queue.item(source.queue.items(moderator).get())

    message = source.queue.approve(moderator, round_.pk)

    round_.refresh_from_db()
    round_.course.refresh_from_db()
    assert item.title == round_.course.title
    assert round_.decision == ReviewRound.Decision.RECOMMEND
    assert round_.course.status == Course.Status.PUBLISHED
    assert round_.course.title in message
    # A second moderator's click finds it decided.
    with translation.override("en"):
        assert "already decided" in source.queue.approve(moderator, round_.pk)


def test_the_inbox_queue_returns_a_course_to_its_authors_with_the_note(moderator):
    round_ = reviewed()
    source = inbox_queue_for(moderator, "courses_decisions")

    source.queue.reject(moderator, round_.pk, "Уточните часы")

    round_.refresh_from_db()
    round_.course.refresh_from_db()
    assert source.queue.reason_required
    assert round_.decision == ReviewRound.Decision.REVISE
    assert round_.decision_note == "Уточните часы"
    assert round_.course.status == Course.Status.DRAFT


def test_the_inbox_queue_page_opens_for_a_moderator(client, moderator):
    reviewed()
    client.force_login(moderator)

    response = client.get(reverse("inbox_queue", args=["courses_decisions"]))

    assert response.status_code == 200
