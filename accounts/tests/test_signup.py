import re
from datetime import timedelta

import pytest
from allauth.account.internal.flows.email_verification import (
    send_verification_email_to_address,
)
from allauth.account.models import EmailAddress
from allauth.core import context
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile, User
from accounts.tests import factories
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Zvezdnoe-nebo-nad-Kazanyu-7"
CONFIRM_LINK = re.compile(r"https?://testserver(/accounts/confirm-email/[^/\s]+/)")


def _signup(client, django_capture_on_commit_callbacks, **overrides):
    data = {
        "display_name": "Анна Петровна Смирнова",
        "email": "anna@school.example",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("account_signup"), data)


def _confirmation_path(message) -> str:
    match = CONFIRM_LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def _login(client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_signup_form_asks_for_name_email_and_password_twice(client):
    response = client.get(reverse("account_signup"))

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields) == ["display_name", "email", "password1", "password2"]
    content = response.content.decode()
    for name in form.fields:
        assert f'name="{name}"' in content


def test_signup_creates_user_profile_and_unverified_address(
    client, django_capture_on_commit_callbacks
):
    response = _signup(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="anna@school.example")
    assert user.check_password(PASSWORD)
    assert Profile.objects.get(user=user).display_name == "Анна Петровна Смирнова"
    address = EmailAddress.objects.get(user=user)
    assert address.email == "anna@school.example"
    assert address.primary
    assert not address.verified


