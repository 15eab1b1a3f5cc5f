"""Evidence: her own (a link or a file checked by its content, confirmed by
her mentor only) and the computed (gathered from ``community.attainments``,
upserted, gone rows removed, safe twice)."""

import datetime
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from community.models import Notification
from community.sanctions import ParticipationRestricted
from growth import kinds, services
from growth.models import Evidence, EvidenceRefresh, OwnEvidence, PlanEvent
from growth.tests.helpers import (
    fresh,
    make_evidence,
    make_member,
    make_mentor,
    make_own_evidence,
    make_plan,
    make_restricted,
    notification_kinds_registered,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _kinds(monkeypatch):
    notification_kinds_registered(monkeypatch)


def _pdf(name="справка.pdf"):
    return SimpleUploadedFile(name, PDF, "application/pdf")


def _fields(**changes) -> dict:
    values = {
        "kind": OwnEvidence.Kind.TALK,
        "title": "Выступление на секции",
        "happened_on": timezone.localdate() - datetime.timedelta(days=10),
        "link": "https://school.example/talk",
        "competency_code": "R.3",
    }
    values.update(changes)
    return values


# --- Her own -----------------------------------------------------------------


def test_her_evidence_with_a_file_is_kept_private_and_opens_for_download():
    owner = make_member()

    evidence = services.own_evidence_add(owner=owner, **_fields(link="", upload=_pdf()))

    assert evidence.status == OwnEvidence.Status.UNCONFIRMED
    assert evidence.file_name == "справка.pdf"
    assert evidence.file.name.startswith("growth/evidence/")
    handle, name = services.own_evidence_file_open(fresh(evidence))
    with handle:
        assert handle.read() == PDF
    assert name == "справка.pdf"


def test_a_program_renamed_pdf_is_refused():
    upload = SimpleUploadedFile("справка.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200)

    with pytest.raises(ValidationError) as error:
        services.own_evidence_add(owner=make_member(), **_fields(upload=upload))

    assert error.value.code == "kind"


def test_a_link_or_a_file_is_required():
    with pytest.raises(ValidationError) as error:
        services.own_evidence_add(
            owner=make_member(), **_fields(link="", description="Было")
        )

    assert error.value.code == "empty"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("competency_code", "Z.9", "competency"),
        ("link", "javascript:alert(1)", "link"),
        ("kind", "nonsense", "kind"),
        ("hours", 0, "hours"),
        ("happened_on", timezone.localdate() + datetime.timedelta(days=5), "date"),
    ],
)
def test_refused_fields(field, value, code):
    with pytest.raises(ValidationError) as error:
        services.own_evidence_add(owner=make_member(), **_fields(**{field: value}))

    assert error.value.code == code


def test_a_file_without_a_link_needs_no_file_once_it_has_one():
    evidence = services.own_evidence_add(
        owner=make_member(), **_fields(link="", upload=_pdf())
    )

    services.own_evidence_update(
        evidence, actor=evidence.owner, **_fields(link="", title="Новое название")
    )

    evidence = fresh(evidence)
    assert evidence.title == "Новое название"
    assert evidence.file.name


def test_removing_the_file_deletes_it_after_commit(django_capture_on_commit_callbacks):
    evidence = services.own_evidence_add(owner=make_member(), **_fields(upload=_pdf()))
    storage, name = evidence.file.storage, evidence.file.name

    with django_capture_on_commit_callbacks(execute=True):
        services.own_evidence_update(
            evidence, actor=evidence.owner, **_fields(), remove_file=True
        )

    assert not fresh(evidence).file.name
    assert not storage.exists(name)


def test_confirmed_evidence_becomes_unconfirmed_when_changed():
    owner = make_member()
    evidence = make_own_evidence(owner, confirmed_by=make_member(), **_fields())

    services.own_evidence_update(evidence, actor=owner, **_fields())
    assert fresh(evidence).status == OwnEvidence.Status.CONFIRMED  # same values

    services.own_evidence_update(evidence, actor=owner, **_fields(title="Другое"))
    evidence = fresh(evidence)
    assert evidence.status == OwnEvidence.Status.UNCONFIRMED
    assert evidence.confirmed_by is None
    assert evidence.confirmed_at is None


