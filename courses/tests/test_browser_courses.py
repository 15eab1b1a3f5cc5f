"""A course from its draft to a verified certificate, in a browser, at phone
and desktop width, with axe.

An author assembles a professional development course on its pages (the
description, then a reading, a material by its address and an assignment
checked by one colleague) and sends it to the experts; two experts of the
subject, from other schools, take it from their queue and recommend it: it
opens. A teacher enrols, reads the reading («Прочитано»), opens the material
and sends her work; a colleague who sent hers reviews it and accepts it: the
course is completed. The teacher downloads her certificate (a PDF) and anyone
signed out confirms it on its verification page. Each main page passes axe
without serious issues and does not scroll sideways; the catalogue and the
course's page hold at 320 px. Set KOLLEGI_SCREENSHOTS to a folder to keep
screenshots.
"""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from conftest import assert_accessible, browser_log_in, page_watched
from courses import services
from courses.models import (
    Course,
    CourseCertificate,
    Enrolment,
    ReviewRound,
    Submission,
    Unit,
)
from courses.tests.authoring_helpers import expert
from materials.tests.factories import MaterialFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("vocabulary"),
]

VIEWPORTS = {
    "phone": ({"width": 360, "height": 800}, True),
    "desktop": ({"width": 1280, "height": 800}, False),
}
NARROWEST = {"width": 320, "height": 800}
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
TITLE = "Дроби в 5 классе: от пиццы до уравнения"


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


def _colleague(name: str, **fields):
    """A member past the new-member period."""
    return UserFactory(
        profile__display_name=name,
        date_joined=timezone.now() - datetime.timedelta(days=90),
        **fields,
    )


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
            path=str(Path(folder) / f"course-{name}-{width}.png"), full_page=True
        )


def _holds_at_320(page, name: str) -> None:
    """At the narrowest phone the page does not scroll sideways."""
    size = page.viewport_size
    page.set_viewport_size(NARROWEST)
    try:
        assert page.evaluate(OVERFLOW) <= 0, f"{page.url} scrolls sideways at 320 px"
        folder = os.environ.get("KOLLEGI_SCREENSHOTS")
        if folder:
            page.screenshot(
                path=str(Path(folder) / f"course-{name}-320.png"), full_page=True
            )
    finally:
        page.set_viewport_size(size)


