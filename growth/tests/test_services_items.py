"""A plan's items: added by the owner only, once per site object, counts
kept, done and undone idempotently, every change in the history."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from community.sanctions import ParticipationRestricted
from growth import services
from growth.models import Competency, FrameworkVersion, PlanEvent, PlanItem
from growth.tests.helpers import (
    fresh,
    make_item,
    make_member,
    make_mentor,
    make_plan,
    make_restricted,
    notification_kinds_registered,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _kinds(monkeypatch):
    notification_kinds_registered(monkeypatch)


def _actions(plan) -> list[str]:
    return list(
        PlanEvent.objects.filter(plan=plan)
        .order_by("created_at", "pk")
        .values_list("action", flat=True)
    )


def test_items_are_added_in_order_and_counted():
    plan = make_plan()
    competency = Competency.objects.get(version__is_current=True, code="R.3")

    first = make_item(plan, "Курс по оцениванию", kind=PlanItem.Kind.COURSE)
    second = make_item(
        plan,
        "Статья о наставничестве",
        kind=PlanItem.Kind.READING,
        url="https://example.org/article",
        competency=competency,
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )

    assert second.position > first.position
    assert second.competency == competency
    plan = fresh(plan)
    assert (plan.items_count, plan.items_done) == (2, 0)
    assert _actions(plan)[-2:] == [PlanEvent.Action.ITEM_ADDED] * 2


def test_the_same_site_object_twice_returns_the_item_there():
    plan = make_plan()
    first = make_item(
        plan,
        "Курс",
        kind=PlanItem.Kind.COURSE,
        object_key="courses.course:12",
        url="/courses/drobi/",
    )

    again = make_item(
        plan, "Курс", kind=PlanItem.Kind.COURSE, object_key="courses.course:12"
    )

    assert again.pk == first.pk
    assert fresh(plan).items_count == 1


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "//evil.example/x", "ftp://x.example/", "курсы", "/a b"],
)
def test_a_link_is_a_site_page_or_a_web_address(url):
    plan = make_plan()

    with pytest.raises(ValidationError) as error:
        make_item(plan, "Ссылка", url=url)

    assert error.value.code == "url"


def test_a_competency_of_another_version_is_refused():
    plan = make_plan()
    other = FrameworkVersion.objects.create(number=7, title="7")
    foreign = Competency.objects.create(
        version=other, code="X.1", function="f", title="t"
    )

    with pytest.raises(ValidationError) as error:
        make_item(plan, "Шаг", competency=foreign)

    assert error.value.code == "competency"


def test_only_the_owner_adds_changes_marks_and_removes():
    plan = make_plan()
    item = make_item(plan)
    mentor = make_mentor(plan).mentor

    for actor in (mentor, make_member()):
        with pytest.raises(ValidationError):
            services.item_add(plan, actor=actor, kind=PlanItem.Kind.OWN, title="x")
        with pytest.raises(ValidationError):
            services.item_update(
                item, actor=actor, title="x", url="", competency=None, due_on=None
            )
        with pytest.raises(ValidationError):
            services.item_done(item, actor=actor, done=True)
        with pytest.raises(ValidationError):
            services.item_remove(item, actor=actor)
    assert fresh(item).done_at is None


def test_done_and_undone_keep_the_count_and_are_idempotent():
    plan = make_plan()
    item = make_item(plan)
    make_item(plan)

    services.item_done(item, actor=plan.owner, done=True)
    services.item_done(item, actor=plan.owner, done=True)
    assert fresh(plan).items_done == 1
    assert fresh(item).done_at is not None

    services.item_done(item, actor=plan.owner, done=False)
    services.item_done(item, actor=plan.owner, done=False)
    assert fresh(plan).items_done == 0
    assert fresh(item).done_at is None
    actions = _actions(plan)
    assert actions.count(PlanEvent.Action.ITEM_DONE) == 1
    assert actions.count(PlanEvent.Action.ITEM_UNDONE) == 1


def test_a_new_due_date_is_reminded_of_afresh():
    plan = make_plan()
    due = timezone.localdate() + datetime.timedelta(days=3)
    item = make_item(plan, due_on=due)
    PlanItem.objects.filter(pk=item.pk).update(reminded_at=timezone.now())
    item = fresh(item)

    services.item_update(
        item, actor=plan.owner, title="Новое", url="", competency=None, due_on=due
    )
    assert fresh(item).reminded_at is not None

    services.item_update(
        item,
        actor=plan.owner,
        title="Новое",
        url="",
        competency=None,
        due_on=due + datetime.timedelta(days=10),
    )
    assert fresh(item).reminded_at is None
    assert fresh(item).title == "Новое"
    assert _actions(plan)[-1] == PlanEvent.Action.ITEM_CHANGED


def test_removing_an_item_keeps_the_counts_and_names_it_in_the_history():
    plan = make_plan()
    item = make_item(plan, "Открытый урок")
    services.item_done(item, actor=plan.owner, done=True)

    services.item_remove(item, actor=plan.owner)

    plan = fresh(plan)
    assert (plan.items_count, plan.items_done) == (0, 0)
    event = PlanEvent.objects.filter(plan=plan).order_by("-pk").first()
    assert (event.action, event.detail) == (
        PlanEvent.Action.ITEM_REMOVED,
        "Открытый урок",
    )


def test_a_closed_plan_takes_no_items():
    plan = make_plan()
    services.plan_close(plan, actor=plan.owner)

    with pytest.raises(ValidationError) as error:
        make_item(plan)

    assert error.value.code == "closed"


def test_a_title_is_required():
    with pytest.raises(ValidationError) as error:
        services.item_add(make_plan(), actor=None, kind=PlanItem.Kind.OWN, title="  ")
    assert error.value.code == "forbidden"
    plan = make_plan()
    with pytest.raises(ValidationError) as error:
        services.item_add(plan, actor=plan.owner, kind=PlanItem.Kind.OWN, title="  ")
    assert error.value.code == "empty"


def test_a_banned_member_adds_changes_marks_and_removes_no_item():
    plan = make_plan()
    item = make_item(plan, "Открытый урок")
    make_restricted(plan.owner)
    events = _actions(plan)

    with pytest.raises(ParticipationRestricted):
        make_item(plan, "Ещё один шаг")
    with pytest.raises(ParticipationRestricted):
        services.item_update(
            item,
            actor=plan.owner,
            title="Другой урок",
            url="",
            competency=None,
            due_on=None,
        )
    with pytest.raises(ParticipationRestricted):
        services.item_done(item, actor=plan.owner, done=True)
    with pytest.raises(ParticipationRestricted):
        services.item_remove(item, actor=plan.owner)

    assert list(PlanItem.objects.filter(plan=plan)) == [item]
    item = fresh(item)
    assert (item.title, item.done_at) == ("Открытый урок", None)
    plan = fresh(plan)
    assert (plan.items_count, plan.items_done) == (1, 0)
    assert _actions(plan) == events
