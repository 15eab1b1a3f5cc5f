import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

MISMATCH = "Указанные вами адрес электронной почты и/или пароль неверны."
TOO_MANY = "Слишком много неудачных попыток входа в систему."


def _login(client, login: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def _logged_in_as(client) -> str | None:
    return client.session.get("_auth_user_id")


def test_login_page_renders_in_russian_by_default(client):
    response = client.get(reverse("account_login"))

    assert response.status_code == 200
    assert response.context["LANGUAGE_CODE"] == "ru"
    assert 'name="login"' in response.content.decode()
    assert 'name="password"' in response.content.decode()


def test_login_with_right_password_lands_on_home(client, member):
    # A returning member: a first sign-in opens the welcome page instead.
    User.objects.filter(pk=member.pk).update(last_login=timezone.now())
    response = _login(client, member.email)

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert _logged_in_as(client) == str(member.pk)


def test_login_wrong_password_reshows_form_with_russian_error(client, member):
    response = _login(client, member.email, "not-the-password")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [MISMATCH]
    assert MISMATCH in response.content.decode()
    assert _logged_in_as(client) is None


def test_login_unknown_email_gets_the_same_error(client, member):
    response = _login(client, "nobody@school.example")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [MISMATCH]
    assert _logged_in_as(client) is None


def test_login_email_is_case_insensitive(client):
    user = UserFactory(email="teacher@school.example")

    response = _login(client, "  Teacher@SCHOOL.example ")

    assert response.status_code == 302
    assert _logged_in_as(client) == str(user.pk)


def test_logout_by_post_logs_out(member_client, member):
    assert _logged_in_as(member_client) == str(member.pk)

    response = member_client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert _logged_in_as(member_client) is None


def test_logout_by_get_only_asks(member_client, member):
    response = member_client.get(reverse("account_logout"))

    assert response.status_code == 200
    assert _logged_in_as(member_client) == str(member.pk)


def test_login_failed_limit_per_address_refuses_even_the_right_password(client, member):
    for _ in range(5):
        assert _login(client, member.email, "guess").status_code == 200

    response = _login(client, member.email.upper())

    # allauth turns the exhausted "login_failed" limit into a form error on
    # the same page (200), not a 429; the point is that it does not log in.
    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    assert _logged_in_as(client) is None


def test_login_failed_limit_is_per_address_not_per_school():
    """Eight colleagues in one staff room (one IP) each mistype once, then log in."""
    colleagues = UserFactory.create_batch(8)

    for colleague in colleagues:
        browser = Client()  # same REMOTE_ADDR as every other test client
        assert _login(browser, colleague.email, "typo").status_code == 200
        response = _login(browser, colleague.email)
        assert response.status_code == 302, colleague.email
        assert _logged_in_as(browser) == str(colleague.pk)


def test_login_failed_limit_per_ip_still_caps_a_spray(client, member):
    for number in range(10):
        _login(client, f"guess{number}@school.example", "guess")

    response = _login(client, member.email)

    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    assert _logged_in_as(client) is None


def test_login_posts_per_ip_are_limited_with_429(client):
    for _ in range(60):
        assert client.post(reverse("account_login"), {}).status_code == 200

    response = client.post(reverse("account_login"), {})

    assert response.status_code == 429


def test_admin_login_redirects_to_allauth_login(client):
    response = client.get("/admin/login/")

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login") + "?next=")


def test_admin_login_post_does_not_authenticate(client, moderator):
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": moderator.email, "password": PASSWORD},
    )

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert _logged_in_as(client) is None


def test_admin_login_is_rate_limited_through_allauth(client, moderator):
    for _ in range(5):
        client.post(
            reverse("account_login") + "?next=/admin/",
            {"login": moderator.email, "password": "guess"},
        )

    response = client.post(
        reverse("account_login") + "?next=/admin/",
        {"login": moderator.email, "password": PASSWORD},
    )

    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    assert _logged_in_as(client) is None
    assert client.get("/admin/").status_code == 302


def test_admin_login_through_allauth_reaches_admin_for_staff(client, moderator):
    response = client.post(
        reverse("account_login") + "?next=/admin/",
        {"login": moderator.email, "password": PASSWORD},
    )

    assert response.status_code == 302
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_admin_index_refuses_a_member(member_client):
    response = member_client.get("/admin/")

    # Django's admin sends a non-staff user to its login view, which allauth's
    # secure_admin_login answers with 403 for a signed-in non-staff member.
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
    assert member_client.get(response.url).status_code == 403


def test_admin_index_opens_for_moderator(moderator_client):
    response = moderator_client.get("/admin/")

    assert response.status_code == 200


def test_admin_index_sends_anonymous_to_allauth_login(client):
    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert response.status_code == 200


def test_login_greets_the_member_by_display_name_not_address(client, member):
    # A returning member: a first sign-in opens the welcome page instead.
    User.objects.filter(pk=member.pk).update(last_login=timezone.now())
    response = client.post(
        reverse("account_login"),
        {"login": member.email, "password": PASSWORD},
        follow=True,
    )

    greetings = [str(message) for message in response.context["messages"]]
    assert any(member.profile.display_name in text for text in greetings), greetings
    assert not any(member.email in text for text in greetings)
