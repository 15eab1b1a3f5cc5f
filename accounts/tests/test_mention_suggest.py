"""Suggestions of colleagues to mention, by name (the Markdown editor's "@")."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import BlockFactory, UserFactory
from forums.services.fanout import _mentioned_users
from forums.tests.factories import SectionFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:mention_suggest")


def names(response) -> list[str]:
    return [member["name"] for member in response.json()["members"]]


def test_anonymous_visitors_are_sent_to_sign_in(client):
    UserFactory(profile__display_name="Анна Морозова")

    response = client.get(URL, {"q": "Ан"})

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_only_get_is_answered(member_client):
    assert member_client.post(URL, {"q": "Ан"}).status_code == 405


def test_members_are_found_by_display_name_with_the_username_to_insert(
    member, member_client
):
    anna = UserFactory(username="amorozova", profile__display_name="Анна Морозова")
    UserFactory(profile__display_name="Борис Петров")

    response = member_client.get(URL, {"q": "ан"})

    assert response.status_code == 200
    assert response.json() == {
        "members": [{"username": "amorozova", "name": "Анна Морозова"}]
    }
    # The token inserted is the one the forums' mention parser resolves.
    assert _mentioned_users(
        "Спасибо, @amorozova !", author=member, section=SectionFactory()
    ) == [anna]
    assert "private" in response["Cache-Control"]


def test_inactive_hidden_unlisted_deleted_blocking_and_self_are_left_out(
    member, member_client
):
    member.profile.display_name = "Анна Сама"
    member.profile.save()
    UserFactory(is_active=False, profile__display_name="Анна Неактивная")
    UserFactory(profile__display_name="Анна Скрытая", profile__is_hidden=True)
    UserFactory(
        profile__display_name="Анна Невидимая", profile__listed_in_directory=False
    )
    blocker = UserFactory(profile__display_name="Анна Заблокировала")
    BlockFactory(blocker=blocker, blocked=member)
    UserFactory(profile__display_name="Анна Видимая")

    assert names(member_client.get(URL, {"q": "Анна"})) == ["Анна Видимая"]


def test_at_most_eight_in_one_query_and_nothing_written(member_client):
    for number in range(12):
        UserFactory(profile__display_name=f"Анна {number:02d}")
    member_client.get(URL, {"q": "Ан"})  # The session is read once per request.

    with CaptureQueriesContext(connection) as queries:
        response = member_client.get(URL, {"q": "Ан"})

    assert len(names(response)) == 8
    assert names(response) == sorted(names(response))
    statements = [query["sql"].lstrip().split()[0].upper() for query in queries]
    assert all(statement == "SELECT" for statement in statements), statements
    # The session, the member, the suggestions.
    assert len(queries) <= 3


def test_a_single_letter_asks_nothing(member_client):
    UserFactory(profile__display_name="Анна Морозова")
    member_client.get(URL, {"q": "Ан"})

    with CaptureQueriesContext(connection) as two_letters:
        member_client.get(URL, {"q": "Ан"})
    with CaptureQueriesContext(connection) as one_letter:
        response = member_client.get(URL, {"q": "А"})

    assert names(response) == []
    assert len(one_letter) == len(two_letters) - 1
