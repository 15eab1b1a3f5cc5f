"""The catalogue, a course's page, «Мои курсы», enrolling and leaving.

Courses are made through the authors' services (``authoring_helpers``); the
crowds the query budgets need (55 courses, units, learners) are written in
bulk. A page's budget is 10 queries, and for a signed-in member 3 more: the
session, the member and their unread counts.
"""

import datetime
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from community.models import Grade, Subject
from community.navigation import nav_sections
from courses import navigation, selectors, services
from courses.models import (
    Course,
    CourseCertificate,
    Enrolment,
    Progress,
    ReviewRound,
    Unit,
)
from courses.tests.authoring_helpers import (
    cohort_dates,
    course_draft,
    course_published,
    reading,
    subject,
    trusted,
)

pytestmark = pytest.mark.django_db

MANY = 55
BUDGET = 10
SIGNED_IN_BUDGET = BUDGET + 3
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def _many_courses(count: int = MANY, **fields) -> list[Course]:
    """``count`` published courses, each with two co-authors and a grade."""
    now = timezone.now()
    author = UserFactory()
    values = {
        "author": author,
        "annotation": "Для учителей математики.",
        "goals": "Цели",
        "goals_html": "<p>Цели</p>",
        "subject": subject(),
        "status": Course.Status.PUBLISHED,
        "hours": 8,
        "required_units": 2,
        "capacity": 30,
        "enrolled_count": 3,
    }
    values.update(fields)
    courses = Course.objects.bulk_create(
        Course(
            title=f"Курс № {number}",
            slug=f"kurs-{number}-{values['subject'].slug}-{values['hours']}",
            published_at=now - datetime.timedelta(minutes=number),
            **values,
        )
        for number in range(count)
    )
    coauthors = [UserFactory(), UserFactory()]
    grade = Grade.objects.order_by("position").first()
    Course.coauthors.through.objects.bulk_create(
        Course.coauthors.through(course=course, user=user)
        for course in courses
        for user in coauthors
    )
    Course.grades.through.objects.bulk_create(
        Course.grades.through(course=course, grade=grade) for course in courses
    )
    return courses


def _learners(course: Course, count: int = MANY) -> list[Enrolment]:
    now = timezone.now()
    return Enrolment.objects.bulk_create(
        Enrolment(
            course=course,
            user=UserFactory(),
            status=Enrolment.Status.ENROLLED,
            queued_at=now,
            enrolled_at=now,
        )
        for _ in range(count)
    )


def _enrol(course: Course, user, status=Enrolment.Status.ENROLLED) -> Enrolment:
    now = timezone.now()
    return Enrolment.objects.create(
        course=course,
        user=user,
        status=status,
        queued_at=now,
        enrolled_at=None if status == Enrolment.Status.WAITLISTED else now,
        completed_at=now if status == Enrolment.Status.COMPLETED else None,
    )


def _done(enrolment: Enrolment, *units: Unit) -> None:
    for unit in units:
        Progress.objects.create(enrolment=enrolment, unit=unit, done_at=timezone.now())
    Enrolment.objects.filter(pk=enrolment.pk).update(
        units_done=sum(1 for unit in units if unit.required),
        hours_done=sum(unit.hours for unit in units),
    )


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if WRITE.match(q["sql"])]


def _login(client: Client, user=None):
    user = user or UserFactory()
    client.force_login(user)
    return user


# --- The catalogue ------------------------------------------------------------------


def test_catalogue_lists_published_courses_only(client):
    shown = course_published(title="Дроби без страха")
    draft = course_draft(title="Черновик курса")
    hidden = course_published(title="Скрытый курс")
    Course.objects.filter(pk=hidden.pk).update(is_hidden=True)
    archived = course_published(title="Архивный курс")
    Course.objects.filter(pk=archived.pk).update(status=Course.Status.ARCHIVED)

    response = client.get(reverse("courses:catalogue"))

    assert response.status_code == 200
    page = response.content.decode()
    assert shown.title in page
    assert shown.get_absolute_url() in page
    for other in (draft, hidden, archived):
        assert other.title not in page


def test_catalogue_card_shows_hours_kind_authors_and_places(client):
    course = course_published(hours=(8, 8), capacity=10)
    Course.objects.filter(pk=course.pk).update(enrolled_count=7)
    coauthor = UserFactory()
    course.coauthors.add(coauthor)

    page = client.get(reverse("courses:catalogue")).content.decode()

    assert "16 академических часов" in page
    assert "семинар" in page
    assert course.author.profile.shown_name in page
    assert coauthor.profile.shown_name in page
    assert "Осталось 3 места" in page


