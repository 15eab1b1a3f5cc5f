"""Completing a course — by its units, or by the author's hand with a reason —
and its certificate: issued once, printed with its units and hours,
confirmed at its public address."""

import datetime
import re

import pypdfium2
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.tests.factories import UserFactory
from community.certificates import certificate_find
from community.models import AuditEntry, Notification, Subject
from courses import kinds, services
from courses.certificates import (
    certificate_pdf,
    certificate_sheet,
    certificate_verified,
)
from courses.models import Course, CourseCertificate, Enrolment, Unit
from courses.tests.learning_helpers import course_of, fresh, learner, units_of

pytestmark = pytest.mark.django_db

READING = Unit.Kind.READING


def _course():
    """Two required readings (4 and 5 hours) and an optional one (3)."""
    return course_of(
        (READING, {"hours": 4, "title": "Что такое дробь"}),
        (READING, {"hours": 5, "title": "Дроби на пицце"}),
        (READING, {"hours": 3, "title": "Дополнительно", "required": False}),
    )


def _read(enrolment, *units):
    for unit in units:
        services.reading_done(unit=unit, user=enrolment.user)
    return fresh(enrolment)


def test_the_last_required_unit_completes_the_course_and_issues_the_certificate():
    course = _course()
    enrolment = learner(course)
    first, second, _optional = units_of(course)

    enrolment = _read(enrolment, first)
    assert enrolment.status == Enrolment.Status.ENROLLED
    assert not CourseCertificate.objects.exists()
    enrolment = _read(enrolment, second)

    assert enrolment.status == Enrolment.Status.COMPLETED
    assert enrolment.completed_at is not None
    assert enrolment.percent == 100
    assert fresh(course).completed_count == 1
    # Still holding its place: completing frees none.
    assert fresh(course).enrolled_count == 1
    certificate = CourseCertificate.objects.get()
    assert certificate.enrolment == enrolment
    assert re.fullmatch(r"КУРС-\d{4}-\d{6}", certificate.number)
    assert certificate.number.endswith(f"{certificate.pk:06d}")
    assert certificate.units == [["Что такое дробь", 4], ["Дроби на пицце", 5]]
    assert certificate.hours == 9
    assert certificate.holder_name == enrolment.user.profile.shown_name
    assert certificate.course_title == course.title
    assert course.author.profile.shown_name in certificate.author_names
    assert certificate.started_at == enrolment.enrolled_at
    assert certificate.completed_at == enrolment.completed_at
    assert (
        Notification.objects.filter(
            kind=kinds.COMPLETED, recipient=enrolment.user
        ).count()
        == 1
    )


def test_optional_units_done_are_printed_with_their_hours():
    course = _course()
    enrolment = learner(course)
    first, second, optional = units_of(course)

    _read(enrolment, optional, second, first)

    certificate = CourseCertificate.objects.get()
    # In the course's order, whatever the order they were done in.
    assert [title for title, _hours in certificate.units] == [
        "Что такое дробь",
        "Дроби на пицце",
        "Дополнительно",
    ]
    assert certificate.hours == 12


def test_co_authors_are_named_on_the_certificate():
    course = _course()
    coauthor = UserFactory()
    Course.coauthors.through.objects.create(course=course, user=coauthor)
    enrolment = learner(course)

    _read(enrolment, *units_of(course)[:2])

    names = CourseCertificate.objects.get().author_names
    assert names == (
        f"{course.author.profile.shown_name}, {coauthor.profile.shown_name}"
    )


def test_completion_checked_again_issues_nothing_more():
    course = _course()
    enrolment = _read(learner(course), *units_of(course)[:2])

    assert services.completion_check(enrolment) is False
    again = services.certificate_issue(enrolment)

    assert again == CourseCertificate.objects.get()
    assert fresh(course).completed_count == 1
    assert Notification.objects.filter(kind=kinds.COMPLETED).count() == 1


