"""The author's pages: a new course, its description, its units, sending it
to the experts or publishing it, archiving.

Who may: a course one may not see is a 404, one seen but not one's own a
403; bad input comes back with its messages and the text kept (400), and so
does a service's refusal.
"""

import io
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.tests.factories import UserFactory
from community.models import Grade
from courses import services
from courses.forms_units import object_from_address
from courses.models import Course, ReviewRound, Unit
from courses.tests.authoring_helpers import (
    course_draft,
    course_published,
    course_ready,
    expert,
    reading,
    subject,
    trusted,
)
from masterclasses.tests.factories import MasterClassFactory
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db

SIGNED_IN_BUDGET = 13


def _login(client, user=None):
    user = user or UserFactory()
    client.force_login(user)
    return user


def _course_data(**changes) -> dict:
    data = {
        "title": "Дроби без страха",
        "annotation": "Как объяснять дроби в пятом классе.",
        "goals": "Научиться **объяснять** дроби.",
        "subject": subject().pk,
        "grades": [Grade.objects.order_by("position").first().pk],
        "kind": "seminar",
        "format": "self_paced",
        "tags": "дроби, пятый класс",
        "capacity": "",
    }
    data.update(changes)
    return data


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "orange").save(buffer, format="PNG")
    return buffer.getvalue()


# --- A new course -------------------------------------------------------------------


def test_create_needs_a_login(client):
    response = client.get(reverse("courses:create"))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_create_page_shows_the_form(client):
    _login(client)

    response = client.get(reverse("courses:create"))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="goals"' in page
    assert 'name="coauthor_names"' in page
    assert 'type="datetime-local"' in page


def test_create_saves_a_draft_and_goes_to_its_units(client):
    author = _login(client)

    response = client.post(reverse("courses:create"), _course_data())

    course = Course.objects.get(author=author)
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:units", args=[course.slug])
    assert course.status == Course.Status.DRAFT
    assert "<strong>объяснять</strong>" in course.goals_html
    assert sorted(tag.name for tag in course.tags.all()) == ["дроби", "пятый класс"]
    assert course.grades.count() == 1


def test_create_reads_a_cohort_dates_in_the_author_time_zone(client):
    author = _login(client)
    author.profile.time_zone = "Asia/Yekaterinburg"
    author.profile.save()

    client.post(
        reverse("courses:create"),
        _course_data(
            format="cohort",
            starts_at="2031-03-01T10:00",
            ends_at="2031-04-01T10:00",
            enrolment_opens_at="2031-02-01T09:00",
            enrolment_closes_at="2031-03-05T18:00",
        ),
    )

    course = Course.objects.get(author=author)
    zone = zoneinfo.ZoneInfo("Asia/Yekaterinburg")
    assert course.time_zone == "Asia/Yekaterinburg"
    assert course.starts_at.astimezone(zone).hour == 10
    assert course.starts_at.astimezone(zoneinfo.ZoneInfo("UTC")).hour == 5


def test_create_self_paced_keeps_no_dates(client):
    author = _login(client)

    client.post(
        reverse("courses:create"),
        _course_data(starts_at="2031-03-01T10:00", ends_at="2031-04-01T10:00"),
    )

    course = Course.objects.get(author=author)
    assert course.starts_at is None
    assert course.ends_at is None