def _apart(one, other) -> bool:
    """Whether two elements' boxes do not overlap."""
    a, b = one.bounding_box(), other.bounding_box()
    return (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def _unit_add(page, kind: str, fields: dict, radios: dict | None = None) -> None:
    """On the units page: the kind's form, filled and sent."""
    page.locator("main").get_by_role("link", name=kind, exact=True).click()
    page.wait_for_load_state()
    for selector, value in fields.items():
        page.fill(selector, value)
    for name, value in (radios or {}).items():
        page.locator(f"input[name={name}][value={value}]").check()
    _post(page, page.get_by_role("button", name="Добавить блок"))
    page.get_by_role("heading", name="Блоки").wait_for()


def _author_assembles(page, live_server, author, material) -> Course:
    """The description, three units, and the course sent to the experts."""
    _as(page, live_server, author)
    page.goto("/courses/new/")
    _check(page, "new")
    page.fill("#id_title", TITLE)
    page.fill(
        "#id_annotation",
        "Как ввести дроби через жизненные ситуации и довести до уравнений.",
    )
    page.fill("#id_goals", "Вы научитесь **объяснять** дроби на примерах.")
    page.select_option("#id_subject", label="Математика")
    page.locator("input[name=kind][value=qualification]").check()
    page.locator("input[name=format][value=self_paced]").check()
    _post(page, page.get_by_role("button", name="Сохранить черновик и добавить блоки"))
    course = Course.objects.get(title=TITLE)
    assert course.status == Course.Status.DRAFT
    page.get_by_role("heading", name="Блоки").wait_for()
    _check(page, "units-empty")

    _unit_add(
        page,
        "Чтение",
        {
            "#id_title": "Что такое дробь",
            "#id_hours": "6",
            "#id_body": "Дробь — это **часть целого**: половина, треть, четверть.",
        },
    )
    _unit_add(
        page,
        "Материал из библиотеки",
        {
            "#id_title": "Конспект урока о пицце",
            "#id_hours": "4",
            "#id_address": live_server.url + material.get_absolute_url(),
        },
        {"completion": "opened"},
    )
    page.locator("main").get_by_role("link", name="Задание", exact=True).click()
    page.wait_for_load_state()
    _check(page, "unit-form")
    page.fill("#id_title", "Свой урок о дробях")
    page.fill("#id_hours", "6")
    page.fill("#id_body", "Составьте план урока о дробях для своего класса.")
    page.locator("input[name=completion][value=peers]").check()
    page.fill("#id_reviews_needed", "1")
    _post(page, page.get_by_role("button", name="Добавить блок"))
    page.get_by_role("heading", name="Блоки").wait_for()
    _check(page, "units")
    course.refresh_from_db()
    assert course.hours == 16
    assert list(course.units.values_list("kind", flat=True)) == [
        Unit.Kind.READING,
        Unit.Kind.MATERIAL,
        Unit.Kind.ASSIGNMENT,
    ]
    assert course.units.get(kind=Unit.Kind.MATERIAL).material == material
    assert course.units.get(kind=Unit.Kind.ASSIGNMENT).reviews_needed == 1

    page.goto(course.get_absolute_url())
    _check(page, "draft")
    _post(page, page.get_by_role("button", name="Отправить на экспертизу"))
    course.refresh_from_db()
    assert course.status == Course.Status.REVIEW
    return course


def _expert_recommends(page, live_server, reviewer, *, first: bool) -> None:
    """An expert takes the course from the queue and recommends it."""
    _as(page, live_server, reviewer)
    page.goto("/courses/reviews/experts/")
    if first:
        _check(page, "review-queue")
    # «Взять на экспертизу» and, for screen readers, the course's title.
    take = page.locator("main").get_by_role("button", name="Взять на экспертизу")
    assert TITLE in take.text_content()
    _post(page, take)
    page.locator("input[name=summary], textarea[name=summary]").wait_for()
    if first:
        _check(page, "review-form")
    for key in ("goals", "structure", "hours", "value"):
        page.locator(f"input[name={key}][value='5']").check()
    page.locator("input[name=recommendation][value=recommend]").check()
    page.fill("#id_summary", "Цели ясные, часы реалистичные. Рекомендую.")
    _post(page, page.get_by_role("button", name="Отправить рецензию"))


def _teacher_learns(page, live_server, teacher, course) -> None:
    """The catalogue, the course, enrolment and every unit but the review."""
    _as(page, live_server, teacher)
    page.goto("/courses/")
    page.locator("main").get_by_role("link", name=TITLE).first.wait_for()
    _check(page, "catalogue")
    _holds_at_320(page, "catalogue")
    page.locator("main").get_by_role("link", name=TITLE).first.click()
    page.wait_for_load_state()
    _check(page, "course")
    _holds_at_320(page, "course")
    _post(page, page.locator("main").get_by_role("button", name="Записаться"))
    enrolment = Enrolment.objects.get(course=course, user=teacher)
    assert enrolment.status == Enrolment.Status.ENROLLED
    _check(page, "course-enrolled")

    # «Продолжить» leads to the first unit: the reading.
    page.locator("main").get_by_role("link", name="Продолжить").click()
    page.wait_for_load_state()
    page.get_by_role("heading", name="Что такое дробь").wait_for()
    _check(page, "unit-reading")
    _post(page, page.locator("main").get_by_role("button", name="Прочитано"))

    # The material: opened from the course, it counts.
    material_unit = course.units.get(kind=Unit.Kind.MATERIAL)
    page.goto(material_unit.get_absolute_url())
    _check(page, "unit-material")
    # The material's card is as tall as what it holds: the units' navigation
    # under it stays clear of the outline.
    assert _apart(
        page.locator("main nav[aria-label='Блоки']"),
        page.locator("main aside"),
    )
    _post(page, page.locator("main").get_by_role("button", name="Открыть материал"))
    assert page.url.endswith(material_unit.material.get_absolute_url())

    # The assignment: her work, sent for review.
    assignment = course.units.get(kind=Unit.Kind.ASSIGNMENT)
    page.goto(assignment.get_absolute_url())
    _check(page, "unit-assignment")
    page.fill("#id_text", "План урока: делим пиццу, записываем дроби, решаем задачи.")
    _post(
        page, page.locator("main").get_by_role("button", name="Отправить на проверку")
    )
    page.get_by_role("heading", name="Ваша работа").wait_for()
    _check(page, "unit-submitted")
    enrolment.refresh_from_db()
    assert enrolment.units_done == 2
    assert enrolment.status == Enrolment.Status.ENROLLED


def _colleague_accepts(page, live_server, colleague, course, teacher) -> None:
    """A learner who sent her work reviews the teacher's, and accepts it."""
    _as(page, live_server, colleague)
    page.goto(f"/courses/{course.slug}/reviews/")
    _check(page, "peer-queue")
    page.locator("main").get_by_role("link", name="Свой урок о дробях").click()
    page.wait_for_load_state()
    _check(page, "peer-review")
    for key in ("task", "practice", "clarity"):
        page.locator(f"input[name={key}][value='5']").check()
    page.locator("input[name=verdict][value=accept]").check()
    page.fill("#id_comment", "Живой план: пицца сработает. Принимаю.")
    _post(page, page.get_by_role("button", name="Отправить рецензию"))
    work = Submission.objects.get(enrolment__user=teacher)
    assert work.status == Submission.Status.ACCEPTED


def test_course_assembled_reviewed_completed_and_certificate_verified(
    page, live_server
):
    author = _colleague("Анна Сергеевна Морозова")
    reviewers = [
        expert("mathematics", school="МАОУ «Гимназия № 2»"),
        expert("mathematics", school="МБОУ «Лицей № 131»"),
    ]
    material = MaterialFactory(title="Дроби на пицце: конспект урока")
    teacher = _colleague("Ольга Николаевна Кузнецова")
    colleague = _colleague("Марина Юрьевна Новикова")

    course = _author_assembles(page, live_server, author, material)

    for index, reviewer in enumerate(reviewers):
        _expert_recommends(page, live_server, reviewer, first=index == 0)
    course.refresh_from_db()
    assert course.status == Course.Status.PUBLISHED
    round_ = course.review_rounds.get()
    assert round_.decision == ReviewRound.Decision.RECOMMEND
    assert round_.assignments.filter(status="submitted").count() == 2

    # A colleague who has sent her work already (the services: not the point).
    assignment = course.units.get(kind=Unit.Kind.ASSIGNMENT)
    services.enrol(course=course, user=colleague)
    services.submission_submit(
        unit=assignment, user=colleague, text="Мой план: дроби на шоколадке."
    )

    _teacher_learns(page, live_server, teacher, course)
    _colleague_accepts(page, live_server, colleague, course, teacher)
    certificate = CourseCertificate.objects.get(user=teacher, course=course)
    assert certificate.hours == 16

    # The teacher downloads her certificate from the course's page.
    _as(page, live_server, teacher)
    page.goto(course.get_absolute_url())
    download = page.locator("main").get_by_role("link", name="Скачать сертификат")
    _check(page, "course-completed")
    response = page.request.get(download.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    verify = page.locator("main").get_by_role("link", name=certificate.number)
    verify_url = verify.get_attribute("href")

    # Anyone, signed out, confirms it.
    page.context.clear_cookies()
    page.goto(verify_url)
    main = page.locator("main")
    main.get_by_text(certificate.number).first.wait_for()
    assert "Ольга Николаевна Кузнецова" in main.inner_text()
    assert TITLE in main.inner_text()
    _check(page, "verify")