def test_counts_alone_do_not_complete_without_the_units_done():
    course = _course()
    enrolment = learner(course)
    Enrolment.objects.filter(pk=enrolment.pk).update(units_done=2)

    assert services.completion_check(fresh(enrolment)) is False
    assert fresh(enrolment).status == Enrolment.Status.ENROLLED


def test_a_learner_without_a_place_is_not_completed():
    course = _course()
    enrolment = learner(course)
    services.drop(course=course, user=enrolment.user)
    Enrolment.objects.filter(pk=enrolment.pk).update(units_done=2)

    assert services.completion_check(fresh(enrolment)) is False
    assert not CourseCertificate.objects.exists()


# --- By the author's hand -------------------------------------------------------------


def test_accepting_by_hand_needs_a_reason_and_is_put_on_record():
    course = _course()
    enrolment = _read(learner(course), units_of(course)[0])

    with pytest.raises(ValidationError) as refused:
        services.completion_accept(
            enrolment=enrolment, author=course.author, reason=" "
        )
    assert refused.value.code == "reason"
    assert fresh(enrolment).status == Enrolment.Status.ENROLLED

    services.completion_accept(
        enrolment=enrolment,
        author=course.author,
        reason="Провела такой же урок на методобъединении.",
    )

    enrolment = fresh(enrolment)
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert enrolment.accepted_by == course.author
    assert enrolment.accepted_reason == "Провела такой же урок на методобъединении."
    entry = AuditEntry.objects.get(action="course_completion_accept")
    assert entry.actor == course.author
    assert entry.target_id == enrolment.pk
    assert entry.reason == "Провела такой же урок на методобъединении."
    # The certificate lists the required units the author accepted.
    certificate = CourseCertificate.objects.get()
    assert certificate.units == [["Что такое дробь", 4], ["Дроби на пицце", 5]]
    assert certificate.hours == 9
    assert fresh(course).completed_count == 1


