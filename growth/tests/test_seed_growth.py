"""seed_demo's «Мой путь»: the demo teacher's plan toward the highest
category, half done, with evidence gathered from the demo, her own evidence
(one piece confirmed by her mentor) and suggestions for her gaps."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape
from taggit.models import TaggedItem

from community.management.commands.seed_demo import (
    GROWTH_COMMENT,
    GROWTH_ITEMS,
    GROWTH_MENTOR,
    GROWTH_OWN_EVIDENCE,
    GROWTH_OWNER,
    GROWTH_TAGS,
)
from growth import selectors
from growth.models import (
    Evidence,
    Mentorship,
    OwnEvidence,
    Plan,
    PlanComment,
    PlanEvent,
    PlanItem,
)
from materials.models import Review, ReviewAssignment

pytestmark = pytest.mark.django_db


def seed() -> None:
    call_command("seed_demo", stdout=io.StringIO())


def sizes() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (
            Plan,
            PlanItem,
            Mentorship,
            PlanComment,
            PlanEvent,
            OwnEvidence,
            Evidence,
            Review,
            ReviewAssignment,
            TaggedItem,
        )
    )


def demo_plan() -> Plan:
    return Plan.objects.select_related("owner", "target").get(owner__email=GROWTH_OWNER)


def test_seed_demo_makes_the_demo_teachers_plan_once_half_done_with_a_mentor():
    seed()
    first = sizes()
    evidence = set(Evidence.objects.values_list("owner_id", "source", "key"))
    seed()

    assert sizes() == first
    assert set(Evidence.objects.values_list("owner_id", "source", "key")) == evidence
    plan = demo_plan()
    assert plan.target.code == "highest"
    assert plan.target.version.is_current
    assert plan.status == Plan.Status.ACTIVE
    assert plan.visibility == Plan.Visibility.PRIVATE
    assert plan.starts_on < plan.created_at.date() < plan.ends_on
    # Half done, each with a due date and a competency.
    assert plan.items_count == len(GROWTH_ITEMS) == plan.items.count()
    assert plan.items_done == sum(row[-1] for row in GROWTH_ITEMS) == 3
    items = list(plan.items.all())
    assert all(item.due_on and item.competency_id for item in items)
    assert {item.kind for item in items} >= {"course", "masterclass", "community"}
    # Things of the site carry their address and their key.
    for item in items:
        if item.kind in ("course", "masterclass", "community"):
            assert item.url.startswith("/")
            assert item.object_key
    # Her mentor, another demo member, accepted, and commented.
    mentorship = Mentorship.objects.get(plan=plan)
    assert mentorship.status == Mentorship.Status.ACTIVE
    assert mentorship.mentor.email == GROWTH_MENTOR
    comment = PlanComment.objects.get(plan=plan)
    assert comment.author == mentorship.mentor
    assert comment.body == GROWTH_COMMENT
    assert comment.body_html
    assert PlanEvent.objects.filter(
        plan=plan, by_mentor=True, action=PlanEvent.Action.EVIDENCE_CONFIRMED
    ).exists()


def test_seed_demo_gives_her_own_evidence_one_confirmed_one_not():
    seed()

    plan = demo_plan()
    own = {row.title: row for row in OwnEvidence.objects.filter(owner=plan.owner)}
    assert len(own) == len(GROWTH_OWN_EVIDENCE)
    for _kind, title, *_rest, attached, confirmed in GROWTH_OWN_EVIDENCE:
        row = own[title]
        assert row.competency_code
        if confirmed:
            assert row.status == OwnEvidence.Status.CONFIRMED
            assert row.confirmed_by.email == GROWTH_MENTOR
        else:
            assert row.status == OwnEvidence.Status.UNCONFIRMED
            assert row.confirmed_by is None
        if attached is not None:
            assert row.file_name == attached[0]
            assert row.file
        else:
            assert row.link.startswith("https://")


def test_seed_demo_gathers_her_evidence_from_the_demo():
    seed()

    plan = demo_plan()
    sources = set(
        Evidence.objects.filter(owner=plan.owner).values_list("source", flat=True)
    )
    assert {
        "masterclass_certificate",
        "course_certificate",
        "material_recommended",
        "review_written",
        "community_moderated",
        "badge",
    } <= sources
    # The certificates carry what verifies them.
    for row in Evidence.objects.filter(
        owner=plan.owner, source__in=["masterclass_certificate", "course_certificate"]
    ):
        assert row.code
        assert row.verify_url


def test_seed_demo_plan_has_gaps_with_suggestions_and_criteria_met():
    seed()

    plan = demo_plan()
    states = selectors.plan_progress(plan)
    gaps = [state for state in states if state.is_gap]
    assert gaps
    assert len(gaps) < len(states)
    suggestions = selectors.gaps_suggestions(plan, states)
    offered = [item for found in suggestions.values() for item in found]
    assert offered
    titles = {row[1] for row in GROWTH_TAGS}
    assert {item.title for item in offered} <= titles | {
        item.title for item in offered if item.kind == "course"
    }
    planned = set(
        plan.items.exclude(object_key="").values_list("object_key", flat=True)
    )
    assert not planned & {item.object_key for item in offered}


def test_seed_demo_tags_things_with_the_frameworks_suggestion_tags():
    from growth.models import Competency

    seed()

    wanted = {
        tag.lower()
        for tags in Competency.objects.filter(version__is_current=True).values_list(
            "suggestion_tags", flat=True
        )
        for tag in tags
    }
    for _kind, _title, tags in GROWTH_TAGS:
        assert {tag.lower() for tag in tags} <= wanted


def test_seed_demo_plan_pages_open_for_her_and_her_mentor(client):
    seed()

    plan = demo_plan()
    mentor = Mentorship.objects.get(plan=plan).mentor
    client.force_login(plan.owner)
    for name in ("plan", "gaps", "evidence", "portfolio", "history", "mentor"):
        response = client.get(reverse(f"growth:{name}", args=[plan.pk]))
        assert response.status_code == 200, name
    page = client.get(plan.get_absolute_url()).content.decode()
    for _kind, title, *_rest in GROWTH_ITEMS:
        assert escape(title) in page
    page = client.get(reverse("growth:mentor", args=[plan.pk])).content.decode()
    assert escape(GROWTH_COMMENT[:40]) in page
    pdf = client.get(reverse("growth:portfolio_pdf", args=[plan.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    client.force_login(mentor)
    for name in ("plan", "evidence", "portfolio"):
        response = client.get(reverse(f"growth:{name}", args=[plan.pk]))
        assert response.status_code == 200, name
