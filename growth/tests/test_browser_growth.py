"""«Мой путь» in a browser, at phone and desktop width, with axe.

A teacher of mathematics chooses the highest category as her target; her
plan shows the criteria with thin evidence, and the gaps page suggests a
master-class, a course and a community in her subject tagged for those
competencies. She adds the master-class to her plan from its suggestion,
adds her own evidence (a contest, by its link) and invites a colleague as
her mentor. The mentor, signed in separately, accepts and confirms her
evidence, reading whose plan it is on its pages and their history; she
sees it confirmed, opens her printable portfolio and
downloads it as a PDF. Each page passes axe without serious issues and does
not scroll sideways. Set KOLLEGI_SCREENSHOTS to a folder to keep
screenshots.
"""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from circles.tests.factories import CommunityFactory
from community.models import Subject
from conftest import assert_accessible, browser_log_in, page_watched
from courses.tests.authoring_helpers import course_published
from growth.models import Mentorship, OwnEvidence, Plan, PlanItem
from growth.tests.helpers import framework_fill
from masterclasses.tests.factories import MasterClassFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("vocabulary"),
]

VIEWPORTS = {
    "phone": ({"width": 360, "height": 800}, True),
    "desktop": ({"width": 1280, "height": 800}, False),
}
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
TARGET = "Высшая квалификационная категория"
MASTERCLASS = "Олимпиадные задачи для пятиклассников"
COURSE = "Оценивание без слёз: критерии и рубрики"
COMMUNITY = "Учителя математики: обмен опытом"
EVIDENCE = "Конкурс «Педагог года»: участник муниципального этапа"


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser, live_server):
    """A fresh page: a touch phone at 360 px or a desktop at 1280 px; fails
    on a script error or a Content Security Policy violation."""
    viewport, touch = VIEWPORTS[request.param]
    context = browser.new_context(
        viewport=viewport,
        base_url=live_server.url,
        locale="ru-RU",
        has_touch=touch,
        is_mobile=touch,
    )
    page, problems = page_watched(context)
    yield page
    context.close()
    assert not problems, f"errors in the browser: {problems}"


def _colleague(name: str, subjects=("mathematics",), **fields):
    """A member past the new-member period teaching ``subjects``."""
    user = UserFactory(
        profile__display_name=name,
        date_joined=timezone.now() - datetime.timedelta(days=90),
        **fields,
    )
    user.profile.subjects.set(Subject.objects.filter(slug__in=subjects))
    return user


def _as(page, live_server, user) -> None:
    """The browser is ``user`` from now on."""
    page.context.clear_cookies()
    browser_log_in(page, live_server, user)


def _post(page, button) -> None:
    """Submit a form and wait for the page it brings."""
    with page.expect_navigation():
        button.click()


