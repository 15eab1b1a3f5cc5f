import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from accounts.tests.factories import UserFactory
from community.middleware import TimezoneMiddleware

pytestmark = pytest.mark.django_db

ENGLISH_HEADING = "Kollegi — a professional network of school teachers"
# allauth's own catalogue is complete in Russian, so its strings tell which
# language a page was rendered in whatever state our catalogue is in.
LOGIN_TITLE = {"ru": "Войти", "en": "Sign In"}
CHANGE_PASSWORD_TITLE = {"ru": "Изменить пароль", "en": "Change Password"}


@pytest.fixture
def _no_leftover_timezone():
    yield
    timezone.deactivate()


def _active_zone_during(request) -> str:
    seen = {}

    def get_response(request):
        seen["zone"] = timezone.get_current_timezone_name()
        return HttpResponse()

    TimezoneMiddleware(get_response)(request)
    return seen["zone"]


def _request_as(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def _assert_rendered_in(response, language: str, titles: dict[str, str]) -> None:
    content = response.content.decode()
    assert response.context["LANGUAGE_CODE"] == language
    assert titles[language] in content
    for other, title in titles.items():
        if other != language:
            assert title not in content


def test_pages_are_russian_by_default(client):
    response = client.get(reverse("account_login"))

    _assert_rendered_in(response, "ru", LOGIN_TITLE)


def test_member_with_english_profile_gets_english_pages(client):
    member = UserFactory(profile__language="en")
    client.force_login(member)

    home = client.get(reverse("home"))
    page = client.get(reverse("account_change_password"))

    assert home.context["LANGUAGE_CODE"] == "en"
    assert ENGLISH_HEADING in home.content.decode()
    _assert_rendered_in(page, "en", CHANGE_PASSWORD_TITLE)


def test_member_profile_language_wins_over_cookie(client):
    member = UserFactory(profile__language="ru")
    client.force_login(member)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(reverse("account_change_password"))

    _assert_rendered_in(response, "ru", CHANGE_PASSWORD_TITLE)


def test_anonymous_accept_language_does_not_switch_to_english(client):
    response = client.get(
        reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"
    )

    _assert_rendered_in(response, "ru", LOGIN_TITLE)


def test_anonymous_language_cookie_switches_to_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(reverse("account_login"))

    _assert_rendered_in(response, "en", LOGIN_TITLE)


def test_anonymous_unknown_language_cookie_is_ignored(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"

    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="de")

    _assert_rendered_in(response, "ru", LOGIN_TITLE)


def test_member_language_switch_is_kept_in_profile(member_client, member):
    response = member_client.post(
        reverse("language_set"), {"language": "en", "next": reverse("home")}
    )

    assert response.status_code == 302
    assert Profile.objects.get(user=member).language == "en"
    assert member_client.get(reverse("home")).context["LANGUAGE_CODE"] == "en"


@pytest.mark.usefixtures("_no_leftover_timezone")
def test_timezone_middleware_activates_member_zone():
    member = UserFactory(profile__time_zone="Asia/Vladivostok")

    assert _active_zone_during(_request_as(member)) == "Asia/Vladivostok"


@pytest.mark.usefixtures("_no_leftover_timezone")
def test_timezone_middleware_uses_moscow_for_anonymous():
    timezone.activate("Asia/Vladivostok")  # left over from an earlier request

    assert _active_zone_during(_request_as(AnonymousUser())) == "Europe/Moscow"


@pytest.mark.usefixtures("_no_leftover_timezone")
def test_timezone_middleware_falls_back_on_unknown_zone():
    member = UserFactory(profile__time_zone="Europe/Moscow")
    Profile.objects.filter(user=member).update(time_zone="Mars/Olympus_Mons")
    member.refresh_from_db()
    member.profile.refresh_from_db()
    timezone.activate("Asia/Vladivostok")

    assert _active_zone_during(_request_as(member)) == "Europe/Moscow"


@pytest.mark.usefixtures("_no_leftover_timezone")
def test_timezone_member_pages_render_in_member_zone(client):
    member = UserFactory(profile__time_zone="Asia/Vladivostok")
    client.force_login(member)

    response = client.get(reverse("home"))

    assert response.context["TIME_ZONE"] == "Asia/Vladivostok"