def test_only_the_owner_changes_or_removes_her_evidence():
    evidence = make_own_evidence(make_member())
    other = make_member()

    with pytest.raises(ValidationError):
        services.own_evidence_update(evidence, actor=other, **_fields(title="x"))
    with pytest.raises(ValidationError):
        services.own_evidence_remove(evidence, actor=other)

    services.own_evidence_remove(evidence, actor=evidence.owner)
    assert not OwnEvidence.objects.filter(pk=evidence.pk).exists()


def test_her_mentor_confirms_once_in_the_plan_and_she_is_told():
    plan = make_plan()
    mentor = make_mentor(plan).mentor
    evidence = make_own_evidence(plan.owner)

    services.own_evidence_confirm(evidence, actor=mentor, plan=plan)
    services.own_evidence_confirm(evidence, actor=mentor, plan=plan)

    evidence = fresh(evidence)
    assert evidence.status == OwnEvidence.Status.CONFIRMED
    assert evidence.confirmed_by == mentor
    events = PlanEvent.objects.filter(
        plan=plan, action=PlanEvent.Action.EVIDENCE_CONFIRMED
    )
    assert [(e.by_mentor, e.detail, e.actor_id) for e in events] == [
        (True, evidence.title, mentor.pk)
    ]
    assert (
        Notification.objects.filter(
            recipient=plan.owner, kind=kinds.EVIDENCE_CONFIRMED
        ).count()
        == 1
    )


@pytest.mark.parametrize("who", ["owner", "invited", "stranger", "other plan"])
def test_no_one_but_her_active_mentor_confirms(who):
    plan = make_plan()
    evidence = make_own_evidence(plan.owner)
    if who == "owner":
        actor = plan.owner
    elif who == "invited":
        actor = make_mentor(plan, accept=False).mentor
    elif who == "stranger":
        actor = make_member()
    else:
        other = make_plan()
        actor = make_mentor(other).mentor
        plan = other

    with pytest.raises(ValidationError):
        services.own_evidence_confirm(evidence, actor=actor, plan=plan)
    assert fresh(evidence).status == OwnEvidence.Status.UNCONFIRMED


# --- Computed ----------------------------------------------------------------


@dataclass(frozen=True)
class Attained:
    key: str
    title: str
    url: str
    occurred_at: datetime.datetime
    code: str = ""
    verify_url: str = ""
    hours: int | None = None


@pytest.fixture
def attained(monkeypatch):
    """What ``community.attainments`` says each member did:
    {user id: {source: [...]}}."""
    said: dict[int, dict[str, list]] = {}
    monkeypatch.setattr(
        "growth.services.evidence._attainments_for",
        lambda user: said.get(user.pk, {}),
    )
    return said


def test_a_refresh_gathers_updates_and_removes(attained):
    owner = make_member()
    when = timezone.now() - datetime.timedelta(days=3)
    attained[owner.pk] = {
        "course_certificate": [
            Attained("C-1", "Курс 1", "/courses/c1/", when, "C-1", "/v/C-1/", 36),
            Attained("C-2", "Курс 2", "/courses/c2/", when, "C-2", "/v/C-2/", 72),
        ],
        "answer_accepted": [Attained("5", "Ответ", "/forums/t/5/", when)],
    }

    assert services.evidence_refresh(owner.pk) == 3
    assert services.evidence_refresh(owner.pk) == 0
    row = Evidence.objects.get(owner=owner, source="course_certificate", key="C-1")
    assert (row.code, row.verify_url, row.hours) == ("C-1", "/v/C-1/", 36)
    assert EvidenceRefresh.objects.filter(owner=owner).exists()

    attained[owner.pk] = {
        "course_certificate": [
            Attained(
                "C-1", "Курс 1 (новое)", "/courses/c1/", when, "C-1", "/v/C-1/", 36
            )
        ]
    }
    assert services.evidence_refresh(owner.pk) == 3  # one changed, two gone
    assert list(Evidence.objects.filter(owner=owner).values_list("key", "title")) == [
        ("C-1", "Курс 1 (новое)")
    ]


