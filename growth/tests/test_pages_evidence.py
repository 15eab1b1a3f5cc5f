"""The evidence page: what Kollegi counted (with verification links; reviews
only as a number), what she added herself («не подтверждено» until her
mentor confirms it), adding, editing and removing her own (a link or a file),
the mentor's «Подтвердить», the file, «Обновить».

Her own plan's page and her mentor's; a 404 to anyone else, a public plan's
readers too. Only she changes her evidence; only her mentor confirms it.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext

from community.attainments import attainment_source
from growth import selectors
from growth.models import EvidenceRefresh, OwnEvidence, Plan, PlanEvent
from growth.tests.helpers import (
    fresh,
    make_evidence,
    make_member,
    make_mentor,
    make_own_evidence,
    make_plan,
    notification_kinds_registered,
)

pytestmark = pytest.mark.django_db

MANY = 55
# A page's budget: 10 queries, besides the session, the member and their
# unread counts.
BUDGET = 13
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _kinds(monkeypatch):
    notification_kinds_registered(monkeypatch)


def _login(client, user=None):
    user = user or make_member()
    client.force_login(user)
    return user


def _pdf(name="диплом.pdf", content=PDF):
    return SimpleUploadedFile(name, content, "application/pdf")


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


def _plan_with_mentor():
    plan = make_plan()
    return plan, make_mentor(plan).mentor


# --- The page -------------------------------------------------------------------------


def test_evidence_page_shows_computed_with_verification_and_her_own(client):
    owner = _login(client)
    plan = make_plan(owner)
    [certificate] = make_evidence(
        owner,
        "course_certificate",
        title="Курс «Оценивание»",
        code="KC-2031-7",
        verify_url="/certificates/KC-2031-7/",
        url="/courses/otsenivanie/",
        hours=36,
    )
    own = make_own_evidence(owner, title="Открытый урок для района")

    response = client.get(reverse("growth:evidence", args=[plan.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert certificate.title in page
    # Checked by its page («Проверить»), never shown as a bare code.
    assert 'href="/certificates/KC-2031-7/"' in page
    assert page.count("KC-2031-7") == 1
    assert gettext("Verify") in page
    assert own.title in page
    assert "не подтверждено" in page or "not confirmed" in page
    assert reverse("growth:evidence_add", args=[plan.pk]) in page
    assert reverse("growth:evidence_edit", args=[plan.pk, own.pk]) in page
    assert reverse("growth:evidence_refresh", args=[plan.pk]) in page
    assert reverse("growth:evidence_confirm", args=[plan.pk, own.pk]) not in page


def test_reviews_show_as_a_number_without_titles(client):
    owner = _login(client)
    plan = make_plan(owner)
    make_evidence(owner, "review_written", count=3, title="Рецензия на «Секретный»")

    response = client.get(reverse("growth:evidence", args=[plan.pk]))

    page = response.content.decode()
    assert "Секретный" not in page
    assert response.context["counts"][0]["total"] == 3


def test_the_mentor_sees_the_evidence_and_confirms_but_changes_nothing(client):
    plan, mentor = _plan_with_mentor()
    own = make_own_evidence(plan.owner)
    _login(client, mentor)

    response = client.get(reverse("growth:evidence", args=[plan.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("growth:evidence_confirm", args=[plan.pk, own.pk]) in page
    assert reverse("growth:evidence_edit", args=[plan.pk, own.pk]) not in page
    assert reverse("growth:evidence_add", args=[plan.pk]) not in page
    assert reverse("growth:evidence_refresh", args=[plan.pk]) not in page


def test_computed_evidence_runs_by_source_in_their_order_newest_first(client):
    # Twelve badges of the last days do not push an older certificate off
    # the page: courses come first, badges last, each run under its title.
    owner = _login(client)
    plan = make_plan(owner)
    make_evidence(owner, "badge", count=12)
    make_evidence(owner, "masterclass_certificate", count=2)
    make_evidence(
        owner,
        "course_certificate",
        occurred_at=timezone.now() - datetime.timedelta(days=400),
    )
    url = reverse("growth:evidence", args=[plan.pk])

    response = client.get(url)

    groups = response.context["computed"]
    assert [group["key"] for group in groups] == [
        "course_certificate",
        "masterclass_certificate",
        "badge",
    ]
    dates = [row.occurred_at for row in groups[1]["rows"]]
    assert dates == sorted(dates, reverse=True)
    page = response.content.decode()
    headings = [
        page.index(f">{capfirst(attainment_source(group['key']).title)}</h3>")
        for group in groups
    ]
    assert headings == sorted(headings)
    ordered = list(selectors.evidence_of(owner).values_list("source", flat=True))
    assert (
        ordered
        == ["course_certificate"] + ["masterclass_certificate"] * 2 + ["badge"] * 12
    )
    whole = client.get(url, {"list": "computed"}).context["computed"]
    assert whole[0]["key"] == "course_certificate"


@pytest.mark.parametrize("who", ["stranger", "invited"])
def test_evidence_is_a_404_to_others_even_on_a_public_plan(client, who):
    plan = make_plan(visibility=Plan.Visibility.PUBLIC)
    own = make_own_evidence(plan.owner, link="", upload=_pdf())
    if who == "stranger":
        _login(client)
    else:
        _login(client, make_mentor(plan, accept=False).mentor)

    page = client.get(reverse("growth:evidence", args=[plan.pk]))
    file = client.get(reverse("growth:evidence_file", args=[plan.pk, own.pk]))

    assert page.status_code == 404
    assert file.status_code == 404


def test_evidence_page_keeps_its_budget(client, django_assert_max_num_queries):
    owner = _login(client)
    plan = make_plan(owner)
    make_mentor(plan)
    for source in ("course_certificate", "masterclass_certificate", "review_written"):
        make_evidence(owner, source, count=MANY, verify_url="/certificates/x/")
    OwnEvidence.objects.bulk_create(
        [
            OwnEvidence(
                owner=owner,
                kind=OwnEvidence.Kind.TALK,
                title=f"Своё {index}",
                link="https://school.example/",
                happened_on=timezone.localdate(),
                competency_code="R.2",
            )
            for index in range(MANY)
        ]
    )
    url = reverse("growth:evidence", args=[plan.pk])

    for query in ({}, {"list": "computed", "page": 2}, {"list": "own", "page": 3}):
        with django_assert_max_num_queries(BUDGET):
            response = client.get(url, query)
        assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == MANY


# --- Her own evidence -----------------------------------------------------------------


def test_evidence_add_with_a_link_is_not_confirmed(client):
    owner = _login(client)
    plan = make_plan(owner)

    response = client.post(reverse("growth:evidence_add", args=[plan.pk]), _data())

    evidence = OwnEvidence.objects.get(owner=owner)
    assert response.status_code == 302
    assert response["Location"] == reverse("growth:evidence", args=[plan.pk])
    assert evidence.status == OwnEvidence.Status.UNCONFIRMED
    assert evidence.link == "https://school.example/seminar"
    assert evidence.competency_code == "R.2"


def test_evidence_add_with_a_file_keeps_it_private(client):
    owner = _login(client)
    plan = make_plan(owner)

    client.post(
        reverse("growth:evidence_add", args=[plan.pk]),
        {**_data(link=""), "upload": _pdf()},
    )
    evidence = OwnEvidence.objects.get(owner=owner)
    response = client.get(reverse("growth:evidence_file", args=[plan.pk, evidence.pk]))

    assert evidence.file_name == "диплом.pdf"
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"


def test_the_mentor_opens_her_file_too(client):
    plan, mentor = _plan_with_mentor()
    own = make_own_evidence(plan.owner, link="", upload=_pdf())
    _login(client, mentor)

    response = client.get(reverse("growth:evidence_file", args=[plan.pk, own.pk]))

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"link": ""}, "link"),
        ({"link": "ftp://example.org/x"}, "link"),
        ({"title": ""}, "title"),
        ({"happened_on": ""}, "happened_on"),
        ({"competency_code": "Z.9"}, "competency_code"),
        ({"hours": "0"}, "hours"),
    ],
)
def test_evidence_add_with_bad_input_keeps_the_text(client, changes, field):
    owner = _login(client)
    plan = make_plan(owner)

    response = client.post(
        reverse("growth:evidence_add", args=[plan.pk]), _data(**changes)
    )

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert "Рассказала о формирующем оценивании." in response.content.decode()
    assert not OwnEvidence.objects.filter(owner=owner).exists()


def test_evidence_add_refuses_a_file_that_is_not_what_it_claims(client):
    owner = _login(client)
    plan = make_plan(owner)

    response = client.post(
        reverse("growth:evidence_add", args=[plan.pk]),
        {**_data(link=""), "upload": _pdf("справка.pdf", b"MZ\x90\x00" * 64)},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["upload"]
    assert not OwnEvidence.objects.filter(owner=owner).exists()


def test_evidence_add_in_the_future_is_refused_by_the_date(client):
    owner = _login(client)
    plan = make_plan(owner)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = client.post(
        reverse("growth:evidence_add", args=[plan.pk]),
        _data(happened_on=tomorrow.isoformat()),
    )

    assert response.status_code == 400
    assert response.context["form"].errors["happened_on"]


def test_evidence_edit_of_a_confirmed_one_makes_it_unconfirmed(client):
    owner = _login(client)
    plan = make_plan(owner)
    own = make_own_evidence(owner, confirmed_by=make_member())

    form = client.get(reverse("growth:evidence_edit", args=[plan.pk, own.pk]))
    response = client.post(
        reverse("growth:evidence_edit", args=[plan.pk, own.pk]),
        _data(title="Выступление (исправлено)"),
    )

    own = fresh(own)
    assert form.status_code == 200
    assert 'value="Выступление на методобъединении"' in form.content.decode()
    assert response.status_code == 302
    assert own.title == "Выступление (исправлено)"
    assert own.status == OwnEvidence.Status.UNCONFIRMED


def test_evidence_edit_removes_the_file_only_with_a_link_left(client):
    owner = _login(client)
    plan = make_plan(owner)
    own = make_own_evidence(owner, link="", upload=_pdf())
    url = reverse("growth:evidence_edit", args=[plan.pk, own.pk])

    refused = client.post(url, _data(link="", remove_file="on"))
    kept = fresh(own).file.name
    removed = client.post(url, _data(remove_file="on"))

    assert refused.status_code == 400
    assert refused.context["form"].errors["link"]
    assert kept
    assert removed.status_code == 302
    assert not fresh(own).file


def test_evidence_remove_takes_it_away(client):
    owner = _login(client)
    plan = make_plan(owner)
    own = make_own_evidence(owner)

    response = client.post(reverse("growth:evidence_remove", args=[plan.pk, own.pk]))

    assert response.status_code == 302
    assert not OwnEvidence.objects.filter(pk=own.pk).exists()


def test_evidence_of_another_member_is_a_404(client):
    owner = _login(client)
    plan = make_plan(owner)
    other = make_own_evidence(make_member())

    edit = client.get(reverse("growth:evidence_edit", args=[plan.pk, other.pk]))
    remove = client.post(reverse("growth:evidence_remove", args=[plan.pk, other.pk]))

    assert edit.status_code == 404
    assert remove.status_code == 404
    assert OwnEvidence.objects.filter(pk=other.pk).exists()


def test_the_mentor_may_not_change_her_evidence(client):
    plan, mentor = _plan_with_mentor()
    own = make_own_evidence(plan.owner)
    _login(client, mentor)

    edit = client.post(
        reverse("growth:evidence_edit", args=[plan.pk, own.pk]), _data(title="Чужое")
    )
    remove = client.post(reverse("growth:evidence_remove", args=[plan.pk, own.pk]))
    add = client.post(reverse("growth:evidence_add", args=[plan.pk]), _data())

    assert (edit.status_code, remove.status_code, add.status_code) == (403, 403, 403)
    assert fresh(own).title != "Чужое"
    assert OwnEvidence.objects.count() == 1


# --- Confirming, refreshing -----------------------------------------------------------


def test_the_mentor_confirms_her_evidence(client):
    plan, mentor = _plan_with_mentor()
    own = make_own_evidence(plan.owner)
    _login(client, mentor)
    # The form sends the version she reads.
    seen = {"seen": own.updated_at.isoformat()}
    shown = client.get(reverse("growth:evidence", args=[plan.pk])).content.decode()
    assert f'name="seen" value="{seen["seen"]}"' in shown

    url = reverse("growth:evidence_confirm", args=[plan.pk, own.pk])
    response = client.post(url, seen)
    again = client.post(url, seen)

    own = fresh(own)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#own-{own.pk}")
    assert again.status_code == 302
    assert own.status == OwnEvidence.Status.CONFIRMED
    assert own.confirmed_by == mentor
    assert (
        PlanEvent.objects.filter(
            plan=plan, action=PlanEvent.Action.EVIDENCE_CONFIRMED, by_mentor=True
        ).count()
        == 1
    )
    page = client.get(reverse("growth:evidence", args=[plan.pk]))
    assert reverse("growth:evidence_confirm", args=[plan.pk, own.pk]) not in (
        page.content.decode()
    )


def test_the_owner_may_not_confirm_her_own_evidence(client):
    owner = _login(client)
    plan = make_plan(owner)
    own = make_own_evidence(owner)

    response = client.post(reverse("growth:evidence_confirm", args=[plan.pk, own.pk]))
    by_get = client.get(reverse("growth:evidence_confirm", args=[plan.pk, own.pk]))

    assert response.status_code == 403
    assert by_get.status_code == 405
    assert fresh(own).status == OwnEvidence.Status.UNCONFIRMED


def test_refresh_gathers_her_evidence_now(client):
    owner = _login(client)
    plan = make_plan(owner)
    EvidenceRefresh.objects.filter(owner=owner).delete()

    by_get = client.get(reverse("growth:evidence_refresh", args=[plan.pk]))
    response = client.post(reverse("growth:evidence_refresh", args=[plan.pk]))

    assert by_get.status_code == 405
    assert response.status_code == 302
    assert EvidenceRefresh.objects.filter(owner=owner).exists()


def test_refresh_is_the_owner_only(client):
    plan, mentor = _plan_with_mentor()
    _login(client, mentor)

    response = client.post(reverse("growth:evidence_refresh", args=[plan.pk]))

    assert response.status_code == 403
