"""What a partner organisation takes away: the programme (a page to print and a
PDF) and the completions' CSV (authors and moderators only, no e-mail, no
formula a spreadsheet would run)."""

import csv
import io

import pypdfium2
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from courses import services
from courses.models import CourseCertificate, Enrolment, Unit
from courses.tests.authoring_helpers import course_ready
from courses.tests.pages_helpers import (
    BUDGET,
    MANY,
    NoWrites,
    course_with,
    crowd,
    enrolled,
)
from courses.views_export import csv_cell

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return course_with(
        (Unit.Kind.READING, {"title": "Что такое дробь", "hours": 6}),
        (Unit.Kind.ASSIGNMENT, {"title": "План урока о дробях", "hours": 10}),
        (
            Unit.Kind.READING,
            {"title": "Дополнительное чтение", "hours": 2, "required": False},
        ),
        title="Дроби без страха",
    )


def certificate_for(enrolment: Enrolment, number: int, **fields) -> CourseCertificate:
    values = {
        "enrolment": enrolment,
        "course": enrolment.course,
        "user": enrolment.user,
        "number": f"КУРС-2026-{number:06d}",
        "holder_name": enrolment.user.profile.shown_name,
        "course_title": enrolment.course.title,
        "hours": enrolment.course.hours,
        "author_names": "Автор",
        "started_at": enrolment.enrolled_at,
        "completed_at": enrolment.completed_at or timezone.now(),
    }
    values.update(fields)
    return CourseCertificate.objects.create(**values)


# --- The programme -----------------------------------------------------------------


def test_programme_of_a_published_course_is_open_to_visitors(client, course):
    with NoWrites():
        response = client.get(reverse("courses:programme", args=[course.slug]))
    page = response.content.decode()
    assert response.status_code == 200
    for title in ("Что такое дробь", "План урока о дробях", "Дополнительное чтение"):
        assert title in page
    assert ">18<" in page  # the total of the hours
    assert course.author.profile.shown_name in page
    assert "css/print-programme" in page
    assert reverse("courses:programme_pdf", args=[course.slug]) in page


def test_programme_of_a_draft_is_its_authors_only(client):
    draft = course_ready()
    url = reverse("courses:programme", args=[draft.slug])
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(draft.author)
    assert client.get(url).status_code == 200


def test_programme_stays_in_budget_with_many_units(
    client, django_assert_max_num_queries
):
    draft = course_ready(hours=[1] * MANY)
    services.coauthors_set(
        course=draft,
        editor=draft.author,
        usernames=[UserFactory().username for _ in range(3)],
    )
    client.force_login(draft.author)
    with django_assert_max_num_queries(BUDGET):
        response = client.get(reverse("courses:programme", args=[draft.slug]))
    assert response.status_code == 200
    assert response.context["total"] == MANY


def test_programme_pdf_is_a_pdf_with_a_cyrillic_name(client, course):
    response = client.get(reverse("courses:programme_pdf", args=[course.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "filename*=UTF-8''" in response["Content-Disposition"]


def test_programme_pdf_of_a_draft_is_a_404_for_others(client):
    draft = course_ready()
    client.force_login(UserFactory())
    response = client.get(reverse("courses:programme_pdf", args=[draft.slug]))
    assert response.status_code == 404


def test_programme_pdf_holds_many_units_on_several_pages(client):
    draft = course_ready(hours=[1] * 80)
    client.force_login(draft.author)
    response = client.get(reverse("courses:programme_pdf", args=[draft.slug]))
    assert response.status_code == 200
    assert response.content.count(b"/Type /Page\n") >= 2


# --- The completions ---------------------------------------------------------------


def test_csv_cell_quotes_what_a_spreadsheet_would_run():
    for dangerous in ("=SUM(A1)", "+7 999", "-1", "@cmd", "\t=1", "\r=1"):
        assert csv_cell(dangerous) == "'" + dangerous
    assert csv_cell("Анна Морозова") == "Анна Морозова"
    assert csv_cell(18) == "18"
    assert csv_cell(None) == ""


def test_completions_csv_is_for_authors_and_moderators(client, course, moderator):
    url = reverse("courses:completions_csv", args=[course.slug])
    assert client.get(url).status_code == 302  # to sign in
    learner = enrolled(course)
    client.force_login(learner.user)
    assert client.get(url).status_code == 404
    client.force_login(moderator)
    assert client.get(url).status_code == 200
    client.force_login(course.author)
    assert client.get(url).status_code == 200


def _rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_completions_csv_lists_completed_learners_with_certificates(
    client, course, settings
):
    settings.SITE_URL = "https://kollegi.example"
    done = enrolled(course, status=Enrolment.Status.COMPLETED)
    certificate = certificate_for(done, 42)
    enrolled(course)  # still learning: not in the list
    client.force_login(course.author)
    with NoWrites():
        response = client.get(reverse("courses:completions_csv", args=[course.slug]))
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "private, no-store"
    header, *rows = _rows(response)
    assert len(header) == 7
    assert rows == [
        [
            certificate.holder_name,
            done.user.username,
            timezone.localtime(done.enrolled_at).strftime("%d.%m.%Y"),
            timezone.localtime(done.completed_at).strftime("%d.%m.%Y"),
            str(certificate.hours),
            "КУРС-2026-000042",
            "https://kollegi.example" + certificate.get_absolute_url(),
        ]
    ]
    assert done.user.email not in response.content.decode()


def test_completions_csv_quotes_a_name_that_looks_like_a_formula(client, course):
    done = enrolled(course, status=Enrolment.Status.COMPLETED)
    certificate_for(done, 7, holder_name='=HYPERLINK("http://evil.example")')
    client.force_login(course.author)
    _header, row = _rows(
        client.get(reverse("courses:completions_csv", args=[course.slug]))
    )
    assert row[0] == '\'=HYPERLINK("http://evil.example")'


def test_completions_csv_stays_in_budget_with_many_completions(
    client, course, django_assert_max_num_queries
):
    now = timezone.now()
    for number, enrolment in enumerate(
        crowd(course, status=Enrolment.Status.COMPLETED, completed_at=now)
    ):
        certificate_for(enrolment, number)
    client.force_login(course.author)
    with django_assert_max_num_queries(BUDGET):
        response = client.get(reverse("courses:completions_csv", args=[course.slug]))
    assert len(_rows(response)) == MANY + 1


def _pdf_lines(data: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(data)
    try:
        text = "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    return [" ".join(line.split()) for line in text.replace("\r", "").split("\n")]


def test_programme_pdf_lists_each_unit_with_its_hours_and_the_total(client, course):
    response = client.get(reverse("courses:programme_pdf", args=[course.slug]))

    lines = _pdf_lines(response.content)
    for expected in (
        # Number, topic, form of work, hours; the optional unit marked so.
        "1 Что такое дробь чтение 6",
        "2 План урока о дробях задание 10",
        "3 Дополнительное чтение (по выбору) чтение 2",
        "Итого 18",
        "Академ. часы 18",
    ):
        assert expected in lines, (expected, "\n".join(lines))
