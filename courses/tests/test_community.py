"""What courses give the community layer, each registration doing its job:
notification kinds, the digest, the feed, bookmarks, search, the RSS feed,
a tag's page and feed, the sitemap, badges and the members of the month,
the portfolio and the account's data."""

import datetime
import json
import zipfile
from io import BytesIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from taggit.models import Tag

from accounts import services as accounts
from accounts.account_data import account_data_sources
from accounts.portfolio import portfolio_for
from accounts.tests.factories import UserFactory
from community import recognition, selectors
from community.badges import badge_rule
from community.digests import digest_contents
from community.feeds import tag_feed_entries
from community.models import BadgeAward, Grade
from community.notifications import activity_phrase, notification_kind
from community.search import SearchFilters, search
from courses import account_data, hooks, kinds, services
from courses.models import Course, Enrolment
from courses.tests.authoring_helpers import subject
from courses.tests.community_helpers import (
    completed,
    enrolled,
    peer_review,
    published,
)

pytestmark = pytest.mark.django_db


def _established(**fields):
    """A member past the new members' hourly limits (a course or two an hour)."""
    return UserFactory(
        date_joined=timezone.now() - datetime.timedelta(days=90), **fields
    )


def _reader(subject_slug: str = "mathematics"):
    reader = UserFactory()
    reader.profile.subjects.set([subject(subject_slug)])
    return reader


# --- Notification kinds -----------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        kinds.NEW_BY_AUTHOR,
        kinds.REVIEW_REQUEST,
        kinds.REVIEW_ASSIGNED,
        kinds.REVIEW_RECEIVED,
        kinds.REVIEW_DECISION,
        kinds.REVIEW_REMINDER,
        kinds.REVIEW_EXPIRED,
    ],
)
def test_course_notification_kinds_obey_the_courses_switch(key):
    kind = notification_kind(key)

    assert kind.preference == kinds.PREFERENCE == "courses"
    assert kind.urgent is (key == kinds.REVIEW_REMINDER)
    assert "%(target)s" in str(kind.one)


def test_system_checks_pass_with_the_registrations_of_courses():
    call_command("check", tags=["registries"], fail_level="WARNING")


def test_followers_hear_of_a_new_course(member):
    author = UserFactory()
    accounts.follow_create(follower=member, followee=author)

    course = published(author=author, title="Дроби для всех")

    notification = member.notifications.get(kind=kinds.NEW_BY_AUTHOR)
    assert notification.url == course.get_absolute_url()
    assert notification.target_title == "Дроби для всех"


def test_notification_settings_page_offers_the_courses_switch(member_client):
    response = member_client.get(reverse("accounts:settings_notifications"))

    assert response.status_code == 200
    assert 'name="kind_courses"' in response.content.decode()


# --- The digest -----------------------------------------------------------------


def test_digest_lists_new_courses_in_the_readers_subjects():
    reader = _reader()
    since = timezone.now() - datetime.timedelta(days=1)
    course = published(title="Дроби без страха")
    published(title="Чужой предмет", subject=subject("physics"))

    content = digest_contents(users=[reader], since=since)[reader.pk]

    sections = {section.key: items for section, items in content.sections}
    items = sections["new_courses"]
    assert [item.title for item in items] == ["Дроби без страха"]
    assert items[0].url == course.get_absolute_url()
    assert items[0].detail == course.author.profile.shown_name


def test_digest_leaves_out_own_hidden_and_older_courses(moderator):
    reader = _reader()
    since = timezone.now() - datetime.timedelta(days=1)
    published(author=reader, title="Мой курс")
    coauthored = published(title="Наш курс")
    coauthored.coauthors.add(reader)
    hidden = published(title="Скрытый курс")
    services.course_hide(course=hidden, moderator=moderator, reason="спам")
    older = published(title="Давний курс")
    Course.objects.filter(pk=older.pk).update(
        published_at=since - datetime.timedelta(days=1)
    )

    assert hooks.new_in_subjects([reader], since) == {}


