"""Courses in the admin site: the pages open for moderators of courses, every
change goes through the services, learners' rows are only read."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.tests.factories import UserFactory
from community.models import AuditEntry, SearchEntry
from courses.models import (
    Course,
    CourseCertificate,
    CourseReview,
    Enrolment,
    PeerReview,
    ReviewAssignment,
    ReviewRound,
    TrustedAuthor,
)
from courses.tests.authoring_helpers import expert
from courses.tests.community_helpers import (
    completed,
    peer_review,
    published,
    reviewed,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, moderator):
    client.force_login(moderator)
    return client


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:courses_{model._meta.model_name}_{view}", args=args)


def test_every_courses_admin_page_opens_for_a_moderator_of_courses(staff_client):
    course = published()
    certificate = completed(course)
    review = peer_review(course)
    round_ = reviewed()
    TrustedAuthor.objects.get(user=course.author)
    rows = {
        Course: course,
        TrustedAuthor: TrustedAuthor.objects.get(user=course.author),
        ReviewRound: round_,
        ReviewAssignment: round_.assignments.first(),
        CourseReview: CourseReview.objects.filter(assignment__round=round_).first(),
        PeerReview: review,
        Enrolment: certificate.enrolment,
        CourseCertificate: certificate,
    }
    registered = {
        model for model in admin.site._registry if model._meta.app_label == "courses"
    }

    assert registered == set(rows)
    for model, obj in rows.items():
        for url in (_url(model, "changelist"), _url(model, "change", obj.pk)):
            response = staff_client.get(url)
            assert response.status_code == 200, url


def test_the_course_list_reads_a_fixed_number_of_queries(
    staff_client, django_assert_max_num_queries
):
    for index in range(55):
        published(title=f"Курс {index}")

    with django_assert_max_num_queries(12):
        response = staff_client.get(_url(Course, "changelist"))

    assert response.status_code == 200
    assert "Курс 54" in response.content.decode()


def test_a_member_without_the_role_gets_no_courses_admin(client):
    client.force_login(UserFactory(is_staff=True))

    assert client.get(_url(Course, "changelist")).status_code == 403


def test_hiding_courses_in_the_admin_goes_through_the_service(staff_client, moderator):
    course = published()
    assert SearchEntry.objects.filter(kind="courses").exists()

    staff_client.post(
        _url(Course, "changelist"),
        {"action": "hide_selected", "_selected_action": [course.pk]},
    )

    course.refresh_from_db()
    assert course.is_hidden
    assert not SearchEntry.objects.filter(kind="courses").exists()
    assert AuditEntry.objects.get(action="course_hide").actor == moderator

    staff_client.post(
        _url(Course, "changelist"),
        {"action": "show_selected", "_selected_action": [course.pk]},
    )

    course.refresh_from_db()
    assert not course.is_hidden
    assert AuditEntry.objects.filter(action="course_restore").exists()


def test_the_course_page_saves_only_hidden_through_the_service(staff_client):
    course = published(title="Дроби")
    page = staff_client.get(_url(Course, "change", course.pk)).content.decode()

    assert 'name="is_hidden"' in page
    assert 'name="title"' not in page  # the authors' to write
    staff_client.post(
        _url(Course, "change", course.pk),
        {
            "is_hidden": "on",
            "units-TOTAL_FORMS": "0",
            "units-INITIAL_FORMS": str(course.units.count()),
            "units-MIN_NUM_FORMS": "0",
            "units-MAX_NUM_FORMS": "1000",
        },
    )

    course.refresh_from_db()
    assert course.is_hidden
    assert AuditEntry.objects.filter(action="course_hide").count() == 1


def test_archiving_a_course_in_the_admin_keeps_its_learners(staff_client):
    course = published()
    certificate = completed(course)

    staff_client.post(
        _url(Course, "changelist"),
        {"action": "archive_selected", "_selected_action": [course.pk]},
    )

    course.refresh_from_db()
    assert course.status == Course.Status.ARCHIVED
    assert CourseCertificate.objects.filter(pk=certificate.pk).exists()


def test_trusting_an_author_in_the_admin_goes_through_the_service(
    staff_client, moderator
):
    author = UserFactory()

    staff_client.post(_url(TrustedAuthor, "add"), {"user": author.pk})
    trusted = TrustedAuthor.objects.get(user=author)
    staff_client.post(_url(TrustedAuthor, "delete", trusted.pk), {"post": "yes"})

    assert trusted.granted_by == moderator
    assert not TrustedAuthor.objects.filter(user=author).exists()
    assert list(
        AuditEntry.objects.filter(action__startswith="trusted_author")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["trusted_author", "trusted_author_removed"]


def test_a_moderator_decides_a_review_round_in_the_admin(staff_client):
    round_ = reviewed()

    staff_client.post(
        _url(ReviewRound, "change", round_.pk),
        {
            "decision": ReviewRound.Decision.RECOMMEND,
            "decision_note": "Хороший курс",
            "assignments-TOTAL_FORMS": "0",
            "assignments-INITIAL_FORMS": str(round_.assignments.count()),
            "assignments-MIN_NUM_FORMS": "0",
            "assignments-MAX_NUM_FORMS": "1000",
        },
    )

    round_.refresh_from_db()
    round_.course.refresh_from_db()
    assert round_.status == ReviewRound.Status.DECIDED
    assert round_.decision_note == "Хороший курс"
    assert round_.course.status == Course.Status.PUBLISHED


def test_a_moderator_assigns_a_reviewer_in_the_admin(staff_client, moderator):
    from courses import services
    from courses.tests.authoring_helpers import course_ready

    course = course_ready()
    services.course_submit(course=course, author=course.author)
    round_ = ReviewRound.objects.get(course=course)
    reviewer = expert()

    staff_client.post(
        _url(ReviewAssignment, "add"), {"round": round_.pk, "reviewer": reviewer.pk}
    )

    assignment = ReviewAssignment.objects.get(round=round_)
    assert (assignment.reviewer, assignment.assigned_by) == (reviewer, moderator)


def test_reviews_are_hidden_in_the_admin_through_the_services(staff_client):
    review = peer_review(published())
    round_ = reviewed()
    expert_review = CourseReview.objects.filter(assignment__round=round_).first()

    for model, obj in ((PeerReview, review), (CourseReview, expert_review)):
        staff_client.post(
            _url(model, "changelist"),
            {"action": "hide_selected", "_selected_action": [obj.pk]},
        )
        obj.refresh_from_db()
        assert obj.is_hidden

    assert set(
        AuditEntry.objects.filter(action__endswith="review_hide").values_list(
            "action", flat=True
        )
    ) == {"peer_review_hide", "course_review_hide"}


@pytest.mark.parametrize("model", [Enrolment, CourseCertificate, PeerReview])
def test_learners_rows_are_neither_added_nor_deleted_in_the_admin(staff_client, model):
    certificate = completed(published())
    review = peer_review(published())
    obj = {
        Enrolment: certificate.enrolment,
        CourseCertificate: certificate,
        PeerReview: review,
    }[model]

    assert staff_client.get(_url(model, "add")).status_code == 403
    assert staff_client.get(_url(model, "delete", obj.pk)).status_code == 403
