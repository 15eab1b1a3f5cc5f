"""A plan's items: added by hand or from a suggestion («Добавить в план»),
edited, marked done and not done, removed — by the plan's owner only.

Her mentor sees them but changes nothing (403); anyone else gets a 404.
Bad input comes back with its messages and the text kept (400).
"""

import datetime

import pytest
from django.urls import reverse

from growth.models import Plan, PlanEvent, PlanItem
from growth.tests.helpers import (
    fresh,
    make_item,
    make_member,
    make_mentor,
    make_plan,
    notification_kinds_registered,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _kinds(monkeypatch):
    notification_kinds_registered(monkeypatch)


def _login(client, user=None):
    user = user or make_member()
    client.force_login(user)
    return user


def _mine(client):
    owner = _login(client)
    return make_plan(owner)


def _competency(plan, code="A.2"):
    return plan.target.version.competencies.get(code=code)


# --- Adding ---------------------------------------------------------------------------


def test_item_add_page_shows_the_form_with_the_plan_competencies(client):
    plan = _mine(client)

    response = client.get(
        reverse("growth:item_add", args=[plan.pk]), {"competency": "A.2"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="title"' in page
    assert 'name="due_on"' in page
    assert 'type="date"' in page
    assert _competency(plan).title in page
    assert response.context["form"].initial["competency"] == "A.2"


def test_item_add_puts_the_item_in_the_plan(client):
    plan = _mine(client)

    response = client.post(
        reverse("growth:item_add", args=[plan.pk]),
        {
            "kind": "reading",
            "title": "  Прочитать «Формирующее   оценивание»  ",
            "url": "https://example.org/book",
            "competency": "A.2",
            "due_on": "2031-05-20",
        },
    )

    item = PlanItem.objects.get(plan=plan)
    assert response.status_code == 302
    assert response["Location"] == plan.get_absolute_url()
    assert item.kind == PlanItem.Kind.READING
    assert item.title == "Прочитать «Формирующее оценивание»"
    assert item.url == "https://example.org/book"
    assert item.competency == _competency(plan)
    assert item.due_on == datetime.date(2031, 5, 20)
    assert fresh(plan).items_count == 1


def test_item_add_from_a_suggestion_goes_back_to_the_gaps(client):
    plan = _mine(client)
    data = {
        "kind": "course",
        "title": "Оценивание на уроке математики",
        "url": "/courses/otsenivanie/",
        "object_key": "courses.course:12",
        "competency": "A.2",
        "back": "gaps",
    }

    response = client.post(reverse("growth:item_add", args=[plan.pk]), data)
    again = client.post(reverse("growth:item_add", args=[plan.pk]), data)

    item = PlanItem.objects.get(plan=plan)
    assert response.status_code == 302
    assert response["Location"] == reverse("growth:gaps", args=[plan.pk])
    assert again.status_code == 302
    assert item.object_key == "courses.course:12"
    assert item.kind == PlanItem.Kind.COURSE
    assert item.competency.code == "A.2"
    assert fresh(plan).items_count == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "//evil.example/x"}, "url"),
        ({"kind": "party"}, "kind"),
        ({"competency": "Z.9"}, "competency"),
        ({"due_on": "завтра"}, "due_on"),
    ],
)
def test_item_add_with_bad_input_keeps_the_text(client, changes, field):
    plan = _mine(client)
    data = {
        "kind": "own",
        "title": "Мой собственный шаг",
        "url": "",
        "competency": "",
        "due_on": "",
    }
    data.update(changes)

    response = client.post(reverse("growth:item_add", args=[plan.pk]), data)

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    if data["title"]:
        assert "Мой собственный шаг" in response.content.decode()
    assert not PlanItem.objects.filter(plan=plan).exists()


