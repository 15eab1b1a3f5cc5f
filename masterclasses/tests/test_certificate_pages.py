"""A finished master-class's certificates: offered on its page to the members
who hold one, printed with the shared sheet, confirmed at /certificates/<code>/."""

import datetime
import zoneinfo

import pypdfium2 as pdfium
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from community.certificates import dates_text
from masterclasses import services
from masterclasses.models import Certificate, Registration
from masterclasses.tests.factories import MasterClassFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _finished(*, attendee, minutes: int = 90, cohosts=()):
    """A master-class held yesterday by Иван Петрович Сидоров (and
    ``cohosts``), ``attendee`` there; finished, certificates issued."""
    starts = timezone.now() - datetime.timedelta(days=1)
    masterclass = MasterClassFactory(
        title="Дроби на пальцах",
        host=UserFactory(profile__display_name="Иван Петрович Сидоров"),
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=minutes),
    )
    masterclass.cohosts.add(*cohosts)
    Registration.objects.create(
        masterclass=masterclass, user=attendee, status="registered", attended=True
    )
    services.masterclass_finish(masterclass=masterclass)
    return masterclass


@pytest.fixture
def anna():
    return UserFactory(profile__display_name="Анна Сергеевна Морозова")


def _download_url(certificate: Certificate) -> str:
    return reverse("masterclasses:certificate", args=[certificate.pk])


def _text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    return " ".join(
        " ".join(page.get_textpage().get_text_range().split()) for page in document
    )


# --- The button on the master-class's page -----------------------------------


def test_the_finished_page_offers_the_participant_her_certificate(anna):
    masterclass = _finished(attendee=anna)
    certificate = Certificate.objects.get(user=anna)

    page = _client(anna).get(masterclass.get_absolute_url()).content.decode()

    assert f'href="{_download_url(certificate)}"' in page
    assert "Скачать сертификат (PDF)" in page


def test_the_finished_page_offers_the_host_his_conducting_certificate(anna):
    masterclass = _finished(attendee=anna)
    certificate = Certificate.objects.get(user=masterclass.host)

    page = _client(masterclass.host).get(masterclass.get_absolute_url())

    assert certificate.kind == Certificate.Kind.CONDUCTING
    assert f'href="{_download_url(certificate)}"' in page.content.decode()


def test_the_finished_page_offers_no_certificate_to_others(anna):
    masterclass = _finished(attendee=anna)
    absent = UserFactory()
    Registration.objects.create(
        masterclass=masterclass, user=absent, status="registered", attended=False
    )

    for client in [_client(absent), _client(UserFactory()), Client()]:
        page = client.get(masterclass.get_absolute_url()).content.decode()
        assert "Скачать сертификат (PDF)" not in page
        assert "/masterclasses/certificate/" not in page


def test_the_button_costs_the_page_no_query(anna):
    masterclass = _finished(attendee=anna)
    colleague = UserFactory()
    Registration.objects.create(
        masterclass=masterclass, user=colleague, status="registered", attended=False
    )
    with_certificate, without = _client(anna), _client(colleague)
    with_certificate.get(masterclass.get_absolute_url())  # the session, once
    without.get(masterclass.get_absolute_url())

    with CaptureQueriesContext(connection) as holder_queries:
        holder_page = with_certificate.get(masterclass.get_absolute_url())
    with CaptureQueriesContext(connection) as other_queries:
        without.get(masterclass.get_absolute_url())

    assert "Скачать сертификат (PDF)" in holder_page.content.decode()
    assert len(holder_queries) == len(other_queries)


# --- The PDF ------------------------------------------------------------------


def test_the_pdf_is_the_shared_sheet_with_the_master_class_s_facts(anna, settings):
    cohost = UserFactory(profile__display_name="Мария Ивановна Белова")
    masterclass = _finished(attendee=anna, minutes=90, cohosts=[cohost])
    certificate = Certificate.objects.get(user=anna)

    response = _client(anna).get(_download_url(certificate))

    text = _text(response.content)
    moscow = zoneinfo.ZoneInfo("Europe/Moscow")  # whoever downloads it
    day = dates_text(timezone.localtime(masterclass.starts_at, moscow).date())
    assert response.status_code == 200
    assert "выдан Анне Сергеевне Морозовой" in text
    assert "за участие в мастер-классе «Дроби на пальцах»" in text
    assert "в объёме 2 академических часов" in text  # 90 minutes
    assert "Ведущие: Иван Петрович Сидоров, Мария Ивановна Белова" in text
    assert f"{day} · Математика" in text
    assert f"№ {certificate.number}" in text
    assert settings.SITE_URL + certificate.get_absolute_url() in text
    assert "Не является документом о квалификации." in text


def test_the_host_s_pdf_says_he_conducted_it(anna):
    masterclass = _finished(attendee=anna, minutes=45)
    certificate = Certificate.objects.get(user=masterclass.host)

    text = _text(_client(masterclass.host).get(_download_url(certificate)).content)

    assert "выдан Ивану Петровичу Сидорову" in text
    assert "за проведение мастер-класса «Дроби на пальцах»" in text
    assert "в объёме 1 академического часа" in text
    assert "Ведущий: Иван Петрович Сидоров" in text


def test_the_pdf_is_404_for_another_member(anna):
    _finished(attendee=anna)
    certificate = Certificate.objects.get(user=anna)

    assert _client(UserFactory()).get(_download_url(certificate)).status_code == 404


# --- The verification page ----------------------------------------------------


def test_the_verification_page_confirms_the_master_class_s_certificate(anna):
    masterclass = _finished(attendee=anna)
    certificate = Certificate.objects.get(user=anna)

    response = Client().get(certificate.get_absolute_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "community/certificate_verify.html"
    assert f"Сертификат № {certificate.number} подлинный." in page
    assert "Анна Сергеевна Морозова" in page
    assert (
        f'участие в мастер-классе: <a href="{masterclass.get_absolute_url()}">'
        "Дроби на пальцах</a>"
    ) in page
    assert "2 академических часа" in page
    assert "Иван Петрович Сидоров" in page
    assert "Математика" in page
    assert "Не является документом о квалификации." in page


@pytest.mark.parametrize("code", ["unknown-code", "нет-такого"])
def test_the_verification_page_is_404_for_an_unknown_code(anna, code):
    _finished(attendee=anna)

    assert Client().get(f"/certificates/{code}/").status_code == 404


def test_the_verification_page_reads_a_fixed_number_of_queries(
    anna, django_assert_max_num_queries
):
    cohosts = UserFactory.create_batch(5)
    _finished(attendee=anna, cohosts=cohosts)
    for _n in range(50):
        _finished(attendee=UserFactory())
    certificate = Certificate.objects.get(user=anna)

    with django_assert_max_num_queries(3):
        response = Client().get(certificate.get_absolute_url())

    page = response.content.decode()
    assert all(cohost.profile.shown_name in page for cohost in cohosts)
