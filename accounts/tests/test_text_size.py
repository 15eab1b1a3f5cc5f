"""Reading comfort: the member's text size, kept in the profile, on every page."""

import re

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services
from accounts.models import Profile, User
from community.views_errors import server_error

pytestmark = pytest.mark.django_db


def _html_class(response) -> str:
    return re.search(r"<html[^>]*class=\"([^\"]*)\"", response.content.decode())[1]


def _profile_reads(queries) -> list[str]:
    # The member comes with the profile in one query (FROM accounts_user JOIN
    # accounts_profile); a query of its own for the profile would be extra.
    return [
        query["sql"]
        for query in queries
        if re.search(r'FROM "accounts_profile"', query["sql"])
    ]


def test_text_size_is_saved_from_the_profile_settings(member_client, member):
    profile = member.profile
    response = member_client.post(
        reverse("accounts:settings_profile"),
        {
            "display_name": profile.display_name,
            "time_zone": profile.time_zone,
            "language": "ru",
            "text_size": "larger",
        },
    )

    assert response.status_code == 302
    assert Profile.objects.get(pk=profile.pk).text_size == "larger"


def test_text_size_refuses_an_unknown_choice(member_client, member):
    profile = member.profile
    response = member_client.post(
        reverse("accounts:settings_profile"),
        {
            "display_name": profile.display_name,
            "time_zone": profile.time_zone,
            "language": "ru",
            "text_size": "huge",
        },
    )

    assert response.status_code == 400
    assert Profile.objects.get(pk=profile.pk).text_size == "standard"


def test_the_settings_form_offers_the_three_sizes(member_client):
    response = member_client.get(reverse("accounts:settings_profile"))

    for size in ("standard", "large", "larger"):
        assert f'name="text_size" value="{size}"' in response.content.decode()


def test_visitors_read_the_standard_size(client, db):
    assert _html_class(client.get("/")) == "text-size-standard"


def test_a_site_page_follows_the_members_text_size_without_a_query(client, member):
    services.profile_update(profile=member.profile, text_size="large")
    client.force_login(member)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("forums:index"))

    assert _html_class(response) == "text-size-large"
    assert _profile_reads(queries.captured_queries) == []


def test_the_same_number_of_queries_whatever_the_size(client, member):
    client.force_login(member)
    client.get("/")  # warm the caches the page keeps
    with CaptureQueriesContext(connection) as standard:
        client.get("/")
    services.profile_update(profile=member.profile, text_size="larger")
    with CaptureQueriesContext(connection) as larger:
        response = client.get("/")

    assert _html_class(response) == "text-size-larger"
    assert len(larger.captured_queries) == len(standard.captured_queries)


def test_admin_pages_follow_the_moderators_text_size_without_a_query(
    moderator_client, moderator
):
    services.profile_update(profile=moderator.profile, text_size="larger")

    with CaptureQueriesContext(connection) as queries:
        response = moderator_client.get(reverse("admin:index"))

    body = re.search(r"<body[^>]*class=\"([^\"]*)\"", response.content.decode())[1]
    assert "text-size-larger" in body.split()
    assert "css/text-size.css" in response.content.decode()
    assert _profile_reads(queries.captured_queries) == []


def test_the_not_found_page_keeps_the_text_size(client, member):
    services.profile_update(profile=member.profile, text_size="larger")
    client.force_login(member)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert _html_class(response) == "text-size-larger"


def test_the_error_page_keeps_the_text_size_it_has_already_read(member):
    services.profile_update(profile=member.profile, text_size="large")
    request = RequestFactory().get("/")
    request.user = User.objects.select_related("profile").get(pk=member.pk)

    try:
        raise ValueError("a bug")
    except ValueError:
        with CaptureQueriesContext(connection) as queries:
            response = server_error(request)

    assert response.status_code == 500
    assert _html_class(response) == "text-size-large"
    assert queries.captured_queries == []


def test_the_error_page_never_reads_the_profile_itself(member):
    services.profile_update(profile=member.profile, text_size="large")
    request = RequestFactory().get("/")
    request.user = User.objects.get(pk=member.pk)  # profile not loaded

    try:
        raise ValueError("a bug")
    except ValueError:
        with CaptureQueriesContext(connection) as queries:
            response = server_error(request)

    assert _html_class(response) == "text-size-standard"
    assert queries.captured_queries == []