def test_digest_section_reads_a_batch_in_a_fixed_number_of_queries(
    django_assert_num_queries,
):
    since = timezone.now() - datetime.timedelta(days=1)
    for index in range(6):
        published(title=f"Курс {index}").coauthors.add(UserFactory())
    readers = [_reader() for _ in range(30)]

    with django_assert_num_queries(1):
        found = hooks.new_in_subjects(readers, since)

    assert len(found) == 30
    assert all(len(items) == hooks.DIGEST_ITEMS for items in found.values())


# --- The feed and bookmarks ---------------------------------------------------------


def test_the_feed_lists_a_published_course_in_its_subject(member):
    author = UserFactory(profile__display_name="Анна Петрова")
    course = published(author=author, title="Дроби без страха")

    events = selectors.feed_for_user(
        user=member, followed_ids=[], subject_ids=[course.subject_id]
    )

    event = events.get()
    assert (event.kind, event.target_id, event.url) == (
        kinds.COURSE_ACTIVITY,
        course.pk,
        course.get_absolute_url(),
    )
    with translation.override("en"):
        assert activity_phrase(event.kind, "Анна Петрова") == (
            "Анна Петрова published a course"
        )


def test_home_feed_shows_the_course_with_its_phrase(client):
    reader = _reader()
    reader.profile.language = "en"
    reader.profile.save()
    published(author=UserFactory(profile__display_name="Анна Петрова"), title="Дроби")
    client.force_login(reader)

    html = client.get("/").content.decode()

    assert "Анна Петрова published a course" in html


def test_a_member_bookmarks_a_published_course(member_client, member):
    course = published(title="Дроби")

    accounts.bookmark_set(user=member, key="course", object_id=course.pk, on=True)
    response = member_client.get(reverse("accounts:bookmarks"))

    assert course.get_absolute_url() in response.content.decode()


def test_a_draft_course_cannot_be_bookmarked(member):
    from django.core.exceptions import ObjectDoesNotExist

    from courses.tests.authoring_helpers import course_ready

    draft = course_ready()

    with pytest.raises(ObjectDoesNotExist):
        accounts.bookmark_set(user=member, key="course", object_id=draft.pk, on=True)


# --- Search -------------------------------------------------------------------------


def test_search_finds_a_published_course_by_its_words_and_filters():
    grade = Grade.objects.get(slug="grade-5")
    course = published(title="Дроби без страха", grades=[grade])

    def found(**filters) -> list[str]:
        results = search(
            text="дроби",
            user=AnonymousUser(),
            kind="courses",
            filters=SearchFilters(**filters),
        )
        return [entry.url for entry in results.entries]

    assert found() == [course.get_absolute_url()]
    assert found(subject_id=course.subject_id) == [course.get_absolute_url()]
    assert found(grade_slug="grade-5") == [course.get_absolute_url()]
    assert found(subject_id=subject("physics").pk) == []
    assert found(grade_slug="grade-9") == []


def test_search_finds_a_course_by_a_units_title():
    course = published(title="Курс для учителей")
    results = search(text="часть", user=AnonymousUser(), kind="courses")

    assert [entry.url for entry in results.entries] == [course.get_absolute_url()]


def test_search_does_not_find_a_hidden_or_unpublished_course(moderator):
    from courses.tests.authoring_helpers import course_ready

    hidden = published(title="Дроби скрытые")
    course_ready(title="Дроби черновик")
    services.course_hide(course=hidden, moderator=moderator, reason="спам")

    results = search(text="дроби", user=AnonymousUser(), kind="courses")

    assert list(results.entries) == []


# --- The RSS feed, a tag's page and feed, the sitemap ------------------------------


def test_the_rss_feed_lists_new_courses_and_not_hidden_ones(client, moderator):
    course = published(title="Дроби без страха", tags=["дроби"])
    hidden = published(title="Скрытый курс")
    services.course_hide(course=hidden, moderator=moderator, reason="спам")

    response = client.get(reverse("courses:feed"))

    xml = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    assert "Дроби без страха" in xml
    assert course.get_absolute_url() in xml
    assert "<category>дроби</category>" in xml
    assert "Скрытый курс" not in xml