def test_a_refresh_leaves_other_members_alone(attained):
    owner, other = make_member(), make_member()
    make_evidence(other, count=2)

    services.evidence_refresh(owner.pk)

    assert Evidence.objects.filter(owner=other).count() == 2


def test_a_refresh_of_a_member_gone_does_nothing(attained):
    assert services.evidence_refresh(987654) == 0


# --- With the registry itself -------------------------------------------------


def _award(user):
    from community.models import Badge, BadgeAward

    badge = Badge.objects.order_by("pk").first()
    return BadgeAward.objects.create(badge=badge, user=user)


def test_a_refresh_reads_the_registry_itself():
    owner = make_member()
    award = _award(owner)

    assert services.evidence_refresh(owner.pk) >= 1

    row = Evidence.objects.get(owner=owner, source="badge")
    assert row.key == str(award.pk)
    assert row.occurred_at == award.awarded_at


def test_a_refresh_keeps_the_site_s_language_whoever_asks():
    from community.badges import badge_rules
    from community.models import Badge, BadgeAward

    owner = make_member()
    rule = next(iter(badge_rules()))
    badge, _created = Badge.objects.get_or_create(
        key=rule.key, defaults={"name": "x", "description": "y", "tier": "bronze"}
    )
    BadgeAward.objects.create(badge=badge, user=owner)
    with translation.override("en"):
        english = str(rule.name)
    with translation.override(settings.LANGUAGE_CODE):
        russian = str(rule.name)
    assert settings.LANGUAGE_CODE == "ru"
    assert english != russian  # the name is translated

    with translation.override("en"):
        assert services.evidence_refresh(owner.pk) == 1
    with translation.override("ru"):
        assert services.evidence_refresh(owner.pk) == 0
    with translation.override("en"):
        assert services.evidence_refresh(owner.pk) == 0

    assert Evidence.objects.get(owner=owner, source="badge").title == russian


def test_a_badge_awarded_to_a_plan_owner_is_her_evidence_after_commit(
    moderator, django_capture_on_commit_callbacks
):
    """Through the service that awards it (``community.changes`` tells the
    attainments' listeners), not a row saved."""
    from community import recognition
    from community.models import Badge

    plan = make_plan()
    badge = Badge.objects.create(
        key="mentor-of-the-year",
        name="Наставник года",
        description="За наставничество",
        tier=Badge.Tier.GOLD,
        is_manual=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        pass
    assert not Evidence.objects.filter(owner=plan.owner, source="badge").exists()

    with django_capture_on_commit_callbacks(execute=True):
        recognition.badge_award_manual(
            badge=badge, user=plan.owner, moderator=moderator, reason="Помогла молодым"
        )

    assert Evidence.objects.filter(owner=plan.owner, source="badge").count() == 1


def test_a_banned_member_adds_changes_and_removes_none_of_her_evidence():
    owner = make_member()
    evidence = make_own_evidence(owner, title="Выступление")
    make_restricted(owner)

    with pytest.raises(ParticipationRestricted):
        services.own_evidence_add(owner=owner, **_fields())
    with pytest.raises(ParticipationRestricted):
        services.own_evidence_update(
            evidence, actor=owner, **_fields(title="Другое выступление")
        )
    with pytest.raises(ParticipationRestricted):
        services.own_evidence_remove(evidence, actor=owner)

    assert list(OwnEvidence.objects.filter(owner=owner)) == [evidence]
    assert fresh(evidence).title == "Выступление"


def test_a_banned_mentor_confirms_no_evidence():
    plan = make_plan()
    mentorship = make_mentor(plan)
    evidence = make_own_evidence(plan.owner)
    make_restricted(mentorship.mentor)

    with pytest.raises(ParticipationRestricted):
        services.own_evidence_confirm(evidence, actor=mentorship.mentor, plan=plan)

    assert fresh(evidence).status == OwnEvidence.Status.UNCONFIRMED
    assert not PlanEvent.objects.filter(
        plan=plan, action=PlanEvent.Action.EVIDENCE_CONFIRMED
    ).exists()
    assert not Notification.objects.filter(
        recipient=plan.owner, kind=kinds.EVIDENCE_CONFIRMED
    ).exists()
