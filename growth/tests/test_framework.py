"""Frameworks as data: version 1 as the migration loads it, the loader run
again changing nothing, a version copied as a new one and made current while
the plans made before keep theirs."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Count

from accounts.tests.factories import UserFactory
from community.attainments import attainment_source
from community.models import AuditEntry
from growth.framework_data import framework_load, framework_read
from growth.models import Competency, Criterion, FrameworkVersion, Plan, Target
from growth.services.framework import (
    AUDIT_COPY,
    AUDIT_CURRENT,
    framework_version_copy,
    framework_version_make_current,
)
from growth.tests.helpers import make_item, make_member, make_plan

pytestmark = pytest.mark.django_db


def _version(number: int = 1) -> FrameworkVersion:
    return FrameworkVersion.objects.get(number=number)


def _shape(version: FrameworkVersion) -> dict:
    """What a version holds, by codes: comparable across versions."""
    return {
        "competencies": sorted(
            version.competencies.values_list(
                "code", "function", "title", "description", "order"
            )
        ),
        "kinds": {
            competency.code: (competency.evidence_kinds, competency.suggestion_tags)
            for competency in version.competencies.all()
        },
        "targets": sorted(version.targets.values_list("code", "title", "order")),
        "criteria": sorted(
            (
                criterion.target.code,
                criterion.code,
                criterion.title,
                criterion.min_evidence,
                tuple(sorted(c.code for c in criterion.competencies.all())),
            )
            for criterion in Criterion.objects.filter(target__version=version)
            .select_related("target")
            .prefetch_related("competencies")
        ),
    }


def _load(*args: str) -> str:
    out = io.StringIO()
    call_command("framework_load", *args, stdout=out)
    return out.getvalue()


# --- Version 1, as the migration loads it ------------------------------------------


def test_the_migration_loaded_version_1_with_4_targets_and_12_competencies():
    version = FrameworkVersion.objects.get(is_current=True)

    assert version.number == 1
    assert version.competencies.count() == 12
    assert sorted(version.targets.values_list("code", flat=True)) == sorted(
        Target.Code.values
    )
    assert not version.targets.annotate(n=Count("criteria")).filter(n=0).exists()
    # A criterion counts competencies of its own version, at least one.
    criteria = Criterion.objects.filter(target__version=version)
    assert criteria.exists()
    assert not criteria.annotate(n=Count("competencies")).filter(n=0).exists()
    assert not criteria.exclude(competencies__version=version).exists()


def test_every_competency_of_version_1_counts_toward_some_criterion():
    unused = _version().competencies.annotate(n=Count("criteria")).filter(n=0)

    assert list(unused.values_list("code", flat=True)) == []


def test_every_kind_of_evidence_in_version_1_is_a_registered_source():
    kinds = {
        kind
        for competency in _version().competencies.all()
        for kind in competency.evidence_kinds
    }

    assert kinds
    assert {kind for kind in kinds if attainment_source(kind) is None} == set()


def test_version_1_counts_evidence_only_where_it_shows_the_competency():
    """A course certificate on any topic is evidence of teaching lessons (A.1)
    and of professional development (P.1), not of assessment, upbringing,
    development or students' results: those count her own evidence only."""
    kinds = dict(_version().competencies.values_list("code", "evidence_kinds"))

    for code in ("A.2", "A.3", "A.4", "R.1", "R.6"):
        assert kinds[code] == [], code
    assert kinds["A.1"] == [
        "course_certificate", "masterclass_certificate", "material_recommended",
    ]  # fmt: skip
    assert kinds["B.1"] == ["material_recommended", "answer_accepted"]
    assert kinds["P.1"] == ["course_certificate", "masterclass_certificate", "badge"]
    assert {code for code, keys in kinds.items() if "course_certificate" in keys} == {
        "A.1",
        "P.1",
    }
    # Expert reviews, of materials and of courses alike.
    assert kinds["R.3"] == [
        "review_written", "course_review_written", "community_moderated",
    ]  # fmt: skip


# --- The loader ----------------------------------------------------------------------


def test_loading_version_1_again_changes_nothing():
    before = _shape(_version())
    rows = (
        Competency.objects.count(),
        Target.objects.count(),
        Criterion.objects.count(),
    )

    said = _load("1")
    again = framework_load(framework_read(1))

    assert "уже загружена" in said
    assert again == _version()
    assert _shape(_version()) == before
    assert (
        Competency.objects.count(),
        Target.objects.count(),
        Criterion.objects.count(),
    ) == rows
    assert FrameworkVersion.objects.count() == 1


