"""Account settings: notification preferences, export of my data, deletion."""

import io
import json
import zipfile

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from accounts import services
from accounts.models import (
    Block,
    BlogComment,
    BlogPost,
    Bookmark,
    Follow,
    NotificationSetting,
    Profile,
    User,
)
from accounts.tests.factories import (
    PASSWORD,
    BlockFactory,
    BlogCommentFactory,
    BlogPostFactory,
    BookmarkFactory,
    FollowFactory,
)

pytestmark = pytest.mark.django_db
Kind = NotificationSetting.Kind
Delivery = NotificationSetting.Delivery


def png() -> SimpleUploadedFile:
    output = io.BytesIO()
    Image.new("RGB", (50, 50), (10, 200, 30)).save(output, "PNG")
    return SimpleUploadedFile("me.png", output.getvalue(), content_type="image/png")


# --- notification settings ---------------------------------------------------


def test_notification_delivery_defaults_until_chosen(member):
    assert services.notification_delivery(user=member, kind=Kind.REPLIES) == "email"
    assert services.notification_delivery(user=member, kind=Kind.FOLLOWERS) == "site"

    services.notification_settings_update(
        user=member, choices={Kind.REPLIES: Delivery.OFF}, digest_frequency="daily"
    )

    assert services.notification_delivery(user=member, kind=Kind.REPLIES) == "off"
    assert Profile.objects.get(user=member).digest_frequency == "daily"


def test_notification_settings_update_twice_keeps_one_row(member):
    for delivery in (Delivery.DIGEST, Delivery.SITE):
        services.notification_settings_update(
            user=member, choices={Kind.MENTIONS: delivery}, digest_frequency="weekly"
        )

    assert NotificationSetting.objects.get(user=member).delivery == "site"


@pytest.mark.parametrize(
    ("choices", "frequency"),
    [({"gossip": "email"}, "weekly"), ({"replies": "pigeon"}, "weekly"),
     ({}, "hourly")],
)  # fmt: skip
def test_notification_settings_update_refuses_unknown_values(
    member, choices, frequency
):
    with pytest.raises(ValidationError):
        services.notification_settings_update(
            user=member, choices=choices, digest_frequency=frequency
        )
    assert not NotificationSetting.objects.exists()


def test_notification_settings_page_saves_choices(member_client, member):
    url = reverse("accounts:settings_notifications")
    page = member_client.get(url)
    assert page.status_code == 200
    data = {f"kind_{kind}": "digest" for kind in Kind.values}
    data["digest_frequency"] = "never"

    response = member_client.post(url, data)

    assert response.status_code == 302
    assert NotificationSetting.objects.filter(
        user=member, delivery="digest"
    ).count() == len(Kind.values)
    assert Profile.objects.get(user=member).digest_frequency == "never"


def test_notification_settings_page_bad_input_is_400(member_client, member):
    response = member_client.post(
        reverse("accounts:settings_notifications"), {"kind_replies": "pigeon"}
    )

    assert response.status_code == 400
    assert not NotificationSetting.objects.exists()


# --- export ---------------------------------------------------------------


def test_account_export_holds_all_my_data(member):
    services.profile_update(profile=member.profile, about="Обо мне", interests=["ИКТ"])
    services.profile_avatar_set(profile=member.profile, upload=png())
    BlogPostFactory(author=member, title="Опубликовано")
    BlogPostFactory(author=member, title="Черновик", status="draft", published_at=None)
    BlogCommentFactory(author=member, body="Мой комментарий")
    FollowFactory(follower=member)
    BookmarkFactory(user=member)
    services.notification_settings_update(
        user=member, choices={Kind.REPLIES: Delivery.OFF}, digest_frequency="daily"
    )

    archive = zipfile.ZipFile(io.BytesIO(services.account_export(user=member)))

    names = set(archive.namelist())
    assert {"profile.json", "posts.json", "comments.json", "follows.json",
            "bookmarks.json", "notification_settings.json"} <= names  # fmt: skip
    profile = json.loads(archive.read("profile.json"))
    assert profile["about"] == "Обо мне"
    assert profile["interests"] == ["ИКТ"]
    assert profile["email"] == member.email
    assert "Обо мне" in archive.read("profile.json").decode()  # not \\u-escaped
    posts = json.loads(archive.read("posts.json"))
    assert sorted(post["title"] for post in posts) == ["Опубликовано", "Черновик"]
    assert json.loads(archive.read("comments.json"))[0]["body"] == "Мой комментарий"
    assert len(json.loads(archive.read("follows.json"))["following"]) == 1
    assert json.loads(archive.read("notification_settings.json"))["replies"] == "off"
    avatar = Profile.objects.get(user=member).avatar.name
    assert f"files/{avatar}" in names


