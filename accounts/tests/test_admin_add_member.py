"""A member added in the admin signs in at once, by e-mail, as members do."""

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from accounts.models import Profile, User
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Lipa-u-shkoly-2026"


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _add(client: Client, **overrides):
    data = {
        "email": "Nastya@School.example",
        "display_name": "Анастасия Игоревна",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "_save": "1",
        **overrides,
    }
    return client.post(reverse("admin:accounts_user_add"), data)


def test_the_add_page_asks_for_the_address_and_the_name(admin_client):
    page = admin_client.get(reverse("admin:accounts_user_add")).content.decode()

    assert 'name="email"' in page
    assert 'name="display_name"' in page
    assert 'name="username"' not in page


def test_a_member_added_in_the_admin_signs_in_at_once(admin_client):
    response = _add(admin_client)

    assert response.status_code == 302
    user = User.objects.get(email="nastya@school.example")
    assert Profile.objects.get(user=user).display_name == "Анастасия Игоревна"
    address = EmailAddress.objects.get(user=user)
    assert address.verified
    assert address.primary
    signed_in = Client().post(
        reverse("account_login"),
        {"login": "nastya@school.example", "password": PASSWORD},
    )
    assert signed_in.status_code == 302
    assert reverse("account_email_verification_sent") not in signed_in.url


def test_without_a_password_the_member_sets_one_later(admin_client):
    _add(admin_client, password1="", password2="")

    user = User.objects.get(email="nastya@school.example")
    assert not user.has_usable_password()


def test_a_taken_address_is_said_on_the_page_and_the_name_kept(admin_client):
    UserFactory(email="nastya@school.example")

    response = _add(admin_client)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Этот адрес электронной почты уже занят." in page
    assert 'value="Анастасия Игоревна"' in page
    assert User.objects.filter(email__iexact="nastya@school.example").count() == 1


def test_passwords_that_differ_are_refused(admin_client):
    response = _add(admin_client, password2=PASSWORD + "x")

    assert response.status_code == 200
    assert not User.objects.filter(email="nastya@school.example").exists()
