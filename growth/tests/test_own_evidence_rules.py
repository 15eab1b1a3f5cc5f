"""Her own evidence: tied to a competency (or it would count nowhere), hers
to change from any of her plans, open or closed, and confirmed by her mentor
only in the version the mentor saw."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from growth import services
from growth.models import OwnEvidence, PlanEvent
from growth.tests.helpers import (
    fresh,
    make_member,
    make_mentor,
    make_own_evidence,
    make_plan,
    notification_kinds_registered,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CHANGED = "The evidence has changed: look at it again."


@pytest.fixture(autouse=True)
def _kinds(monkeypatch):
    notification_kinds_registered(monkeypatch)


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


def _data(**changes) -> dict:
    data = {
        "kind": "talk",
        "title": "Выступление на городском семинаре",
        "happened_on": (timezone.localdate() - datetime.timedelta(days=10)).isoformat(),
        "competency_code": "R.2",
        "hours": "",
        "link": "https://school.example/seminar",
        "description": "Рассказала о формирующем оценивании.",
    }
    data.update(changes)
    return data


# --- A competency, always -------------------------------------------------------------


def test_the_services_refuse_evidence_tied_to_no_competency():
    owner = make_member()
    with pytest.raises(ValidationError) as refused:
        services.own_evidence_add(owner=owner, **_fields(competency_code=" "))
    assert refused.value.code == "competency"
    assert not OwnEvidence.objects.exists()

    evidence = services.own_evidence_add(owner=owner, **_fields())
    with pytest.raises(ValidationError) as refused:
        services.own_evidence_update(
            evidence, actor=owner, **_fields(competency_code="")
        )
    assert refused.value.code == "competency"
    assert fresh(evidence).competency_code == "R.3"


@pytest.mark.parametrize("name", ["evidence_add", "evidence_edit"])
def test_the_form_asks_for_the_competency_keeping_the_text(client, name):
    owner = make_member()
    plan = make_plan(owner)
    evidence = make_own_evidence(owner)
    args = [plan.pk] if name == "evidence_add" else [plan.pk, evidence.pk]
    client.force_login(owner)

    response = client.post(
        reverse(f"growth:{name}", args=args), _data(competency_code="")
    )

    assert response.status_code == 400
    assert response.context["form"].errors["competency_code"] == [
        gettext("Choose the competency this evidence shows.")
    ]
    assert "Рассказала о формирующем оценивании." in response.content.decode()
    assert list(OwnEvidence.objects.values_list("competency_code", flat=True)) == [
        "R.3"
    ]


# --- Hers, from any of her plans ------------------------------------------------------


def _closed_plan_with_evidence():
    plan = make_plan()
    mentor = make_mentor(plan).mentor
    evidence = make_own_evidence(
        plan.owner, upload=SimpleUploadedFile("диплом.pdf", PDF, "application/pdf")
    )
    services.plan_close(plan, actor=plan.owner)
    return plan, mentor, evidence


def test_she_edits_removes_and_downloads_her_evidence_from_a_closed_plan(client):
    plan, _mentor, evidence = _closed_plan_with_evidence()
    client.force_login(plan.owner)
    edit_url = reverse("growth:evidence_edit", args=[plan.pk, evidence.pk])

    page = client.get(reverse("growth:evidence", args=[plan.pk])).content.decode()
    form = client.get(edit_url)
    saved = client.post(edit_url, _data(title="Доклад на августовском совещании"))
    download = client.get(reverse("growth:evidence_file", args=[plan.pk, evidence.pk]))

    assert f'href="{edit_url}"' in page
    assert form.status_code == 200
    assert saved.status_code == 302
    assert fresh(evidence).title == "Доклад на августовском совещании"
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF

    removed = client.post(
        reverse("growth:evidence_remove", args=[plan.pk, evidence.pk])
    )
    assert removed.status_code == 302
    assert not OwnEvidence.objects.filter(pk=evidence.pk).exists()


def test_the_mentor_of_a_closed_plan_no_longer_reads_or_changes_it(client):
    plan, mentor, evidence = _closed_plan_with_evidence()
    client.force_login(mentor)

    answers = [
        client.get(reverse("growth:evidence_edit", args=[plan.pk, evidence.pk])),
        client.post(reverse("growth:evidence_remove", args=[plan.pk, evidence.pk])),
        client.get(reverse("growth:evidence_file", args=[plan.pk, evidence.pk])),
    ]

    assert [answer.status_code for answer in answers] == [404, 404, 404]
    assert OwnEvidence.objects.filter(pk=evidence.pk).exists()


def test_the_active_mentor_still_changes_nothing_but_downloads(client):
    plan = make_plan()
    mentor = make_mentor(plan).mentor
    evidence = make_own_evidence(
        plan.owner, upload=SimpleUploadedFile("диплом.pdf", PDF, "application/pdf")
    )
    client.force_login(mentor)
    edit_url = reverse("growth:evidence_edit", args=[plan.pk, evidence.pk])

    page = client.get(reverse("growth:evidence", args=[plan.pk])).content.decode()
    edit = client.post(edit_url, _data(title="Чужое"))
    remove = client.post(reverse("growth:evidence_remove", args=[plan.pk, evidence.pk]))
    download = client.get(reverse("growth:evidence_file", args=[plan.pk, evidence.pk]))

    assert edit_url not in page
    assert (edit.status_code, remove.status_code, download.status_code) == (
        403,
        403,
        200,
    )
    assert fresh(evidence).title != "Чужое"


# --- Confirmed as seen ----------------------------------------------------------------


def test_the_service_refuses_to_confirm_a_version_changed_since_it_was_seen():
    plan = make_plan()
    mentor = make_mentor(plan).mentor
    evidence = make_own_evidence(plan.owner)
    seen = evidence.updated_at
    services.own_evidence_update(
        evidence, actor=plan.owner, **_fields(title="Доклад, исправленный")
    )

    with pytest.raises(ValidationError) as refused:
        services.own_evidence_confirm(evidence, actor=mentor, plan=plan, seen=seen)

    assert refused.value.code == "changed"
    assert fresh(evidence).status == OwnEvidence.Status.UNCONFIRMED
    assert not PlanEvent.objects.filter(
        action=PlanEvent.Action.EVIDENCE_CONFIRMED
    ).exists()
    services.own_evidence_confirm(
        evidence, actor=mentor, plan=plan, seen=fresh(evidence).updated_at
    )
    assert fresh(evidence).status == OwnEvidence.Status.CONFIRMED


def test_the_mentor_confirming_what_changed_meanwhile_is_shown_it_again(client):
    plan = make_plan()
    mentor = make_mentor(plan).mentor
    evidence = make_own_evidence(plan.owner, title="Доклад на секции")
    seen = evidence.updated_at.isoformat()
    url = reverse("growth:evidence_confirm", args=[plan.pk, evidence.pk])
    services.own_evidence_update(
        evidence, actor=plan.owner, **_fields(title="Доклад на пленарном заседании")
    )
    client.force_login(mentor)

    stale = client.post(url, {"seen": seen})
    missing = client.post(url)
    garbled = client.post(url, {"seen": "вчера"})

    assert stale.status_code == 409
    page = stale.content.decode()
    assert gettext(CHANGED) in page
    assert "Доклад на пленарном заседании" in page
    assert (missing.status_code, garbled.status_code) == (400, 400)
    assert fresh(evidence).status == OwnEvidence.Status.UNCONFIRMED

    fresh_seen = fresh(evidence).updated_at.isoformat()
    assert f'value="{fresh_seen}"' in page
    confirmed = client.post(url, {"seen": fresh_seen})
    assert confirmed.status_code == 302
    assert fresh(evidence).status == OwnEvidence.Status.CONFIRMED
