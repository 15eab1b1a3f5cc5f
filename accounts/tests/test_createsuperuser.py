"""createsuperuser: an administrator signs in at once, by e-mail, like members."""

import builtins
import getpass
import io

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Profile, User
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Kollegi-admin-2025!"


class Terminal(io.StringIO):
    """What the command reads from when a person runs it."""

    def isatty(self) -> bool:
        return True


def _answers(monkeypatch, *, typed: list[str], secret: list[str]) -> None:
    """Feed the prompts (the terminal is the boundary): typed lines, then passwords."""
    typed_lines, secret_lines = iter(typed), iter(secret)
    monkeypatch.setattr(builtins, "input", lambda prompt="": next(typed_lines))
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(secret_lines))


def _login(client, email: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_createsuperuser_noinput_needs_no_username_and_signs_in_at_once(
    client, monkeypatch
):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "Director@School.example")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    out = io.StringIO()

    call_command("createsuperuser", "--noinput", stdout=out)

    user = User.objects.get()
    assert user.is_superuser
    assert user.is_staff
    assert user.email == "director@school.example"
    # Named as a sign-up names accounts: from the address.
    assert user.username == "director"
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == (
        "director@school.example",
        True,
        True,
    )
    assert Profile.objects.get(user=user).display_name == "Director"
    assert "director@school.example" in out.getvalue()
    assert "можно входить" in out.getvalue()

    response = _login(client, "director@school.example")

    assert response.status_code == 302
    assert "confirm-email" not in response.url
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("admin:index")).status_code == 200


def test_createsuperuser_noinput_takes_options_and_a_free_username(monkeypatch):
    UserFactory(username="director")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)

    call_command(
        "createsuperuser",
        interactive=False,
        email="director@lyceum.example",
        display_name="Анна Сергеевна",
        stdout=io.StringIO(),
    )

    user = User.objects.get(email="director@lyceum.example")
    assert user.username not in ("", "director")
    assert user.profile.display_name == "Анна Сергеевна"
    assert user.check_password(PASSWORD)


def test_createsuperuser_noinput_without_a_password_says_how_to_set_one(monkeypatch):
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)
    out = io.StringIO()

    call_command(
        "createsuperuser", interactive=False, email="head@school.example", stdout=out
    )

    user = User.objects.get(email="head@school.example")
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified
    assert reverse("account_reset_password") in out.getvalue()
    assert "без пароля" in out.getvalue()


def test_createsuperuser_noinput_without_an_address_is_a_russian_error(monkeypatch):
    monkeypatch.delenv("DJANGO_SUPERUSER_EMAIL", raising=False)

    with pytest.raises(CommandError, match=r"^Укажите адрес почты"):
        call_command("createsuperuser", interactive=False)

    assert not User.objects.exists()


def test_createsuperuser_taken_username_is_said_in_russian_only(monkeypatch):
    UserFactory(username="director")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)

    with pytest.raises(CommandError) as error:
        call_command(
            "createsuperuser",
            interactive=False,
            username="director",
            email="deputy@school.example",
        )

    message = str(error.value)
    assert "уже существует" in message
    assert "taken" not in message
    assert "Error" not in message
    assert not User.objects.filter(email="deputy@school.example").exists()


def test_createsuperuser_asks_again_until_the_answers_are_right(client, monkeypatch):
    UserFactory(email="taken@school.example")
    _answers(
        monkeypatch,
        typed=["", "not an address", "Taken@school.example", "head@school.example", ""],
        secret=["short", "other", "", "", PASSWORD, PASSWORD],
    )
    out, err = io.StringIO(), io.StringIO()

    call_command("createsuperuser", stdin=Terminal(), stdout=out, stderr=err)

    said = err.getvalue()
    assert "Введите адрес электронной почты." in said
    assert "Введите правильный адрес электронной почты." in said
    assert "Этот адрес электронной почты уже занят." in said
    assert "Пароли не совпадают." in said
    assert "Пароль не может быть пустым." in said
    user = User.objects.get(email="head@school.example")
    assert user.is_superuser
    assert user.profile.display_name == "head"
    assert _login(client, "head@school.example").status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_createsuperuser_outside_a_terminal_makes_no_one():
    out = io.StringIO()

    call_command("createsuperuser", stdin=io.StringIO(), stdout=out)

    assert not User.objects.exists()
    assert "--noinput" in out.getvalue()
    assert "не терминал" in out.getvalue()