def test_create_with_bad_input_keeps_the_text(client):
    author = _login(client)

    response = client.post(
        reverse("courses:create"),
        _course_data(
            title="",
            annotation="Моя аннотация",
            format="cohort",
            starts_at="2031-04-01T10:00",
            ends_at="2031-03-01T10:00",
        ),
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Моя аннотация" in page
    assert "Окончание должно быть позже начала" in page
    assert not Course.objects.filter(author=author).exists()


def test_create_past_a_new_member_hourly_limit_is_a_429(client, settings):
    settings.MODERATION_NEW_MEMBER_PER_HOUR = {
        **settings.MODERATION_NEW_MEMBER_PER_HOUR,
        "courses": 1,
    }
    author = _login(client)
    client.post(reverse("courses:create"), _course_data())

    response = client.post(
        reverse("courses:create"), _course_data(title="Второй курс за час")
    )

    assert response.status_code == 429
    assert "Второй курс за час" in response.content.decode()
    assert Course.objects.filter(author=author).count() == 1


def test_create_with_an_unknown_coauthor_is_refused_and_saves_nothing(client):
    author = _login(client)

    response = client.post(
        reverse("courses:create"), _course_data(coauthor_names="nikogo-takogo")
    )

    assert response.status_code == 400
    assert "nikogo-takogo" in response.content.decode()
    assert not Course.objects.filter(author=author).exists()


def test_create_with_coauthors(client):
    author = _login(client)
    colleague = UserFactory()

    client.post(
        reverse("courses:create"),
        _course_data(coauthor_names=f"@{colleague.username}"),
    )

    course = Course.objects.get(author=author)
    assert list(course.coauthors.all()) == [colleague]


def test_create_with_a_cover_stores_it_re_encoded(client):
    author = _login(client)

    client.post(
        reverse("courses:create"),
        {
            **_course_data(),
            "cover_upload": SimpleUploadedFile("cover.png", _png(), "image/png"),
        },
    )

    course = Course.objects.get(author=author)
    assert course.cover.name.endswith(".png")


def test_create_with_a_cover_that_is_no_picture_is_a_400(client):
    author = _login(client)

    response = client.post(
        reverse("courses:create"),
        {
            **_course_data(),
            "cover_upload": SimpleUploadedFile(
                "cover.png", b"%PDF-1.4 not a picture", "image/png"
            ),
        },
    )

    assert response.status_code == 400
    assert not Course.objects.filter(author=author).exists()


# --- Editing the description --------------------------------------------------------


def test_edit_is_the_authors(client):
    course = course_published()
    draft = course_draft()

    _login(client)
    stranger_published = client.get(reverse("courses:edit", args=[course.slug]))
    stranger_draft = client.get(reverse("courses:edit", args=[draft.slug]))
    _login(client, course.author)
    author = client.get(reverse("courses:edit", args=[course.slug]))

    assert stranger_published.status_code == 403
    assert stranger_draft.status_code == 404
    assert author.status_code == 200
    assert course.title in author.content.decode()


def test_edit_saves(client):
    course = course_draft()
    _login(client, course.author)

    response = client.post(
        reverse("courses:edit", args=[course.slug]),
        _course_data(title="Дроби с удовольствием", tags="дроби"),
    )

    assert response.status_code == 302
    course.refresh_from_db()
    assert course.title == "Дроби с удовольствием"
    assert [tag.name for tag in course.tags.all()] == ["дроби"]


def test_edit_refused_by_the_service_keeps_the_text(client):
    course = course_published(hours=(8, 8))
    _login(client, course.author)

    # More learners than the places asked for.
    Course.objects.filter(pk=course.pk).update(enrolled_count=5)
    response = client.post(
        reverse("courses:edit", args=[course.slug]),
        _course_data(capacity="2", annotation="Новая аннотация"),
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Новая аннотация" in page
    course.refresh_from_db()
    assert course.capacity is None


def test_coauthor_edits_but_does_not_set_coauthors(client):
    course = course_draft()
    coauthor = UserFactory()
    course.coauthors.add(coauthor)
    _login(client, coauthor)

    page = client.get(reverse("courses:edit", args=[course.slug])).content.decode()

    assert 'name="title"' in page
    assert 'name="coauthor_names"' not in page


# --- Units --------------------------------------------------------------------------


def test_units_page_lists_units_in_order(client):
    course = course_ready(hours=(4, 6))
    _login(client, course.author)

    response = client.get(reverse("courses:units", args=[course.slug]))

    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Часть 1") < page.index("Часть 2")
    assert reverse("courses:unit_add", args=[course.slug]) + "?kind=reading" in page


def test_units_page_is_not_for_a_learner(client):
    course = course_published()
    _login(client)

    assert client.get(reverse("courses:units", args=[course.slug])).status_code == 403


def test_unit_move_down_and_up(client):
    course = course_ready(hours=(4, 6, 2))
    first, second, third = course.units.order_by("position")
    _login(client, course.author)

    client.post(
        reverse("courses:unit_move", args=[course.slug, first.pk]),
        {"direction": "down"},
    )
    order = list(course.units.order_by("position").values_list("pk", flat=True))
    assert order == [second.pk, first.pk, third.pk]

    response = client.post(
        reverse("courses:unit_move", args=[course.slug, third.pk]),
        {"direction": "up"},
    )
    order = list(course.units.order_by("position").values_list("pk", flat=True))
    assert order == [second.pk, third.pk, first.pk]
    assert response["Location"].endswith(f"#unit-{third.pk}")


def test_unit_move_past_the_end_changes_nothing(client):
    course = course_ready(hours=(4, 6))
    first, second = course.units.order_by("position")
    _login(client, course.author)

    client.post(
        reverse("courses:unit_move", args=[course.slug, first.pk]),
        {"direction": "up"},
    )

    order = list(course.units.order_by("position").values_list("pk", flat=True))
    assert order == [first.pk, second.pk]


def test_unit_remove_from_a_draft(client):
    course = course_ready(hours=(4, 6))
    first = course.units.order_by("position").first()
    _login(client, course.author)

    response = client.post(reverse("courses:unit_remove", args=[course.slug, first.pk]))

    assert response.status_code == 302
    assert not Unit.objects.filter(pk=first.pk).exists()
    course.refresh_from_db()
    assert course.hours == 6


def test_unit_remove_from_a_published_course_is_refused_on_the_page(client):
    course = course_published(hours=(8, 8))
    unit = course.units.first()
    _login(client, course.author)

    response = client.post(reverse("courses:unit_remove", args=[course.slug, unit.pk]))

    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert Unit.objects.filter(pk=unit.pk).exists()


def test_unit_actions_need_a_post(client):
    course = course_ready()
    unit = course.units.first()
    _login(client, course.author)

    assert (
        client.get(reverse("courses:unit_remove", args=[course.slug, unit.pk]))
    ).status_code == 405
    assert (
        client.get(reverse("courses:unit_move", args=[course.slug, unit.pk]))
    ).status_code == 405


def test_unit_add_without_a_kind_offers_the_kinds(client):
    course = course_draft()
    _login(client, course.author)

    page = client.get(reverse("courses:unit_add", args=[course.slug])).content.decode()

    for kind in Unit.Kind.values:
        assert f"?kind={kind}" in page


def test_unit_add_shows_only_its_kind_fields(client):
    course = course_draft()
    _login(client, course.author)
    url = reverse("courses:unit_add", args=[course.slug])

    reading_page = client.get(url, {"kind": "reading"}).content.decode()
    material_page = client.get(url, {"kind": "material"}).content.decode()
    assignment_page = client.get(url, {"kind": "assignment"}).content.decode()

    assert 'name="address"' not in reading_page
    assert 'name="completion"' not in reading_page
    assert 'name="address"' in material_page
    assert 'value="answer"' in material_page
    assert 'name="reviews_needed"' in assignment_page
    assert 'name="opens_at"' not in assignment_page  # self-paced: no dates


def test_unit_add_reading(client):
    course = course_draft()
    _login(client, course.author)

    response = client.post(
        reverse("courses:unit_add", args=[course.slug]) + "?kind=reading",
        {"title": "Что такое дробь", "hours": "3", "required": "on", "body": "Текст"},
    )

    assert response.status_code == 302
    unit = course.units.get()
    assert unit.kind == Unit.Kind.READING
    assert unit.hours == 3
    course.refresh_from_db()
    assert course.hours == 3


@pytest.mark.parametrize(
    "address",
    [
        "{url}",
        "http://testserver{url}",
        "testserver{url}",
        "{pk}",
    ],
)
def test_unit_add_master_class_by_its_address(client, address):
    course = course_draft()
    masterclass = MasterClassFactory()
    _login(client, course.author)

    response = client.post(
        reverse("courses:unit_add", args=[course.slug]) + "?kind=masterclass",
        {
            "title": "Мастер-класс",
            "hours": "2",
            "required": "on",
            "address": address.format(
                url=masterclass.get_absolute_url(), pk=masterclass.pk
            ),
        },
    )

    assert response.status_code == 302
    assert course.units.get().masterclass == masterclass


def test_unit_add_material_with_a_question(client):
    course = course_draft()
    material = MaterialFactory()
    _login(client, course.author)

    response = client.post(
        reverse("courses:unit_add", args=[course.slug]) + "?kind=material",
        {
            "title": "Конспект",
            "hours": "1",
            "address": material.get_absolute_url(),
            "completion": "answer",
            "body": "Что вы возьмёте в свой урок?",
        },
    )

    assert response.status_code == 302
    unit = course.units.get()
    assert unit.material == material
    assert unit.completion == Unit.Completion.ANSWER
    assert unit.required is False


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("https://example.org/masterclasses/1/", "адрес другого сайта"),
        ("/materials/1/", "ничего не нашлось"),
        ("просто текст", "ничего не нашлось"),
    ],
)
def test_unit_add_with_a_bad_address_keeps_the_text(client, address, message):
    course = course_draft()
    _login(client, course.author)

    response = client.post(
        reverse("courses:unit_add", args=[course.slug]) + "?kind=masterclass",
        {"title": "Мой мастер-класс", "hours": "2", "address": address},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Мой мастер-класс" in page
    assert message in page.lower()
    assert not course.units.exists()


def test_unit_add_of_a_hidden_master_class_is_refused_by_the_service(client):
    course = course_draft()
    masterclass = MasterClassFactory(is_hidden=True)
    _login(client, course.author)

    response = client.post(
        reverse("courses:unit_add", args=[course.slug]) + "?kind=masterclass",
        {"title": "Скрытый", "hours": "2", "address": masterclass.get_absolute_url()},
    )

    assert response.status_code == 400
    # The service's message stands by the address the author pasted.
    assert response.context["form"].errors["address"]
    assert not course.units.exists()


def test_unit_add_on_a_published_course_is_optional_by_default(client):
    course = course_published()
    _login(client, course.author)

    page = client.get(
        reverse("courses:unit_add", args=[course.slug]), {"kind": "reading"}
    ).content.decode()

    assert 'name="required"' in page
    assert 'name="required" checked' not in page


def test_unit_edit_saves(client):
    course = course_ready(hours=(4,))
    unit = course.units.get()
    _login(client, course.author)
    url = reverse("courses:unit_edit", args=[course.slug, unit.pk])

    assert unit.title in client.get(url).content.decode()
    response = client.post(
        url, {"title": "Новое название", "hours": "5", "required": "on", "body": "Т"}
    )

    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.title == "Новое название"
    assert unit.hours == 5


def test_unit_edit_of_a_published_course_keeps_its_hours(client):
    course = course_published(hours=(8, 8))
    unit = course.units.order_by("position").first()
    _login(client, course.author)

    response = client.post(
        reverse("courses:unit_edit", args=[course.slug, unit.pk]),
        {"title": "Переименован", "hours": "1", "body": "Текст"},
    )

    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.title == "Переименован"
    assert unit.hours == 8
    assert unit.required is True


def test_unit_of_another_course_is_404(client):
    course = course_draft()
    other = course_ready()
    _login(client, course.author)

    response = client.get(
        reverse("courses:unit_edit", args=[course.slug, other.units.first().pk])
    )

    assert response.status_code == 404


def test_units_page_queries_are_bounded(client, django_assert_max_num_queries):
    course = course_draft()
    Unit.objects.bulk_create(
        Unit(
            course=course,
            kind=Unit.Kind.MASTERCLASS,
            title=f"Мастер-класс {number}",
            hours=1,
            position=number,
            masterclass=MasterClassFactory(),
        )
        for number in range(55)
    )
    _login(client, course.author)

    with django_assert_max_num_queries(SIGNED_IN_BUDGET):
        response = client.get(reverse("courses:units", args=[course.slug]))
    assert response.content.decode().count("course-unit-editable") == 55


def test_address_resolves_a_forum_topic():
    from forums.tests.factories import TopicFactory

    topic = TopicFactory()

    assert object_from_address(topic.get_absolute_url(), "discussion") == topic


# --- Submitting, publishing, archiving ----------------------------------------------


def test_submit_by_a_trusted_author_publishes(client):
    course = course_ready(author=trusted(UserFactory()))
    _login(client, course.author)

    page = client.get(course.get_absolute_url()).content.decode()
    assert "Опубликовать" in page
    response = client.post(reverse("courses:submit", args=[course.slug]))

    assert response.status_code == 302
    course.refresh_from_db()
    assert course.status == Course.Status.PUBLISHED


def test_submit_sends_the_course_to_the_experts(client):
    expert()
    course = course_ready()
    _login(client, course.author)

    response = client.post(reverse("courses:submit", args=[course.slug]))

    assert response.status_code == 302
    course.refresh_from_db()
    assert course.status == Course.Status.REVIEW
    assert ReviewRound.objects.filter(course=course).exists()
    page = client.get(course.get_absolute_url()).content.decode()
    assert "Отправлен экспертам" in page
    # While the experts review it, the authors do not edit it.
    assert reverse("courses:edit", args=[course.slug]) not in page


def test_submit_of_a_short_qualification_course_names_16_hours(client):
    course = course_ready(hours=(4, 4), kind=Course.Kind.QUALIFICATION)
    _login(client, course.author)

    response = client.post(reverse("courses:submit", args=[course.slug]))

    assert response.status_code == 400
    assert "16" in response.content.decode()
    course.refresh_from_db()
    assert course.status == Course.Status.DRAFT


def test_submit_is_the_authors(client):
    course = course_ready()
    _login(client)

    assert client.post(reverse("courses:submit", args=[course.slug])).status_code == 404


def test_archive_by_the_author(client):
    course = course_published()
    _login(client, course.author)

    response = client.post(reverse("courses:archive", args=[course.slug]))

    assert response.status_code == 302
    course.refresh_from_db()
    assert course.status == Course.Status.ARCHIVED


def test_archive_is_not_for_a_coauthor(client):
    course = course_published()
    coauthor = UserFactory()
    course.coauthors.add(coauthor)
    _login(client, coauthor)

    response = client.post(reverse("courses:archive", args=[course.slug]))

    assert response.status_code == 403
    course.refresh_from_db()
    assert course.status == Course.Status.PUBLISHED


def test_author_pages_write_nothing_on_get(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    course = course_ready()
    unit = course.units.first()
    _login(client, course.author)
    urls = [
        reverse("courses:create"),
        reverse("courses:edit", args=[course.slug]),
        reverse("courses:units", args=[course.slug]),
        reverse("courses:unit_add", args=[course.slug]),
        reverse("courses:unit_add", args=[course.slug]) + "?kind=material",
        reverse("courses:unit_edit", args=[course.slug, unit.pk]),
    ]

    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        writes = [
            query["sql"]
            for query in queries.captured_queries
            if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        ]
        assert writes == [], url


def test_a_course_page_for_its_author_shows_the_reading_kind(client):
    course = course_draft()
    reading(course, 2, title="Чтение первое")
    _login(client, course.author)

    page = client.get(course.get_absolute_url()).content.decode()

    assert "Чтение первое" in page
    assert reverse("courses:units", args=[course.slug]) in page


@pytest.mark.htmlcheck
def test_catalogue_and_author_pages_are_valid_html(client, tmp_path):
    from pathlib import Path

    from community.tests.test_html_valid import java_or_skip, nu_errors
    from courses.models import Enrolment
    from courses.tests.authoring_helpers import cohort_dates

    java = java_or_skip()
    course = course_published(hours=(8, 8), capacity=5, **cohort_dates())
    course.tags.add("дроби")
    draft = course_ready(author=course.author, title="Черновик")
    learner = UserFactory()
    Enrolment.objects.create(
        course=course,
        user=learner,
        status=Enrolment.Status.ENROLLED,
        queued_at=course.published_at,
        enrolled_at=course.published_at,
    )
    unit = draft.units.first()
    pages = [
        (None, reverse("courses:catalogue")),
        (None, reverse("courses:catalogue") + "?kind=seminar&hours_max=20"),
        (None, course.get_absolute_url()),
        (learner, course.get_absolute_url()),
        (learner, reverse("courses:mine")),
        (learner, reverse("courses:mine") + "?list=learning"),
        (course.author, course.get_absolute_url()),
        (course.author, draft.get_absolute_url()),
        (course.author, reverse("courses:mine")),
        (course.author, reverse("courses:create")),
        (course.author, reverse("courses:edit", args=[draft.slug])),
        (course.author, reverse("courses:units", args=[draft.slug])),
        (course.author, reverse("courses:unit_add", args=[draft.slug])),
        (
            course.author,
            reverse("courses:unit_add", args=[course.slug]) + "?kind=material",
        ),
        (course.author, reverse("courses:unit_edit", args=[draft.slug, unit.pk])),
    ]
    files = {}
    for number, (user, address) in enumerate(pages):
        client.logout()
        if user is not None:
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


def test_unit_edit_below_16_hours_of_a_qualification_course_in_review_is_a_400(
    client, moderator
):
    course = course_ready(hours=(8, 8), kind=Course.Kind.QUALIFICATION)
    services.course_submit(course=course, author=course.author)
    unit = course.units.order_by("position").first()
    _login(client, moderator)

    response = client.post(
        reverse("courses:unit_edit", args=[course.slug, unit.pk]),
        {"title": "Сокращённый блок", "hours": "2", "required": "on", "body": "Т"},
    )

    assert response.status_code == 400
    (message,) = response.context["form"].non_field_errors()
    assert "16" in message
    assert message in response.content.decode()
    assert 'value="Сокращённый блок"' in response.content.decode()
    unit.refresh_from_db()
    assert (unit.title, unit.hours) == ("Часть 1", 8)
    course.refresh_from_db()
    assert (course.status, course.hours) == (Course.Status.REVIEW, 16)