def test_the_rss_feed_reads_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    for index in range(8):
        published(title=f"Курс {index}", tags=["дроби", f"тема {index}"])

    with django_assert_max_num_queries(3):
        response = client.get(reverse("courses:feed"))

    assert response.content.decode().count("<item>") == 8


def test_a_tags_page_and_feed_list_its_courses(client, moderator):
    course = published(title="Дроби без страха", tags=["дроби"])
    hidden = published(title="Скрытый курс", tags=["дроби"])
    services.course_hide(course=hidden, moderator=moderator, reason="спам")
    tag = Tag.objects.get(name="дроби")

    html = client.get(reverse("tag", args=[tag.slug]), {"kind": "courses"})
    entries = tag_feed_entries(tag)

    page = html.content.decode()
    assert course.get_absolute_url() in page
    assert "Скрытый курс" not in page
    assert [entry.url for entry in entries] == [course.get_absolute_url()]


def test_a_tags_page_of_courses_reads_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    for index in range(22):
        published(title=f"Курс {index}", tags=["дроби"])
    tag = Tag.objects.get(name="дроби")

    with django_assert_max_num_queries(10):
        response = client.get(reverse("tag", args=[tag.slug]), {"kind": "courses"})

    assert response.content.decode().count("/courses/") >= 20


def test_the_sitemap_lists_public_courses_only(client, moderator):
    course = published(title="Дроби")
    hidden = published(title="Скрытый")
    services.course_hide(course=hidden, moderator=moderator, reason="спам")

    xml = client.get(reverse("sitemap_section", args=["courses"])).content.decode()
    index = client.get(reverse("sitemap_index")).content.decode()

    assert course.get_absolute_url() in xml
    assert hidden.get_absolute_url() not in xml
    assert "sitemap-courses.xml" in index


# --- Badges and the members of the month ---------------------------------------------


def test_completed_courses_are_measured_and_awarded():
    learner = UserFactory()
    courses = [published(title=f"Курс {index}") for index in range(3)]
    for course in courses:
        completed(course, learner)
    enrolled(published(title="Ещё учусь"), learner)

    assert hooks.courses_completed([learner.pk]) == {learner.pk: 3}
    recognition.badges_evaluate(user_ids=[learner.pk])

    awarded = set(
        BadgeAward.objects.filter(user=learner).values_list("badge__key", flat=True)
    )
    assert {"course-completed", "courses-completed-3"} <= awarded
    assert "courses-completed-10" not in awarded


def test_a_course_completed_by_five_colleagues_earns_its_authors_a_badge():
    author, coauthor = _established(), UserFactory()
    course = published(author=author)
    course.coauthors.add(coauthor)
    smaller = published(author=author, title="Второй курс")
    for _ in range(5):
        completed(course)
    completed(smaller)

    measured = hooks.courses_authored_completions([author.pk, coauthor.pk])
    recognition.badges_evaluate(user_ids=[author.pk, coauthor.pk])

    assert measured == {author.pk: 5, coauthor.pk: 5}
    for user in (author, coauthor):
        assert BadgeAward.objects.filter(
            user=user, badge__key="course-author-5"
        ).exists()
    assert badge_rule("course-author-25").threshold == 25
    assert badge_rule("course-author-100").tier == "gold"


def test_a_hidden_courses_completions_earn_no_author_badge(moderator):
    course = published()
    for _ in range(5):
        completed(course)
    services.course_hide(course=course, moderator=moderator, reason="спам")

    assert hooks.courses_authored_completions([course.author_id]) == {}


def test_the_months_points_count_courses_published_and_completions():
    start = timezone.now() - datetime.timedelta(days=1)
    end = timezone.now() + datetime.timedelta(days=1)
    coauthor = UserFactory()
    course = published()
    course.coauthors.add(coauthor)
    for _ in range(3):
        completed(course)
    completed(published(), at=start - datetime.timedelta(days=3))

    points = hooks.contribution(start, end)

    assert points[course.author_id] == hooks.POINTS_PUBLISHED + 3 * 2
    assert points[coauthor.pk] == 3 * hooks.POINTS_COMPLETION


