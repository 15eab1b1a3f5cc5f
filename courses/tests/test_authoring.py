"""Authoring a course, branch by branch: the course, co-authors, units and
their hours, submission (to experts or straight out), archive, hiding, trust."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Follow
from accounts.tests.factories import UserFactory
from circles.tests.factories import restricted
from community.audience import Audience
from community.models import ActivityEvent, AuditEntry, Grade, Notification
from community.sanctions import ParticipationRestricted
from courses import kinds, permissions, services
from courses.models import (
    Course,
    Enrolment,
    ReviewRound,
    TrustedAuthor,
    Unit,
)
from courses.tests.authoring_helpers import (
    cohort_dates,
    course_draft,
    course_moderator,
    course_published,
    course_ready,
    expert,
    reading,
    subject,
    trusted,
)
from forums.tests.factories import SectionFactory, TopicFactory
from masterclasses.models import MasterClass
from masterclasses.tests.factories import MasterClassFactory
from materials.models import Material
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(moderator):
    return course_moderator(moderator)


def _codes(error: ValidationError) -> set:
    if hasattr(error, "error_dict"):
        return set(error.error_dict)
    return {item.code for item in error.error_list}


# --- The course -----------------------------------------------------------------------


def test_course_create_makes_a_draft_with_a_readable_address_and_rendered_goals():
    grade = Grade.objects.first()

    course = course_draft(grades=[grade], tags=["дроби", " ", "5 класс"])

    assert course.status == Course.Status.DRAFT
    assert course.slug == "drobi-bez-strakha"
    assert "<strong>объяснять</strong>" in course.goals_html
    assert list(course.grades.all()) == [grade]
    assert sorted(tag.name for tag in course.tags.all()) == ["5 класс", "дроби"]
    assert course.hours == 0


def test_course_create_takes_the_next_free_address_for_the_same_title():
    first = course_draft()
    second = course_draft()

    assert (first.slug, second.slug) == ("drobi-bez-strakha", "drobi-bez-strakha-2")


@pytest.mark.parametrize("title", ["mine", "New", "reviews", "Feed", "certificates"])
def test_course_create_never_takes_an_address_of_the_apps_own_pages(title):
    course = course_draft(title=title)

    assert course.slug == f"{title.lower()}-2"


def test_course_create_clears_the_dates_of_a_self_paced_course():
    dates = cohort_dates()
    dates["format"] = Course.Format.SELF_PACED

    course = course_draft(**dates)

    assert course.starts_at is None
    assert course.enrolment_closes_at is None


def test_course_create_refuses_a_restricted_member():
    with pytest.raises(ParticipationRestricted):
        course_draft(author=restricted(UserFactory()))


def test_course_create_refuses_a_visitor():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        course_draft(author=AnonymousUser())


def test_course_create_refuses_a_new_member_past_the_hourly_limit(settings):
    settings.MODERATION_NEW_MEMBER_PER_HOUR = {
        **settings.MODERATION_NEW_MEMBER_PER_HOUR,
        "courses": 1,
    }
    author = UserFactory()
    course_draft(author=author)

    with pytest.raises(ValidationError) as error:
        course_draft(author=author, title="Ещё один")

    assert _codes(error.value) == {"rate"}
    assert "1 курса в час" in error.value.messages[0]
    assert Course.objects.filter(author=author).count() == 1


def test_a_member_of_long_standing_has_no_hourly_limit(settings):
    settings.MODERATION_NEW_MEMBER_PER_HOUR = {
        **settings.MODERATION_NEW_MEMBER_PER_HOUR,
        "courses": 1,
    }
    author = UserFactory(date_joined=timezone.now() - datetime.timedelta(days=400))

    course_draft(author=author)
    course_draft(author=author)

    assert Course.objects.filter(author=author).count() == 2


def test_a_cohort_needs_its_dates():
    with pytest.raises(ValidationError) as error:
        course_draft(format=Course.Format.COHORT)

    assert _codes(error.value) == {"starts_at"}


def test_a_cohort_ends_after_it_starts():
    dates = cohort_dates()
    dates["ends_at"] = dates["starts_at"] - datetime.timedelta(hours=1)

    with pytest.raises(ValidationError) as error:
        course_draft(**dates)

    assert "ends_at" in _codes(error.value)


def test_a_cohorts_enrolment_closes_no_later_than_it_ends():
    dates = cohort_dates()
    dates["enrolment_closes_at"] = dates["ends_at"] + datetime.timedelta(minutes=1)

    with pytest.raises(ValidationError) as error:
        course_draft(**dates)

    assert _codes(error.value) == {"enrolment_closes_at"}


def test_a_cohorts_enrolment_closes_after_it_opens():
    dates = cohort_dates()
    dates["enrolment_closes_at"] = dates["enrolment_opens_at"]

    with pytest.raises(ValidationError) as error:
        course_draft(**dates)

    assert _codes(error.value) == {"enrolment_closes_at"}


def test_a_cohorts_enrolment_may_close_when_it_ends():
    dates = cohort_dates()
    dates["enrolment_closes_at"] = dates["ends_at"]

    course = course_draft(**dates)

    assert course.enrolment_closes_at == course.ends_at


def test_the_database_refuses_an_open_qualification_course_below_16_hours():
    course = course_ready(hours=(8,), kind=Course.Kind.QUALIFICATION)

    with pytest.raises(IntegrityError), transaction.atomic():
        Course.objects.filter(pk=course.pk).update(status=Course.Status.PUBLISHED)


# --- Changing it ----------------------------------------------------------------------


def test_course_update_changes_the_fields_and_renders_the_goals_again():
    course = course_draft()

    services.course_update(
        course=course, editor=course.author, title="  Дроби с улыбкой ", goals="*да*"
    )

    course.refresh_from_db()
    assert course.title == "Дроби с улыбкой"
    assert course.goals_html == "<p><em>да</em></p>"
    # The address stays: links to the course keep working.
    assert course.slug == "drobi-bez-strakha"


def test_course_update_by_a_co_author_and_a_moderator(moderator):
    course = course_draft()
    coauthor = UserFactory()
    services.coauthors_set(
        course=course, editor=course.author, usernames=[coauthor.username]
    )

    services.course_update(course=course, editor=coauthor, annotation="Соавтор")
    services.course_update(course=course, editor=moderator, time_zone="Asia/Omsk")

    course.refresh_from_db()
    assert (course.annotation, course.time_zone) == ("Соавтор", "Asia/Omsk")


def test_course_update_refuses_anyone_else():
    course = course_draft()

    with pytest.raises(PermissionDenied):
        services.course_update(course=course, editor=UserFactory(), title="Чужое")


def test_course_update_refuses_an_unknown_field():
    course = course_draft()

    with pytest.raises(TypeError):
        services.course_update(course=course, editor=course.author, status="published")


def test_course_update_sets_grades_and_tags():
    course = course_draft(tags=["дроби"])
    grades = list(Grade.objects.all()[:2])

    services.course_update(
        course=course, editor=course.author, grades=grades, tags=["геометрия"]
    )

    assert set(course.grades.all()) == set(grades)
    assert [tag.name for tag in course.tags.all()] == ["геометрия"]


def test_a_course_in_review_is_changed_by_moderators_only(moderator):
    course = course_ready()
    services.course_submit(course=course, author=course.author)

    with pytest.raises(ValidationError) as error:
        services.course_update(course=course, editor=course.author, title="Другое")
    assert _codes(error.value) == {"review"}
    with pytest.raises(ValidationError) as error:
        reading(course, 2)
    assert _codes(error.value) == {"review"}
    services.course_update(course=course, editor=moderator, title="Поправлено")

    assert Course.objects.get(pk=course.pk).title == "Поправлено"


def test_a_published_seminar_cannot_become_a_qualification_course_below_16_hours():
    course = course_published(hours=(6, 4))

    with pytest.raises(ValidationError) as error:
        services.course_update(
            course=course, editor=course.author, kind=Course.Kind.QUALIFICATION
        )

    assert _codes(error.value) == {"kind"}
    assert "16" in error.value.message_dict["kind"][0]
    assert Course.objects.get(pk=course.pk).kind == Course.Kind.SEMINAR


def test_a_published_seminar_of_16_hours_may_become_a_qualification_course():
    course = course_published(hours=(10, 6))

    services.course_update(
        course=course, editor=course.author, kind=Course.Kind.QUALIFICATION
    )

    assert Course.objects.get(pk=course.pk).kind == Course.Kind.QUALIFICATION


def test_a_draft_may_be_a_qualification_course_of_any_hours_until_submitted():
    course = course_ready(hours=(2,))

    services.course_update(
        course=course, editor=course.author, kind=Course.Kind.QUALIFICATION
    )

    assert Course.objects.get(pk=course.pk).kind == Course.Kind.QUALIFICATION


def test_a_cohort_made_self_paced_loses_its_dates_and_its_units_dates():
    dates = cohort_dates()
    course = course_draft(**dates)
    unit = reading(
        course,
        opens_at=dates["starts_at"],
        due_at=dates["starts_at"] + datetime.timedelta(days=7),
    )
    assert unit.opens_at is not None

    services.course_update(
        course=course, editor=course.author, format=Course.Format.SELF_PACED
    )

    course.refresh_from_db()
    unit.refresh_from_db()
    assert (course.starts_at, course.ends_at) == (None, None)
    assert (unit.opens_at, unit.due_at) == (None, None)


def test_new_cohort_dates_must_keep_its_units_inside():
    dates = cohort_dates()
    course = course_draft(**dates)
    reading(course, due_at=dates["ends_at"])

    with pytest.raises(ValidationError) as error:
        services.course_update(
            course=course,
            editor=course.author,
            ends_at=dates["ends_at"] - datetime.timedelta(days=1),
            enrolment_closes_at=dates["starts_at"],
        )

    assert _codes(error.value) == {"unit_dates"}


def _enrol_directly(course, status=Enrolment.Status.ENROLLED, **fields):
    # The learners' service is another module's; these tests need rows only.
    now = timezone.now()
    enrolment = Enrolment.objects.create(
        course=course,
        user=UserFactory(),
        status=status,
        queued_at=fields.pop("queued_at", now),
        enrolled_at=now if status == Enrolment.Status.ENROLLED else None,
    )
    field = (
        "enrolled_count" if status == Enrolment.Status.ENROLLED else "waitlist_count"
    )
    Course.objects.filter(pk=course.pk).update(
        **{field: getattr(Course.objects.get(pk=course.pk), field) + 1}
    )
    return enrolment


def test_more_places_move_the_first_waiting_learners_in():
    course = course_published(capacity=1)
    _enrol_directly(course)
    now = timezone.now()
    second = _enrol_directly(
        course,
        Enrolment.Status.WAITLISTED,
        queued_at=now - datetime.timedelta(hours=1),
    )
    third = _enrol_directly(course, Enrolment.Status.WAITLISTED, queued_at=now)

    services.course_update(course=course, editor=course.author, capacity=2)

    second.refresh_from_db()
    third.refresh_from_db()
    course.refresh_from_db()
    assert second.status == Enrolment.Status.ENROLLED
    assert second.enrolled_at is not None
    assert third.status == Enrolment.Status.WAITLISTED
    assert (course.enrolled_count, course.waitlist_count) == (2, 1)
    assert Notification.objects.filter(
        recipient=second.user, kind=kinds.PROMOTED
    ).exists()


def test_places_cannot_be_fewer_than_the_learners_enrolled():
    course = course_published(capacity=3)
    _enrol_directly(course)
    _enrol_directly(course)

    with pytest.raises(ValidationError) as error:
        services.course_update(course=course, editor=course.author, capacity=1)

    assert _codes(error.value) == {"capacity"}


def test_a_cover_is_checked_and_stored(tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, format="PNG")
    course = course_draft(
        cover=SimpleUploadedFile("обложка.png", buffer.getvalue(), "image/png")
    )

    assert course.cover.name.startswith(f"courses/cover-{course.pk}")

    with pytest.raises(ValidationError):
        services.course_update(
            course=course,
            editor=course.author,
            cover=SimpleUploadedFile("x.png", b"not an image", "image/png"),
        )


# --- Co-authors -----------------------------------------------------------------------


def test_coauthors_set_by_the_author_leaves_the_author_out():
    course = course_draft()
    one, two = UserFactory(), UserFactory()

    users = services.coauthors_set(
        course=course,
        editor=course.author,
        usernames=[one.username, f"@{two.username}", course.author.username, ""],
    )

    assert {user.pk for user in users} == {one.pk, two.pk}
    assert set(course.coauthors.all()) == {one, two}
    assert AuditEntry.objects.filter(action="course_coauthors").exists()

    services.coauthors_set(course=course, editor=course.author, usernames=[])

    assert not course.coauthors.exists()


def test_coauthors_set_names_the_unknown_usernames():
    course = course_draft()
    inactive = UserFactory(is_active=False)

    with pytest.raises(ValidationError) as error:
        services.coauthors_set(
            course=course,
            editor=course.author,
            usernames=["nobody-here", inactive.username],
        )

    assert _codes(error.value) == {"unknown"}
    assert "nobody-here" in error.value.messages[0]


def test_coauthors_set_has_a_ceiling():
    course = course_draft()
    many = [UserFactory().username for _n in range(services.MAX_COAUTHORS + 1)]

    with pytest.raises(ValidationError) as error:
        services.coauthors_set(course=course, editor=course.author, usernames=many)

    assert _codes(error.value) == {"too_many"}


def test_a_co_author_does_not_change_the_co_authors():
    course = course_draft()
    coauthor = UserFactory()
    services.coauthors_set(
        course=course, editor=course.author, usernames=[coauthor.username]
    )

    with pytest.raises(PermissionDenied):
        services.coauthors_set(course=course, editor=coauthor, usernames=[])


# --- Units ----------------------------------------------------------------------------


def test_units_are_added_in_order_and_the_course_keeps_their_hours():
    course = course_draft()

    first = reading(course, 4)
    second = reading(course, 3, required=False, title="Дополнительно")

    course.refresh_from_db()
    assert (first.position, second.position) == (1, 2)
    assert (course.hours, course.required_units) == (7, 1)
    assert "<strong>часть</strong>" in first.body_html


def test_a_master_class_unit_stands_on_a_public_master_class():
    course = course_draft()
    finished = MasterClassFactory(status=MasterClass.Status.FINISHED)

    unit = services.unit_add(
        course=course,
        editor=course.author,
        kind=Unit.Kind.MASTERCLASS,
        title="Мастер-класс",
        hours=2,
        masterclass=finished,
        material=MaterialFactory(),
    )

    assert unit.masterclass == finished
    # Only the kind's own object is kept.
    assert unit.material is None
    assert unit.completion == Unit.Completion.AUTO


@pytest.mark.parametrize(
    "fields",
    [
        {"status": MasterClass.Status.DRAFT},
        {"status": MasterClass.Status.PROPOSED},
        {"status": MasterClass.Status.CANCELLED},
        {"is_hidden": True},
        {"audience": Audience.MEMBERS},
    ],
)
def test_a_master_class_unit_refuses_one_not_open_to_everyone(fields):
    course = course_draft()

    with pytest.raises(ValidationError) as error:
        services.unit_add(
            course=course,
            editor=course.author,
            kind=Unit.Kind.MASTERCLASS,
            title="Мастер-класс",
            hours=2,
            masterclass=MasterClassFactory(**fields),
        )

    assert _codes(error.value) == {"masterclass"}


def test_a_unit_needs_its_object():
    course = course_draft()

    with pytest.raises(ValidationError) as error:
        services.unit_add(
            course=course,
            editor=course.author,
            kind=Unit.Kind.DISCUSSION,
            title="Обсуждение",
            hours=1,
        )

    assert _codes(error.value) == {"topic"}


@pytest.mark.parametrize(
    "fields", [{"status": Material.Status.DRAFT}, {"is_hidden": True}]
)
def test_a_material_unit_refuses_an_unpublished_or_hidden_material(fields):
    course = course_draft()

    with pytest.raises(ValidationError) as error:
        services.unit_add(
            course=course,
            editor=course.author,
            kind=Unit.Kind.MATERIAL,
            title="Материал",
            hours=1,
            material=MaterialFactory(**fields),
        )

    assert _codes(error.value) == {"material"}


def test_a_material_unit_is_done_when_opened_unless_it_asks_a_question():
    course = course_draft()

    opened = services.unit_add(
        course=course,
        editor=course.author,
        kind=Unit.Kind.MATERIAL,
        title="Материал",
        hours=1,
        material=MaterialFactory(),
    )
    answered = services.unit_add(
        course=course,
        editor=course.author,
        kind=Unit.Kind.MATERIAL,
        title="Материал с вопросом",
        hours=1,
        material=MaterialFactory(),
        completion=Unit.Completion.ANSWER,
        body="Что вы возьмёте на урок?",
    )

    assert opened.completion == Unit.Completion.OPENED
    assert answered.completion == Unit.Completion.ANSWER


def test_a_material_unit_with_an_answer_needs_its_question():
    course = course_draft()

    with pytest.raises(ValidationError) as error:
        services.unit_add(
            course=course,
            editor=course.author,
            kind=Unit.Kind.MATERIAL,
            title="Материал",
            hours=1,
            material=MaterialFactory(),
            completion=Unit.Completion.ANSWER,
        )

    assert _codes(error.value) == {"body"}


@pytest.mark.parametrize(
    ("kind", "completion"),
    [
        (Unit.Kind.READING, Unit.Completion.PEERS),
        (Unit.Kind.ASSIGNMENT, Unit.Completion.OPENED),
        (Unit.Kind.MATERIAL, Unit.Completion.AUTHOR),
        (Unit.Kind.READING, "whenever"),
    ],
)
def test_a_unit_is_done_only_in_a_way_its_kind_allows(kind, completion):
    course = course_draft()

    with pytest.raises(ValidationError) as error:
        services.unit_add(
            course=course,
            editor=course.author,
            kind=kind,
            title="Часть",
            hours=1,
            body="Текст",
            material=MaterialFactory(),
            completion=completion,
        )

    assert "completion" in _codes(error.value)


def test_an_assignment_is_accepted_by_peers_unless_the_author_accepts_it():
    course = course_draft()

    peers = services.unit_add(
        course=course,
        editor=course.author,
        kind=Unit.Kind.ASSIGNMENT,
        title="Задание",
        hours=2,
        body="Составьте план урока.",
        reviews_needed=3,
    )
    author = services.unit_add(
        course=course,
        editor=course.author,
        kind=Unit.Kind.ASSIGNMENT,
        title="Задание автору",
        hours=2,
        body="Пришлите конспект.",
        completion=Unit.Completion.AUTHOR,
    )

    assert (peers.completion, peers.reviews_needed) == (Unit.Completion.PEERS, 3)
    assert author.completion == Unit.Completion.AUTHOR


@pytest.mark.parametrize("kind", [Unit.Kind.READING, Unit.Kind.ASSIGNMENT])
def test_a_reading_and_an_assignment_need_their_text(kind):
    course = course_draft()

    with pytest.raises(ValidationError) as error:
        services.unit_add(
            course=course, editor=course.author, kind=kind, title="Часть", hours=1
        )

    assert _codes(error.value) == {"body"}


@pytest.mark.parametrize(("hours", "reviews"), [(0, 2), (201, 2), (2, 0), (2, 6)])
def test_a_units_hours_and_reviews_needed_stay_in_their_range(hours, reviews):
    course = course_draft()

    with pytest.raises(ValidationError):
        services.unit_add(
            course=course,
            editor=course.author,
            kind=Unit.Kind.ASSIGNMENT,
            title="Задание",
            hours=hours,
            body="Задача",
            reviews_needed=reviews,
        )

    assert not Unit.objects.filter(course=course).exists()


def test_a_discussion_unit_stands_on_a_topic_everyone_reads():
    course = course_draft()
    topic = TopicFactory()

    unit = services.unit_add(
        course=course,
        editor=course.author,
        kind=Unit.Kind.DISCUSSION,
        title="Обсудим",
        hours=1,
        topic=topic,
    )

    assert unit.topic == topic


@pytest.mark.parametrize(
    "topic_fields",
    [
        {"is_hidden": True},
        {"is_pending": True},
        {"section__audience": Audience.MEMBERS},
    ],
)
def test_a_discussion_unit_refuses_a_topic_not_everyone_reads(topic_fields):
    course = course_draft()

    with pytest.raises(ValidationError) as error:
        services.unit_add(
            course=course,
            editor=course.author,
            kind=Unit.Kind.DISCUSSION,
            title="Обсудим",
            hours=1,
            topic=TopicFactory(**topic_fields),
        )

    assert _codes(error.value) == {"topic"}


def test_the_same_object_is_a_unit_once():
    course = course_draft()
    topic = TopicFactory(section=SectionFactory())
    fields = {"kind": Unit.Kind.DISCUSSION, "title": "Обсудим", "hours": 1}
    services.unit_add(course=course, editor=course.author, topic=topic, **fields)

    with pytest.raises(ValidationError) as error:
        services.unit_add(course=course, editor=course.author, topic=topic, **fields)

    assert _codes(error.value) == {"topic"}


def test_a_cohorts_unit_opens_and_is_due_within_the_course():
    dates = cohort_dates()
    course = course_draft(**dates)

    unit = reading(
        course,
        opens_at=dates["starts_at"],
        due_at=dates["ends_at"],
    )

    assert (unit.opens_at, unit.due_at) == (dates["starts_at"], dates["ends_at"])

    for fields in (
        {"opens_at": dates["starts_at"] - datetime.timedelta(minutes=1)},
        {"due_at": dates["ends_at"] + datetime.timedelta(minutes=1)},
        {"opens_at": dates["ends_at"], "due_at": dates["starts_at"]},
    ):
        with pytest.raises(ValidationError):
            reading(course, **fields)


def test_a_self_paced_units_dates_are_dropped():
    course = course_draft()

    unit = reading(course, opens_at=timezone.now(), due_at=timezone.now())

    assert (unit.opens_at, unit.due_at) == (None, None)


def test_only_authors_add_units():
    course = course_draft()

    with pytest.raises(PermissionDenied):
        services.unit_add(
            course=course,
            editor=UserFactory(),
            kind=Unit.Kind.READING,
            title="Чужое",
            hours=1,
            body="Текст",
        )


def test_unit_update_changes_a_draft_unit_and_the_hours_follow():
    course = course_draft()
    unit = reading(course, 4)

    services.unit_update(
        unit=unit, editor=course.author, hours=6, required=False, body="*новое*"
    )

    unit.refresh_from_db()
    course.refresh_from_db()
    assert (unit.hours, unit.body_html) == (6, "<p><em>новое</em></p>")
    assert (course.hours, course.required_units) == (6, 0)


def test_unit_update_refuses_an_unknown_field():
    course = course_draft()
    unit = reading(course)

    with pytest.raises(TypeError):
        services.unit_update(unit=unit, editor=course.author, course=course_draft())


def test_unit_remove_closes_up_the_others_and_the_hours_follow():
    course = course_draft()
    first, second, third = reading(course, 1), reading(course, 2), reading(course, 4)

    services.unit_remove(unit=second, editor=course.author)

    course.refresh_from_db()
    assert list(Unit.objects.filter(course=course).values_list("pk", "position")) == [
        (first.pk, 1),
        (third.pk, 2),
    ]
    assert (course.hours, course.required_units) == (5, 2)


def test_units_reorder_puts_the_units_in_the_given_order():
    course = course_draft()
    first, second, third = reading(course, 1), reading(course, 2), reading(course, 3)

    services.units_reorder(
        course=course, editor=course.author, unit_ids=[third.pk, first.pk, second.pk]
    )

    assert list(Unit.objects.filter(course=course).values_list("pk", flat=True)) == [
        third.pk,
        first.pk,
        second.pk,
    ]


@pytest.mark.parametrize("wrong", ["missing", "twice", "foreign"])
def test_units_reorder_needs_every_unit_once(wrong):
    course = course_draft()
    first, second = reading(course, 1), reading(course, 2)
    ids = {
        "missing": [first.pk],
        "twice": [first.pk, second.pk, first.pk],
        "foreign": [first.pk, reading(course_draft(), 1).pk],
    }[wrong]

    with pytest.raises(ValidationError) as error:
        services.units_reorder(course=course, editor=course.author, unit_ids=ids)

    assert _codes(error.value) == {"units"}


# --- A published course keeps its structure -------------------------------------------


def test_a_published_course_takes_optional_units_only():
    course = course_published(hours=(8, 8))

    with pytest.raises(ValidationError) as error:
        reading(course, 2)
    assert _codes(error.value) == {"published"}

    reading(course, 2, required=False, title="Дополнительно")

    course.refresh_from_db()
    assert (course.hours, course.required_units) == (18, 2)


def test_a_published_courses_units_keep_their_hours_and_stay():
    course = course_published(hours=(8, 8), kind=Course.Kind.QUALIFICATION)
    unit = course.units.first()

    for fields in ({"hours": 1}, {"required": False}, {"kind": Unit.Kind.MATERIAL}):
        with pytest.raises(ValidationError) as error:
            services.unit_update(unit=unit, editor=course.author, **fields)
        assert _codes(error.value) == {"published"}
    with pytest.raises(ValidationError) as error:
        services.unit_remove(unit=unit, editor=course.author)
    assert _codes(error.value) == {"published"}

    assert Course.objects.get(pk=course.pk).hours == 16


def test_a_published_courses_unit_changes_its_title_and_text():
    course = course_published()
    unit = course.units.first()

    services.unit_update(
        unit=unit, editor=course.author, title="Новое название", body="Новый текст"
    )

    unit.refresh_from_db()
    assert (unit.title, unit.body_html) == ("Новое название", "<p>Новый текст</p>")


def test_an_archived_course_is_changed_by_moderators_only(moderator):
    course = course_published()
    services.course_archive(course=course, editor=course.author)

    with pytest.raises(PermissionDenied):
        services.course_update(course=course, editor=course.author, title="Снова")
    services.course_update(course=course, editor=moderator, title="Поправлено")


# --- Submission -----------------------------------------------------------------------


def test_a_submitted_course_goes_to_the_experts_of_its_subject():
    maths, physics = expert(), expert("physics")
    course = course_ready(kind=Course.Kind.QUALIFICATION)

    services.course_submit(course=course, author=course.author)

    course.refresh_from_db()
    assert course.status == Course.Status.REVIEW
    assert course.published_at is None
    round_ = ReviewRound.objects.get(course=course)
    assert round_.status == ReviewRound.Status.OPEN
    assert Notification.objects.filter(
        recipient=maths, kind=kinds.REVIEW_REQUEST
    ).exists()
    assert not Notification.objects.filter(recipient=physics).exists()
    assert AuditEntry.objects.filter(action="course_review_request").exists()


def test_experts_from_a_co_authors_school_are_not_asked():
    coauthor = UserFactory()
    colleague = expert(school=coauthor.profile.school)
    course = course_ready()
    services.coauthors_set(
        course=course, editor=course.author, usernames=[coauthor.username]
    )

    services.course_submit(course=course, author=coauthor)

    assert not Notification.objects.filter(recipient=colleague).exists()


def test_a_trusted_author_publishes_directly_and_followers_hear():
    author = trusted(UserFactory())
    follower = UserFactory()
    Follow.objects.create(follower=follower, followee=author)
    course = course_ready(author=author)

    services.course_submit(course=course, author=author)

    course.refresh_from_db()
    assert course.status == Course.Status.PUBLISHED
    assert course.published_at is not None
    assert not ReviewRound.objects.filter(course=course).exists()
    assert Notification.objects.filter(
        recipient=follower, kind=kinds.NEW_BY_AUTHOR
    ).exists()
    assert ActivityEvent.objects.filter(
        kind=kinds.COURSE_ACTIVITY, target_id=course.pk
    ).exists()
    assert AuditEntry.objects.filter(action="course_publish").exists()


def test_a_moderator_publishes_directly(moderator):
    course = course_ready(author=moderator)

    services.course_submit(course=course, author=moderator)

    assert Course.objects.get(pk=course.pk).status == Course.Status.PUBLISHED


def test_submit_needs_a_required_unit():
    course = course_draft()
    reading(course, 4, required=False)

    with pytest.raises(ValidationError) as error:
        services.course_submit(course=course, author=course.author)

    assert _codes(error.value) == {"units"}
    assert Course.objects.get(pk=course.pk).status == Course.Status.DRAFT


def test_a_qualification_course_below_16_hours_is_refused_naming_16():
    course = course_ready(hours=(8, 7), kind=Course.Kind.QUALIFICATION)

    with pytest.raises(ValidationError) as error:
        services.course_submit(course=course, author=course.author)

    assert _codes(error.value) == {"hours"}
    assert "16" in error.value.messages[0]
    assert not ReviewRound.objects.filter(course=course).exists()


def test_a_qualification_course_of_16_hours_is_submitted():
    course = course_ready(hours=(8, 8), kind=Course.Kind.QUALIFICATION)

    services.course_submit(course=course, author=course.author)

    assert Course.objects.get(pk=course.pk).status == Course.Status.REVIEW


def test_a_seminar_has_no_minimum_hours():
    course = course_ready(hours=(1,))

    services.course_submit(course=course, author=course.author)

    assert Course.objects.get(pk=course.pk).status == Course.Status.REVIEW


def test_submit_refuses_hours_that_are_not_the_sum_of_the_units():
    course = course_ready(hours=(8, 8))
    Course.objects.filter(pk=course.pk).update(hours=20)

    with pytest.raises(ValidationError) as error:
        services.course_submit(course=course, author=course.author)

    assert _codes(error.value) == {"hours_sum"}


def test_a_cohort_whose_dates_are_over_is_not_submitted():
    dates = cohort_dates()
    course = course_ready(**dates)
    Course.objects.filter(pk=course.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=40),
        ends_at=timezone.now() - datetime.timedelta(days=1),
        enrolment_opens_at=None,
        enrolment_closes_at=None,
    )

    with pytest.raises(ValidationError) as error:
        services.course_submit(course=course, author=course.author)

    assert _codes(error.value) == {"dates"}


def test_a_unit_whose_master_class_was_hidden_since_stops_the_submission():
    course = course_draft()
    masterclass = MasterClassFactory()
    services.unit_add(
        course=course,
        editor=course.author,
        kind=Unit.Kind.MASTERCLASS,
        title="Встреча",
        hours=2,
        masterclass=masterclass,
    )
    MasterClass.objects.filter(pk=masterclass.pk).update(is_hidden=True)

    with pytest.raises(ValidationError) as error:
        services.course_submit(course=course, author=course.author)

    assert _codes(error.value) == {"unit_object"}


def test_only_authors_submit_and_only_a_draft():
    course = course_ready()

    with pytest.raises(PermissionDenied):
        services.course_submit(course=course, author=UserFactory())

    services.course_submit(course=course, author=course.author)
    stale = Course.objects.get(pk=course.pk)
    stale.status = Course.Status.DRAFT  # a second click from an old page

    with pytest.raises(ValidationError) as error:
        services.course_submit(course=stale, author=course.author)

    assert _codes(error.value) == {"status"}
    assert ReviewRound.objects.filter(course=course).count() == 1


# --- Archive, hiding, trust -----------------------------------------------------------


def test_archive_closes_the_course_keeps_the_learners_and_frees_the_waitlist():
    course = course_published(capacity=1)
    learner = _enrol_directly(course)
    waiting = _enrol_directly(course, Enrolment.Status.WAITLISTED)

    services.course_archive(course=course, editor=course.author)

    course.refresh_from_db()
    learner.refresh_from_db()
    waiting.refresh_from_db()
    assert course.status == Course.Status.ARCHIVED
    assert learner.status == Enrolment.Status.ENROLLED
    assert waiting.status == Enrolment.Status.DROPPED
    assert (course.enrolled_count, course.waitlist_count) == (1, 0)
    assert not ActivityEvent.objects.filter(
        kind=kinds.COURSE_ACTIVITY, target_id=course.pk
    ).exists()
    assert not permissions.can_enrol(UserFactory(), course)
    assert permissions.can_see_course(UserFactory(), course)


def test_archive_by_the_author_or_a_moderator_only(moderator):
    course = course_published()
    coauthor = UserFactory()
    services.coauthors_set(
        course=course, editor=course.author, usernames=[coauthor.username]
    )

    with pytest.raises(PermissionDenied):
        services.course_archive(course=course, editor=coauthor)
    services.course_archive(course=course, editor=moderator)

    with pytest.raises(PermissionDenied):
        services.course_archive(course=course, editor=moderator)


def test_a_hidden_course_leaves_the_feed_and_comes_back(moderator):
    course = course_published()

    services.course_hide(course=course, moderator=moderator, reason="Реклама")

    course.refresh_from_db()
    assert course.is_hidden
    assert not ActivityEvent.objects.filter(target_id=course.pk).exists()
    assert not permissions.can_see_course(UserFactory(), course)
    assert permissions.can_see_course(course.author, course)
    assert AuditEntry.objects.filter(action="course_hide", reason="Реклама").exists()

    services.course_hide(course=course, moderator=moderator, reason="", hidden=False)

    assert ActivityEvent.objects.filter(target_id=course.pk).exists()


def test_only_moderators_hide_a_course():
    course = course_published()

    with pytest.raises(PermissionDenied):
        services.course_hide(course=course, moderator=course.author, reason="")


def test_reports_hide_a_course_without_an_actor():
    course = course_published()

    services.course_hide_by_reports(course=course)

    assert Course.objects.get(pk=course.pk).is_hidden
    assert AuditEntry.objects.get(action="course_hide").actor is None


def test_trusted_author_set_by_a_moderator(moderator):
    author = UserFactory()

    services.trusted_author_set(user=author, moderator=moderator, trusted=True)
    services.trusted_author_set(user=author, moderator=moderator, trusted=True)
    assert TrustedAuthor.objects.get(user=author).granted_by == moderator
    assert permissions.is_trusted_author(author)

    services.trusted_author_set(user=author, moderator=moderator, trusted=False)
    assert not permissions.is_trusted_author(author)
    assert AuditEntry.objects.filter(action="trusted_author_removed").exists()

    with pytest.raises(PermissionDenied):
        services.trusted_author_set(user=UserFactory(), moderator=author, trusted=True)


# --- Who may see and do what ----------------------------------------------------------


def test_a_draft_is_seen_by_its_authors_and_moderators_only(moderator):
    course = course_draft()
    coauthor = UserFactory()
    services.coauthors_set(
        course=course, editor=course.author, usernames=[coauthor.username]
    )
    from django.contrib.auth.models import AnonymousUser

    assert permissions.can_see_course(course.author, course)
    assert permissions.can_see_course(coauthor, course)
    assert permissions.can_see_course(moderator, course)
    assert not permissions.can_see_course(UserFactory(), course)
    assert not permissions.can_see_course(AnonymousUser(), course)
    assert not permissions.can_see_course(expert(), course)


def test_a_course_in_review_is_seen_by_the_experts_who_may_review_it():
    maths, physics = expert(), expert("physics")
    course = course_ready()
    services.course_submit(course=course, author=course.author)
    course.refresh_from_db()

    assert permissions.can_see_course(maths, course)
    assert not permissions.can_see_course(physics, course)


def test_a_published_course_is_seen_by_everyone_and_enrolled_in_by_others():
    from django.contrib.auth.models import AnonymousUser

    course = course_published()

    assert permissions.can_see_course(AnonymousUser(), course)
    assert permissions.can_enrol(UserFactory(), course)
    assert not permissions.can_enrol(course.author, course)
    assert not permissions.can_enrol(AnonymousUser(), course)
    assert permissions.can_see_learners(course.author, course)
    assert not permissions.can_see_learners(UserFactory(), course)


def test_a_cohort_is_enrolled_in_within_its_window():
    dates = cohort_dates()
    course = course_published(**dates)
    member = UserFactory()

    assert not permissions.can_enrol(member, course)  # not yet open
    course.enrolment_opens_at = timezone.now() - datetime.timedelta(hours=1)
    assert permissions.can_enrol(member, course)
    course.enrolment_closes_at = timezone.now()
    assert not permissions.can_enrol(member, course)


def test_subject_helper_reads_the_vocabulary():
    assert subject("physics").slug == "physics"


def test_a_unit_of_another_kind_is_done_its_own_way():
    course = course_draft()
    unit = services.unit_add(
        course=course,
        editor=course.author,
        kind=Unit.Kind.MATERIAL,
        title="Материал",
        hours=1,
        material=MaterialFactory(),
    )

    services.unit_update(
        unit=unit, editor=course.author, kind=Unit.Kind.ASSIGNMENT, body="Задание"
    )

    unit.refresh_from_db()
    assert (unit.completion, unit.material) == (Unit.Completion.PEERS, None)


def test_a_published_courses_unit_form_sent_unchanged_is_accepted():
    course = course_published()
    unit = course.units.first()

    services.unit_update(
        unit=unit,
        editor=course.author,
        kind=unit.kind,
        hours=unit.hours,
        required=True,
        completion=Unit.Completion.AUTO,
        title="Переименовано",
    )

    assert Unit.objects.get(pk=unit.pk).title == "Переименовано"


def test_the_moderators_are_the_staff():
    from accounts import services as accounts

    plain = accounts.user_grant_role(user=UserFactory(), role=accounts.MODERATORS)

    assert permissions.can_moderate_courses(plain)
    assert not permissions.can_moderate_courses(expert())
    assert not permissions.can_moderate_courses(UserFactory())
    assert not permissions.can_moderate_courses(
        UserFactory(is_staff=True, is_active=False)
    )


# --- A qualification course keeps 16 hours in its required units ----------------------


def _qualification(status: str) -> Course:
    """A professional development course of two required 8-hour readings, in
    review (submitted by an author who is not trusted) or archived."""
    if status == Course.Status.REVIEW:
        course = course_ready(hours=(8, 8), kind=Course.Kind.QUALIFICATION)
        return services.course_submit(course=course, author=course.author)
    course = course_published(hours=(8, 8), kind=Course.Kind.QUALIFICATION)
    return services.course_archive(course=course, editor=course.author)


@pytest.mark.parametrize("status", [Course.Status.REVIEW, Course.Status.ARCHIVED])
@pytest.mark.parametrize("change", [{"hours": 2}, {"required": False}])
def test_unit_update_refuses_a_qualification_course_past_its_draft_below_16_hours(
    moderator, status, change
):
    course = _qualification(status)
    unit = course.units.order_by("position").first()

    with pytest.raises(ValidationError) as error:
        services.unit_update(unit=unit, editor=moderator, **change)

    assert _codes(error.value) == {"hours"}
    assert "16" in error.value.messages[0]
    assert "обязательные блоки" in error.value.messages[0]
    course.refresh_from_db()
    assert (course.status, course.hours, course.required_units) == (status, 16, 2)
    assert Unit.objects.get(pk=unit.pk).hours == 8


def test_unit_update_of_a_qualification_course_in_review_keeping_16_hours(moderator):
    course = _qualification(Course.Status.REVIEW)
    unit = course.units.order_by("position").first()

    services.unit_update(unit=unit, editor=moderator, hours=10)

    course.refresh_from_db()
    assert course.hours == 18


def test_unit_remove_never_leaves_a_qualification_course_below_16_hours(moderator):
    course = _qualification(Course.Status.REVIEW)

    with pytest.raises(ValidationError):
        services.unit_remove(unit=course.units.first(), editor=moderator)

    assert Course.objects.get(pk=course.pk).hours == 16


def test_a_published_seminar_with_16_hours_only_with_optional_units_stays_a_seminar():
    course = course_ready(hours=(10,), author=trusted(UserFactory()))
    reading(course, 6, required=False, title="Дополнительно")
    course = services.course_submit(course=course, author=course.author)

    with pytest.raises(ValidationError) as error:
        services.course_update(
            course=course, editor=course.author, kind=Course.Kind.QUALIFICATION
        )

    assert _codes(error.value) == {"kind"}
    assert error.value.error_dict["kind"][0].code == "hours"
    assert Course.objects.get(pk=course.pk).kind == Course.Kind.SEMINAR


def test_a_qualification_course_of_16_hours_with_optional_ones_is_refused_at_submit():
    course = course_ready(hours=(10,), kind=Course.Kind.QUALIFICATION)
    reading(course, 6, required=False, title="Дополнительно")
    course.refresh_from_db()
    assert course.hours == 16

    with pytest.raises(ValidationError) as error:
        services.course_submit(course=course, author=course.author)

    assert _codes(error.value) == {"hours"}
    message = error.value.messages[0]
    assert "16" in message
    assert "обязательные блоки" in message
    assert "10" in message
    assert Course.objects.get(pk=course.pk).status == Course.Status.DRAFT


# --- Places on a course nobody may learn in -------------------------------------------


@pytest.mark.parametrize("state", ["hidden", "archived"])
def test_more_places_move_no_one_in_on_a_course_nobody_may_learn_in(moderator, state):
    course = course_published(capacity=1)
    _enrol_directly(course)
    waiting = _enrol_directly(course, Enrolment.Status.WAITLISTED)
    if state == "hidden":
        services.course_hide(course=course, moderator=moderator, reason="Проверка")
    else:
        # Archived by hand, its waitlist still there (``course_archive``
        # would let it go).
        Course.objects.filter(pk=course.pk).update(status=Course.Status.ARCHIVED)

    services.course_update(course=course, editor=moderator, capacity=5)

    waiting.refresh_from_db()
    course.refresh_from_db()
    assert waiting.status == Enrolment.Status.WAITLISTED
    assert (course.enrolled_count, course.waitlist_count) == (1, 1)
    assert not Notification.objects.filter(kind=kinds.PROMOTED).exists()


def test_places_freed_while_hidden_go_to_the_waitlist_when_shown_again(moderator):
    course = course_published(capacity=1)
    _enrol_directly(course)
    waiting = _enrol_directly(course, Enrolment.Status.WAITLISTED)
    services.course_hide(course=course, moderator=moderator, reason="Проверка")
    course.refresh_from_db()
    services.course_update(course=course, editor=moderator, capacity=2)
    waiting.refresh_from_db()
    assert waiting.status == Enrolment.Status.WAITLISTED

    services.course_hide(course=course, moderator=moderator, reason="", hidden=False)

    waiting.refresh_from_db()
    course.refresh_from_db()
    assert waiting.status == Enrolment.Status.ENROLLED
    assert (course.enrolled_count, course.waitlist_count) == (2, 0)
    assert Notification.objects.filter(
        recipient=waiting.user, kind=kinds.PROMOTED
    ).exists()