def test_account_export_view_sends_zip(member_client, member):
    assert member_client.get(reverse("accounts:account_export")).status_code == 405
    # The export asks for the password again (test_export_reauth.py).
    member_client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    response = member_client.post(reverse("accounts:account_export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert zipfile.is_zipfile(io.BytesIO(response.content))


def test_account_export_needs_login(client):
    assert client.post(reverse("accounts:account_export")).status_code == 302


# --- deletion -------------------------------------------------------------


def test_account_delete_removes_personal_data_and_keeps_public_posts(
    member, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    services.profile_avatar_set(profile=member.profile, upload=png())
    avatar = Profile.objects.get(user=member).avatar.name
    published = BlogPostFactory(author=member, title="Остаётся")
    BlogPostFactory(author=member, status="draft", published_at=None)
    reply = BlogCommentFactory(post=published, body="Ответ коллеги")
    own_comment = BlogCommentFactory(author=member, body="Мой ответ")
    FollowFactory(follower=member)
    FollowFactory(followee=member)
    BlockFactory(blocker=member)
    BookmarkFactory(user=member)
    old_username = member.username

    with django_capture_on_commit_callbacks(execute=True):
        services.account_delete(user=member)

    user = User.objects.get(pk=member.pk)
    profile = Profile.objects.get(user=user)
    assert not user.is_active
    assert user.email == ""
    assert user.username == f"deleted-{user.pk}"
    assert not user.has_usable_password()
    assert profile.is_deleted
    assert profile.display_name == profile.school == profile.about == ""
    assert profile.shown_name == "удалённый участник"
    assert not default_storage.exists(avatar)
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Follow.objects.exists()
    assert not Block.objects.exists()
    assert not Bookmark.objects.exists()
    assert list(BlogPost.objects.filter(author=user)) == [published]
    assert set(BlogComment.objects.all()) == {reply, own_comment}
    assert Client().get(f"/u/{old_username}/").status_code == 404


def test_account_delete_view_asks_for_password(member_client, member):
    response = member_client.post(
        reverse("accounts:account_delete"), {"password": "wrong"}
    )

    assert response.status_code == 400
    assert User.objects.get(pk=member.pk).is_active


def test_account_delete_view_deletes_logs_out_and_blocks_login(member_client, member):
    email = member.email

    response = member_client.post(
        reverse("accounts:account_delete"), {"password": PASSWORD}
    )

    assert response.status_code == 302
    assert "_auth_user_id" not in member_client.session
    login = Client().post(
        reverse("account_login"), {"login": email, "password": PASSWORD}
    )
    assert "_auth_user_id" not in login.wsgi_request.session


def test_deleted_member_email_can_sign_up_again(member):
    email = member.email
    services.account_delete(user=member)

    again = services.member_create(
        email=email, password="Another-long-pass-2026", display_name="Снова я"
    )

    assert again.pk != member.pk


def test_account_settings_page(member_client):
    response = member_client.get(reverse("accounts:settings_account"))

    assert response.status_code == 200
    assert reverse("accounts:account_export") in response.content.decode()


def test_account_pages_need_login():
    client = Client()
    for name in ("settings_account", "settings_notifications"):
        assert client.get(reverse(f"accounts:{name}")).status_code == 302
