"""The gaps page: per competency of the plan's target, the evidence counted
and the latest; for the thin ones, courses, master-classes and communities
in her subjects tagged for them, each with «Добавить в план».

Her own plan and her mentor's view of it (suggestions without the button);
a 404 to anyone else, a public plan's readers too.
"""

import pytest
from django.urls import reverse

from circles.tests.factories import CommunityFactory
from community.models import Subject
from courses.tests.authoring_helpers import course_published
from growth.models import Plan
from growth.tests.helpers import (
    make_evidence,
    make_item,
    make_member,
    make_mentor,
    make_own_evidence,
    make_plan,
    notification_kinds_registered,
)
from masterclasses.tests.factories import MasterClassFactory

pytestmark = pytest.mark.django_db

MANY = 55
# A page's budget: 10 queries, besides the session, the member and their
# unread counts.
BUDGET = 13


@pytest.fixture(autouse=True)
def _kinds(monkeypatch):
    notification_kinds_registered(monkeypatch)


def _login(client, user=None):
    user = user or make_member()
    client.force_login(user)
    return user


def _course(title="Оценивание без стресса", tags=("оценивание",), **fields):
    return course_published(title=title, tags=list(tags), **fields)


def _row(response, code):
    return next(
        row for row in response.context["rows"] if row["state"].competency.code == code
    )


