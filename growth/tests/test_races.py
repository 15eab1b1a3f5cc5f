"""«Мой путь» at the same moment (PostgreSQL: each call on its own
connection, released together): a double click makes one plan, two
invitations leave one mentor, two reminder workers tell each once, two
refreshes of one member's evidence leave it whole."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from community.models import Notification
from community.tests.races import needs_postgresql, together
from growth import kinds, services
from growth.models import Evidence, Mentorship, Plan, PlanItem, Reminder
from growth.services import reminders
from growth.tests.helpers import (
    framework_fill,
    make_evidence,
    make_item,
    make_member,
    make_plan,
    notification_kinds_registered,
    target,
)
from growth.tests.test_services_evidence import Attained

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql(vocabulary, monkeypatch):
    needs_postgresql()
    framework_fill()
    notification_kinds_registered(monkeypatch)


def test_a_double_click_makes_one_plan():
    owner = make_member()
    highest = target("highest")

    raised = together([lambda: services.plan_create(owner=owner, target=highest)] * 4)

    assert raised == [None] * 4
    assert Plan.objects.filter(owner=owner).count() == 1


def test_two_invitations_at_once_leave_one_mentor():
    plan = make_plan()
    mentors = [make_member(), make_member()]

    raised = together(
        [
            lambda m=mentor: services.mentor_invite(plan, actor=plan.owner, mentor=m)
            for mentor in mentors
        ]
    )

    assert raised.count(None) == 1
    (error,) = [e for e in raised if e is not None]
    assert isinstance(error, ValidationError)
    assert error.code == "taken"
    assert Mentorship.objects.filter(plan=plan).count() == 1
    assert Notification.objects.filter(kind=kinds.MENTOR_INVITED).count() == 1


def test_two_reminder_workers_tell_each_once():
    owners = []
    for index in range(6):
        plan = make_plan()
        owners.append(plan.owner)
        for days in (1, 3):
            make_item(
                plan,
                f"Шаг {index}.{days}",
                due_on=timezone.localdate() + datetime.timedelta(days=days),
            )
        due = timezone.localdate() + datetime.timedelta(days=20)
        last = due.replace(year=due.year - 3)
        make_evidence(
            plan.owner,
            "course_certificate",
            occurred_at=timezone.now() - (timezone.localdate() - last),
            hours=24,
        )

    def run():
        reminders.items_due_remind()
        reminders.development_due_remind()

    raised = together([run, run, run])

    assert raised == [None, None, None]
    assert Notification.objects.filter(kind=kinds.ITEM_DUE).count() == 12
    assert PlanItem.objects.filter(reminded_at__isnull=True).count() == 0
    assert Notification.objects.filter(kind=kinds.DEVELOPMENT_DUE).count() == 6
    assert Reminder.objects.count() == 6


def test_two_refreshes_at_once_leave_her_evidence_whole(monkeypatch):
    owner = make_member()
    make_evidence(owner, "badge", 3)  # gone from her attainments: removed
    when = timezone.now() - datetime.timedelta(days=2)
    said = {
        "course_certificate": [
            Attained(f"C-{n}", f"Курс {n}", f"/c/{n}/", when, f"C-{n}", "", 36)
            for n in range(40)
        ],
        "answer_accepted": [
            Attained(str(n), f"Ответ {n}", f"/f/{n}/", when) for n in range(20)
        ],
    }
    monkeypatch.setattr("growth.services.evidence._attainments_for", lambda user: said)

    raised = together([lambda: services.evidence_refresh(owner.pk)] * 3)

    assert raised == [None, None, None]
    rows = Evidence.objects.filter(owner=owner)
    assert rows.count() == 60
    assert not rows.filter(source="badge").exists()
    assert services.evidence_refresh(owner.pk) == 0
