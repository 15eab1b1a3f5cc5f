"""The home page, the error pages and the language switch."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django.views.defaults import server_error

from accounts.models import Profile

pytestmark = pytest.mark.django_db

LANGUAGE_URL = "/language/"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")


def links(response) -> list[str]:
    parser = _Links()
    parser.feed(response.content.decode())
    return parser.hrefs


def template_names(response) -> list[str]:
    return [template.name for template in response.templates]


@pytest.fixture
def english_client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_home_anonymous_is_invited_to_sign_up(client):
    response = client.get("/")

    assert response.status_code == 200
    assert reverse("account_signup") in links(response)
    assert reverse("account_login") in links(response)


def test_home_member_is_greeted_by_display_name_without_sign_up(member_client, member):
    Profile.objects.filter(user=member).update(
        display_name="Анна Сергеевна Морозова", language="en"
    )
    # A member who has been here before (see accounts' first-visit tests).
    type(member).objects.filter(pk=member.pk).update(
        last_seen_at=timezone.now() - timedelta(days=1)
    )
    cache.clear()  # the visit kept at sign-in: this one starts from the row

    response = member_client.get("/")

    assert response.status_code == 200
    assert "Welcome back, Анна Сергеевна Морозова!" in response.content.decode()
    assert reverse("account_signup") not in links(response)
    assert reverse("account_login") not in links(response)


def test_home_member_display_name_is_escaped(member_client, member):
    Profile.objects.filter(user=member).update(display_name="<b>Иван</b>")

    html = member_client.get("/").content.decode()

    assert "&lt;b&gt;Иван&lt;/b&gt;" in html
    assert "<b>Иван</b>" not in html


def test_unknown_url_is_404_with_our_page(english_client):
    response = english_client.get("/no-such-page/")

    assert response.status_code == 404
    assert "404.html" in template_names(response)
    assert "Page not found" in response.content.decode()
    assert reverse("home") in links(response)


def test_server_error_page_is_500_with_our_page():
    with translation.override("en"):
        response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert '<a href="/">' in html


def test_csrf_failure_is_403_with_our_page():
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(LANGUAGE_URL, {"language": "ru", "next": "/"})

    assert response.status_code == 403
    assert "403_csrf.html" in template_names(response)
    assert "The form has expired" in response.content.decode()
    assert reverse("home") in links(response)
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_language_set_stores_cookie_and_redirects_to_next(client):
    response = client.post(LANGUAGE_URL, {"language": "en", "next": "/?page=2"})

    assert response.status_code == 302
    assert response["Location"] == "/?page=2"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["max-age"] == settings.LANGUAGE_COOKIE_AGE
    assert cookie["samesite"] == "Lax"


def test_language_set_then_pages_are_in_that_language(client):
    client.post(LANGUAGE_URL, {"language": "en", "next": "/"})

    response = client.get("/")

    assert response["Content-Language"] == "en"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "",
    ],
)
def test_language_set_never_redirects_off_site(client, next_url):
    response = client.post(LANGUAGE_URL, {"language": "en", "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_language_set_unknown_language_is_bad_request(client):
    response = client.post(LANGUAGE_URL, {"language": "de", "next": "/"})

    assert response.status_code == 400
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_a_visitor_switches_language_with_a_link(client):
    page = client.get("/").content.decode()
    assert f'href="{LANGUAGE_URL}?language=en&amp;next=/"' in page
    assert 'name="csrfmiddlewaretoken"' not in page  # the page can be cached

    response = client.get(LANGUAGE_URL, {"language": "en", "next": "/forums/"})

    assert response.status_code == 302
    assert response["Location"] == "/forums/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert client.put(LANGUAGE_URL, {"language": "en"}).status_code == 405


def test_a_link_does_not_change_a_members_profile(member_client, member):
    member_client.get(LANGUAGE_URL, {"language": "en", "next": "/"})

    member.profile.refresh_from_db()
    assert member.profile.language == "ru"


def test_language_set_member_choice_is_stored_in_profile(member_client, member):
    assert member.profile.language == "ru"

    response = member_client.post(LANGUAGE_URL, {"language": "en", "next": "/"})

    assert response.status_code == 302
    member.profile.refresh_from_db()
    assert member.profile.language == "en"


def test_language_set_unknown_language_leaves_profile_alone(member_client, member):
    member_client.post(LANGUAGE_URL, {"language": "de", "next": "/"})

    member.profile.refresh_from_db()
    assert member.profile.language == "ru"
