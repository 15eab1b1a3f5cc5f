"""Members, plans, items, mentors and evidence made as the services make
them, for the growth tests (services, selectors, pages, races).

Plans, items and mentorships go through ``growth.services``; computed
``Evidence`` rows (which the services gather from ``community.attainments``)
are written directly, as many as a test needs.
"""

import datetime

from django.utils import timezone

from accounts.tests.factories import UserFactory
from community.models import Subject
from growth.models import Evidence, Mentorship, OwnEvidence, Plan, PlanItem, Target


def make_member(subjects=("mathematics",), **fields):
    """A member (profile, confirmed e-mail) teaching ``subjects`` (slugs)."""
    user = UserFactory(**fields)
    if subjects:
        user.profile.subjects.set(Subject.objects.filter(slug__in=subjects))
    return user


def target(code: str = Target.Code.HIGHEST) -> Target:
    """The target ``code`` of the current framework version."""
    return Target.objects.get(version__is_current=True, code=code)


def make_plan(owner=None, code: str = Target.Code.HIGHEST, **fields) -> Plan:
    """An active plan of ``owner`` (a new member unless given) for ``code``."""
    from growth import services

    return services.plan_create(
        owner=owner or make_member(), target=target(code), **fields
    )


def make_item(plan: Plan, title: str = "", **fields) -> PlanItem:
    """A plan item added by its owner (her own step unless ``kind``)."""
    from growth import services

    values = {
        "kind": PlanItem.Kind.OWN,
        "title": title or f"Шаг {plan.items.count() + 1}",
    }
    values.update(fields)
    return services.item_add(plan, actor=plan.owner, **values)


def make_mentor(plan: Plan, mentor=None, *, accept: bool = True) -> Mentorship:
    """A mentor invited to ``plan`` (a new member unless given), accepted
    unless ``accept`` is False (then left invited)."""
    from growth import services

    mentorship = services.mentor_invite(
        plan, actor=plan.owner, mentor=mentor or make_member()
    )
    if accept:
        mentorship = services.mentor_answer(
            mentorship, actor=mentorship.mentor, accept=True
        )
    return mentorship


def make_evidence(
    owner, source: str = "course_certificate", count: int = 1, **fields
) -> list[Evidence]:
    """``count`` computed evidence rows of ``source`` for ``owner``, a day
    apart, newest first (as ``evidence_refresh`` would keep them)."""
    now = timezone.now()
    start = Evidence.objects.filter(owner=owner, source=source).count()
    rows = []
    for index in range(count):
        number = start + index + 1
        values = {
            "owner": owner,
            "source": source,
            "key": f"k{number}",
            "title": f"Свидетельство {source} № {number}",
            "url": "",
            "occurred_at": now - datetime.timedelta(days=index + 1),
        }
        values.update(fields)
        rows.append(Evidence(**values))
    return Evidence.objects.bulk_create(rows)


def make_own_evidence(owner, *, confirmed_by=None, **fields) -> OwnEvidence:
    """Her own evidence (a link), confirmed by ``confirmed_by`` when given
    (written directly: confirming through the services needs a plan)."""
    from growth import services

    values = {
        "kind": OwnEvidence.Kind.TALK,
        "title": "Выступление на методобъединении",
        "happened_on": timezone.localdate() - datetime.timedelta(days=30),
        "link": "https://school.example/talk",
        "competency_code": "R.3",
    }
    values.update(fields)
    evidence = services.own_evidence_add(owner=owner, **values)
    if confirmed_by is not None:
        OwnEvidence.objects.filter(pk=evidence.pk).update(
            status=OwnEvidence.Status.CONFIRMED,
            confirmed_by=confirmed_by,
            confirmed_at=timezone.now(),
        )
        evidence.refresh_from_db()
    return evidence


def fresh(obj):
    obj.refresh_from_db()
    return obj


def notification_kinds_registered(monkeypatch) -> None:
    """Register «Мой путь»'s notification kinds for a test when
    ``growth.hooks`` does not (yet): taken out again after the test."""
    from community import notifications
    from growth import kinds

    missing = [
        key
        for key in (
            kinds.MENTOR_INVITED,
            kinds.MENTOR_ANSWERED,
            kinds.COMMENTED,
            kinds.EVIDENCE_CONFIRMED,
            kinds.ITEM_DUE,
            kinds.DEVELOPMENT_DUE,
            kinds.DEVELOPMENT_OVERDUE,
        )
        if key not in notifications._kinds
    ]
    if not missing:
        return
    registry = notifications._kinds.copy()
    for key in missing:
        registry[key] = notifications.NotificationKind(
            key, kinds.PREFERENCE, "%(target)s", "%(count)s"
        )
    monkeypatch.setattr(notifications, "_kinds", registry)


def framework_fill() -> None:
    """The framework the migration loads, for transactional tests (which
    empty every table when they end)."""
    from growth.framework_data import framework_load, framework_read

    framework_load(framework_read(1))


def make_restricted(user):
    """Ban ``user`` for good (as a sanction keeps ``restricted_until``):
    she reads, she does not write."""
    from community.sanctions import FOREVER

    user.restricted_until = FOREVER
    user.save(update_fields=["restricted_until"])
    return user