def test_item_add_refuses_a_competency_of_another_version(client):
    from growth.models import Competency, FrameworkVersion

    plan = _mine(client)
    other = FrameworkVersion.objects.create(number=99, title="Другая")
    Competency.objects.create(version=other, code="X.1", function="f", title="t")

    response = client.post(
        reverse("growth:item_add", args=[plan.pk]),
        {"kind": "own", "title": "Шаг", "competency": "X.1"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["competency"]


def test_item_add_is_a_403_to_the_mentor_and_a_404_to_others(client):
    plan = make_plan()
    mentorship = make_mentor(plan)
    url = reverse("growth:item_add", args=[plan.pk])
    data = {"kind": "own", "title": "Чужой шаг"}

    _login(client, mentorship.mentor)
    as_mentor = client.post(url, data)
    _login(client)
    as_stranger = client.post(url, data)
    client.logout()
    as_anonymous = client.post(url, data)

    assert as_mentor.status_code == 403
    assert as_stranger.status_code == 404
    assert as_anonymous.status_code == 302
    assert not PlanItem.objects.filter(plan=plan).exists()


def test_item_add_to_a_closed_plan_is_a_403(client):
    from growth import services

    plan = _mine(client)
    services.plan_close(plan, actor=plan.owner)

    response = client.post(
        reverse("growth:item_add", args=[plan.pk]), {"kind": "own", "title": "Шаг"}
    )

    assert response.status_code == 403


# --- Editing, done, removing ----------------------------------------------------------


def test_item_edit_changes_it_but_not_its_kind(client):
    plan = _mine(client)
    item = make_item(plan, "Старое название", kind=PlanItem.Kind.READING)

    form = client.get(reverse("growth:item_edit", args=[plan.pk, item.pk]))
    response = client.post(
        reverse("growth:item_edit", args=[plan.pk, item.pk]),
        {
            "kind": "course",
            "title": "Новое название",
            "url": "/materials/5/",
            "competency": "A.1",
            "due_on": "2031-01-10",
        },
    )

    item = fresh(item)
    assert form.status_code == 200
    assert 'value="Старое название"' in form.content.decode()
    assert 'name="kind"' not in form.content.decode()
    assert response.status_code == 302
    assert item.title == "Новое название"
    assert item.kind == PlanItem.Kind.READING
    assert item.url == "/materials/5/"
    assert item.competency.code == "A.1"
    assert item.due_on == datetime.date(2031, 1, 10)


def test_item_edit_with_bad_input_keeps_the_text(client):
    plan = _mine(client)
    item = make_item(plan, "Шаг")

    response = client.post(
        reverse("growth:item_edit", args=[plan.pk, item.pk]),
        {"title": "Исправленный шаг", "url": "ftp://example.org/"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["url"]
    assert 'value="Исправленный шаг"' in response.content.decode()
    assert fresh(item).title == "Шаг"


def test_an_item_of_another_plan_is_a_404(client):
    plan = _mine(client)
    other = make_item(make_plan(), "Чужой")

    response = client.get(reverse("growth:item_edit", args=[plan.pk, other.pk]))
    done = client.post(reverse("growth:item_done", args=[plan.pk, other.pk]))

    assert response.status_code == 404
    assert done.status_code == 404
    assert fresh(other).done_at is None


def test_item_done_marks_it_and_back_again(client):
    plan = _mine(client)
    item = make_item(plan, "Шаг")
    url = reverse("growth:item_done", args=[plan.pk, item.pk])

    done = client.post(url, {"done": "1", "page": "2"})
    done_at = fresh(item).done_at
    counted = fresh(plan).items_done
    undone = client.post(url, {"done": "0"})

    assert done.status_code == 302
    assert done["Location"] == f"{plan.get_absolute_url()}?page=2#item-{item.pk}"
    assert done_at is not None
    assert counted == 1
    assert undone["Location"] == f"{plan.get_absolute_url()}#item-{item.pk}"
    assert fresh(item).done_at is None
    assert fresh(plan).items_done == 0
    actions = set(PlanEvent.objects.filter(plan=plan).values_list("action", flat=True))
    assert {PlanEvent.Action.ITEM_DONE, PlanEvent.Action.ITEM_UNDONE} <= actions


def test_item_done_takes_no_get_and_not_the_mentor(client):
    plan = make_plan()
    mentorship = make_mentor(plan)
    item = make_item(plan, "Шаг")
    url = reverse("growth:item_done", args=[plan.pk, item.pk])

    _login(client, plan.owner)
    by_get = client.get(url)
    _login(client, mentorship.mentor)
    by_mentor = client.post(url, {"done": "1"})

    assert by_get.status_code == 405
    assert by_mentor.status_code == 403
    assert fresh(item).done_at is None


def test_item_remove_takes_it_out_of_the_plan(client):
    plan = _mine(client)
    item = make_item(plan, "Лишний шаг")

    response = client.post(reverse("growth:item_remove", args=[plan.pk, item.pk]))

    assert response.status_code == 302
    assert not PlanItem.objects.filter(pk=item.pk).exists()
    assert fresh(plan).items_count == 0
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Лишний шаг" in text for text in messages)


def test_item_remove_is_a_404_to_a_stranger(client):
    plan = make_plan(visibility=Plan.Visibility.PUBLIC)
    item = make_item(plan, "Шаг")
    _login(client)

    response = client.post(reverse("growth:item_remove", args=[plan.pk, item.pk]))

    assert response.status_code == 404
    assert PlanItem.objects.filter(pk=item.pk).exists()
