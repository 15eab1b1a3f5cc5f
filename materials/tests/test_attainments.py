"""The library as evidence of growth: materials recommended by experts and
expert reviews written (a count, naming no material): what counts, what is
left out, in a fixed number of queries, and who is told when they change
(through the services: ``materials.changes``)."""

import datetime

import pytest
from django.utils import timezone

from accounts import services as accounts
from accounts.tests.factories import UserFactory
from community import attainments
from community.models import Subject
from community.registry import Registry
from materials import services
from materials.models import (
    Licence,
    Material,
    MaterialVersion,
    Review,
    ReviewAssignment,
    ReviewRound,
)
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()
ALL_FIVES = {
    "accuracy": 5,
    "methodology": 5,
    "structure": 4,
    "usefulness": 5,
    "design": 5,
}


def _items(key, user):
    return attainments.attainment_source(key).items(user)


@pytest.fixture
def heard(monkeypatch):
    """Only the test listens."""
    told = []
    monkeypatch.setattr(attainments, "_listeners", Registry())
    attainments.attainments_listen("test", told.append)
    return told


def _material(author=None, **fields) -> Material:
    """A published material as a row (no files: lists of many)."""
    values = {
        "title": "Дроби в 5 классе",
        "summary": "Конспект урока.",
        "subject": Subject.objects.get(slug="mathematics"),
        "kind": Material.Kind.LESSON_PLAN,
        "licence": Licence.CC_BY,
        "status": Material.Status.PUBLISHED,
        "published_at": NOW,
    }
    values.update(fields)
    return Material.objects.create(author=author or UserFactory(), **values)


def _reviewed(material, reviewer=None, *, decided_at=NOW, recommend=True) -> Review:
    """A round decided on ``material`` with one expert's review."""
    version = MaterialVersion.objects.create(
        material=material, number=material.review_rounds.count() + 1
    )
    decision = (
        ReviewRound.Decision.RECOMMEND if recommend else ReviewRound.Decision.REJECT
    )
    round_ = ReviewRound.objects.create(
        material=material,
        version=version,
        status=ReviewRound.Status.DECIDED,
        decision=decision,
        decided_at=decided_at,
    )
    assignment = ReviewAssignment.objects.create(
        round=round_,
        reviewer=reviewer or UserFactory(),
        status=ReviewAssignment.Status.SUBMITTED,
        due_at=decided_at,
    )
    return Review.objects.create(
        assignment=assignment,
        accuracy=5,
        methodology=5,
        structure=4,
        usefulness=5,
        design=4,
        recommendation=decision,
        summary="Полезный материал.",
    )


def _recommended(author, decided_at=NOW, **fields) -> Material:
    material = _material(author, review_status=Material.Review.RECOMMENDED, **fields)
    _reviewed(material, decided_at=decided_at)
    return material


# --- Recommended ---------------------------------------------------------------------


def test_her_recommended_materials_latest_recommendation_first(
    member, django_assert_max_num_queries
):
    for days in range(55):
        _recommended(member, NOW - datetime.timedelta(days=days + 1))
    latest = _recommended(member, NOW)
    _reviewed(latest, decided_at=NOW - datetime.timedelta(days=400), recommend=False)
    _material(member)  # never reviewed
    _material(member, review_status=Material.Review.REJECTED)
    _recommended(member, status=Material.Status.DRAFT)
    hidden = _recommended(member)
    services.material_hide_by_reports(material=hidden)
    _recommended(UserFactory())  # a colleague's

    with django_assert_max_num_queries(1):
        found = _items("material_recommended", member)

    assert len(found) == 56
    assert found[0].key == str(latest.pk)
    assert found[0].occurred_at == NOW
    assert found[0].url == latest.get_absolute_url()
    assert found[0].title == latest.title
    assert str(hidden.pk) not in {item.key for item in found}


# --- Reviews written -----------------------------------------------------------------


