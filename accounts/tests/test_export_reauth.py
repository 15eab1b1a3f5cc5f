"""The data export asks the member to prove who they are, as deletion does."""

import io
import re
import zipfile

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

EXPORT = "/settings/account/export/"


def test_account_export_without_reauthentication_redirects_and_sends_no_zip(
    member_client,
):
    response = member_client.post(reverse("accounts:account_export"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert "next=%2Fsettings%2Faccount%2Fexport%2F" in response["Location"]
    assert response.get("Content-Type") != "application/zip"
    assert not response.has_header("Content-Disposition")


def test_account_export_after_reauthentication_sends_zip(member_client):
    member_client.post(reverse("accounts:account_export"))

    response = member_client.post(
        f"{reverse('account_reauthenticate')}?next={EXPORT}",
        {"password": PASSWORD, "next": EXPORT},
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert zipfile.is_zipfile(io.BytesIO(response.content))
    # Within allauth's timeout the next export asks nothing.
    again = member_client.post(reverse("accounts:account_export"))
    assert again["Content-Type"] == "application/zip"


def test_account_export_wrong_password_sends_no_zip(member_client):
    member_client.post(reverse("accounts:account_export"))

    response = member_client.post(
        f"{reverse('account_reauthenticate')}?next={EXPORT}",
        {"password": "not-my-password", "next": EXPORT},
    )

    assert response.get("Content-Type") != "application/zip"
    assert member_client.post(reverse("accounts:account_export")).status_code == 302


def test_account_export_member_without_password_confirms_by_emailed_code(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    member = UserFactory(password=None)
    member.set_unusable_password()
    member.save(update_fields=["password"])
    client.force_login(member)

    response = client.post(reverse("accounts:account_export"))

    assert response.status_code == 302
    assert response["Location"].startswith(
        reverse("account_request_reauthentication_code")
    )
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            f"{reverse('account_request_reauthentication_code')}?next={EXPORT}",
            {"recipient": member.email},
        )
    assert sent.status_code == 302
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mailoutbox[-1].body, re.M)[1]

    response = client.post(
        f"{reverse('account_confirm_reauthentication_code')}?next={EXPORT}",
        {"code": code, "next": EXPORT},
    )

    assert response["Content-Type"] == "application/zip"
    assert zipfile.is_zipfile(io.BytesIO(response.content))


def test_account_delete_member_without_password_confirms_by_emailed_code(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    member = UserFactory(password=None)
    member.set_unusable_password()
    member.save(update_fields=["password"])
    client.force_login(member)
    delete = reverse("accounts:account_delete")

    response = client.post(delete)

    assert response["Location"].startswith(
        reverse("account_request_reauthentication_code")
    )
    assert User.objects.get(pk=member.pk).is_active
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"{reverse('account_request_reauthentication_code')}?next={delete}",
            {"recipient": member.email},
        )
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mailoutbox[-1].body, re.M)[1]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{reverse('account_confirm_reauthentication_code')}?next={delete}",
            {"code": code, "next": delete},
        )

    assert response.status_code == 302
    assert not User.objects.get(pk=member.pk).is_active


def test_account_delete_member_with_password_still_types_it(member_client, member):
    response = member_client.post(reverse("accounts:account_delete"))

    assert response.status_code == 400
    assert User.objects.get(pk=member.pk).is_active


def test_account_page_asks_no_password_of_a_member_without_one(client):
    member = UserFactory(password=None)
    member.set_unusable_password()
    member.save(update_fields=["password"])
    client.force_login(member)

    page = client.get(reverse("accounts:settings_account")).content.decode()

    assert 'name="password"' not in page
    assert reverse("accounts:account_delete") in page