def test_gaps_show_each_competency_with_its_count_and_latest(client):
    owner = _login(client)
    plan = make_plan(owner)
    rows = make_evidence(owner, "course_certificate", count=2)

    response = client.get(reverse("growth:gaps", args=[plan.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    codes = [row["state"].competency.code for row in response.context["rows"]]
    assert len(codes) == len(set(codes))
    assert {"A.1", "A.2", "P.1", "R.6"} <= set(codes)
    a1 = _row(response, "A.1")
    assert a1["state"].count == 2
    assert a1["state"].latest == max(row.occurred_at for row in rows)
    # Assessment counts only her own evidence: a certificate on any topic
    # is not evidence of it.
    assert _row(response, "A.2")["state"].count == 0
    assert _row(response, "R.6")["state"].count == 0
    assert _row(response, "R.6")["is_gap"]
    assert a1["state"].competency.title in page


def test_gaps_suggest_courses_in_her_subjects_with_an_add_button(client):
    owner = _login(client)
    plan = make_plan(owner)
    course = _course()
    elsewhere = _course(
        title="Оценивание в химии", subject=Subject.objects.get(slug="chemistry")
    )
    untagged = _course(title="Дроби", tags=("дроби",))

    response = client.get(reverse("growth:gaps", args=[plan.pk]))

    page = response.content.decode()
    suggested = [s.object_key for s in _row(response, "A.2")["suggestions"]]
    assert f"courses.course:{course.pk}" in suggested
    assert f"courses.course:{elsewhere.pk}" not in suggested
    assert f"courses.course:{untagged.pk}" not in suggested
    assert course.get_absolute_url() in page
    assert reverse("growth:item_add", args=[plan.pk]) in page
    assert f'value="courses.course:{course.pk}"' in page
    assert 'name="back" value="gaps"' in page


def test_a_suggestion_added_goes_into_the_plan_and_off_the_list(client):
    owner = _login(client)
    plan = make_plan(owner)
    course = _course()
    key = f"courses.course:{course.pk}"

    added = client.post(
        reverse("growth:item_add", args=[plan.pk]),
        {
            "kind": "course",
            "title": course.title,
            "url": course.get_absolute_url(),
            "object_key": key,
            "competency": "A.2",
            "back": "gaps",
        },
        follow=True,
    )

    assert added.status_code == 200
    assert plan.items.get().object_key == key
    assert key not in [s.object_key for s in _row(added, "A.2")["suggestions"]]


def test_gaps_suggest_master_classes_and_communities_too(client):
    owner = _login(client)
    plan = make_plan(owner)
    masterclass = MasterClassFactory(title="Оценивание на уроке: приёмы")
    masterclass.tags.add("оценивание")
    community = CommunityFactory(name="Оцениваем вместе")
    community.tags.add("оценивание")

    response = client.get(reverse("growth:gaps", args=[plan.pk]))

    kinds = {s.kind: s.object_key for s in _row(response, "A.2")["suggestions"]}
    assert kinds["masterclass"] == f"masterclasses.masterclass:{masterclass.pk}"
    assert kinds["community"] == f"circles.community:{community.pk}"


def test_a_competency_with_enough_evidence_gets_no_suggestions(client):
    owner = _login(client)
    plan = make_plan(owner)
    _course(tags=("повышение квалификации",))
    make_evidence(owner, "course_certificate", count=3)

    response = client.get(reverse("growth:gaps", args=[plan.pk]))

    assert not _row(response, "P.1")["is_gap"]
    assert _row(response, "P.1")["suggestions"] == []


def test_a_gap_without_suggestions_offers_her_own_step(client):
    owner = _login(client)
    plan = make_plan(owner)

    response = client.get(reverse("growth:gaps", args=[plan.pk]))

    assert reverse("growth:item_add", args=[plan.pk]) + "?competency=R.6" in (
        response.content.decode()
    )


def test_the_mentor_sees_the_gaps_without_the_add_button(client):
    plan = make_plan()
    _course()
    mentorship = make_mentor(plan)
    _login(client, mentorship.mentor)

    response = client.get(reverse("growth:gaps", args=[plan.pk]))

    assert response.status_code == 200
    assert _row(response, "A.2")["suggestions"]
    assert reverse("growth:item_add", args=[plan.pk]) not in response.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "stranger"])
def test_gaps_are_a_404_to_others_even_on_a_public_plan(client, who):
    plan = make_plan(visibility=Plan.Visibility.PUBLIC)
    if who == "stranger":
        _login(client)

    response = client.get(reverse("growth:gaps", args=[plan.pk]))

    assert response.status_code == (404 if who == "stranger" else 302)


def _open_course(*tags):
    """A published self-paced course in mathematics (a row: fast for many)."""
    from courses.tests.community_helpers import course_row

    course = course_row()
    course.tags.add(*tags)
    return course


def _keys(response, code) -> list[str]:
    return [s.object_key for s in _row(response, code)["suggestions"]]


def test_a_thin_competency_gets_its_courses_however_many_newer_others_have(
    client, django_assert_max_num_queries
):
    owner = _login(client)
    plan = make_plan(owner)
    older = _open_course("оценивание")  # A.2, assessment
    for _index in range(MANY):
        _open_course("урок")  # A.1, newer
    url = reverse("growth:gaps", args=[plan.pk])
    client.get(url)  # the content types of the tagged models, cached

    with django_assert_max_num_queries(BUDGET):
        response = client.get(url)

    assert _row(response, "A.2")["is_gap"]
    assert _keys(response, "A.2") == [f"courses.course:{older.pk}"]
    assert len(_keys(response, "A.1")) == 6


def test_what_is_planned_leaves_room_for_the_rest(client):
    owner = _login(client)
    plan = make_plan(owner)
    courses = [_open_course("оценивание") for _index in range(13)]
    # She added the twelve newest to her plan.
    for course in courses[1:]:
        make_item(
            plan, course.title, kind="course", url=course.get_absolute_url(),
            object_key=f"courses.course:{course.pk}",
        )  # fmt: skip

    response = client.get(reverse("growth:gaps", args=[plan.pk]))

    assert _keys(response, "A.2") == [f"courses.course:{courses[0].pk}"]


def test_gaps_keep_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    """The page asks the plan, its progress (four queries) and the three
    suggestion sources, whatever her evidence and items."""
    owner = _login(client)
    plan = make_plan(owner)
    # R.6 (professional contests) counts no evidence of Kollegi's: a gap.
    for index in range(2):
        _course(title=f"Конкурс {index}", tags=("конкурс",))
        MasterClassFactory().tags.add("конкурс", "урок")
        CommunityFactory().tags.add("конкурс")
    for source in ("course_certificate", "masterclass_certificate", "badge"):
        make_evidence(owner, source, count=MANY)
    for index in range(MANY):
        make_item(plan, f"Шаг {index}")
    make_own_evidence(owner)
    url = reverse("growth:gaps", args=[plan.pk])
    client.get(url)  # the content types of the tagged models, cached

    with django_assert_max_num_queries(BUDGET):
        response = client.get(url)

    assert response.status_code == 200
    kinds = {s.kind for s in _row(response, "R.6")["suggestions"]}
    assert kinds == {"course", "masterclass", "community"}
