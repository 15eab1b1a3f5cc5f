"""The attestation portfolio: a section per criterion of the target with its
evidence, each item with its date and verification link (a certificate's
page, never a bare code); her own evidence marked confirmed or not; reviews as a count
without names; a printable page and a PDF that says the same."""

import datetime

import pypdfium2
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from community.attainments import attainment_source
from growth.models import Competency, Criterion, Plan
from growth.portfolio import portfolio_build, portfolio_pdf
from growth.tests.helpers import (
    make_evidence,
    make_member,
    make_mentor,
    make_own_evidence,
    make_plan,
)

pytestmark = pytest.mark.django_db

MANY = 55
# A page's budget: 10 queries, the session and the member included.
BUDGET = 10
SITE = settings.SITE_URL.rstrip("/")


def page_url(plan: Plan) -> str:
    return reverse("growth:portfolio", args=[plan.pk])


def pdf_url(plan: Plan) -> str:
    return reverse("growth:portfolio_pdf", args=[plan.pk])


def pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    try:
        text = "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    return " ".join(text.replace("\r", "").split())


@pytest.fixture
def plan():
    return make_plan()


@pytest.fixture
def filled(plan):
    """A certificate, reviews she wrote, a community she moderates, her own
    evidence confirmed and not."""
    mentor = make_mentor(plan).mentor
    make_evidence(
        plan.owner,
        "course_certificate",
        title="Курс «Формирующее оценивание»",
        key="KC-7Q2M",
        code="KC-7Q2M",
        verify_url="/certificates/KC-7Q2M/",
        url="/courses/formative/",
        hours=36,
    )
    make_evidence(
        plan.owner,
        "review_written",
        count=3,
        title="Отзыв на «Дроби» (Пётр Рецензентов)",
    )
    make_evidence(
        plan.owner,
        "community_moderated",
        title="Сообщество «Математики Севера»",
        url="/communities/north-math/",
    )
    make_own_evidence(
        plan.owner,
        title="Выступление на августовском совещании",
        competency_code="R.3",
        confirmed_by=mentor,
    )
    make_own_evidence(
        plan.owner,
        title="Статья в районной газете",
        competency_code="R.3",
        link="https://gazeta.example/article",
    )
    return plan


def section(portfolio, code: str):
    return next(s for s in portfolio.sections if s.criterion.code == code)


# --- The sections -------------------------------------------------------------------


def test_sections_follow_the_targets_criteria(filled):
    portfolio = portfolio_build(filled)
    expected = list(
        Criterion.objects.filter(target=filled.target)
        .order_by("order", "pk")
        .values_list("code", flat=True)
    )
    assert [s.criterion.code for s in portfolio.sections] == expected
    assert portfolio.name == filled.owner.profile.shown_name


def test_a_certificate_carries_its_code_and_verification_link(filled):
    # Highest category, 2.3: teaching (A.1, B.1) — a course counts.
    entries = section(portfolio_build(filled), "2.3").entries
    (certificate,) = entries
    assert certificate.title == "Курс «Формирующее оценивание»"
    assert certificate.code == "KC-7Q2M"
    assert certificate.verify_url == f"{SITE}/certificates/KC-7Q2M/"
    assert certificate.check_url == certificate.verify_url
    assert certificate.source == str(attainment_source("course_certificate").title)
    assert certificate.hours == 36


def test_reviews_show_as_a_count_without_titles_or_names(filled):
    assert attainment_source("review_written").as_count
    # 2.4: methodical work (R.3: reviews written, communities moderated).
    part = section(portfolio_build(filled), "2.4")
    assert [(c.title, c.count) for c in part.counts] == [
        (str(attainment_source("review_written").title), 3)
    ]
    assert all("Отзыв" not in entry.title for entry in part.entries)


def test_own_evidence_is_marked_confirmed_or_not(filled):
    part = section(portfolio_build(filled), "2.4")
    own = {entry.title: entry for entry in part.entries if entry.own}
    assert own["Выступление на августовском совещании"].confirmed
    article = own["Статья в районной газете"]
    assert not article.confirmed
    assert article.check_url == "https://gazeta.example/article"
    assert part.unconfirmed == 1


def test_evidence_of_other_members_and_other_competencies_stays_out(filled):
    make_evidence(make_member(), "course_certificate", title="Чужой сертификат")
    used = Competency.objects.filter(criteria__target=filled.target)
    elsewhere = (
        Competency.objects.filter(version=filled.target.version)
        .exclude(pk__in=used)
        .first()
    )
    make_own_evidence(filled.owner, title="Не по теме", competency_code=elsewhere.code)
    titles = {
        entry.title
        for part in portfolio_build(filled).sections
        for entry in part.entries
    }
    assert "Чужой сертификат" not in titles
    assert "Не по теме" not in titles


def test_a_source_no_app_registers_stays_out(plan):
    make_evidence(plan.owner, "forgotten_source", title="Неизвестно что")
    titles = [e.title for s in portfolio_build(plan).sections for e in s.entries]
    assert "Неизвестно что" not in titles


def test_an_empty_portfolio_says_so(client, plan):
    client.force_login(plan.owner)
    response = client.get(page_url(plan))
    assert response.status_code == 200
    assert gettext("No evidence yet.") in response.content.decode()


# --- The page -----------------------------------------------------------------------