def test_reviews_she_wrote_are_a_count_naming_no_material(
    member, django_assert_max_num_queries
):
    for _index in range(52):
        _reviewed(_material(), member)
    hidden_review = _reviewed(_material(), member)
    services.review_hide_by_reports(review=hidden_review)
    hidden_material = _material()
    _reviewed(hidden_material, member)
    services.material_hide_by_reports(material=hidden_material)
    _reviewed(_material(status=Material.Status.DRAFT), member)
    _reviewed(_material())  # a colleague's

    with django_assert_max_num_queries(1):
        found = _items("review_written", member)

    assert len(found) == 52
    assert attainments.attainment_source("review_written").as_count is True
    titles = {item.title for item in found}
    assert len(titles) == 1
    assert "Дроби" not in titles.pop()
    assert {item.url for item in found} == {""}


# --- Who is told (``materials.changes``) ----------------------------------------------


def _expert():
    user = UserFactory()
    user.profile.subjects.set([Subject.objects.get(slug="mathematics")])
    return accounts.user_grant_role(user=user, role=accounts.EXPERTS)


def _write(assignment, recommendation="recommend"):
    return services.review_write(
        assignment=assignment,
        reviewer=assignment.reviewer,
        scores=ALL_FIVES,
        comments={},
        recommendation=recommendation,
        summary="Годится",
    )


def test_a_review_written_is_told_for_its_expert_and_the_recommendation_for_the_author(
    heard, member, django_capture_on_commit_callbacks
):
    first, second = _expert(), _expert()
    with django_capture_on_commit_callbacks(execute=True):
        material = MaterialFactory(author=member)
        round_ = services.review_request(material=material, author=member)
        _write(services.review_take(round_=round_, reviewer=first))
    assert heard[0] == [first.pk]
    heard.clear()

    with django_capture_on_commit_callbacks(execute=True):
        _write(services.review_take(round_=round_, reviewer=second))

    # The second review decides: the author's material is recommended.
    assert heard[0] == sorted([member.pk, second.pk])
    assert [item.key for item in _items("material_recommended", member)] == [
        str(material.pk)
    ]
    assert len(_items("review_written", second)) == 1


def test_a_moderator_s_decision_is_told_for_the_author_only(
    heard, member, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        material = MaterialFactory(author=member)
        round_ = services.review_request(material=material, author=member)
    heard.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.review_decide(round_=round_, moderator=moderator, decision="recommend")

    assert heard[0] == [member.pk]
    assert len(_items("material_recommended", member)) == 1


def test_hiding_a_review_or_its_material_is_told(
    heard, member, moderator, django_capture_on_commit_callbacks
):
    author = UserFactory()
    material = _recommended(author)
    review = _reviewed(material, member)

    with django_capture_on_commit_callbacks(execute=True):
        services.review_hide_by_reports(review=review)
    assert heard == [[member.pk]]
    assert _items("review_written", member) == []

    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.material_hide(material=material, moderator=moderator, reason="Спам")
    assert sorted(heard[0]) == sorted({member.pk, author.pk, *_reviewers(material)})
    assert _items("material_recommended", author) == []


def test_a_recommended_material_retitled_taken_back_or_deleted_is_told(
    heard, member, django_capture_on_commit_callbacks
):
    material = _recommended(member, rights_confirmed=True)
    reviewer = _reviewers(material)[0]

    with django_capture_on_commit_callbacks(execute=True):
        services.material_update(material=material, editor=member, title="Дроби 2.0")
    assert heard == [[member.pk]]
    assert _items("material_recommended", member)[0].title == "Дроби 2.0"

    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.material_unpublish(material=material, actor=member)
    assert heard == [sorted([member.pk, reviewer])]

    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.material_publish(material=material, actor=member)
    assert heard[0] == sorted([member.pk, reviewer])

    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.material_delete(material=material, actor=member)
    assert heard == [sorted([member.pk, reviewer])]
    assert _items("material_recommended", member) == []
    assert _items("review_written", reviewer) == []


def test_a_material_never_reviewed_is_told_to_nobody(
    heard, member, django_capture_on_commit_callbacks
):
    material = MaterialFactory(author=member)

    with django_capture_on_commit_callbacks(execute=True):
        services.material_update(material=material, editor=member, title="Дроби")

    assert heard == []


def _reviewers(material) -> list[int]:
    return list(
        ReviewAssignment.objects.filter(round__material=material).values_list(
            "reviewer_id", flat=True
        )
    )
