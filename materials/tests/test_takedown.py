"""Copyright takedown: the public form, the decision, the author's answer."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.tests.factories import UserFactory
from community.inbox import inbox_for
from community.models import AuditEntry, Notification
from materials.models import TakedownRequest
from materials.services import takedown as services
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Издательство «Просвещение», юридический отдел",
    "email": "rights@example.org",
    "organisation": "Просвещение",
    "work": "Учебник «Математика. 5 класс», 2023, стр. 40–45",
    "details": "Рабочий лист повторяет задачи 1–12 со стр. 41.",
    "confirmed": "on",
}


def _request(material, **overrides):
    fields = {
        "name": "Правообладатель",
        "email": "rights@example.org",
        "work": "Учебник",
        "details": "Копия задач",
        "confirmed": True,
        **overrides,
    }
    return services.takedown_request(material=material, **fields)


def test_anyone_without_an_account_can_send_a_request(
    client, django_capture_on_commit_callbacks
):
    material = MaterialFactory()
    url = reverse("materials:takedown", args=[material.pk])
    assert url in client.get(material.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, FORM)

    assert response.status_code == 200
    request = TakedownRequest.objects.get()
    assert (request.material, request.status) == (material, "open")
    assert request.work.startswith("Учебник")
    assert mail.outbox[0].to == ["rights@example.org"]
    material.refresh_from_db()
    assert not material.is_hidden  # up until a moderator decides


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "не адрес"),
        ("work", ""),
        ("details", "  "),
        ("confirmed", ""),
        ("name", ""),
    ],
)
def test_bad_input_is_400_with_the_text_kept(client, field, value):
    material = MaterialFactory()

    response = client.post(
        reverse("materials:takedown", args=[material.pk]), {**FORM, field: value}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "invalid-feedback" in page
    kept = FORM["details"] if field != "details" else FORM["work"]
    assert kept in page
    assert not TakedownRequest.objects.exists()


def test_the_service_refuses_what_the_form_would(db):
    material = MaterialFactory()

    with pytest.raises(ValidationError) as error:
        _request(material, email="x", confirmed=False, work=" ")

    assert set(error.value.error_dict) == {"email", "confirmed", "work"}


def test_too_many_requests_from_one_address_are_429(client):
    material = MaterialFactory()
    url = reverse("materials:takedown", args=[material.pk])
    for _ in range(10):
        assert client.post(url, FORM).status_code == 200

    response = client.post(url, FORM)

    assert response.status_code == 429
    assert FORM["details"] in response.content.decode()
    assert TakedownRequest.objects.count() == 10


def test_no_form_for_a_hidden_or_draft_material(client):
    hidden = MaterialFactory(is_hidden=True)
    draft = MaterialFactory(status="draft", published_at=None)

    for material in (hidden, draft):
        assert (
            client.get(reverse("materials:takedown", args=[material.pk])).status_code
            == 404
        )


def test_upheld_request_hides_the_material_and_the_author_can_answer(
    moderator, client, django_capture_on_commit_callbacks
):
    material = MaterialFactory()
    request = _request(material)

    with django_capture_on_commit_callbacks(execute=True):
        services.takedown_decide(request=request, moderator=moderator, uphold=True)

    material.refresh_from_db()
    assert material.is_hidden
    assert client.get(material.get_absolute_url()).status_code == 404
    note = Notification.objects.get(recipient=material.author, kind="takedown_upheld")
    answer_url = reverse("materials:takedown_answer", args=[request.pk])
    assert note.url == answer_url
    assert AuditEntry.objects.filter(action="takedown_upheld", actor=moderator).exists()
    assert "hidden" in mail.outbox[-1].body or "скрыт" in mail.outbox[-1].body

    client.force_login(material.author)
    assert client.post(answer_url, {"text": " "}).status_code == 400
    response = client.post(answer_url, {"text": "Это мой собственный рабочий лист."})

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "answered"
    assert request.author_answer.startswith("Это мой")
    # Back in the moderators' inbox.
    counts = {source.key: count for source, count in inbox_for(moderator)}
    assert counts["materials_takedowns"] == 1


def test_after_the_answer_a_moderator_restores_the_material(moderator):
    material = MaterialFactory()
    request = _request(material)
    services.takedown_decide(request=request, moderator=moderator, uphold=True)
    services.takedown_answer(request=request, author=material.author, text="Мой")

    services.takedown_decide(request=request, moderator=moderator, uphold=False)

    material.refresh_from_db()
    request.refresh_from_db()
    assert not material.is_hidden
    assert request.status == "restored"
    assert Notification.objects.filter(
        recipient=material.author, kind="takedown_restored"
    ).exists()
    with pytest.raises(ValidationError):
        services.takedown_decide(request=request, moderator=moderator, uphold=True)


def test_a_rejected_request_leaves_the_material(moderator):
    material = MaterialFactory()
    request = _request(material)

    services.takedown_decide(request=request, moderator=moderator, uphold=False)

    material.refresh_from_db()
    assert not material.is_hidden
    assert not Notification.objects.filter(recipient=material.author).exists()


def test_only_moderators_decide_and_only_the_author_answers(member, moderator, client):
    material = MaterialFactory()
    request = _request(material)
    with pytest.raises(PermissionDenied):
        services.takedown_decide(request=request, moderator=member, uphold=True)
    services.takedown_decide(request=request, moderator=moderator, uphold=True)

    with pytest.raises(PermissionDenied):
        services.takedown_answer(request=request, author=member, text="Не моё")
    client.force_login(UserFactory())
    url = reverse("materials:takedown_answer", args=[request.pk])
    assert client.get(url).status_code == 404


def test_moderators_decide_in_the_admin(moderator_client, moderator):
    material = MaterialFactory()
    request = _request(material)
    url = reverse("admin:materials_takedownrequest_changelist")
    assert moderator_client.get(url, {"waiting": "1"}).status_code == 200

    moderator_client.post(url, {"action": "uphold", "_selected_action": [request.pk]})

    material.refresh_from_db()
    assert material.is_hidden


def test_waiting_requests_are_counted_in_the_admin_inbox(moderator_client):
    _request(MaterialFactory())

    page = moderator_client.get(reverse("admin:index")).content.decode()

    assert "takedownrequest/?waiting=1" in page
