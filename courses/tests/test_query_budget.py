"""The catalogue, a course's page and «Мои курсы» keep to ten queries over
more than a page of rows, for a visitor and for members, the member and
their unread counts included (``query_budget``)."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from community.models import Grade
from community.tests.query_budget import MANY, signed_in, within_budget
from courses.models import Course, Enrolment, Unit
from courses.tests.authoring_helpers import course_published
from courses.tests.test_pages_catalogue import _done, _enrol, _learners, _many_courses

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["visitor", "learner"])
def test_the_catalogue_keeps_its_budget(settings, django_assert_max_num_queries, who):
    settings.COURSES_PER_PAGE = 60
    courses = _many_courses()
    user = UserFactory() if who == "learner" else None
    if user is not None:
        for course in courses[::2]:
            _enrol(course, user)
    client = signed_in(settings, user)

    response = within_budget(
        client, reverse("courses:catalogue"), django_assert_max_num_queries
    )

    page = response.content.decode()
    assert page.count('class="ui-card ui-card-link course-card"') == MANY
    assert page.count("Вы учитесь") == (28 if user else 0)


@pytest.fixture
def long_course():
    """55 readings more, learners, co-authors, tags and grades."""
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
    course.coauthors.add(*UserFactory.create_batch(3))
    course.tags.add("дроби", "пятый класс")
    course.grades.add(*Grade.objects.all()[:5])
    return course


@pytest.mark.parametrize("who", ["visitor", "learner", "author"])
def test_a_course_s_page_keeps_its_budget(
    long_course, settings, django_assert_max_num_queries, who
):
    learners = _learners(long_course)
    _done(learners[0], *long_course.units.all()[:30])
    user = {"learner": learners[0].user, "author": long_course.author}.get(who)
    client = signed_in(settings, user)

    response = within_budget(
        client, long_course.get_absolute_url(), django_assert_max_num_queries
    )

    page = response.content.decode()
    assert page.count("course-unit-done") == (30 if who == "learner" else 0)


@pytest.mark.parametrize("shown", ["overview", "learning", "completed", "authored"])
def test_my_courses_keep_their_budget(settings, django_assert_max_num_queries, shown):
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
    client = signed_in(settings, member)
    params = {} if shown == "overview" else {"list": shown}

    within_budget(
        client, reverse("courses:mine"), django_assert_max_num_queries, **params
    )
