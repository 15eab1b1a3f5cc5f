"""The catalogue's filters, count and cards and what a course's page shows
every reader are kept rendered (``courses.list_fragments``), and every write
that changes what they show renews them: a course's own fields, the member's
place and progress are in a kept part's key; its co-authors, grades and tags
and its authors' names in the versions it is kept with
(``changes.course_kept_under``, ``community.cards``). Each test first has
the page kept, then writes through a service, then reads the page again: it
would show the old state had the write not given it another key or moved a
version on. Nothing kept holds a form or a token.
"""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import profile_update
from accounts.tests.factories import UserFactory
from community.models import Grade
from community.tags import tag_rename
from courses import list_fragments, services
from courses.models import Course, Unit
from courses.tests.authoring_helpers import course_moderator, course_published

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("courses:catalogue")


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _main(response) -> str:
    assert response.status_code == 200
    content = response.content.decode()
    return content[content.index('<main id="main"') : content.index("</main>")]


def _catalogue(client: Client, **query) -> str:
    return _main(client.get(CATALOGUE, query))


def _card(page: str, title: str) -> str:
    start = page.rindex("<li class=", 0, page.index(title))
    return page[start : page.index("</li>", page.index(title))]


def _page(client: Client, course: Course) -> str:
    return _main(client.get(course.get_absolute_url()))


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


# --- Kept, and the same as rendered afresh ------------------------------------


def test_kept_pages_are_what_a_fresh_rendering_shows():
    course = course_published(title="Дроби без страха", capacity=10)
    member = UserFactory()
    services.enrol(course=course, user=member)
    client = _client(member)
    fresh_catalogue = _catalogue(client, q="Дроби")
    fresh_page = _page(client, course)

    kept_catalogue = _catalogue(client, q="Дроби")
    kept_page = _page(client, course)

    assert "Дроби без страха" in kept_catalogue
    assert _without_tokens(kept_catalogue) == _without_tokens(fresh_catalogue)
    assert _without_tokens(kept_page) == _without_tokens(fresh_page)


def test_another_member_gets_the_kept_cards_with_their_coauthors():
    course = course_published(title="Дроби без страха")
    coauthor = UserFactory(profile__display_name="Вера Соколова")
    services.coauthors_set(
        course=course, editor=course.author, usernames=[coauthor.username]
    )
    assert "Вера Соколова" in _catalogue(_client(UserFactory()))
    other = _client(UserFactory())
    other.get(reverse("home"))  # her session and unread counts, not the cards

    with CaptureQueriesContext(connection) as queries:
        page = _catalogue(other)

    assert "Вера Соколова" in _card(page, "Дроби без страха")
    # No card rendered: its courses' co-authors are read only then.
    assert not [q for q in queries if "_prefetch_related_val" in q["sql"]]


def test_nothing_kept_holds_a_form_or_a_token(monkeypatch):
    course = course_published(title="Без форм", capacity=5)
    member = UserFactory()
    services.enrol(course=course, user=member)
    kept = []

    class Recording:
        def __getattr__(self, name):
            return getattr(cache, name)

        def set(self, key, value, *args, **kwargs):
            kept.append(value)
            return cache.set(key, value, *args, **kwargs)

        def set_many(self, values, *args, **kwargs):
            kept.extend(values.values())
            return cache.set_many(values, *args, **kwargs)

    monkeypatch.setattr(list_fragments, "cache", Recording())
    page = _page(_client(member), course)
    _catalogue(_client(member))

    assert 'action="/courses/' in page  # the page's own forms: leaving the course
    # The page's parts and rows; the filters, the count and a card.
    assert len(kept) == 5
    assert not any("csrfmiddlewaretoken" in str(value) for value in kept)
    assert not any('method="post"' in str(value) for value in kept)


# --- The catalogue's cards ----------------------------------------------------


def test_a_coauthor_added_shows_on_the_card_and_the_page():
    course = course_published(title="Дроби без страха")
    coauthor = UserFactory(profile__display_name="Вера Соколова")
    member = _client(UserFactory())
    assert "Вера Соколова" not in _card(_catalogue(member), "Дроби без страха")
    assert "Вера Соколова" not in _page(member, course)

    services.coauthors_set(
        course=course, editor=course.author, usernames=[coauthor.username]
    )

    assert "Вера Соколова" in _card(_catalogue(member), "Дроби без страха")
    assert "Вера Соколова" in _page(member, course)


def test_the_authors_new_name_renews_the_card_and_the_page():
    course = course_published(title="Дроби без страха")
    profile_update(profile=course.author.profile, display_name="Анна Петрова")
    member = _client(UserFactory())
    assert "Анна Петрова" in _card(_catalogue(member), "Дроби без страха")
    assert "Анна Петрова" in _page(member, course)

    profile_update(profile=course.author.profile, display_name="Анна Смирнова")

    assert "Анна Смирнова" in _card(_catalogue(member), "Дроби без страха")
    assert "Анна Смирнова" in _page(member, course)


