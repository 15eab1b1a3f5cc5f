import re
from datetime import timedelta

import pytest
from allauth.account.forms import EmailAwarePasswordResetTokenGenerator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Novyi-parol-dlya-uchitelya-2025"
RESET_LINK = re.compile(r"https?://testserver(/accounts/password/reset/key/\S+/)")
CONFIRM_LINK = re.compile(r"https?://testserver(/accounts/confirm-email/[^/\s]+/)")


def _request_reset(client, django_capture_on_commit_callbacks, email: str):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("account_reset_password"), {"email": email})


def _reset_path(message) -> str:
    match = RESET_LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def _set_new_password(client, path: str, password: str = NEW_PASSWORD):
    """Follow a reset link the way a browser does: GET, then POST the form."""
    page = client.get(path, follow=True)
    form_path = page.redirect_chain[-1][0] if page.redirect_chain else path
    response = client.post(form_path, {"password1": password, "password2": password})
    return page, response


def _login(client, email: str, password: str):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_password_reset_mails_a_link_to_a_known_address(
    client, django_capture_on_commit_callbacks, member
):
    response = _request_reset(client, django_capture_on_commit_callbacks, member.email)

    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    assert _reset_path(mail.outbox[0])


def test_password_reset_link_sets_a_new_password(
    client, django_capture_on_commit_callbacks, member
):
    _request_reset(client, django_capture_on_commit_callbacks, member.email)

    page, response = _set_new_password(client, _reset_path(mail.outbox[0]))

    assert page.status_code == 200
    assert page.context["form"] is not None
    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_from_key_done")
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    login = _login(client, member.email, NEW_PASSWORD)
    assert login.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


def test_password_reset_for_unknown_address_looks_the_same(
    client, django_capture_on_commit_callbacks, member
):
    known = _request_reset(client, django_capture_on_commit_callbacks, member.email)
    mail.outbox.clear()

    unknown = _request_reset(
        client, django_capture_on_commit_callbacks, "stranger@school.example"
    )

    assert unknown.status_code == known.status_code == 302
    assert unknown.url == known.url
    # The stranger's mailbox gets a letter saying there is no such account,
    # with no reset link in it.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["stranger@school.example"]
    assert "stranger@school.example" in mail.outbox[0].body
    assert not RESET_LINK.search(mail.outbox[0].body)


def test_password_reset_with_garbage_key_shows_bad_token_page(client, member):
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(member), "key": "garbage-key"},
    )

    response = client.get(path)

    assert response.status_code == 200
    assert response.context["token_fail"] is True
    assert "Неправильный ключ" in response.content.decode()


def test_password_reset_with_expired_key_shows_bad_token_page(client, member):
    class IssuedFourDaysAgo(EmailAwarePasswordResetTokenGenerator):
        def _now(self):
            return timezone.now().replace(tzinfo=None) - timedelta(days=4)

    key = IssuedFourDaysAgo().make_token(member)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(member), "key": key},
    )

    page, _response = _set_new_password(client, path)

    assert page.status_code == 200
    assert page.context["token_fail"] is True
    member.refresh_from_db()
    assert not member.check_password(NEW_PASSWORD)


def test_password_reset_key_cannot_be_used_twice(
    client, django_capture_on_commit_callbacks, member
):
    _request_reset(client, django_capture_on_commit_callbacks, member.email)
    path = _reset_path(mail.outbox[0])
    _set_new_password(client, path)

    page, _response = _set_new_password(client, path, password="Esche-odin-parol-99")

    assert page.status_code == 200
    assert page.context["token_fail"] is True
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)


def test_password_change_by_member_works(member_client, member):
    response = member_client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    # ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False: the session stays valid.
    assert member_client.get(reverse("account_change_password")).status_code == 200
    assert member_client.session["_auth_user_id"] == str(member.pk)


def test_password_change_with_wrong_old_password_shows_error(member_client, member):
    response = member_client.post(
        reverse("account_change_password"),
        {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["oldpassword"]
    assert "Пожалуйста, введите свой текущий пароль." in response.content.decode()
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_password_change_requires_login(client):
    response = client.get(reverse("account_change_password"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_email_change_sends_confirmation_to_new_address(
    member_client, django_capture_on_commit_callbacks, member
):
    old_email = member.email

    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(
            reverse("account_email"),
            {"email": "new.address@school.example", "action_add": ""},
        )

    assert response.status_code == 302
    added = EmailAddress.objects.get(email="new.address@school.example")
    assert added.user == member
    assert not added.verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.address@school.example"]
    path = CONFIRM_LINK.search(mail.outbox[0].body).group(1)
    # Until confirmed, the old address stays the one the member signs in with.
    member.refresh_from_db()
    assert member.email == old_email

    member_client.post(path)

    added.refresh_from_db()
    assert added.verified
    member.refresh_from_db()
    assert member.email == "new.address@school.example"