def _check(page, name: str) -> None:
    """axe finds nothing serious, nothing scrolls sideways; a screenshot
    when KOLLEGI_SCREENSHOTS names a folder."""
    assert page.evaluate(OVERFLOW) <= 0, f"{page.url} scrolls sideways"
    assert_accessible(page)
    folder = os.environ.get("KOLLEGI_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        width = page.viewport_size["width"]
        page.screenshot(
            path=str(Path(folder) / f"growth-{name}-{width}.png"), full_page=True
        )


def _offers() -> None:
    """What the gaps page may suggest to a teacher of mathematics: tagged
    with the framework's suggestion tags of the highest category's
    competencies (R.1 «олимпиады», A.2 «оценивание», R.2 «обмен опытом»)."""
    masterclass = MasterClassFactory(
        title=MASTERCLASS, host=_colleague("Дмитрий Александрович Волков")
    )
    masterclass.tags.add("олимпиады")
    course_published(title=COURSE, tags=["оценивание"])
    community = CommunityFactory(name=COMMUNITY)
    community.tags.add("обмен опытом")


def _teacher_plans(page, live_server, teacher) -> Plan:
    """From «Мой путь» to a new plan toward the highest category."""
    _as(page, live_server, teacher)
    page.goto("/my-path/")
    _check(page, "index-empty")
    page.locator("main").get_by_role("link", name="Новый план").click()
    page.wait_for_load_state()
    _check(page, "new")
    page.get_by_label(TARGET).check()
    _post(page, page.get_by_role("button", name="Составить план"))
    plan = Plan.objects.get(owner=teacher)
    assert plan.target.code == "highest"
    page.get_by_role("heading", name="Критерии и свидетельства").wait_for()
    _check(page, "plan-new")
    return plan


def _teacher_takes_a_suggestion(page, plan) -> None:
    """The gaps page suggests the three; the master-class goes into the plan."""
    page.locator("main").get_by_role("link", name="Пробелы и предложения").click()
    page.wait_for_load_state()
    main = page.locator("main")
    for title in (MASTERCLASS, COURSE, COMMUNITY):
        main.get_by_role("link", name=title, exact=True).first.wait_for()
    _check(page, "gaps")
    add = (
        main.locator("li", has=page.get_by_role("link", name=MASTERCLASS, exact=True))
        .get_by_role("button", name="Добавить в план")
        .first
    )
    _post(page, add)
    item = PlanItem.objects.get(plan=plan)
    assert item.kind == PlanItem.Kind.MASTERCLASS
    assert item.title == MASTERCLASS
    assert item.object_key.startswith("masterclasses.masterclass:")
    assert item.competency is not None
    # Taken, it is suggested no more.
    suggested = page.locator("main").get_by_role("link", name=MASTERCLASS, exact=True)
    assert not suggested.count()
    page.goto(plan.get_absolute_url())
    page.locator("main").get_by_role("link", name=MASTERCLASS, exact=True).wait_for()
    _check(page, "plan")


def _teacher_adds_evidence(page, plan) -> OwnEvidence:
    """Her own evidence: a contest, by its link, not confirmed."""
    page.goto(f"/my-path/{plan.pk}/evidence/")
    page.locator("main").get_by_role("link", name="Добавить свидетельство").click()
    page.wait_for_load_state()
    _check(page, "evidence-form")
    page.select_option("#id_kind", value=OwnEvidence.Kind.CONTEST)
    page.fill("#id_title", EVIDENCE)
    page.fill(
        "#id_happened_on",
        (timezone.localdate() - datetime.timedelta(days=15)).isoformat(),
    )
    page.select_option("#id_competency_code", value="R.6")
    page.fill("#id_link", "https://example.org/pedagog-goda/uchastniki")
    _post(page, page.locator("main form").get_by_role("button", name="Добавить"))
    evidence = OwnEvidence.objects.get(owner=plan.owner)
    assert evidence.status == OwnEvidence.Status.UNCONFIRMED
    page.locator("main").get_by_text(EVIDENCE, exact=True).wait_for()
    assert "не подтверждено" in page.locator(f"#own-{evidence.pk}").inner_text()
    return evidence


def _teacher_invites(page, plan, mentor) -> None:
    page.goto(f"/my-path/{plan.pk}/mentor/")
    _check(page, "mentor-invite")
    page.fill("#id_username", mentor.username)
    _post(page, page.locator("main form:has(#id_username)").get_by_role("button"))
    assert Mentorship.objects.get(plan=plan).status == Mentorship.Status.INVITED


def _mentor_confirms(page, live_server, mentor, plan, evidence) -> None:
    """The mentor accepts from «Мой путь» and confirms the evidence."""
    _as(page, live_server, mentor)
    page.goto("/my-path/")
    page.locator("main").get_by_role("link", name=TARGET).first.click()
    page.wait_for_load_state()
    _check(page, "mentoring-answer")
    accept = page.locator("main form:has(input[name=accept][value='1'])")
    _post(page, accept.get_by_role("button"))
    assert Mentorship.objects.get(plan=plan).status == Mentorship.Status.ACTIVE
    page.goto(f"/my-path/{plan.pk}/evidence/")
    _check(page, "evidence-mentor")
    # The mentor changes nothing: no form to add, edit or remove.
    main = page.locator("main")
    row = page.locator(f"#own-{evidence.pk}")
    assert not main.get_by_role("link", name="Добавить свидетельство").count()
    assert not row.get_by_role("link", name="Изменить").count()
    assert not row.get_by_role("button", name="Удалить").count()
    _post(page, row.get_by_role("button", name="Подтвердить"))
    evidence.refresh_from_db()
    assert evidence.status == OwnEvidence.Status.CONFIRMED
    assert evidence.confirmed_by == mentor
    # Every page of the plan tells her whose plan it is; the mentor's page
    # has the plan's tabs, and the history is a table only where it fits.
    whose = f"План: {plan.owner.profile.display_name} · {TARGET}"
    assert whose in page.locator("main").inner_text()
    page.locator("main").get_by_role("link", name="Наставник и комментарии").click()
    page.wait_for_load_state()
    assert whose in page.locator("main").inner_text()
    _check(page, "mentor")
    page.locator("main").get_by_role("link", name="История").click()
    page.wait_for_load_state()
    assert (
        f"Свидетельство подтверждено: {EVIDENCE}" in page.locator("main").inner_text()
    )
    _check(page, "history")


def _teacher_prints(page, live_server, teacher, plan) -> None:
    """She sees it confirmed, opens the portfolio and downloads its PDF."""
    _as(page, live_server, teacher)
    page.goto(f"/my-path/{plan.pk}/evidence/")
    row = page.locator(f"#own-{OwnEvidence.objects.get(owner=teacher).pk}")
    assert "подтверждено наставником" in row.inner_text()
    _check(page, "evidence")
    page.locator("main").get_by_role("link", name="Портфолио").click()
    page.wait_for_load_state()
    main = page.locator("main")
    assert EVIDENCE in main.inner_text()
    assert teacher.profile.display_name in main.inner_text()
    _check(page, "portfolio")
    download = main.get_by_role("link", name="Скачать PDF")
    response = page.request.get(download.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    # Printed, the site's frame and the page's buttons are left out.
    page.emulate_media(media="print")
    assert not page.locator("header").first.is_visible()
    assert not download.is_visible()
    page.emulate_media(media="screen")


def test_member_plans_fills_a_gap_and_prints_the_portfolio_her_mentor_confirmed(
    page, live_server
):
    framework_fill()
    _offers()
    teacher = _colleague("Анна Сергеевна Морозова")
    mentor = _colleague("Иван Петрович Петров", subjects=("physics",))

    plan = _teacher_plans(page, live_server, teacher)
    _teacher_takes_a_suggestion(page, plan)
    evidence = _teacher_adds_evidence(page, plan)
    _teacher_invites(page, plan, mentor)
    _mentor_confirms(page, live_server, mentor, plan, evidence)
    _teacher_prints(page, live_server, teacher, plan)
