"""Courses as evidence of growth (certificates, courses written) and as
suggestions: what counts, what is left out, in a fixed number of queries,
and who is told when they change (through the services: ``courses.changes``)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from community import attainments
from community.registry import Registry
from courses import services
from courses.models import Course, Enrolment, ReviewRound
from courses.tests.authoring_helpers import (
    cohort_dates,
    course_published,
    course_ready,
    expert,
    subject,
)
from courses.tests.community_helpers import completed, course_row, enrolled

pytestmark = pytest.mark.django_db


def _items(key, user):
    return attainments.attainment_source(key).items(user)


@pytest.fixture
def heard(monkeypatch):
    """Only the test listens."""
    told = []
    monkeypatch.setattr(attainments, "_listeners", Registry())
    attainments.attainments_listen("test", told.append)
    return told


def _suggest(tags, user, subject_ids=(), limit=12):
    return attainments._suggestions["courses"].suggest(
        tags=tags, subject_ids=list(subject_ids), user=user, limit=limit
    )


# --- Certificates --------------------------------------------------------------------


def test_certificates_newest_first_with_codes_and_hours(
    member, django_assert_max_num_queries
):
    now = timezone.now()
    for index in range(55):
        completed(course_row(hours=16), member, at=now - datetime.timedelta(days=index))
    completed(course_row(), UserFactory())  # another member's

    with django_assert_max_num_queries(1):
        found = _items("course_certificate", member)

    assert len(found) == 55
    first = found[0]
    assert first.occurred_at == now
    assert first.hours == 16
    assert first.code
    assert first.key == first.code
    assert first.verify_url == reverse("certificate_verify", args=[first.code])
    assert first.url.startswith("/")
    assert [item.occurred_at for item in found] == sorted(
        (item.occurred_at for item in found), reverse=True
    )


def test_a_hidden_course_s_certificate_does_not_count(member):
    kept = completed(course_row(), member)
    hidden = course_row()
    completed(hidden, member)
    services.course_hide_by_reports(course=hidden)

    assert [item.code for item in _items("course_certificate", member)] == [kept.code]


# --- Courses written -----------------------------------------------------------------


def test_courses_written_published_or_archived_not_hidden(
    member, django_assert_max_num_queries
):
    now = timezone.now()
    for index in range(50):
        course_row(author=member, published_at=now - datetime.timedelta(days=index))
    cowritten = course_row(published_at=now + datetime.timedelta(hours=1))
    cowritten.coauthors.add(member)
    archived = course_row(author=member, status=Course.Status.ARCHIVED)
    course_row(author=member, status=Course.Status.DRAFT, published_at=None)
    course_row(author=member, status=Course.Status.REVIEW, published_at=None)
    hidden = course_row(author=member)
    services.course_hide_by_reports(course=hidden)
    course_row()  # a colleague's

    with django_assert_max_num_queries(1):
        found = _items("course_authored", member)

    keys = [item.key for item in found]
    assert len(found) == 52
    assert keys[0] == str(cowritten.pk)
    assert str(archived.pk) in keys
    assert str(hidden.pk) not in keys
    assert found[0].url == cowritten.get_absolute_url()
    assert found[0].code == ""
    assert found[0].hours is None


# --- Who is told (``courses.changes``) ------------------------------------------------


def test_a_certificate_issued_is_told_for_its_holder(
    heard, member, django_capture_on_commit_callbacks
):
    course = course_row()
    enrolment = enrolled(course, member)

    with django_capture_on_commit_callbacks(execute=True):
        services.completion_accept(
            enrolment=enrolment, author=course.author, reason="Стажировка в школе"
        )

    assert heard[0] == [member.pk]
    # Then the badge for a first course, awarded after commit: told on its own.
    assert all(ids == [member.pk] for ids in heard)
    assert [item.title for item in _items("course_certificate", member)] == [
        course.title
    ]


def test_hiding_a_course_is_told_for_its_learners_and_authors(
    heard, member, django_capture_on_commit_callbacks
):
    coauthor, colleague = UserFactory(), UserFactory()
    course = course_row()
    course.coauthors.add(coauthor)
    completed(course, member)
    enrolled(course, colleague)  # learning: no certificate, nothing changes

    with django_capture_on_commit_callbacks(execute=True):
        services.course_hide_by_reports(course=course)

    assert heard == [sorted([member.pk, course.author_id, coauthor.pk])]
    assert _items("course_certificate", member) == []


def test_publishing_and_archiving_are_told_for_the_authors(
    heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        course = course_published()
    assert heard == [[course.author_id]]
    assert [item.key for item in _items("course_authored", course.author)] == [
        str(course.pk)
    ]

    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.course_archive(course=course, editor=course.author)
    assert heard == [[course.author_id]]


def test_co_authors_set_tell_those_added_and_those_taken_off(
    heard, django_capture_on_commit_callbacks
):
    before, after = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        course = course_published()
        services.coauthors_set(
            course=course, editor=course.author, usernames=[before.username]
        )
    heard.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.coauthors_set(
            course=course, editor=course.author, usernames=[after.username]
        )

    assert heard == [sorted([course.author_id, before.pk, after.pk])]
    assert _items("course_authored", before) == []
    assert len(_items("course_authored", after)) == 1


def test_a_new_title_is_told_for_the_authors_and_other_edits_are_not(
    heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        course = course_published()
    heard.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.course_update(
            course=course, editor=course.author, annotation="Дроби и проценты."
        )
    assert heard == []

    with django_capture_on_commit_callbacks(execute=True):
        services.course_update(
            course=course, editor=course.author, title="Дроби и проценты"
        )
    assert heard == [[course.author_id]]
    assert _items("course_authored", course.author)[0].title == "Дроби и проценты"


def test_a_draft_written_is_told_to_nobody(heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        course = course_ready()
        services.course_update(course=course, editor=course.author, title="Черновик")

    assert heard == []


# --- Expert reviews of courses written -----------------------------------------------


def _write(assignment, recommendation="recommend"):
    return services.review_write(
        assignment=assignment,
        reviewer=assignment.reviewer,
        scores={"goals": 4, "structure": 4, "hours": 4, "value": 4},
        comments={},
        recommendation=recommendation,
        summary="Полезный курс.",
    )


def _round():
    course = course_ready()
    services.course_submit(course=course, author=course.author)
    return ReviewRound.objects.get(course=course)


def test_course_reviews_written_count_without_naming_the_course(
    django_assert_max_num_queries,
):
    round_ = _round()
    reviewer = expert()
    review = _write(services.review_take(round_=round_, reviewer=reviewer))
    _write(services.review_take(round_=_round(), reviewer=expert()))  # another's

    with django_assert_max_num_queries(1):
        found = _items("course_review_written", reviewer)

    assert [(item.key, item.url) for item in found] == [(str(review.pk), "")]
    assert found[0].occurred_at == review.submitted_at
    assert round_.course.title not in found[0].title
    assert attainments.attainment_source("course_review_written").as_count


def test_a_hidden_course_review_or_course_counts_for_nobody():
    first, second = _round(), _round()
    reviewer = expert()
    hidden = _write(services.review_take(round_=first, reviewer=reviewer))
    _write(services.review_take(round_=second, reviewer=reviewer))
    assert len(_items("course_review_written", reviewer)) == 2

    services.review_hide_by_reports(review=hidden)
    assert len(_items("course_review_written", reviewer)) == 1
    services.course_hide_by_reports(course=second.course)
    assert _items("course_review_written", reviewer) == []


def test_a_course_review_written_or_hidden_is_told_for_its_reviewer(
    heard, django_capture_on_commit_callbacks
):
    round_ = _round()
    assignment = services.review_take(round_=round_, reviewer=expert())
    heard.clear()

    with django_capture_on_commit_callbacks(execute=True):
        review = _write(assignment)
    assert heard[0] == [assignment.reviewer_id]
    assert len(_items("course_review_written", assignment.reviewer)) == 1

    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.review_hide_by_reports(review=review)
    assert heard == [[assignment.reviewer_id]]


def test_hiding_a_reviewed_course_is_told_for_its_reviewers(
    heard, django_capture_on_commit_callbacks
):
    round_ = _round()
    reviewer = expert()
    _write(services.review_take(round_=round_, reviewer=reviewer))
    heard.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.course_hide_by_reports(course=round_.course)

    # A course in review: no certificates, nothing written yet; the review.
    assert heard == [[reviewer.pk]]


# --- Suggestions ---------------------------------------------------------------------


def _tagged(*tags, **fields) -> Course:
    course = course_row(**fields)
    course.tags.add(*tags)
    return course


def test_open_courses_with_the_tags_are_suggested(member):
    math = subject().pk
    found = _tagged("Дроби", "ФГОС")
    _tagged("Геометрия")
    _tagged("дроби", status=Course.Status.DRAFT, published_at=None)
    _tagged("дроби", status=Course.Status.ARCHIVED)
    hidden = _tagged("дроби")
    services.course_hide_by_reports(course=hidden)
    _tagged("дроби", subject=subject("physics"))
    _tagged("дроби", author=member)
    cowritten = _tagged("дроби")
    cowritten.coauthors.add(member)
    enrolled(_tagged("дроби"), member)
    past = cohort_dates(days=-20)
    _tagged("дроби", **past)  # the window closed
    dropped = _tagged("дроби")
    enrolled(dropped, member, status=Enrolment.Status.DROPPED)
    cohort = _tagged("дроби", **cohort_dates(days=3))

    suggested = _suggest(["дроби"], member, [math])

    assert {item.object_key for item in suggested} == {
        f"courses.course:{found.pk}",
        f"courses.course:{dropped.pk}",
        f"courses.course:{cohort.pk}",
    }
    item = next(item for item in suggested if item.object_key.endswith(f":{found.pk}"))
    assert item.kind == "course"
    assert item.tags == ("дроби", "фгос")
    assert item.url == found.get_absolute_url()
    assert "8" in item.detail
    assert _suggest(["ФГОС"], member, [math])[0].title == found.title
    # No subject asked: any subject.
    assert len(_suggest(["дроби"], member)) == 4


def test_suggestions_read_in_one_query_and_keep_the_limit(
    member, django_assert_max_num_queries
):
    for index in range(55):
        _tagged("дроби", f"тема {index}")
    math = subject().pk

    with django_assert_max_num_queries(1):
        suggested = _suggest(["Дроби"], member, [math], limit=12)

    assert len(suggested) == 12
    assert all("дроби" in item.tags for item in suggested)


def test_suggestions_share_the_limit_by_tag_and_leave_out_the_keys_named(
    member, django_assert_max_num_queries
):
    older = _tagged("оценивание")
    for _index in range(30):
        _tagged("урок")  # newer, and many
    planned = [_tagged("оценивание", "урок") for _index in range(3)]  # newest
    exclude = frozenset(f"courses.course:{course.pk}" for course in planned)

    with django_assert_max_num_queries(1):
        suggested = attainments._suggestions["courses"].suggest(
            tags=["оценивание", "урок"], subject_ids=[], user=member, limit=12,
            exclude_keys=exclude | {"masterclasses.masterclass:1", "courses.course:x"},
        )  # fmt: skip

    keys = [item.object_key for item in suggested]
    assert len(keys) == len(set(keys)) == 12
    assert f"courses.course:{older.pk}" in keys
    assert not exclude & set(keys)
    # In the queryset's order: the newest first.
    assert keys == sorted(keys, key=lambda key: -int(key.split(":")[1]))


def test_a_cohort_not_open_yet_is_not_suggested(member):
    dates = cohort_dates(days=30)  # enrolment opens in 23 days
    _tagged("дроби", **dates)

    assert _suggest(["дроби"], member) == []


def test_the_detail_is_in_the_reader_s_language(member):
    _tagged("дроби", hours=24)
    cohort = _tagged("дроби", hours=16, **cohort_dates(days=3))

    with translation.override("ru"):
        details = {item.object_key: item.detail for item in _suggest(["дроби"], member)}

    assert "24 академических часа · в своём темпе" in details.values()
    assert details[f"courses.course:{cohort.pk}"].startswith(
        "16 академических часов · с "
    )