def test_only_an_author_or_a_moderator_accepts_by_hand():
    course = _course()
    enrolment = learner(course)

    for stranger in (enrolment.user, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.completion_accept(
                enrolment=enrolment, author=stranger, reason="Сделала всё."
            )

    assert fresh(enrolment).status == Enrolment.Status.ENROLLED
    assert not AuditEntry.objects.filter(action="course_completion_accept").exists()


def test_accepting_by_hand_needs_a_learner_holding_a_place_not_completed():
    course = course_of(READING, capacity=1)
    seated = learner(course)
    waiting = learner(course)

    with pytest.raises(ValidationError) as status:
        services.completion_accept(
            enrolment=waiting, author=course.author, reason="Причина"
        )
    assert status.value.code == "status"
    services.completion_accept(enrolment=seated, author=course.author, reason="Да")
    with pytest.raises(ValidationError) as twice:
        services.completion_accept(enrolment=seated, author=course.author, reason="Да")
    assert twice.value.code == "completed"
    assert CourseCertificate.objects.count() == 1


# --- The printed certificate and its public address -----------------------------------


def _pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def test_the_pdf_names_the_learner_the_course_its_units_and_hours(settings):
    settings.SITE_URL = "https://kollegi.example"
    course = _course()
    first, second, optional = units_of(course)
    # The optional unit first: the certificate is issued with the last required.
    enrolment = _read(learner(course), optional, first, second)
    certificate = enrolment.certificate

    data = certificate_pdf(certificate)

    assert data.startswith(b"%PDF")
    text = _pdf_text(data).replace("\r", "")
    for expected in (
        # The units as a table: number, title, hours.
        "1 Что такое дробь 4",
        "2 Дроби на пицце 5",
        "3 Дополнительно 3",
        course.title,
        certificate.number,
        "12 академических часов",
        "прохождение курса",
        "Не является документом о квалификации",
        "https://kollegi.example" + certificate.get_absolute_url(),
    ):
        assert expected in text, expected


def test_the_public_page_confirms_the_certificate_by_its_code():
    course = _course()
    enrolment = _read(learner(course), *units_of(course)[:2])
    certificate = enrolment.certificate

    verified = certificate_verified(certificate.code)

    assert verified.number == certificate.number
    assert verified.holder_name == certificate.holder_name
    assert verified.hours == 9
    assert list(verified.units) == [("Что такое дробь", 4), ("Дроби на пицце", 5)]
    assert verified.title_url == course.get_absolute_url()
    assert certificate_verified("no-such-code") is None
    # Registered with the community's verification page.
    assert certificate_find(code=certificate.code) == verified


def test_a_hidden_course_is_not_linked_from_its_certificates_page():
    course = _course()
    certificate = _read(learner(course), *units_of(course)[:2]).certificate
    Course.objects.filter(pk=course.pk).update(is_hidden=True)

    verified = certificate_verified(certificate.code)

    assert verified.title_url == ""
    assert verified.title == course.title


def _certificate_at_20_utc():
    """A certificate of a course learned from 1 to 31 March 2026, each moment
    at 20:00 UTC: 23:00 in Moscow (the site's zone), the next morning in
    Vladivostok."""
    course = _course()
    certificate = _read(learner(course), *units_of(course)[:2]).certificate
    start = datetime.datetime(2026, 3, 1, 20, tzinfo=datetime.UTC)
    end = datetime.datetime(2026, 3, 31, 20, tzinfo=datetime.UTC)
    CourseCertificate.objects.filter(pk=certificate.pk).update(
        started_at=start, completed_at=end, issued_at=end
    )
    return fresh(certificate)


def test_the_pdf_dates_are_the_sites_as_the_verification_page_for_any_holder(
    client, settings
):
    settings.TIME_ZONE = "Europe/Moscow"
    certificate = _certificate_at_20_utc()

    with timezone.override("Asia/Vladivostok"):
        sheet = certificate_sheet(certificate)
        text = _pdf_text(certificate_pdf(certificate)).replace("\r", "")
        page = client.get(certificate.get_absolute_url()).content.decode()
        verified = certificate_verified(certificate.code)

    assert sheet.issued_on == datetime.date(2026, 3, 31)
    assert sheet.dates == verified.dates == "с 1 по 31 марта 2026"
    for shown in (text, page):
        assert "с 1 по 31 марта 2026" in shown
        assert "31 марта 2026" in shown
        assert "апреля" not in shown


def test_the_certificate_keeps_the_kind_and_subject_it_was_issued_with():
    course = course_of(
        (READING, {"hours": 8}),
        (READING, {"hours": 8}),
        kind=Course.Kind.QUALIFICATION,
    )
    certificate = _read(learner(course), *units_of(course)).certificate
    assert certificate.course_kind == Course.Kind.QUALIFICATION
    assert certificate.subject_name == "Математика"

    Course.objects.filter(pk=course.pk).update(
        kind=Course.Kind.SEMINAR, subject=Subject.objects.get(slug="physics")
    )
    certificate = CourseCertificate.objects.select_related("course__subject").get(
        pk=certificate.pk
    )

    text = _pdf_text(certificate_pdf(certificate)).replace("\r", "")
    verified = certificate_verified(certificate.code)
    assert "Курс повышения квалификации" in text
    assert "Семинар" not in text
    assert "Математика" in text
    assert "Физика" not in text
    assert verified.subject == "Математика"


def test_an_older_certificate_without_its_kind_and_subject_reads_the_courses():
    course = _course()
    certificate = _read(learner(course), *units_of(course)[:2]).certificate
    CourseCertificate.objects.filter(pk=certificate.pk).update(
        course_kind="", subject_name=""
    )

    sheet = certificate_sheet(fresh(certificate))

    assert (sheet.statement, sheet.subject) == ("Семинар", "Математика")