def test_catalogue_card_says_the_viewer_is_learning(client):
    course = course_published()
    member = _login(client)
    _enrol(course, member)

    page = client.get(reverse("courses:catalogue")).content.decode()

    assert "Вы учитесь" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "ДРОБИ"}, {"Дроби без страха"}),
        ({"q": "геометрия"}, {"Геометрия в 7 классе"}),
        ({"kind": "qualification"}, {"Геометрия в 7 классе"}),
        ({"format": "cohort"}, {"Геометрия в 7 классе"}),
        ({"hours_min": "17"}, {"Геометрия в 7 классе"}),
        ({"hours_max": "16"}, {"Дроби без страха", "Физика опытов"}),
        ({"hours_min": "10", "hours_max": "16"}, {"Дроби без страха"}),
    ],
)
def test_catalogue_filters(client, query, expected):
    course_published(hours=(8, 8), title="Дроби без страха")
    course_published(
        hours=(10, 10),
        title="Геометрия в 7 классе",
        annotation="Треугольники и углы.",
        kind=Course.Kind.QUALIFICATION,
        **cohort_dates(),
    )
    course_published(
        hours=(4,),
        title="Физика опытов",
        annotation="Опыты на уроке.",
        subject=subject("physics"),
    )
    titles = {"Дроби без страха", "Геометрия в 7 классе", "Физика опытов"}

    page = client.get(reverse("courses:catalogue"), query).content.decode()

    assert {title for title in titles if title in page} == expected


def test_catalogue_filters_by_subject_and_grade(client):
    maths = course_published(title="Дроби без страха")
    physics = course_published(title="Физика опытов", subject=subject("physics"))
    grade = Grade.objects.order_by("position").last()
    physics.grades.add(grade)

    by_subject = client.get(
        reverse("courses:catalogue"), {"subject": subject("physics").pk}
    ).content.decode()
    by_grade = client.get(
        reverse("courses:catalogue"), {"grade": grade.pk}
    ).content.decode()

    assert physics.title in by_subject
    assert maths.title not in by_subject
    assert physics.title in by_grade
    assert maths.title not in by_grade
    # The applied filter shows as a chip that removes it.
    assert "ui-chip" in by_grade