def test_the_loader_brings_a_deleted_version_back_as_the_migration_did():
    before = _shape(_version())
    _version().delete()

    said = _load("1")

    version = _version()
    assert "12" in said
    assert "4" in said
    assert version.is_current
    assert _shape(version) == before
    assert _load("1")
    assert FrameworkVersion.objects.count() == 1


def test_the_loader_may_leave_the_current_version_as_it_is():
    copy = framework_version_copy(_version(), actor=None)
    framework_version_make_current(copy)
    _version().delete()

    _load("1", "--not-current")

    assert FrameworkVersion.objects.get(is_current=True) == copy
    assert not _version().is_current


def test_the_loader_refuses_a_file_that_is_not_there():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="Нет файла"):
        _load("99")


# --- A copy as a new version ---------------------------------------------------------


def test_a_copy_is_a_new_version_holding_the_same_framework():
    admin = UserFactory(is_staff=True, is_superuser=True)
    version = _version()

    copy = framework_version_copy(version, actor=admin)

    assert copy.number == 2
    assert not copy.is_current
    assert _version().is_current
    assert _shape(copy) == _shape(version)
    # Its criteria count the copy's competencies, never the old ones.
    criteria = Criterion.objects.filter(target__version=copy)
    assert not criteria.exclude(competencies__version=copy).exists()
    assert set(Competency.objects.filter(criteria__target__version=copy)) <= set(
        copy.competencies.all()
    )
    entry = AuditEntry.objects.get(action=AUDIT_COPY)
    assert (entry.actor, entry.target_id) == (admin, copy.pk)


def test_copies_are_numbered_one_after_another_in_a_fixed_number_of_queries():
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = FrameworkVersion.objects.create(number=7, title="Малая")
    competency = Competency.objects.create(version=small, code="A", title="Урок")
    target = Target.objects.create(version=small, code="first", title="Первая")
    Criterion.objects.create(target=target, code="1", title="Уроки").competencies.add(
        competency
    )

    ContentType.objects.get_for_model(FrameworkVersion)  # cached, as in a process
    with CaptureQueriesContext(connection) as few:
        eighth = framework_version_copy(small, actor=None)
    first = _version()
    with CaptureQueriesContext(connection) as many:
        ninth = framework_version_copy(first, actor=None)

    assert (eighth.number, ninth.number) == (8, 9)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_copy_keeps_the_old_plans_on_their_version():
    plan = make_plan()
    item = make_item(plan, competency=plan.target.version.competencies.first())
    old = _version()

    copy = framework_version_copy(old, actor=None)
    framework_version_make_current(copy)

    plan.refresh_from_db()
    item.refresh_from_db()
    assert plan.target.version == old
    assert item.competency.version == old
    newcomer = make_plan(make_member())
    assert newcomer.target.version == copy
    assert newcomer.target.code == plan.target.code


# --- The current version -------------------------------------------------------------


def test_a_plan_keeps_its_version_after_the_current_one_changes():
    plan = make_plan()
    old = plan.target.version
    criteria = list(plan.target.criteria.values_list("pk", flat=True))

    copy = framework_version_copy(old, actor=None)
    framework_version_make_current(copy, actor=UserFactory(is_staff=True))
    # The copy is edited: the old plan does not see it.
    Criterion.objects.filter(target__version=copy).update(title="Другое")

    plan = Plan.objects.select_related("target__version").get(pk=plan.pk)
    assert plan.target.version == old
    assert list(plan.target.criteria.values_list("pk", flat=True)) == criteria
    assert not plan.target.criteria.filter(title="Другое").exists()
    assert FrameworkVersion.objects.get(is_current=True) == copy
    assert AuditEntry.objects.filter(action=AUDIT_CURRENT, target_id=copy.pk).exists()


def test_one_version_is_current_whichever_is_made_so():
    copy = framework_version_copy(_version(), actor=None)

    framework_version_make_current(copy)
    framework_version_make_current(copy)  # again: nothing more
    framework_version_make_current(_version())

    assert list(FrameworkVersion.objects.filter(is_current=True)) == [_version()]


def test_a_version_without_criteria_cannot_be_current():
    empty = FrameworkVersion.objects.create(number=5, title="Пустая")

    with pytest.raises(ValidationError):
        framework_version_make_current(empty)

    assert _version().is_current
    assert not AuditEntry.objects.filter(action=AUDIT_CURRENT).exists()
