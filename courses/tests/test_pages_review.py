"""The experts' pages (the queue, taking a course, the rubric), the authors'
page of review rounds (blind reviews) and a moderator's decision."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from courses import services
from courses.models import (
    Course,
    CourseReview,
    ReviewAssignment,
    ReviewRound,
)
from courses.tests.authoring_helpers import course_ready, expert, subject
from courses.tests.pages_helpers import BUDGET, MANY, NoWrites

pytestmark = pytest.mark.django_db


def in_review(**fields) -> Course:
    """A course its (untrusted) author submitted: a round is open."""
    course = course_ready(**fields)
    return services.course_submit(course=course, author=course.author)


def rubric(**changes) -> dict:
    data = {
        "goals": "5",
        "goals_comment": "Цели ясные.",
        "structure": "4",
        "structure_comment": "",
        "hours": "4",
        "hours_comment": "",
        "value": "5",
        "value_comment": "",
        "recommendation": ReviewRound.Decision.RECOMMEND,
        "summary": "Хороший курс, рекомендую.",
    }
    data.update(changes)
    return data


def written(round_: ReviewRound, reviewer, recommendation="recommend") -> CourseReview:
    assignment = services.review_take(round_=round_, reviewer=reviewer)
    return services.review_write(
        assignment=assignment,
        reviewer=reviewer,
        scores={"goals": 5, "structure": 4, "hours": 4, "value": 5},
        comments={"goals": "Цели ясные."},
        recommendation=recommendation,
        summary="Отзыв эксперта о курсе.",
    )


# --- The queue ---------------------------------------------------------------------


def test_review_queue_is_a_404_for_a_member(member_client):
    assert member_client.get(reverse("courses:review_queue")).status_code == 404


def test_review_queue_lists_courses_of_the_experts_subjects(client):
    mine = in_review(title="Дроби без страха")
    other = in_review(title="Органическая химия", subject=subject("chemistry"))
    reviewer = expert()
    client.force_login(reviewer)
    response = client.get(reverse("courses:review_queue"))
    assert response.status_code == 200
    page = response.content.decode()
    assert mine.title in page
    assert other.title not in page
    round_ = mine.review_rounds.get()
    assert reverse("courses:review_take", args=[round_.pk]) in page


def test_review_queue_leaves_out_the_experts_own_course(client):
    reviewer = expert()
    own = in_review(author=reviewer, title="Мой курс")
    client.force_login(reviewer)
    assert own.title not in client.get(reverse("courses:review_queue")).content.decode()


def test_review_queue_stays_in_budget_with_many_courses(
    client, django_assert_max_num_queries
):
    reviewer = expert()
    author = UserFactory()
    now = timezone.now()
    for number in range(MANY):
        course = Course.objects.create(
            author=author,
            title=f"Курс {number}",
            slug=f"kurs-{number}",
            annotation="Кратко.",
            goals="Цели.",
            subject=subject(),
            status=Course.Status.REVIEW,
        )
        ReviewRound.objects.create(course=course)
        if number % 5 == 0:
            round_ = ReviewRound.objects.create(
                course=Course.objects.create(
                    author=author,
                    title=f"Взятый {number}",
                    slug=f"vziatyi-{number}",
                    annotation="Кратко.",
                    goals="Цели.",
                    subject=subject(),
                    status=Course.Status.REVIEW,
                )
            )
            ReviewAssignment.objects.create(
                round=round_, reviewer=reviewer, due_at=now + timezone.timedelta(7)
            )
    client.force_login(reviewer)
    with django_assert_max_num_queries(BUDGET), NoWrites():
        response = client.get(reverse("courses:review_queue"))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == MANY
    assert len(response.context["assignments"]) == 11


def test_review_take_gives_the_expert_the_review(client):
    course = in_review()
    round_ = course.review_rounds.get()
    reviewer = expert()
    client.force_login(reviewer)
    response = client.post(reverse("courses:review_take", args=[round_.pk]))
    assignment = ReviewAssignment.objects.get(round=round_, reviewer=reviewer)
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:review_write", args=[assignment.pk])


def test_review_take_of_a_course_of_another_subject_is_refused(client):
    course = in_review(subject=subject("chemistry"))
    reviewer = expert()
    client.force_login(reviewer)
    response = client.post(
        reverse("courses:review_take", args=[course.review_rounds.get().pk])
    )
    assert response["Location"] == reverse("courses:review_queue")
    assert not ReviewAssignment.objects.exists()


def test_review_take_is_a_404_for_a_member(member_client):
    course = in_review()
    response = member_client.post(
        reverse("courses:review_take", args=[course.review_rounds.get().pk])
    )
    assert response.status_code == 404


# --- The rubric --------------------------------------------------------------------


def test_review_write_shows_the_course_and_the_rubric(client):
    course = in_review(title="Дроби без страха")
    reviewer = expert()
    assignment = services.review_take(
        round_=course.review_rounds.get(), reviewer=reviewer
    )
    client.force_login(reviewer)
    with NoWrites():
        response = client.get(reverse("courses:review_write", args=[assignment.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Часть 1" in page  # the units with their hours
    assert 'name="goals"' in page
    assert 'type="radio"' in page
    assert 'name="recommendation"' in page


def test_review_write_is_a_404_for_another_expert(client):
    course = in_review()
    assignment = services.review_take(
        round_=course.review_rounds.get(), reviewer=expert()
    )
    client.force_login(expert())
    response = client.get(reverse("courses:review_write", args=[assignment.pk]))
    assert response.status_code == 404


def test_review_write_without_a_summary_is_a_400_that_keeps_the_text(client):
    course = in_review()
    reviewer = expert()
    assignment = services.review_take(
        round_=course.review_rounds.get(), reviewer=reviewer
    )
    client.force_login(reviewer)
    response = client.post(
        reverse("courses:review_write", args=[assignment.pk]), rubric(summary="")
    )
    assert response.status_code == 400
    assert "Цели ясные." in response.content.decode()
    assert not CourseReview.objects.exists()


def test_review_write_sends_the_review(client):
    course = in_review()
    reviewer = expert()
    assignment = services.review_take(
        round_=course.review_rounds.get(), reviewer=reviewer
    )
    client.force_login(reviewer)
    response = client.post(
        reverse("courses:review_write", args=[assignment.pk]), rubric()
    )
    assert response.status_code == 302
    review = CourseReview.objects.get(assignment=assignment)
    assert (review.goals, review.structure, review.goals_comment) == (
        5,
        4,
        "Цели ясные.",
    )
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.SUBMITTED


def test_review_write_after_sending_shows_no_form_and_refuses_a_post(client):
    course = in_review()
    reviewer = expert()
    round_ = course.review_rounds.get()
    written(round_, reviewer)
    assignment = ReviewAssignment.objects.get(reviewer=reviewer)
    client.force_login(reviewer)
    url = reverse("courses:review_write", args=[assignment.pk])
    assert 'name="summary"' not in client.get(url).content.decode()
    assert client.post(url, rubric()).status_code == 403


# --- The rounds page ---------------------------------------------------------------


def test_rounds_page_is_a_404_for_a_member_and_an_expert(client):
    course = in_review()
    client.force_login(UserFactory())
    url = reverse("courses:rounds", args=[course.slug])
    assert client.get(url).status_code == 404
    client.force_login(expert())
    assert client.get(url).status_code == 404


def test_rounds_page_shows_blind_reviews_to_the_author(client, settings):
    settings.MATERIALS_BLIND_REVIEW = True
    course = in_review()
    reviewer = expert()
    written(course.review_rounds.get(), reviewer)
    client.force_login(course.author)
    with NoWrites():
        response = client.get(reverse("courses:rounds", args=[course.slug]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Отзыв эксперта о курсе." in page
    assert "Цели ясные." in page
    assert reviewer.profile.shown_name not in page


def test_rounds_page_names_reviewers_when_reviews_are_not_blind(client, settings):
    settings.MATERIALS_BLIND_REVIEW = False
    course = in_review()
    reviewer = expert()
    written(course.review_rounds.get(), reviewer)
    client.force_login(course.author)
    page = client.get(reverse("courses:rounds", args=[course.slug])).content.decode()
    assert reviewer.profile.shown_name in page


def test_rounds_page_names_reviewers_to_moderators_and_offers_the_decision(
    client, moderator, settings
):
    settings.MATERIALS_BLIND_REVIEW = True
    course = in_review()
    reviewer = expert()
    round_ = course.review_rounds.get()
    written(round_, reviewer)
    client.force_login(moderator)
    page = client.get(reverse("courses:rounds", args=[course.slug])).content.decode()
    assert reviewer.profile.shown_name in page
    assert reverse("courses:review_decide", args=[round_.pk]) in page


def test_rounds_page_offers_the_author_no_decision(client):
    course = in_review()
    round_ = course.review_rounds.get()
    client.force_login(course.author)
    page = client.get(reverse("courses:rounds", args=[course.slug])).content.decode()
    assert reverse("courses:review_decide", args=[round_.pk]) not in page


def test_the_author_withdraws_the_course_from_review_to_change_it(client):
    course = in_review()
    round_ = course.review_rounds.get()
    withdraw = reverse("courses:review_withdraw", args=[round_.pk])
    client.force_login(UserFactory())
    assert client.post(withdraw).status_code == 404
    client.force_login(course.author)
    page = client.get(reverse("courses:rounds", args=[course.slug])).content.decode()
    assert withdraw in page

    response = client.post(withdraw)

    assert response.status_code == 302
    round_.refresh_from_db()
    course.refresh_from_db()
    assert round_.status == ReviewRound.Status.WITHDRAWN
    assert course.status == Course.Status.DRAFT
    assert client.post(withdraw).status_code == 400


# --- A moderator's decision --------------------------------------------------------


def test_review_decide_is_a_404_for_the_author(client):
    course = in_review()
    round_ = course.review_rounds.get()
    client.force_login(course.author)
    response = client.post(
        reverse("courses:review_decide", args=[round_.pk]),
        {f"round-{round_.pk}-decision": "recommend"},
    )
    assert response.status_code == 404
    round_.refresh_from_db()
    assert round_.status == ReviewRound.Status.OPEN


def test_review_decide_publishes_the_course(client, moderator):
    course = in_review()
    round_ = course.review_rounds.get()
    client.force_login(moderator)
    response = client.post(
        reverse("courses:review_decide", args=[round_.pk]),
        {f"round-{round_.pk}-decision": "recommend", f"round-{round_.pk}-note": ""},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:rounds", args=[course.slug])
    round_.refresh_from_db()
    course.refresh_from_db()
    assert round_.status == ReviewRound.Status.DECIDED
    assert course.status == Course.Status.PUBLISHED


def test_review_decide_without_a_decision_is_a_400(client, moderator):
    course = in_review()
    round_ = course.review_rounds.get()
    client.force_login(moderator)
    response = client.post(
        reverse("courses:review_decide", args=[round_.pk]),
        {f"round-{round_.pk}-note": "Подумайте над часами."},
    )
    assert response.status_code == 400
    assert "Подумайте над часами." in response.content.decode()


@pytest.mark.htmlcheck
def test_review_pages_are_valid_html(client, moderator, tmp_path):
    from pathlib import Path

    from community.tests.test_html_valid import java_or_skip, nu_errors

    java = java_or_skip()
    course = in_review()
    waiting = in_review(title="Ещё один курс")
    round_ = course.review_rounds.get()
    first, second = expert(), expert()
    written(round_, first, recommendation="revise")
    assignment = services.review_take(
        round_=waiting.review_rounds.get(), reviewer=second
    )
    pages = [
        (second, reverse("courses:review_queue")),
        (second, reverse("courses:review_write", args=[assignment.pk])),
        (course.author, reverse("courses:rounds", args=[course.slug])),
        (moderator, reverse("courses:rounds", args=[course.slug])),
    ]
    files = {}
    for number, (user, address) in enumerate(pages):
        client.force_login(user)
        response = client.get(address)
        assert response.status_code == 200, address
        path = tmp_path / f"page-{number:02d}.html"
        path.write_bytes(response.content)
        files[str(path.resolve())] = address
    errors = [
        f"{files.get(error.get('url', '').removeprefix('file:'))}: "
        f"{error.get('message')} [{(error.get('extract') or '').strip()}]"
        for error in nu_errors(java, [Path(name) for name in files])
        if error.get("type") == "error"
    ]
    assert not errors, "\n".join(errors)
