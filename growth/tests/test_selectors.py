"""What the pages read: a plan's progress in four queries whatever the data,
gaps and their suggestions, who reaches a plan."""

import datetime
from types import SimpleNamespace

import pytest
from django.http import Http404
from django.utils import timezone

from growth import selectors, services
from growth.models import Mentorship, OwnEvidence, Plan, PlanItem
from growth.permissions import can_view_public_plan
from growth.tests.helpers import (
    make_evidence,
    make_item,
    make_member,
    make_mentor,
    make_own_evidence,
    make_plan,
    notification_kinds_registered,
    target,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _kinds(monkeypatch):
    notification_kinds_registered(monkeypatch)


@pytest.fixture
def plan_with_evidence():
    """A plan for the highest category with 55 computed pieces of evidence
    (40 course certificates, 15 accepted answers) and her own evidence."""
    plan = make_plan(code="highest")
    owner = plan.owner
    make_evidence(owner, "course_certificate", 40)
    make_evidence(owner, "answer_accepted", 15)
    confirmer = make_member()
    for _ in range(2):
        make_own_evidence(owner, competency_code="R.6", confirmed_by=confirmer)
    make_own_evidence(owner, competency_code="R.6")
    make_own_evidence(
        owner,
        competency_code="A.2",
        confirmed_by=confirmer,
        happened_on=timezone.localdate() - datetime.timedelta(days=400),
    )
    return plan


def _by_code(states):
    return {state.criterion.code: state for state in states}


def test_plan_progress_reads_four_queries_whatever_the_data(
    plan_with_evidence, django_assert_max_num_queries
):
    plan = plan_with_evidence
    for index in range(30):
        make_own_evidence(plan.owner, competency_code="B.1", title=f"Своё {index}")

    with django_assert_max_num_queries(4):
        states = selectors.plan_progress(plan)
        for state in states:
            for item in state.competencies:
                assert item.competency.code

    assert len(states) == 6


def test_plan_progress_counts_evidence_once_per_criterion(plan_with_evidence):
    states = _by_code(selectors.plan_progress(plan_with_evidence))

    # 2.1: A.2 and R.1, her own evidence only (a course certificate on any
    # topic is no evidence of assessment): her own A.2 confirmed.
    assert states["2.1"].count == 1
    competencies = {c.competency.code: c for c in states["2.1"].competencies}
    assert competencies["A.2"].count == 1
    assert competencies["R.1"].count == 0
    # 2.3: A.1, B.1 and R.2: an accepted answer counts once however many it
    # serves (B.1 and R.2); courses count for A.1 only.
    assert states["2.3"].count == 55
    competencies = {c.competency.code: c for c in states["2.3"].competencies}
    assert (competencies["A.1"].count, competencies["B.1"].count) == (40, 15)
    assert competencies["R.2"].count == 15
    # 2.5: R.6, her own only: two confirmed, one waiting.
    assert states["2.5"].count == 2
    (r6,) = states["2.5"].competencies
    assert (r6.count, r6.unconfirmed) == (2, 1)
    assert not states["2.5"].is_gap
    # 2.4: nothing yet.
    assert states["2.4"].count == 0
    assert states["2.4"].is_gap
    assert states["2.4"].latest is None


def test_the_latest_date_is_the_newest_evidence(plan_with_evidence):
    states = _by_code(selectors.plan_progress(plan_with_evidence))

    latest = states["2.3"].latest
    assert latest is not None
    assert timezone.now() - latest < datetime.timedelta(days=2)
    own = timezone.localdate() - datetime.timedelta(days=400)
    assert timezone.localtime(states["2.1"].latest).date() == own
    r6 = states["2.5"].competencies[0]
    assert r6.latest.date() == timezone.localdate() - datetime.timedelta(days=30)


def test_gap_suggestions_by_tag_leave_out_what_is_planned(
    plan_with_evidence, monkeypatch
):
    plan = plan_with_evidence
    make_item(
        plan,
        "Уже в плане",
        kind=PlanItem.Kind.COURSE,
        object_key="courses.course:1",
    )
    asked = {}

    def suggest(tags, subject_ids, user, limit_per_source, exclude_keys=()):
        asked.update(
            tags=tags, subjects=subject_ids, user=user, exclude=set(exclude_keys)
        )
        return [
            SimpleNamespace(
                kind="course",
                object_key="courses.course:1",
                title="Планированный",
                url="/c/1/",
                tags=("экспертиза",),
                detail="",
            ),
            SimpleNamespace(
                kind="course",
                object_key="courses.course:2",
                title="Экспертиза материалов",
                url="/c/2/",
                tags=("Экспертиза",),
                detail="",
            ),
            SimpleNamespace(
                kind="community",
                object_key="circles.community:3",
                title="Авторы программ",
                url="/k/3/",
                tags=("программа",),
                detail="",
            ),
        ]

    monkeypatch.setattr("growth.selectors._suggestions_for", suggest)

    found = selectors.gaps_suggestions(plan, selectors.plan_progress(plan))

    # The gaps: 2.1 and 2.2 (her own evidence only), 2.4.
    assert set(found) == {"A.2", "A.4", "R.1", "R.3", "R.4"}
    assert {code for code, items in found.items() if items} == {"R.3", "R.4"}
    assert [s.object_key for s in found["R.3"]] == ["courses.course:2"]
    assert [s.object_key for s in found["R.4"]] == ["circles.community:3"]
    assert "экспертиза" in asked["tags"]
    assert "программа" in asked["tags"]
    # What is planned is left out by the sources' own query.
    assert asked["exclude"] == {"courses.course:1"}
    assert asked["subjects"] == list(
        plan.owner.profile.subjects.values_list("pk", flat=True)
    )


def test_no_gaps_no_suggestions(monkeypatch):
    plan = make_plan(code="first")
    make_evidence(plan.owner, "course_certificate", 5)
    make_evidence(plan.owner, "review_written", 5)
    make_evidence(plan.owner, "badge", 5)
    make_evidence(plan.owner, "answer_accepted", 5)
    confirmer = make_member()
    for code in ("A.2", "A.4", "A.2", "A.4"):
        make_own_evidence(plan.owner, competency_code=code, confirmed_by=confirmer)
    monkeypatch.setattr(
        "growth.selectors._suggestions_for",
        lambda *a, **k: pytest.fail("not asked"),
    )

    assert selectors.gaps_suggestions(plan, selectors.plan_progress(plan)) == {}


def test_plan_for_the_owner_and_her_active_mentor_only():
    plan = make_plan()
    invited = make_mentor(plan, accept=False)

    assert selectors.plan_for(plan.owner, plan.pk) == plan
    with pytest.raises(Http404):
        selectors.plan_for(invited.mentor, plan.pk)
    services.mentor_answer(invited, actor=invited.mentor, accept=True)
    assert selectors.plan_for(invited.mentor, plan.pk) == plan
    with pytest.raises(Http404):
        selectors.plan_for(make_member(), plan.pk)
    with pytest.raises(Http404):
        selectors.plan_for(plan.owner, plan.pk + 1000)


def test_a_public_plan_opens_to_others_when_asked_while_its_owner_is_not_banned():
    from community.sanctions import FOREVER

    plan = make_plan()
    stranger = make_member()
    Plan.objects.filter(pk=plan.pk).update(visibility=Plan.Visibility.PUBLIC)

    assert selectors.plan_for(stranger, plan.pk, public=True).pk == plan.pk
    with pytest.raises(Http404):
        selectors.plan_for(stranger, plan.pk)

    plan.owner.restricted_until = FOREVER
    plan.owner.save(update_fields=["restricted_until"])
    with pytest.raises(Http404):
        selectors.plan_for(stranger, plan.pk, public=True)


def test_a_private_plan_is_not_public():
    plan = make_plan()
    assert not can_view_public_plan(make_member(), plan)


def test_plans_of_lists_active_plans_first():
    owner = make_member()
    closed = make_plan(owner, "first")
    services.plan_close(closed, actor=owner)
    active = make_plan(owner, "mentor")

    assert list(selectors.plans_of(owner)) == [active, closed]


def test_plans_mentored_lists_invitations_and_mentoring_of_active_plans(
    django_assert_max_num_queries,
):
    mentor = make_member()
    invited = make_mentor(make_plan(), mentor, accept=False)
    active = make_mentor(make_plan(), mentor)
    ended_plan = make_plan()
    make_mentor(ended_plan, mentor)
    services.plan_close(ended_plan, actor=ended_plan.owner)

    with django_assert_max_num_queries(1):
        rows = list(selectors.plans_mentored(mentor))
        names = [row.plan.owner.profile.display_name for row in rows]

    assert {row.pk for row in rows} == {invited.pk, active.pk}
    assert len(names) == 2
    assert {row.status for row in rows} == {
        Mentorship.Status.INVITED,
        Mentorship.Status.ACTIVE,
    }


def test_targets_current_with_their_criteria(django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        targets = selectors.targets_current()
        codes = {
            t.code: [c.code for c in t.criteria.all()]
            for t in targets
            if all(list(c.competencies.all()) for c in t.criteria.all())
        }

    assert set(codes) == {"first", "highest", "methodist", "mentor"}
    assert codes["highest"][0] == "2.1"
    assert selectors.current_version().is_current
    assert target("highest") in targets


def test_her_evidence_lists_are_hers():
    owner = make_member()
    make_evidence(owner, count=3)
    make_evidence(make_member(), count=2)
    make_own_evidence(owner)

    assert selectors.evidence_of(owner).count() == 3
    assert selectors.own_evidence_of(owner).count() == 1
    assert OwnEvidence.objects.count() == 1
