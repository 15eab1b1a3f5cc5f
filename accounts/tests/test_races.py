"""A double click, a retry, or requests at once: follows, blocks, bookmarks
and sign-ups answer as if sent once, and never with an error."""

import pytest
from allauth.account.internal.flows import manage_email
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from accounts.models import Block, Bookmark, Follow, Profile, User
from accounts.tests.factories import BlogPostFactory, UserFactory
from community.models import Notification
from community.tests.races import at_once, client_for, needs_postgresql

PARALLEL = 20
SIGNUPS = 10
PASSWORD = "Zvezdnoe-nebo-nad-Kazanyu-7"


def _signup(client: Client, email: str, name: str = "Анна Петровна Смирнова"):
    return client.post(
        reverse("account_signup"),
        {
            "display_name": name,
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


def _follow_url(user: User) -> str:
    return reverse("accounts:follow_toggle", kwargs={"username": user.username})


def _block_url(user: User) -> str:
    return reverse("accounts:block_toggle", kwargs={"username": user.username})


def _bookmark(client: Client, post, on: str):
    return client.post(
        reverse("accounts:bookmark_toggle"),
        {"key": "blogpost", "object_id": post.pk, "on": on},
    )


# --- One request after another (SQLite too) -------------------------------------


@pytest.mark.django_db
def test_follow_sent_twice_still_follows(member_client, member):
    other = UserFactory()

    member_client.post(_follow_url(other), {"action": "follow"})
    member_client.post(_follow_url(other), {"action": "follow"})

    assert Follow.objects.filter(follower=member, followee=other).count() == 1
    assert Notification.objects.filter(recipient=other, kind="follow").count() == 1


@pytest.mark.django_db
def test_block_sent_twice_still_blocks(member_client, member):
    other = UserFactory()

    member_client.post(_block_url(other), {"action": "block"})
    member_client.post(_block_url(other), {"action": "block"})

    assert Block.objects.filter(blocker=member, blocked=other).count() == 1


@pytest.mark.django_db
def test_bookmark_sent_twice_stays_kept_and_removal_twice_stays_removed(
    member_client, member
):
    post = BlogPostFactory()

    _bookmark(member_client, post, "1")
    _bookmark(member_client, post, "1")
    assert Bookmark.objects.filter(user=member).count() == 1

    _bookmark(member_client, post, "0")
    _bookmark(member_client, post, "0")
    assert not Bookmark.objects.exists()


@pytest.mark.django_db
def test_bookmark_buttons_ask_for_the_other_state(member_client, member):
    post = BlogPostFactory()

    before = member_client.get(post.get_absolute_url()).content.decode()
    _bookmark(member_client, post, "1")
    after = member_client.get(post.get_absolute_url()).content.decode()

    assert '<input type="hidden" name="on" value="1">' in before
    assert '<input type="hidden" name="on" value="0">' in after


@pytest.mark.django_db
def test_signup_losing_the_race_for_its_address_gets_the_taken_address_answer(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    # The form found the address free; another sign-up with it (in another
    # case) committed before this one saved.
    UserFactory(email="teacher@school.example")
    monkeypatch.setattr(
        manage_email, "email_already_exists", lambda email, **kwargs: (email, False)
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = _signup(client, "Teacher@School.EXAMPLE", name="Второй")

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.filter(email__iexact="teacher@school.example").count() == 1
    assert not Profile.objects.filter(display_name="Второй").exists()
    # The account was made a moment ago and its confirmation is on its way:
    # no second letter (allauth sends one per address every few minutes).
    assert mail.outbox == []


@pytest.mark.django_db
def test_createsuperuser_with_a_taken_address_is_a_one_line_error():
    UserFactory(email="director@school.example")

    with pytest.raises(
        CommandError, match=r"^Этот адрес электронной почты уже занят\.$"
    ):
        call_command(
            "createsuperuser",
            interactive=False,
            username="director2",
            email="Director@School.example",
            verbosity=0,
        )

    assert not User.objects.filter(username="director2").exists()
    call_command(
        "createsuperuser",
        interactive=False,
        username="director3",
        email="deputy@school.example",
        verbosity=0,
    )
    assert User.objects.get(username="director3").is_superuser


# --- At once (PostgreSQL) ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_parallel_follows_keep_one_follow_and_one_notification(vocabulary):
    needs_postgresql()
    member, other = UserFactory(), UserFactory()
    clients = [client_for(member) for _ in range(PARALLEL)]

    statuses = at_once(
        [
            lambda client=client: client.post(_follow_url(other), {"action": "follow"})
            for client in clients
        ]
    )

    assert statuses == [302] * PARALLEL
    assert list(Follow.objects.values_list("follower", "followee")) == [
        (member.pk, other.pk)
    ]
    assert Notification.objects.filter(recipient=other, kind="follow").count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_blocks_keep_one_block(vocabulary):
    needs_postgresql()
    member, other = UserFactory(), UserFactory()
    clients = [client_for(member) for _ in range(PARALLEL)]

    statuses = at_once(
        [
            lambda client=client: client.post(_block_url(other), {"action": "block"})
            for client in clients
        ]
    )

    assert statuses == [302] * PARALLEL
    assert Block.objects.filter(blocker=member, blocked=other).count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_bookmarks_keep_one_bookmark(vocabulary):
    needs_postgresql()
    post = BlogPostFactory()
    member = UserFactory()
    clients = [client_for(member) for _ in range(PARALLEL)]

    statuses = at_once(
        [lambda client=client: _bookmark(client, post, "1") for client in clients]
    )

    assert statuses == [302] * PARALLEL
    assert Bookmark.objects.filter(user=member, object_id=post.pk).count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_signups_with_one_address_make_one_account(vocabulary):
    needs_postgresql()
    spellings = [
        "Teacher@School.example",
        "teacher@school.example",
        "TEACHER@SCHOOL.EXAMPLE",
        "teacher@School.Example",
        "tEacher@school.example",
    ]
    clients = [client_for(None) for _ in range(SIGNUPS)]

    responses = []

    def signup(index: int, client: Client):
        response = _signup(
            client, spellings[index % len(spellings)], f"Учитель {index}"
        )
        responses.append(response)
        return response

    statuses = at_once(
        [
            lambda index=index, client=client: signup(index, client)
            for index, client in enumerate(clients)
        ]
    )

    # Each gets what a sign-up with a taken address gets one after another:
    # allauth's "check your mail" page (no enumeration of accounts).
    assert statuses == [302] * SIGNUPS
    assert {response.url for response in responses} == {
        reverse("account_email_verification_sent")
    }
    user = User.objects.get(email__iexact="teacher@school.example")
    assert Profile.objects.filter(display_name__startswith="Учитель").count() == 1
    assert Profile.objects.get(display_name__startswith="Учитель").user == user
    # One letter: the new account's confirmation, never crowded out.
    assert [message.to for message in mail.outbox] == [[user.email]]
    assert "confirm-email" in mail.outbox[0].body