# --- The portfolio ------------------------------------------------------------------


def test_the_portfolio_shows_course_certificates_and_courses_written(client):
    learner = UserFactory(profile__language="en")
    certificate = completed(published(title="Дроби без страха"), learner)
    own = published(author=learner, title="Мой курс о дробях")

    sections = {section.key: items for section, items in portfolio_for(learner)}
    html = client.get(reverse("accounts:portfolio", args=[learner.username]))

    items = sections["courses"]
    assert [item.title for item in items] == ["Дроби без страха", "Мой курс о дробях"]
    assert items[0].url == certificate.get_absolute_url()
    assert certificate.number in items[0].detail
    assert items[1].url == own.get_absolute_url()
    page = html.content.decode()
    assert certificate.get_absolute_url() in page
    assert own.get_absolute_url() in page


def test_an_empty_courses_section_costs_the_portfolio_no_query():
    from django.db.models import OuterRef

    from accounts.models import Profile

    nothing, learner = UserFactory(), UserFactory()
    completed(published(), learner)

    profiles = Profile.objects.annotate(
        held=hooks.portfolio_held(OuterRef("user_id"))
    ).in_bulk([nothing.profile.pk, learner.profile.pk])

    assert profiles[nothing.profile.pk].held is False
    assert profiles[learner.profile.pk].held is True


# --- The member's data ----------------------------------------------------------------


def test_the_data_export_holds_the_members_courses(django_assert_max_num_queries):
    learner = UserFactory()
    course = published(title="Дроби без страха")
    certificate = completed(course, learner)
    review = peer_review(published(title="Второй курс"), reviewer=learner)
    own = published(author=learner, title="Мой курс")

    with django_assert_max_num_queries(8):
        exported = account_data.member_export(learner)[account_data.EXPORT_FILE]

    assert [row["course"] for row in exported["enrolments"]] == [
        "Дроби без страха",
        "Второй курс",
    ]
    assert exported["certificates"][0]["number"] == certificate.number
    assert exported["peer_reviews"][0]["comment"] == review.comment
    assert exported["courses"][0]["title"] == own.title
    assert [unit["title"] for unit in exported["courses"][0]["units"]] == [
        unit.title for unit in own.units.all()
    ]
    json.dumps(exported, default=str)  # JSON-able, as the export writes it


def test_the_account_export_zip_has_courses_json(member):
    course = published(title="Дроби")
    completed(course, member)

    assert "courses" in [source.key for source in account_data_sources()]
    archive = zipfile.ZipFile(BytesIO(accounts.account_export(user=member)))

    assert "courses.json" in archive.namelist()


def test_deleting_the_account_gives_up_the_members_places():
    learner, waiting = UserFactory(), UserFactory()
    course = published(capacity=1)
    services.enrol(course=course, user=learner)
    services.enrol(course=course, user=waiting)

    accounts.account_delete(user=learner)

    statuses = dict(
        Enrolment.objects.filter(course=course).values_list("user_id", "status")
    )
    assert statuses == {
        learner.pk: Enrolment.Status.DROPPED,
        waiting.pk: Enrolment.Status.ENROLLED,
    }


def test_the_account_export_reads_no_more_for_a_busier_member():
    quiet, busy = UserFactory(), _established()
    completed(published(title="Один курс"), quiet)
    published(author=quiet, title="Мой один курс")
    for index in range(4):
        completed(published(title=f"Курс {index}"), busy)
        published(author=busy, title=f"Мой курс {index}")

    with CaptureQueriesContext(connection) as few:
        account_data.member_export(quiet)
    with CaptureQueriesContext(connection) as many:
        account_data.member_export(busy)

    assert len(many.captured_queries) == len(few.captured_queries)