def test_a_coauthors_new_name_renews_the_card_and_the_page():
    course = course_published(title="Дроби без страха")
    coauthor = UserFactory(profile__display_name="Олег Белов")
    services.coauthors_set(
        course=course, editor=course.author, usernames=[coauthor.username]
    )
    member = _client(UserFactory())
    assert "Олег Белов" in _card(_catalogue(member), "Дроби без страха")
    assert "Олег Белов" in _page(member, course)

    profile_update(profile=coauthor.profile, display_name="Олег Орлов")

    assert "Олег Орлов" in _card(_catalogue(member), "Дроби без страха")
    assert "Олег Орлов" in _page(member, course)


def test_enrolling_renews_the_places_and_the_learners_own_card():
    course = course_published(title="Дроби без страха", capacity=5)
    learner, onlooker = UserFactory(), UserFactory()
    assert "5 мест" in _card(_catalogue(_client(onlooker)), "Дроби без страха")
    assert "Вы учитесь" not in _catalogue(_client(learner))

    services.enrol(course=course, user=learner)

    assert "Вы учитесь" in _card(_catalogue(_client(learner)), "Дроби без страха")
    onlookers = _card(_catalogue(_client(onlooker)), "Дроби без страха")
    assert "4 места" in onlookers
    assert "Вы учитесь" not in onlookers


def test_an_edit_renews_the_card_and_the_count():
    course = course_published(title="Дроби без страха")
    member = _client(UserFactory())
    assert "Дроби без страха" in _catalogue(member, q="страха")

    services.course_update(course=course, editor=course.author, title="Дроби с улыбкой")

    assert "Дроби с улыбкой" in _catalogue(member)
    assert "Ничего не найдено" in _catalogue(member, q="страха")


def test_hiding_takes_the_course_off_the_catalogue():
    course_published(title="Другой курс")
    course = course_published(title="Дроби без страха")
    member = _client(UserFactory())
    assert "Дроби без страха" in _catalogue(member)
    assert "2 курса" in _catalogue(member)

    services.course_hide(
        course=course, moderator=course_moderator(UserFactory(is_staff=True)), reason=""
    )

    page = _catalogue(member)
    assert "Дроби без страха" not in page
    assert "1 курс" in page


# --- A course's page ----------------------------------------------------------


def test_new_grades_and_tags_renew_the_page():
    course = course_published(title="Дроби без страха")
    member = _client(UserFactory())
    grade = Grade.objects.order_by("position").last()
    page = _page(member, course)
    assert grade.name not in page
    assert "#десятичные" not in page

    services.course_update(
        course=course, editor=course.author, grades=[grade], tags=["десятичные"]
    )

    page = _page(member, course)
    assert grade.name in page
    assert "#десятичные" in page


def test_new_goals_renew_the_page():
    course = course_published(title="Дроби без страха")
    member = _client(UserFactory())
    assert "<strong>объяснять</strong>" in _page(member, course)

    services.course_update(
        course=course, editor=course.author, goals="Научиться **сравнивать** дроби."
    )

    page = _page(member, course)
    assert "<strong>сравнивать</strong>" in page
    assert "<strong>объяснять</strong>" not in page


def test_a_renamed_tag_renews_the_page():
    course = course_published(title="Дроби без страха")
    services.course_update(course=course, editor=course.author, tags=["дробь"])
    member = _client(UserFactory())
    assert "#дробь" in _page(member, course)
    moderator = UserFactory(is_staff=True)
    moderator.user_permissions.add(
        Permission.objects.get(content_type__app_label="taggit", codename="change_tag")
    )
    tag = course.tags.get()

    tag.name = "дроби"
    tag_rename(tag=tag, moderator=moderator)

    page = _page(member, course)
    assert "#дроби<" in page
    assert "#дробь" not in page


def test_a_unit_added_renews_the_programme():
    course = course_published(title="Дроби без страха")
    member = _client(UserFactory())
    assert "Дополнительное чтение" not in _page(member, course)

    services.unit_add(
        course=course,
        editor=course.author,
        kind=Unit.Kind.READING,
        title="Дополнительное чтение",
        body="Текст",
        hours=1,
        required=False,
    )

    assert "Дополнительное чтение" in _page(member, course)


def test_a_unit_done_shows_to_its_learner_alone():
    course = course_published(title="Дроби без страха")
    learner, other = UserFactory(), UserFactory()
    services.enrol(course=course, user=learner)
    services.enrol(course=course, user=other)
    reading = course.units.filter(kind=Unit.Kind.READING).order_by("position")[0]
    assert "course-unit-done" not in _page(_client(learner), course)

    services.reading_done(unit=reading, user=learner)

    done = f'course-unit course-unit-done" id="unit-{reading.pk}"'
    assert done in _page(_client(learner), course)
    assert "course-unit-done" not in _page(_client(other), course)
