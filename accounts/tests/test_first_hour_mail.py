"""A new member's first hour: the account letters, confirming the address,
the welcome page and the first greeting."""

import re
from datetime import timedelta
from pathlib import Path

import allauth
import pytest
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.core import context
from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core import mail
from django.core.cache import cache
from django.template.loader import get_template
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Profile, User
from accounts.tests import factories
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Zvezdnoe-nebo-nad-Kazanyu-7"
CONFIRM_LINK = re.compile(r"https?://testserver(/accounts/confirm-email/[^/\s\"<]+/)")
URL = re.compile(r"(https?://|mailto:)\S+")
ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"
# Every letter allauth may send: each must be ours.
PREFIXES = sorted(
    str(path.relative_to(ALLAUTH_TEMPLATES)).removesuffix("_subject.txt")
    for folder in ("account/email", "socialaccount/email")
    for path in (ALLAUTH_TEMPLATES / folder).glob("*_subject.txt")
)
# allauth's own wording, in both languages: none of it may reach a member.
STOCK = (
    "Hello from",
    "Thank you for using",
    "Вас приветствует",
    "Благодарим вас",
    "You're receiving this",
    "Вы получили это",
    "указал",
    "пользовател",
    "user ",
)
NAME = {"ru": "«Коллеги»", "en": "Kollegi"}


class _Provider:
    name = "VK"


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


def _html(message) -> str:
    (html,) = [body for body, mime in message.alternatives if mime == "text/html"]
    return html


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _send(capture, prefix: str, email: str, extra: dict, language: str = "ru"):
    """Send one account letter as allauth does, from a page in ``language``."""
    request = RequestFactory().get("/")
    request.session = Client().session
    request._messages = FallbackStorage(request)
    request.user = (
        extra.get("user") or type("Anonymous", (), {"is_authenticated": False})()
    )
    mail.outbox.clear()
    with (
        capture(execute=True),
        translation.override(language),
        context.request_context(request),
    ):
        get_adapter(request).send_mail(prefix, email, extra)
    (message,) = mail.outbox
    return message


def _letter_context(member: User) -> dict:
    return {
        "user": member,
        "activate_url": "http://testserver/accounts/confirm-email/KEY/",
        "key": "KEY",
        "password_reset_url": "http://testserver/accounts/password/reset/key/1-x/",
        "signup_url": "http://testserver/accounts/signup/",
        "code": "ABC123",
        "from_email": "old@school.example",
        "to_email": member.email,
        "deleted_email": "old@school.example",
        "provider": _Provider(),
        "timestamp": timezone.now(),
        "ip": "192.0.2.7",
        "user_agent": "Firefox",
    }


# --- 10. Every account letter is ours ---------------------------------------


@pytest.mark.parametrize("prefix", PREFIXES)
def test_account_letter_templates_are_kolleg_own(prefix):
    ours = Path(settings.BASE_DIR) / "templates"
    for part in ("_subject.txt", "_message.txt", "_message.html"):
        origin = Path(get_template(f"{prefix}{part}").origin.name)
        assert origin.is_relative_to(ours), f"{prefix}{part} is allauth's"


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("prefix", PREFIXES)
def test_account_letter_is_ours_in_the_members_language_as_text_and_html(
    prefix, language, django_capture_on_commit_callbacks
):
    member = UserFactory(email="anna@school.example")
    Profile.objects.filter(user=member).update(
        display_name="Анна Петровна Смирнова", language=language
    )

    message = _send(
        django_capture_on_commit_callbacks,
        prefix,
        member.email,
        _letter_context(member),
    )

    html = _html(message)
    assert message.subject.startswith(f"[{NAME[language].strip('«»')}] ")
    for part in (message.body, html):
        assert NAME[language] in part
        assert "Смирнова" in part
        # The site is named, never greeted by its domain.
        assert "testserver" not in URL.sub("", part)
        for phrase in STOCK:
            assert phrase not in part, (phrase, part)
    assert f'<html lang="{language}">' in html
    assert "&lt;" not in message.body
    assert "&quot;" not in message.body
    # The Russian letters speak Russian; the English ones, English.
    words = URL.sub("", message.body.replace("Анна Петровна Смирнова", ""))
    assert bool(re.search("[а-яё]{4,}", words)) == (language == "ru"), words


def test_account_letter_to_an_address_without_account_follows_the_page_language(
    django_capture_on_commit_callbacks,
):
    message = _send(
        django_capture_on_commit_callbacks,
        "account/email/unknown_account",
        "stranger@school.example",
        {"signup_url": "http://testserver/accounts/signup/"},
        language="en",
    )

    assert message.body.startswith("Hello!")
    assert "stranger@school.example" in message.body
    assert "Kollegi" in _html(message)


def test_password_reset_letter_speaks_the_members_language_not_the_pages(
    client, django_capture_on_commit_callbacks
):
    member = UserFactory(email="anna@school.example")
    Profile.objects.filter(user=member).update(language="en")

    # Asked from a Russian page, signed out.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": member.email})

    (message,) = mail.outbox
    assert message.subject == "[Kollegi] Choose a new password"
    assert "Someone asked to reset the password" in message.body