def test_signup_sends_one_confirmation_mail_with_the_link(
    client, django_capture_on_commit_callbacks
):
    _signup(client, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna@school.example"]
    assert message.subject.startswith("[Коллеги] ")
    assert _confirmation_path(message)
    # Our letter greets the member by name, never the site by its domain.
    assert "Здравствуйте, Анна Петровна Смирнова!" in message.body
    assert "Вас приветствует" not in message.body


def test_signup_does_not_log_the_new_member_in(
    client, django_capture_on_commit_callbacks
):
    _signup(client, django_capture_on_commit_callbacks)

    assert "_auth_user_id" not in client.session


def test_signup_confirmation_link_shows_page_then_confirms_on_post(
    client, django_capture_on_commit_callbacks
):
    _signup(client, django_capture_on_commit_callbacks)
    path = _confirmation_path(mail.outbox[0])
    address = EmailAddress.objects.get(email="anna@school.example")

    page = client.get(path)

    assert page.status_code == 200
    assert page.context["confirmation"] is not None
    address.refresh_from_db()
    assert not address.verified, "a GET (a mail scanner) must not confirm"

    response = client.post(path)

    assert response.status_code == 302
    address.refresh_from_db()
    assert address.verified


def test_signup_login_before_confirming_is_refused(
    client, django_capture_on_commit_callbacks
):
    _signup(client, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        response = _login(client, "anna@school.example")

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_signup_login_after_confirming_elsewhere_opens_the_welcome_page(
    client, django_capture_on_commit_callbacks
):
    _signup(client, django_capture_on_commit_callbacks)
    # Confirmed in another browser (the letter opened on a phone).
    Client().post(_confirmation_path(mail.outbox[0]))

    response = _login(client, "anna@school.example")

    assert response.status_code == 302
    assert response.url == reverse("accounts:welcome")
    user = User.objects.get(email="anna@school.example")
    assert client.session["_auth_user_id"] == str(user.pk)
    home = client.get(response.url)
    assert "Анна Петровна Смирнова" in home.content.decode()


def test_signup_duplicate_email_in_other_case_creates_no_second_account(
    client, django_capture_on_commit_callbacks
):
    existing = UserFactory(email="teacher@school.example")

    response = _signup(
        client,
        django_capture_on_commit_callbacks,
        email="Teacher@School.example",
        display_name="Самозванец",
    )

    # allauth prevents account enumeration (ACCOUNT_PREVENT_ENUMERATION, on by
    # default): with mandatory verification a taken address gets the same
    # "check your mail" answer as a new one, and the owner a warning letter.
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.filter(email__iexact="teacher@school.example").count() == 1
    assert not Profile.objects.filter(display_name="Самозванец").exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["teacher@school.example"]
    assert not CONFIRM_LINK.search(mail.outbox[0].body)
    existing.refresh_from_db()
    assert existing.check_password(factories.PASSWORD)


def test_signup_with_an_address_signed_up_moments_ago_keeps_its_confirmation(
    client, django_capture_on_commit_callbacks
):
    # A sign-up whose account is saved but whose confirmation is not sent
    # yet, as between two requests at the same moment: the second one must
    # not spend the address's one letter on "you already have an account".
    earlier = UserFactory(email="teacher@school.example", email_address=None)
    address = EmailAddress.objects.create(
        user=earlier, email=earlier.email, verified=False, primary=True
    )

    response = _signup(
        client,
        django_capture_on_commit_callbacks,
        email="Teacher@School.example",
        display_name="Второй щелчок",
    )

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert mail.outbox == []
    assert not Profile.objects.filter(display_name="Второй щелчок").exists()
    # The confirmation of the account made first still goes out.
    with django_capture_on_commit_callbacks(execute=True):
        request = RequestFactory().get("/")
        request.session = client.session
        request._messages = FallbackStorage(request)
        with context.request_context(request):
            send_verification_email_to_address(request, address, signup=True)
    assert [message.to for message in mail.outbox] == [["teacher@school.example"]]
    assert CONFIRM_LINK.search(mail.outbox[0].body)


def test_signup_with_an_unconfirmed_address_of_an_older_account_warns_its_owner(
    client, django_capture_on_commit_callbacks
):
    earlier = UserFactory(
        email="teacher@school.example",
        email_address=None,
        date_joined=timezone.now() - timedelta(hours=1),
    )
    EmailAddress.objects.create(
        user=earlier, email=earlier.email, verified=False, primary=True
    )

    response = _signup(
        client, django_capture_on_commit_callbacks, email="teacher@school.example"
    )

    assert response.url == reverse("account_email_verification_sent")
    assert [message.to for message in mail.outbox] == [["teacher@school.example"]]
    assert not CONFIRM_LINK.search(mail.outbox[0].body)


def test_signup_mismatched_passwords_reshows_form_with_error(
    client, django_capture_on_commit_callbacks
):
    response = _signup(
        client, django_capture_on_commit_callbacks, password2=PASSWORD + "x"
    )

    assert response.status_code == 200
    assert response.context["form"].errors["password2"]
    assert "Вы должны ввести одинаковый пароль дважды." in response.content.decode()
    assert 'value="Анна Петровна Смирнова"' in response.content.decode()
    assert not User.objects.exists()
    assert mail.outbox == []


def test_signup_too_common_password_reshows_form_with_error(
    client, django_capture_on_commit_callbacks
):
    response = _signup(
        client,
        django_capture_on_commit_callbacks,
        password1="password123",
        password2="password123",
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["password1"]
    assert any("распространён" in error for error in errors), errors
    assert not User.objects.exists()
    assert mail.outbox == []


def test_signup_requires_display_name(client, django_capture_on_commit_callbacks):
    response = _signup(client, django_capture_on_commit_callbacks, display_name="")

    assert response.status_code == 200
    assert response.context["form"].errors["display_name"]
    assert not User.objects.exists()


@pytest.mark.parametrize("key", ["garbage", "MQ:1tNotAKey:abcdefghijklmnop"])
def test_signup_confirmation_with_bad_key_shows_message(client, key):
    path = reverse("account_confirm_email", kwargs={"key": key})

    page = client.get(path)

    assert page.status_code == 200
    assert page.context["confirmation"] is None
    assert "срок её действия истек" in page.content.decode()
    # Submitting the form anyway: allauth answers 404 for an unknown key.
    assert client.post(path).status_code == 404


def test_signup_confirmation_link_reused_after_confirming_is_harmless(
    client, django_capture_on_commit_callbacks
):
    _signup(client, django_capture_on_commit_callbacks)
    path = _confirmation_path(mail.outbox[0])
    client.post(path)

    page = client.get(path)
    again = client.post(path)

    assert page.status_code == 200
    assert page.context["confirmation"] is None
    assert again.status_code == 404
    address = EmailAddress.objects.get(email="anna@school.example")
    assert address.verified