def test_page_shows_sections_items_and_links(client, filled):
    client.force_login(filled.owner)
    response = client.get(page_url(filled))
    assert response.status_code == 200
    page = response.content.decode()
    assert filled.owner.profile.shown_name in page
    assert filled.target.title in page
    for part in response.context["portfolio"].sections:
        assert part.criterion.title in page
    # On screen «Проверить», on paper the whole address; no bare code.
    assert f'href="{SITE}/certificates/KC-7Q2M/"' in page
    assert f'translate="no">{SITE}/certificates/KC-7Q2M/</span>' in page
    assert gettext("Verify") in page
    assert gettext("Code %(code)s") % {"code": "KC-7Q2M"} not in page
    assert "Статья в районной газете" in page
    assert gettext("own evidence, not confirmed") in page
    assert gettext("own evidence, confirmed by the mentor") in page
    assert "Пётр Рецензентов" not in page
    assert pdf_url(filled) in page


def test_page_is_printable_without_the_sites_frame(client, filled):
    client.force_login(filled.owner)
    page = client.get(page_url(filled)).content.decode()
    assert "css/print-portfolio.css" in page
    assert 'class="no-print"' in page
    assert 'name="robots" content="noindex, nofollow"' in page
    css = (settings.BASE_DIR / "static/css/print-portfolio.css").read_text()
    assert "@media print" in css


def test_page_on_a_phone_puts_the_date_and_link_under_the_title(client, filled):
    # No table to scroll sideways: below 768 px the date and verification
    # columns are hidden and repeated under the title; printed, the columns.
    client.force_login(filled.owner)
    page = client.get(page_url(filled)).content.decode()
    assert "table-responsive" not in page
    entries = sum(len(part.entries) for part in portfolio_build(filled).sections)
    assert page.count('class="d-md-none d-print-none small mt-1"') == entries
    hidden = page.count("d-none d-md-table-cell d-print-table-cell")
    assert hidden == 2 * (entries + page.count("<thead>"))


def test_the_mentor_sees_the_portfolio(client, filled):
    mentor = filled.mentorships.get().mentor
    client.force_login(mentor)
    assert client.get(page_url(filled)).status_code == 200
    assert client.get(pdf_url(filled)).status_code == 200


@pytest.mark.parametrize("url", [page_url, pdf_url])
def test_portfolio_is_a_404_for_others(client, url):
    plan = make_plan(visibility=Plan.Visibility.PUBLIC)
    invited = make_mentor(plan, accept=False)
    client.force_login(invited.mentor)
    assert client.get(url(plan)).status_code == 404
    client.force_login(make_member())
    assert client.get(url(plan)).status_code == 404
    client.logout()
    assert client.get(url(plan)).status_code == 302


def test_page_stays_in_budget_with_much_evidence(
    client, plan, django_assert_max_num_queries
):
    make_evidence(plan.owner, "course_certificate", count=MANY, code="C")
    make_evidence(plan.owner, "review_written", count=MANY)
    make_evidence(plan.owner, "answer_accepted", count=MANY)
    for number in range(5):
        make_own_evidence(plan.owner, title=f"Доклад {number}")
    client.force_login(plan.owner)
    with django_assert_max_num_queries(BUDGET):
        response = client.get(page_url(plan))
    assert response.status_code == 200
    entries = sum(len(part.entries) for part in response.context["portfolio"].sections)
    assert entries > MANY


# --- The PDF ------------------------------------------------------------------------


def test_pdf_holds_name_target_period_and_sections(client, filled):
    client.force_login(filled.owner)
    response = client.get(pdf_url(filled))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    data = response.content
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert filled.owner.profile.shown_name in text
    assert filled.target.title in text
    assert date_format(filled.starts_on, "j E Y") in text
    assert date_format(filled.ends_on, "j E Y") in text
    for criterion in Criterion.objects.filter(target=filled.target):
        assert f"{criterion.code}. " in text
    assert "Курс «Формирующее оценивание»" in text
    # The whole address to type from paper, not the bare code.
    assert f"{SITE}/certificates/KC-7Q2M/" in text.replace(" ", "")
    code = gettext("Code %(code)s") % {"code": "KC-7Q2M"}
    assert code.replace(" ", "") not in text.replace(" ", "")
    assert "Статья в районной газете" in text
    assert "Пётр Рецензентов" not in text
    assert "Отзыв на" not in text


def test_pdf_carries_the_items_date(filled):
    occurred = timezone.localtime(
        filled.owner.growth_evidence.get(code="KC-7Q2M").occurred_at
    ).date()
    text = pdf_text(portfolio_pdf(portfolio_build(filled)))
    assert str(occurred.year) in text
    assert str(occurred.day) in text


def test_pdf_of_many_items_and_long_links_runs_over_pages(plan):
    make_evidence(
        plan.owner,
        "course_certificate",
        count=MANY,
        title="Очень длинное название курса повышения квалификации " * 3,
        verify_url="/certificates/" + "X" * 120 + "/",
        code="X" * 40,
    )
    make_own_evidence(
        plan.owner,
        happened_on=datetime.date(2024, 5, 1),
        link="https://example.org/" + "a" * 300,
    )
    data = portfolio_pdf(portfolio_build(plan))
    document = pypdfium2.PdfDocument(data)
    try:
        assert len(document) > 3
    finally:
        document.close()