def test_signup_in_english_keeps_english_for_the_profile_and_the_letter(
    client, django_capture_on_commit_callbacks
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    _signup(client, django_capture_on_commit_callbacks)

    assert Profile.objects.get(user__email="anna@school.example").language == "en"
    (message,) = mail.outbox
    assert message.subject == "[Kollegi] Confirm your address to finish signing up"


def test_signup_letter_is_gender_neutral_names_kollegi_and_its_html_link_confirms(
    client, django_capture_on_commit_callbacks
):
    _signup(client, django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    assert message.subject == "[Коллеги] Подтвердите адрес, чтобы завершить регистрацию"
    assert "Здравствуйте, Анна Петровна Смирнова!" in message.body
    assert "на сайте «Коллеги»" in message.body
    assert "указал" not in message.body
    link = re.search(
        r'href="https?://testserver(/accounts/confirm-email/[^"]+)"', _html(message)
    )
    assert link
    assert link.group(1) == _confirmation_path(message)

    Client().post(link.group(1))

    assert EmailAddress.objects.get(email="anna@school.example").verified


def test_password_change_sends_a_notice_of_ours(
    member_client, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(
            reverse("account_change_password"),
            {
                "oldpassword": factories.PASSWORD,
                "password1": "Novyi-parol-dlya-urokov-9",
                "password2": "Novyi-parol-dlya-urokov-9",
            },
        )

    (message,) = mail.outbox
    assert message.to == [member.email]
    assert message.subject == "[Коллеги] Пароль изменён"
    assert "Пароль учётной записи изменён." in message.body
    assert "Пароль учётной записи изменён." in _html(message)


# --- 10. The "check your mail" pages ----------------------------------------


@override_settings(CONTACT_EMAIL="pomoshch@kollegi.example")
@pytest.mark.parametrize(
    "url_name", ["account_email_verification_sent", "account_reset_password_done"]
)
def test_check_your_mail_page_gives_a_contact_and_reads_well(client, url_name):
    html = client.get(reverse(url_name)).content.decode()

    assert 'href="mailto:pomoshch@kollegi.example"' in html
    assert "папку «Спам»" in html
    assert "&quot;Спам&quot;.Пожалуйста" not in html
    assert '"Спам".' not in html
    assert "свяжитесь с нами" not in html.lower()


@override_settings(CONTACT_EMAIL="pomoshch@kollegi.example")
def test_password_reset_page_gives_a_contact(client):
    html = client.get(reverse("account_reset_password")).content.decode()

    assert 'href="mailto:pomoshch@kollegi.example"' in html


# --- 9. Confirming the address ----------------------------------------------


def test_confirming_in_the_signup_browser_signs_in_and_opens_the_welcome_page(
    client, django_capture_on_commit_callbacks
):
    _signup(client, django_capture_on_commit_callbacks)
    path = _confirmation_path(mail.outbox[0])

    response = client.post(path)

    assert response.status_code == 302
    assert response.url == reverse("accounts:welcome")
    user = User.objects.get(email="anna@school.example")
    assert client.session["_auth_user_id"] == str(user.pk)
    welcome = client.get(response.url)
    html = welcome.content.decode()
    assert welcome.status_code == 200
    assert "Добро пожаловать в «Коллеги»" in html
    assert f'href="{reverse("accounts:settings_profile")}"' in html
    assert f'href="{reverse("accounts:directory")}"' in html
    assert f'href="{reverse("forums:index")}"' in html
    said = _messages(welcome)
    assert said[-1] == "Адрес anna@school.example подтверждён, вход выполнен."
    assert not any("Успешный вход" in text for text in said)


def test_confirming_in_another_browser_confirms_and_asks_to_sign_in(
    client, django_capture_on_commit_callbacks
):
    _signup(client, django_capture_on_commit_callbacks)
    phone = Client()

    response = phone.post(_confirmation_path(mail.outbox[0]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("account_login")
    assert "_auth_user_id" not in phone.session
    assert EmailAddress.objects.get(email="anna@school.example").verified
    assert _messages(response) == [
        "Адрес anna@school.example подтверждён. "
        "Чтобы продолжить, войдите с этим адресом и паролем."
    ]


def test_welcome_page_is_for_members_only(client):
    response = client.get(reverse("accounts:welcome"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_welcome_page_in_english(member_client, member):
    Profile.objects.filter(user=member).update(language="en")

    html = member_client.get(reverse("accounts:welcome")).content.decode()

    assert "Welcome to Kollegi" in html
    assert "Fill in your profile" in html


# --- 11. The first greeting -------------------------------------------------


def test_first_sign_in_greets_a_first_visit_and_a_later_one_a_return(client, member):
    credentials = {"login": member.email, "password": factories.PASSWORD}

    response = client.post(reverse("account_login"), credentials, follow=True)

    assert response.redirect_chain[-1][0] == reverse("accounts:welcome")
    assert _messages(response) == []
    home = client.get(reverse("home")).content.decode()
    assert "С возвращением" not in home
    assert f"Добро пожаловать в «Коллеги», {member.profile.display_name}!" in home

    # Two days later, in another browser.
    User.objects.filter(pk=member.pk).update(
        last_seen_at=timezone.now() - timedelta(days=2)
    )
    cache.clear()
    later = Client()

    response = later.post(reverse("account_login"), credentials, follow=True)

    assert response.redirect_chain[-1][0] == reverse("home")
    html = response.content.decode()
    assert f"С возвращением, {member.profile.display_name}!" in html