def test_catalogue_bad_filter_is_a_400_with_the_text_kept(client):
    response = client.get(
        reverse("courses:catalogue"), {"hours_min": "много", "q": "дроби"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="много"' in page
    assert 'value="дроби"' in page


def test_catalogue_hours_up_to_below_from_is_refused(client):
    response = client.get(
        reverse("courses:catalogue"), {"hours_min": "20", "hours_max": "10"}
    )

    assert response.status_code == 400


def test_catalogue_is_paginated(client, settings):
    settings.COURSES_PER_PAGE = 20
    _many_courses(25)

    first = client.get(reverse("courses:catalogue")).content.decode()
    second = client.get(reverse("courses:catalogue"), {"page": 2}).content.decode()

    assert first.count('class="ui-card ui-card-link course-card"') == 20
    assert second.count('class="ui-card ui-card-link course-card"') == 5
    assert "Курс № 0<" in first
    assert "Курс № 24<" in second


def test_catalogue_queries_are_bounded(client, django_assert_max_num_queries, settings):
    settings.COURSES_PER_PAGE = 60
    _many_courses()
    url = reverse("courses:catalogue")

    with django_assert_max_num_queries(BUDGET):
        response = client.get(url, {"grade": Grade.objects.first().pk})
    assert response.content.decode().count("course-card") >= MANY
    member = _login(client)
    for course in Course.objects.all()[:MANY:2]:
        _enrol(course, member)
    with django_assert_max_num_queries(SIGNED_IN_BUDGET):
        response = client.get(url)
    assert response.content.decode().count("Вы учитесь") == 28


def test_navigation_has_the_catalogue():
    navigation.register()

    assert reverse("courses:catalogue") in [item.url for item in nav_sections()]


# --- A course's page ------------------------------------------------------------------


def test_detail_shows_the_course_to_a_visitor(client):
    course = course_published(hours=(6, 10))
    coauthor = UserFactory()
    course.coauthors.add(coauthor)
    course.tags.add("дроби")
    units = list(course.units.order_by("position"))

    response = client.get(course.get_absolute_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert course.annotation in page
    assert "<strong>объяснять</strong>" in page  # goals, as rendered when saved
    assert page.index(units[0].title) < page.index(units[1].title)
    assert "6 академических часов" in page
    assert "обязательный" in page
    assert coauthor.profile.shown_name in page
    assert "Войдите, чтобы записаться" in page
    # Units are not links for a visitor; enrol is not offered to them.
    assert reverse("courses:unit", args=[course.slug, units[0].pk]) not in page
    assert reverse("courses:enrol", args=[course.slug]) not in page


@pytest.mark.parametrize("state", ["draft", "hidden", "review"])
def test_detail_is_404_to_those_who_may_not_see_it(client, state):
    course = course_published() if state == "hidden" else course_draft()
    if state == "hidden":
        Course.objects.filter(pk=course.pk).update(is_hidden=True)
    if state == "review":
        Course.objects.filter(pk=course.pk).update(status=Course.Status.REVIEW)

    anonymous = client.get(course.get_absolute_url())
    _login(client)
    member = client.get(course.get_absolute_url())
    _login(client, course.author)
    author = client.get(course.get_absolute_url())

    assert anonymous.status_code == 404
    assert member.status_code == 404
    assert author.status_code == 200


def test_detail_missing_course_is_404(client):
    assert client.get(reverse("courses:detail", args=["net-takogo"])).status_code == 404


def test_detail_shows_the_learner_progress_and_continue(client):
    course = course_draft(author=UserFactory())
    first = reading(course, 2, title="Первое чтение")
    second = reading(course, 2, title="Второе чтение")
    reading(course, 2, title="Третье чтение", required=False)
    course.refresh_from_db()
    from courses.models import TrustedAuthor

    TrustedAuthor.objects.create(user=course.author)
    course = services.course_submit(course=course, author=course.author)
    member = _login(client)
    _done(_enrol(course, member), first)

    page = client.get(course.get_absolute_url()).content.decode()

    assert '<progress class="course-progress-bar" max="100" value="50"' in page
    assert "50 %" in page
    assert "1 из 2 обязательных блоков" in page
    continue_url = reverse("courses:unit", args=[course.slug, second.pk])
    assert f'href="{continue_url}"' in page
    assert "Продолжить" in page
    # Done units say so in words; the units are the learner's links.
    assert "выполнен" in page
    assert reverse("courses:unit", args=[course.slug, first.pk]) in page


def test_continue_skips_a_unit_not_open_yet(client):
    course = course_published(hours=(8, 8), **cohort_dates(days=-5))
    first, second = course.units.order_by("position")
    Unit.objects.filter(pk=first.pk).update(
        opens_at=timezone.now() + datetime.timedelta(days=2)
    )
    member = _login(client)
    _enrol(course, member)

    page = client.get(course.get_absolute_url()).content.decode()

    assert f'href="{reverse("courses:unit", args=[course.slug, second.pk])}"' in page
    assert "откроется" in page


def test_detail_shows_waitlist_position(client):
    course = course_published(capacity=1)
    _enrol(course, UserFactory(), Enrolment.Status.WAITLISTED)
    member = _login(client)
    _enrol(course, member, Enrolment.Status.WAITLISTED)

    page = client.get(course.get_absolute_url()).content.decode()

    assert "Вы 2-й в листе ожидания" in page
    assert reverse("courses:drop", args=[course.slug]) in page


def test_detail_shows_the_completed_learner_certificate(client):
    course = course_published()
    member = _login(client)
    enrolment = _enrol(course, member, Enrolment.Status.COMPLETED)
    now = timezone.now()
    certificate = CourseCertificate.objects.create(
        enrolment=enrolment,
        course=course,
        user=member,
        number="КУРС-2026-000001",
        holder_name="Анна",
        course_title=course.title,
        hours=course.hours,
        author_names="Автор",
        started_at=now,
        completed_at=now,
    )

    page = client.get(course.get_absolute_url()).content.decode()

    assert reverse("courses:certificate", args=[certificate.pk]) in page
    assert certificate.get_absolute_url() in page


def test_detail_offers_enrol_to_a_member_but_not_to_an_author(client):
    course = course_published()
    _login(client)
    member_page = client.get(course.get_absolute_url()).content.decode()
    _login(client, course.author)
    author_page = client.get(course.get_absolute_url()).content.decode()

    assert reverse("courses:enrol", args=[course.slug]) in member_page
    assert reverse("courses:enrol", args=[course.slug]) not in author_page
    assert reverse("courses:edit", args=[course.slug]) in author_page
    assert reverse("courses:learners", args=[course.slug]) in author_page
    assert reverse("courses:edit", args=[course.slug]) not in member_page


def test_detail_full_course_offers_the_waitlist(client):
    course = course_published(capacity=2)
    Course.objects.filter(pk=course.pk).update(enrolled_count=2)
    _login(client)

    page = client.get(course.get_absolute_url()).content.decode()

    assert "Встать в лист ожидания" in page


def test_detail_shows_a_returned_draft_with_the_note_to_its_author(client):
    course = course_draft()
    ReviewRound.objects.create(
        course=course,
        status=ReviewRound.Status.DECIDED,
        decision=ReviewRound.Decision.REVISE,
        decision_note="Добавьте практические задания.",
        decided_at=timezone.now(),
    )
    _login(client, course.author)

    page = client.get(course.get_absolute_url()).content.decode()

    assert "возвращён на доработку" in page
    assert "Добавьте практические задания." in page
    assert reverse("courses:submit", args=[course.slug]) in page


def test_detail_queries_are_bounded(client, django_assert_max_num_queries):
    course = course_published(hours=(8, 8))
    Unit.objects.bulk_create(
        Unit(
            course=course,
            kind=Unit.Kind.READING,
            title=f"Чтение {number}",
            hours=1,
            required=False,
            position=10 + number,
            body="Текст",
            body_html="<p>Текст</p>",
        )
        for number in range(MANY)
    )
    learners = _learners(course)
    course.coauthors.add(*[UserFactory() for _ in range(3)])
    course.tags.add("дроби", "пятый класс")
    course.grades.add(*Grade.objects.all()[:5])
    _done(learners[0], *course.units.all()[:30])
    url = course.get_absolute_url()

    with django_assert_max_num_queries(BUDGET):
        assert client.get(url).status_code == 200
    client.force_login(learners[0].user)
    with django_assert_max_num_queries(SIGNED_IN_BUDGET):
        page = client.get(url).content.decode()
    assert page.count("course-unit-done") == 30
    client.force_login(course.author)
    with django_assert_max_num_queries(SIGNED_IN_BUDGET):
        assert client.get(url).status_code == 200


# --- Enrolling and leaving ----------------------------------------------------------


def test_enrol_and_drop(client):
    course = course_published()
    member = _login(client)

    response = client.post(reverse("courses:enrol", args=[course.slug]))

    assert response.status_code == 302
    assert response["Location"] == course.get_absolute_url()
    enrolment = Enrolment.objects.get(course=course, user=member)
    assert enrolment.status == Enrolment.Status.ENROLLED

    response = client.post(reverse("courses:drop", args=[course.slug]))

    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.DROPPED


def test_enrol_refused_shows_the_reason_on_the_course_page(client):
    course = course_published(**cohort_dates(days=20))  # enrolment opens in 13 days
    _login(client)

    response = client.post(reverse("courses:enrol", args=[course.slug]))

    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page
    assert "Запись откроется" in page
    assert course.title in page
    assert not Enrolment.objects.filter(course=course).exists()


def test_enrol_twice_answers_like_the_first_time(client):
    course = course_published()
    member = _login(client)
    _enrol(course, member)

    response = client.post(reverse("courses:enrol", args=[course.slug]))

    assert response.status_code == 302
    assert Enrolment.objects.get(course=course, user=member).status == "enrolled"


def test_drop_when_not_enrolled_is_refused_on_the_page(client):
    course = course_published()
    _login(client)

    response = client.post(reverse("courses:drop", args=[course.slug]))

    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_enrol_needs_a_login_and_a_post(client):
    course = course_published()

    anonymous = client.post(reverse("courses:enrol", args=[course.slug]))
    _login(client)
    by_get = client.get(reverse("courses:enrol", args=[course.slug]))

    assert anonymous.status_code == 302
    assert reverse("account_login") in anonymous["Location"]
    assert by_get.status_code == 405


def test_enrol_in_a_draft_is_404(client):
    course = course_draft()
    _login(client)

    response = client.post(reverse("courses:enrol", args=[course.slug]))

    assert response.status_code == 404


# --- «Мои курсы» ---------------------------------------------------------------------


def test_mine_lists_learning_completed_and_authored(client):
    learning = course_published(title="Учусь здесь")
    done = course_published(title="Уже прошла")
    member = _login(client)
    unit = learning.units.order_by("position").first()
    _enrol(learning, member)
    enrolment = _enrol(done, member, Enrolment.Status.COMPLETED)
    now = timezone.now()
    certificate = CourseCertificate.objects.create(
        enrolment=enrolment,
        course=done,
        user=member,
        number="КУРС-2026-000002",
        holder_name="Анна",
        course_title=done.title,
        hours=done.hours,
        author_names="Автор",
        started_at=now,
        completed_at=now,
    )
    mine = course_draft(author=member, title="Пишу сама")

    response = client.get(reverse("courses:mine"))

    assert response.status_code == 200
    page = response.content.decode()
    assert learning.title in page
    assert done.title in page
    assert mine.title in page
    assert reverse("courses:unit", args=[learning.slug, unit.pk]) in page
    assert reverse("courses:certificate", args=[certificate.pk]) in page
    assert "черновик" in page


def test_mine_needs_a_login(client):
    response = client.get(reverse("courses:mine"))

    assert response.status_code == 302


def test_mine_caps_each_list_and_links_to_all(client, settings):
    settings.COURSES_PER_PAGE = 20
    member = _login(client)
    for course in _many_courses(selectors.MINE_SHOWN + 2):
        _enrol(course, member)

    overview = client.get(reverse("courses:mine")).content.decode()
    whole = client.get(reverse("courses:mine"), {"list": "learning"}).content.decode()

    assert overview.count("course-mine-row") == selectors.MINE_SHOWN
    assert "?list=learning" in overview
    assert whole.count("course-mine-row") == selectors.MINE_SHOWN + 2


def test_mine_queries_are_bounded(client, django_assert_max_num_queries, settings):
    settings.COURSES_PER_PAGE = 60
    member = UserFactory()
    courses = _many_courses()
    for course in courses[:30]:
        _enrol(course, member)
    for course in courses[30:]:
        _enrol(course, member, Enrolment.Status.COMPLETED)
    Course.objects.filter(pk__in=[course.pk for course in courses[:20]]).update(
        author=member
    )
    client.force_login(member)

    for query in (
        {},
        {"list": "learning"},
        {"list": "completed"},
        {"list": "authored"},
    ):
        with django_assert_max_num_queries(SIGNED_IN_BUDGET):
            assert client.get(reverse("courses:mine"), query).status_code == 200


# --- No writes on GET -----------------------------------------------------------------


def test_pages_write_nothing_on_get(client):
    course = course_published()
    member = UserFactory()
    _enrol(course, member)
    draft = course_draft(author=member)
    pages = [
        reverse("courses:catalogue"),
        reverse("courses:catalogue") + "?q=дроби&hours_min=1",
        course.get_absolute_url(),
    ]
    member_pages = [
        *pages,
        reverse("courses:mine"),
        reverse("courses:mine") + "?list=learning",
        draft.get_absolute_url(),
    ]

    for who, urls in ((None, pages), (member, member_pages)):
        visitor = Client()
        if who is not None:
            visitor.force_login(who)
        for _round in range(2):
            for url in urls:
                with CaptureQueriesContext(connection) as queries:
                    response = visitor.get(url)
                assert response.status_code == 200, url
                assert _writes(queries) == [], url


def test_next_unit_is_the_first_open_not_done():
    now = timezone.now()
    units = [
        Unit(pk=1, title="a", hours=1, kind="reading"),
        Unit(
            pk=2,
            title="b",
            hours=1,
            kind="reading",
            opens_at=now + datetime.timedelta(days=1),
        ),
        Unit(pk=3, title="c", hours=1, kind="reading"),
    ]
    units[0].is_done, units[1].is_done, units[2].is_done = True, False, False

    assert selectors.next_unit(units, now).pk == 3
    units[2].is_done = True
    assert selectors.next_unit(units, now) is None


def test_units_of_a_visitor_are_not_done():
    course = course_published()

    units = selectors.units_of(course=course, user=AnonymousUser())

    assert units
    assert not any(unit.is_done for unit in units)


def test_subject_filter_choices_are_the_subjects():
    from courses.forms import CatalogueFilterForm

    form = CatalogueFilterForm()

    assert form.fields["subject"].queryset.count() == Subject.objects.count()


# --- Phones and wide screens ------------------------------------------------------


OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("vocabulary")
@pytest.mark.parametrize("width", [320, 1920])
def test_pages_fit_from_320_to_1920_px_and_pass_axe(browser, live_server, width):
    from conftest import assert_accessible, browser_log_in

    course = course_published(hours=(8, 8), capacity=5, **cohort_dates())
    course.coauthors.add(UserFactory())
    course.tags.add("дроби")
    learner = UserFactory()
    _done(_enrol(course, learner), course.units.order_by("position").first())
    context = browser.new_context(
        viewport={"width": width, "height": 800},
        base_url=live_server.url,
        locale="ru-RU",
        has_touch=width < 400,
        is_mobile=width < 400,
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    pages = {
        None: [reverse("courses:catalogue"), course.get_absolute_url()],
        learner: [course.get_absolute_url(), reverse("courses:mine")],
        course.author: [
            course.get_absolute_url(),
            reverse("courses:units", args=[course.slug]),
            reverse("courses:create"),
        ],
    }
    try:
        for user, addresses in pages.items():
            if user is not None:
                page.goto(reverse("courses:catalogue"))
                browser_log_in(page, live_server, user)
            for address in addresses:
                page.goto(address)
                assert page.evaluate(OVERFLOW) <= 0, (width, address)
                assert_accessible(page)
    finally:
        context.close()


# --- «Продолжить» passes over optional units ------------------------------------------


def _with_optional_units():
    """Published: a required reading, an optional one, a required one, an
    optional one, in that order."""
    course = course_draft(author=trusted(UserFactory()))
    units = [
        reading(course, 2, title="Первое"),
        reading(course, 2, title="Можно пропустить", required=False),
        reading(course, 2, title="Третье"),
        reading(course, 2, title="Ещё по желанию", required=False),
    ]
    course.refresh_from_db()
    return services.course_submit(course=course, author=course.author), units


def _continue_on_mine(client) -> list[str]:
    """Where «Продолжить» leads on «Мои курсы» (one course learned)."""
    page = client.get(reverse("courses:mine")).content.decode()
    return re.findall(r'class="btn btn-primary btn-sm" href="([^"]+)"', page)


def test_continue_leads_past_a_skipped_optional_unit_to_the_next_required(client):
    course, (first, _skipped, third, _extra) = _with_optional_units()
    member = _login(client)
    enrolment = _enrol(course, member)
    _done(enrolment, first)

    response = client.get(course.get_absolute_url())

    assert response.context["next_unit"] == third
    assert _continue_on_mine(client) == [
        reverse("courses:unit", args=[course.slug, third.pk])
    ]


def test_continue_offers_the_optional_units_once_the_required_are_done(client):
    course, (first, skipped, third, _extra) = _with_optional_units()
    member = _login(client)
    _done(_enrol(course, member), first, third)

    response = client.get(course.get_absolute_url())

    assert response.context["next_unit"] == skipped
    assert _continue_on_mine(client) == [
        reverse("courses:unit", args=[course.slug, skipped.pk])
    ]


def test_continue_offers_an_open_optional_unit_while_the_next_required_is_shut(
    client,
):
    course, (first, skipped, third, _extra) = _with_optional_units()
    Unit.objects.filter(pk=third.pk).update(
        opens_at=timezone.now() + datetime.timedelta(days=2)
    )
    member = _login(client)
    _done(_enrol(course, member), first)

    response = client.get(course.get_absolute_url())

    # The required unit is not open yet: the optional one meanwhile.
    assert response.context["next_unit"] == skipped
    assert _continue_on_mine(client) == [
        reverse("courses:unit", args=[course.slug, skipped.pk])
    ]


def test_continue_leads_nowhere_when_no_open_unit_is_left(client):
    course, (first, skipped, third, extra) = _with_optional_units()
    Unit.objects.filter(pk=third.pk).update(
        opens_at=timezone.now() + datetime.timedelta(days=2)
    )
    member = _login(client)
    _done(_enrol(course, member), first, skipped, extra)

    response = client.get(course.get_absolute_url())

    assert response.context["next_unit"] is None
    # No unit to continue with: the button leads to the course's page.
    assert _continue_on_mine(client) == [course.get_absolute_url()]
