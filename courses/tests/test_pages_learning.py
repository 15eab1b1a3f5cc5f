"""The learner's pages (a unit by its kind, peer review, the certificate) and
the authors' (learners, completion by hand, work waiting for a decision)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from courses.models import Enrolment, PeerReview, Progress, Submission, Unit
from courses.tests.authoring_helpers import cohort_dates, course_ready
from courses.tests.pages_helpers import (
    BUDGET,
    MANY,
    NoWrites,
    course_with,
    crowd,
    enrolled,
    submitted,
)
from forums.tests.factories import TopicFactory
from masterclasses.tests.factories import MasterClassFactory
from materials.tests.factories import MaterialFactory, exe_upload, pdf_upload

pytestmark = pytest.mark.django_db


def unit_url(unit: Unit) -> str:
    return reverse("courses:unit", args=[unit.course.slug, unit.pk])


def url(name: str, unit: Unit) -> str:
    return reverse(f"courses:{name}", args=[unit.course.slug, unit.pk])


@pytest.fixture
def course():
    """Published: a reading, an assignment reviewed by two peers, a material
    answered with a short answer."""
    return course_with(
        (Unit.Kind.READING, {"title": "Что такое дробь", "body": "Дробь — **часть**."}),
        (
            Unit.Kind.ASSIGNMENT,
            {"title": "План урока", "body": "Составьте план урока о дробях."},
        ),
        (
            Unit.Kind.MATERIAL,
            {
                "title": "Конспект",
                "material": MaterialFactory(title="Конспект урока о дробях"),
                "completion": Unit.Completion.ANSWER,
                "body": "Что в конспекте главное?",
            },
        ),
    )


def units(course) -> list[Unit]:
    return list(course.units.order_by("position"))


# --- Who sees a unit -------------------------------------------------------------


def test_unit_asks_a_visitor_to_sign_in(client, course):
    response = client.get(unit_url(units(course)[0]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_unit_of_a_draft_is_a_404_for_a_member(member_client):
    draft = course_ready()
    unit = draft.units.first()
    assert member_client.get(unit_url(unit)).status_code == 404


def test_unit_of_a_draft_shows_to_its_author(client):
    draft = course_ready()
    client.force_login(draft.author)
    assert client.get(unit_url(draft.units.first())).status_code == 200


def test_unit_of_another_course_is_a_404(member_client, course):
    other = course_with(Unit.Kind.READING)
    reading = other.units.get()
    response = member_client.get(
        reverse("courses:unit", args=[course.slug, reading.pk])
    )
    assert response.status_code == 404


def test_unit_reads_to_a_member_with_a_call_to_enrol(member_client, course):
    reading = units(course)[0]
    with NoWrites():
        response = member_client.get(unit_url(reading))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<strong>часть</strong>" in page
    assert reverse("courses:enrol", args=[course.slug]) in page
    assert url("unit_done", reading) not in page


# --- A unit by its kind -----------------------------------------------------------


def test_reading_offers_its_learner_the_read_button(client, course):
    reading = units(course)[0]
    learner = enrolled(course)
    client.force_login(learner.user)
    with NoWrites():
        page = client.get(unit_url(reading)).content.decode()
    assert url("unit_done", reading) in page
    assert reverse("courses:enrol", args=[course.slug]) not in page
    assert "<progress" in page


def test_reading_done_marks_the_unit(client, course):
    reading, assignment, _material = units(course)
    learner = enrolled(course)
    client.force_login(learner.user)
    response = client.post(url("unit_done", reading))
    assert response.status_code == 302
    assert response["Location"] == unit_url(reading)
    assert Progress.objects.get(enrolment=learner, unit=reading).done_at
    page = client.get(unit_url(reading)).content.decode()
    assert url("unit_done", reading) not in page
    assert unit_url(assignment) in page  # the next unit


def test_reading_done_by_a_member_not_enrolled_is_refused(member_client, course):
    reading = units(course)[0]
    response = member_client.post(url("unit_done", reading))
    assert response.status_code == 302
    assert not Progress.objects.exists()


def test_unit_done_is_a_404_for_another_kind(client, course):
    _reading, assignment, _material = units(course)
    client.force_login(enrolled(course).user)
    assert client.post(url("unit_done", assignment)).status_code == 404


def test_unit_done_answers_only_a_post(client, course):
    client.force_login(enrolled(course).user)
    assert client.get(url("unit_done", units(course)[0])).status_code == 405


def test_locked_cohort_unit_says_when_it_opens(client):
    dates = cohort_dates()
    opens = dates["starts_at"] + datetime.timedelta(days=2)
    course = course_with(
        (Unit.Kind.READING, {"title": "Вводное чтение", "body": "Добро пожаловать."}),
        (
            Unit.Kind.READING,
            {"title": "Вторая неделя", "body": "Секретный текст.", "opens_at": opens},
        ),
        **dates,
    )
    later = units(course)[1]
    learner = enrolled(course)
    client.force_login(learner.user)
    page = client.get(unit_url(later)).content.decode()
    assert "Блок откроется" in page
    assert "Секретный текст." not in page
    assert url("unit_done", later) not in page
    client.force_login(course.author)
    assert "Секретный текст." in client.get(unit_url(later)).content.decode()


def test_material_answer_form_keeps_an_empty_answer_out(client, course):
    material = units(course)[2]
    learner = enrolled(course)
    client.force_login(learner.user)
    assert (
        url("unit_answer", material) in client.get(unit_url(material)).content.decode()
    )
    response = client.post(url("unit_answer", material), {"answer": "  "})
    assert response.status_code == 400
    assert not Progress.objects.filter(unit=material).exists()


def test_material_answer_marks_the_unit_done(client, course):
    material = units(course)[2]
    learner = enrolled(course)
    client.force_login(learner.user)
    response = client.post(url("unit_answer", material), {"answer": "Главное — цели."})
    assert response.status_code == 302
    progress = Progress.objects.get(enrolment=learner, unit=material)
    assert progress.answer == "Главное — цели."
    assert progress.done_at is not None


def test_material_opened_from_the_course_goes_to_the_material(client):
    material = MaterialFactory()
    course = course_with(
        Unit.Kind.READING, (Unit.Kind.MATERIAL, {"material": material})
    )
    unit = units(course)[1]
    learner = enrolled(course)
    client.force_login(learner.user)
    assert url("unit_open", unit) in client.get(unit_url(unit)).content.decode()
    response = client.post(url("unit_open", unit))
    assert response.status_code == 302
    assert response["Location"] == material.get_absolute_url()
    assert Progress.objects.get(enrolment=learner, unit=unit).done_at is not None


def test_masterclass_unit_shows_its_card_in_the_viewers_time_zone(client):
    masterclass = MasterClassFactory(title="Дроби на пальцах")
    course = course_with(
        Unit.Kind.READING, (Unit.Kind.MASTERCLASS, {"masterclass": masterclass})
    )
    viewer = UserFactory()
    viewer.profile.time_zone = "Asia/Vladivostok"
    viewer.profile.save()
    client.force_login(viewer)
    page = client.get(unit_url(units(course)[1])).content.decode()
    local = timezone.localtime(
        masterclass.starts_at, datetime.timezone(datetime.timedelta(hours=10))
    )
    assert masterclass.get_absolute_url() in page
    assert local.strftime("%H:%M") in page
    assert "Засчитывается, когда ведущий отметит посещение." in page


def test_discussion_unit_links_its_topic(member_client):
    topic = TopicFactory(title="Как объяснить дроби")
    course = course_with(Unit.Kind.READING, (Unit.Kind.DISCUSSION, {"topic": topic}))
    page = member_client.get(unit_url(units(course)[1])).content.decode()
    assert topic.get_absolute_url() in page
    assert "Засчитывается, когда вы напишете в обсуждении." in page


# --- Assignments ------------------------------------------------------------------


def test_assignment_offers_its_learner_the_submission_form(client, course):
    assignment = units(course)[1]
    client.force_login(enrolled(course).user)
    page = client.get(unit_url(assignment)).content.decode()
    assert url("submission_submit", assignment) in page
    assert 'enctype="multipart/form-data"' in page


def test_submission_sent_waits_for_review(client, course):
    assignment = units(course)[1]
    learner = enrolled(course)
    client.force_login(learner.user)
    response = client.post(
        url("submission_submit", assignment),
        {"text": "Мой **план**.", "file": pdf_upload("План.pdf")},
    )
    assert response.status_code == 302
    submission = Submission.objects.get(enrolment=learner)
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.file_name == "План.pdf"
    page = client.get(unit_url(assignment)).content.decode()
    assert "<strong>план</strong>" in page
    assert url("submission_submit", assignment) not in page  # waiting for review


def test_submission_empty_is_a_400(client, course):
    assignment = units(course)[1]
    client.force_login(enrolled(course).user)
    response = client.post(url("submission_submit", assignment), {"text": " "})
    assert response.status_code == 400
    assert not Submission.objects.exists()


def test_submission_with_a_program_for_a_file_is_a_400_that_keeps_the_text(
    client, course
):
    assignment = units(course)[1]
    client.force_login(enrolled(course).user)
    response = client.post(
        url("submission_submit", assignment),
        {"text": "Мой план урока о дробях.", "file": exe_upload()},
    )
    assert response.status_code == 400
    assert "Мой план урока о дробях." in response.content.decode()
    assert not Submission.objects.exists()


def test_submission_shows_its_reviews_without_the_reviewers_names(client, course):
    assignment = units(course)[1]
    learner = enrolled(course)
    submission = submitted(assignment, learner)
    reviewer = UserFactory()
    PeerReview.objects.create(
        submission=submission,
        reviewer=reviewer,
        task=5,
        practice=4,
        clarity=3,
        verdict=PeerReview.Verdict.ACCEPT,
        comment="Хороший план, добавьте рефлексию.",
    )
    client.force_login(learner.user)
    page = client.get(unit_url(assignment)).content.decode()
    assert "Хороший план, добавьте рефлексию." in page
    assert reviewer.profile.shown_name not in page


def test_unit_page_stays_in_budget_with_many_units(
    client, django_assert_max_num_queries
):
    course = course_with(
        *[(Unit.Kind.READING, {"title": f"Часть {n}"}) for n in range(MANY)]
    )
    learner = enrolled(course)
    reading = units(course)[10]
    Progress.objects.bulk_create(
        Progress(enrolment=learner, unit=unit, done_at=timezone.now())
        for unit in units(course)[:10]
    )
    client.force_login(learner.user)
    with django_assert_max_num_queries(BUDGET), NoWrites():
        response = client.get(unit_url(reading))
    assert response.status_code == 200
    assert len(response.context["page"].done_ids) == 10


def test_assignment_page_stays_in_budget_with_many_reviews(
    client, course, django_assert_max_num_queries
):
    assignment = units(course)[1]
    learner = enrolled(course)
    submission = submitted(assignment, learner)
    PeerReview.objects.bulk_create(
        PeerReview(
            submission=submission,
            reviewer=UserFactory(),
            task=4,
            practice=4,
            clarity=4,
            verdict=PeerReview.Verdict.REVISE,
            comment="Доработайте.",
        )
        for _ in range(MANY)
    )
    client.force_login(learner.user)
    with django_assert_max_num_queries(BUDGET), NoWrites():
        response = client.get(unit_url(assignment))
    assert response.status_code == 200
    assert len(response.context["page"].reviews) == MANY


# --- Peer review -------------------------------------------------------------------


@pytest.fixture
def two_learners(course):
    """Two learners who have both sent the assignment."""
    assignment = units(course)[1]
    first, second = enrolled(course), enrolled(course)
    return assignment, submitted(assignment, first), submitted(assignment, second)


def review_data(**changes) -> dict:
    data = {
        "task": "5",
        "practice": "4",
        "clarity": "4",
        "verdict": PeerReview.Verdict.ACCEPT,
        "comment": "Хороший план.",
    }
    data.update(changes)
    return data


def test_peer_queue_lists_colleagues_work_not_ones_own(client, course, two_learners):
    _assignment, mine, theirs = two_learners
    client.force_login(mine.enrolment.user)
    with NoWrites():
        response = client.get(reverse("courses:peer_queue", args=[course.slug]))
    assert [row.pk for row in response.context["page_obj"]] == [theirs.pk]
    assert reverse("courses:peer_review", args=[course.slug, theirs.pk]) in (
        response.content.decode()
    )


def test_peer_queue_is_empty_for_a_learner_who_has_not_sent_the_work(
    client, course, two_learners
):
    client.force_login(enrolled(course).user)
    response = client.get(reverse("courses:peer_queue", args=[course.slug]))
    assert list(response.context["page_obj"]) == []


def test_peer_queue_stays_in_budget_with_many_submissions(
    client, course, django_assert_max_num_queries
):
    assignment = units(course)[1]
    me = enrolled(course)
    submitted(assignment, me)
    Submission.objects.bulk_create(
        Submission(
            unit=assignment,
            enrolment=enrolment,
            text="План.",
            text_html="<p>План.</p>",
            submitted_at=timezone.now(),
        )
        for enrolment in crowd(course)
    )
    client.force_login(me.user)
    with django_assert_max_num_queries(BUDGET), NoWrites():
        response = client.get(reverse("courses:peer_queue", args=[course.slug]))
    assert response.context["page_obj"].paginator.count == MANY


def test_peer_review_is_sent(client, course, two_learners):
    _assignment, mine, theirs = two_learners
    client.force_login(mine.enrolment.user)
    review_url = reverse("courses:peer_review", args=[course.slug, theirs.pk])
    page = client.get(review_url).content.decode()
    assert 'name="verdict"' in page
    assert 'type="radio"' in page
    response = client.post(review_url, review_data())
    assert response.status_code == 302
    review = PeerReview.objects.get(submission=theirs)
    assert (review.task, review.practice, review.clarity) == (5, 4, 4)
    theirs.refresh_from_db()
    assert theirs.accepted_reviews == 1


def test_peer_review_without_a_comment_is_a_400(client, course, two_learners):
    _assignment, mine, theirs = two_learners
    client.force_login(mine.enrolment.user)
    response = client.post(
        reverse("courses:peer_review", args=[course.slug, theirs.pk]),
        review_data(comment=""),
    )
    assert response.status_code == 400
    assert not PeerReview.objects.exists()


def test_peer_review_of_a_learner_who_may_not_see_the_work_is_a_404(
    client, course, two_learners
):
    _assignment, _mine, theirs = two_learners
    client.force_login(enrolled(course).user)  # has not sent the assignment
    response = client.get(reverse("courses:peer_review", args=[course.slug, theirs.pk]))
    assert response.status_code == 404


def test_submission_file_is_private(client, course):
    assignment = units(course)[1]
    learner = enrolled(course)
    client.force_login(learner.user)
    client.post(
        url("submission_submit", assignment),
        {"text": "План.", "file": pdf_upload("План.pdf")},
    )
    submission = Submission.objects.get()
    file_url = reverse("courses:submission_file", args=[course.slug, submission.pk])
    response = client.get(file_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Cache-Control"] == "private, no-store"
    client.force_login(UserFactory())
    assert client.get(file_url).status_code == 404
    client.force_login(course.author)
    assert client.get(file_url).status_code == 200


# --- The authors' pages -----------------------------------------------------------


def test_learners_page_is_a_404_for_a_learner(client, course):
    learner = enrolled(course)
    client.force_login(learner.user)
    assert client.get(reverse("courses:learners", args=[course.slug])).status_code == (
        404
    )


def test_learners_page_stays_in_budget_with_many_learners(
    client, course, django_assert_max_num_queries
):
    crowd(course, units_done=1, hours_done=2)
    client.force_login(course.author)
    with django_assert_max_num_queries(BUDGET), NoWrites():
        response = client.get(reverse("courses:learners", args=[course.slug]))
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == MANY
    assert page.count("<progress") == response.context["page_obj"].end_index()
    learner = response.context["page_obj"][0]
    assert reverse("courses:accept", args=[course.slug, learner.pk]) in page


def test_accept_asks_for_a_reason(client, course):
    learner = enrolled(course)
    client.force_login(course.author)
    accept_url = reverse("courses:accept", args=[course.slug, learner.pk])
    assert client.get(accept_url).status_code == 200
    response = client.post(accept_url, {"reason": "", "confirm": "on"})
    assert response.status_code == 400
    response = client.post(accept_url, {"reason": "Прошла очно."})
    assert response.status_code == 400  # not confirmed
    learner.refresh_from_db()
    assert learner.status == Enrolment.Status.ENROLLED


def test_accept_completes_the_course(client, course):
    learner = enrolled(course)
    client.force_login(course.author)
    response = client.post(
        reverse("courses:accept", args=[course.slug, learner.pk]),
        {"reason": "Прошла курс очно.", "confirm": "on"},
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.status == Enrolment.Status.COMPLETED
    assert learner.accepted_reason == "Прошла курс очно."


def test_accept_is_a_404_for_a_learner(client, course):
    learner = enrolled(course)
    client.force_login(enrolled(course).user)
    response = client.get(reverse("courses:accept", args=[course.slug, learner.pk]))
    assert response.status_code == 404


def test_submissions_waiting_stay_in_budget(
    client, course, django_assert_max_num_queries
):
    assignment = units(course)[1]
    Submission.objects.bulk_create(
        Submission(
            unit=assignment,
            enrolment=enrolment,
            text="План.",
            text_html="<p>План.</p>",
            submitted_at=timezone.now(),
        )
        for enrolment in crowd(course)
    )
    client.force_login(course.author)
    with django_assert_max_num_queries(BUDGET), NoWrites():
        response = client.get(reverse("courses:submissions", args=[course.slug]))
    assert response.context["page_obj"].paginator.count == MANY


def test_submission_decide_returns_the_work_with_a_comment(client, course):
    assignment = units(course)[1]
    submission = submitted(assignment, enrolled(course))
    client.force_login(course.author)
    page_url = reverse("courses:submission", args=[course.slug, submission.pk])
    decide_url = reverse("courses:submission_decide", args=[course.slug, submission.pk])
    assert decide_url in client.get(page_url).content.decode()
    response = client.post(decide_url, {"decision": "return", "comment": ""})
    assert response.status_code == 400
    response = client.post(
        decide_url, {"decision": "return", "comment": "Добавьте цели урока."}
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RETURNED
    # The learner reads the comment on the unit's page.
    client.force_login(submission.enrolment.user)
    page = client.get(reverse("courses:unit", args=[course.slug, assignment.pk]))
    assert "Добавьте цели урока." in page.content.decode()


def test_submission_decide_accepts_the_work(client, course):
    assignment = units(course)[1]
    learner = enrolled(course)
    submission = submitted(assignment, learner)
    client.force_login(course.author)
    client.post(
        reverse("courses:submission_decide", args=[course.slug, submission.pk]),
        {"decision": "accept"},
    )
    submission.refresh_from_db()
    assert submission.status == Submission.Status.ACCEPTED
    assert Progress.objects.get(enrolment=learner, unit=assignment).done_at


def test_submission_decide_is_a_404_for_another_learner(client, course):
    assignment = units(course)[1]
    submission = submitted(assignment, enrolled(course))
    client.force_login(enrolled(course).user)
    response = client.post(
        reverse("courses:submission_decide", args=[course.slug, submission.pk]),
        {"decision": "accept"},
    )
    assert response.status_code == 404


# --- The certificate --------------------------------------------------------------


def test_certificate_is_its_holders_only(client):
    course = course_with(Unit.Kind.READING)
    learner = enrolled(course)
    client.force_login(learner.user)
    client.post(url("unit_done", course.units.get()))
    learner.refresh_from_db()
    assert learner.status == Enrolment.Status.COMPLETED
    certificate = learner.certificate
    certificate_url = reverse("courses:certificate", args=[certificate.pk])
    response = client.get(certificate_url)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    client.force_login(course.author)
    assert client.get(certificate_url).status_code == 404
    client.logout()
    assert client.get(certificate_url).status_code == 302


# --- In a browser -----------------------------------------------------------------

WIDTHS = (320, 1920)


def _fits_and_is_accessible(page, address: str) -> None:
    from conftest import assert_accessible

    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(address)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0, f"{address} at {width} px: {overflow} px too wide"
    assert_accessible(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_learning_pages_fit_from_320_to_1920_px(page, live_server, vocabulary):
    from conftest import browser_log_in

    course = course_with(
        (Unit.Kind.READING, {"title": "Что такое дробь — очень длинное название " * 3}),
        (Unit.Kind.ASSIGNMENT, {"title": "План урока", "body": "Составьте план."}),
        title="Дроби без страха для пятых и шестых классов общеобразовательной школы",
    )
    reading, assignment = units(course)
    learner = enrolled(course)
    submission = submitted(assignment, learner)
    PeerReview.objects.create(
        submission=submission,
        reviewer=UserFactory(),
        task=5,
        practice=4,
        clarity=3,
        verdict=PeerReview.Verdict.REVISE,
        comment="Добавьте рефлексию в конце урока.",
    )
    crowd(course, count=3, units_done=1, hours_done=2)
    browser_log_in(page, live_server, learner.user)
    for unit in (reading, assignment):
        _fits_and_is_accessible(page, live_server.url + unit_url(unit))
    page.context.clear_cookies()
    browser_log_in(page, live_server, course.author)
    for name, args in (
        ("learners", [course.slug]),
        ("submissions", [course.slug]),
        ("submission", [course.slug, submission.pk]),
        ("accept", [course.slug, learner.pk]),
        ("programme", [course.slug]),
    ):
        _fits_and_is_accessible(
            page, live_server.url + reverse(f"courses:{name}", args=args)
        )


@pytest.mark.htmlcheck
def test_learning_and_author_pages_are_valid_html(client, tmp_path):
    from pathlib import Path

    from community.tests.test_html_valid import java_or_skip, nu_errors

    java = java_or_skip()
    course = course_with(
        Unit.Kind.READING,
        (Unit.Kind.ASSIGNMENT, {"title": "План урока"}),
        (
            Unit.Kind.MATERIAL,
            {
                "material": MaterialFactory(),
                "completion": Unit.Completion.ANSWER,
                "body": "Что главное?",
            },
        ),
        (Unit.Kind.MASTERCLASS, {"masterclass": MasterClassFactory()}),
        (Unit.Kind.DISCUSSION, {"topic": TopicFactory()}),
    )
    learner = enrolled(course)
    other = enrolled(course)
    assignment = units(course)[1]
    submission = submitted(assignment, learner)
    theirs = submitted(assignment, other)
    PeerReview.objects.create(
        submission=submission,
        reviewer=other.user,
        task=5,
        practice=4,
        clarity=3,
        verdict=PeerReview.Verdict.ACCEPT,
        comment="Хорошо.",
    )
    pages = [(learner.user, unit_url(unit)) for unit in units(course)]
    pages += [
        (learner.user, reverse("courses:peer_queue", args=[course.slug])),
        (learner.user, reverse("courses:peer_review", args=[course.slug, theirs.pk])),
        (UserFactory(), unit_url(units(course)[0])),
    ]
    for name, args in (
        ("learners", [course.slug]),
        ("submissions", [course.slug]),
        ("submission", [course.slug, submission.pk]),
        ("accept", [course.slug, other.pk]),
        ("programme", [course.slug]),
    ):
        pages.append((course.author, reverse(f"courses:{name}", args=args)))
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


def test_returned_work_can_be_sent_again_with_its_text(client, course):
    assignment = units(course)[1]
    learner = enrolled(course)
    submitted(
        assignment,
        learner,
        text="Первая версия плана.",
        status=Submission.Status.RETURNED,
    )
    client.force_login(learner.user)
    page = client.get(unit_url(assignment)).content.decode()
    assert url("submission_submit", assignment) in page
    assert "Первая версия плана." in page
    response = client.post(
        url("submission_submit", assignment), {"text": "Вторая версия плана."}
    )
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert (submission.version, submission.status) == (2, Submission.Status.SUBMITTED)


def test_answer_of_a_member_not_enrolled_is_a_400_with_the_form(member_client, course):
    material = units(course)[2]
    response = member_client.post(url("unit_answer", material), {"answer": "Цели."})
    assert response.status_code == 400
    assert response.context["answer_form"].non_field_errors()
    assert "Цели." in response.content.decode()
    assert not Progress.objects.exists()


def test_a_learner_who_dropped_out_no_longer_opens_colleagues_work(
    client, course, two_learners
):
    _assignment, mine, theirs = two_learners
    Enrolment.objects.filter(pk=mine.enrolment_id).update(
        status=Enrolment.Status.DROPPED, dropped_at=timezone.now()
    )
    client.force_login(mine.enrolment.user)

    for name in ("submission", "peer_review"):
        response = client.get(reverse(f"courses:{name}", args=[course.slug, theirs.pk]))
        assert response.status_code == 404, name
    # Their own work stays theirs to read.
    own = client.get(reverse("courses:submission", args=[course.slug, mine.pk]))
    assert own.status_code == 200
