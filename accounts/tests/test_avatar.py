"""Avatars: checked by content, EXIF gone, resized; a refused file changes nothing."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse
from PIL import Image

from accounts import services
from accounts.avatars import avatar_files
from accounts.models import Profile
from accounts.services import members

pytestmark = pytest.mark.django_db


def picture(image_format: str, size: tuple[int, int] = (800, 600), **save) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(output, image_format, **save)
    return output.getvalue()


def upload(name: str, content: bytes, content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file())


def test_avatar_set_strips_exif_and_resizes(member, django_capture_on_commit_callbacks):
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    exif[0x8825] = {1: "N", 2: (55.0, 45.0, 21.0)}

    with django_capture_on_commit_callbacks(execute=True):
        profile = services.profile_avatar_set(
            profile=member.profile,
            upload=upload("me.jpg", picture("JPEG", exif=exif.tobytes())),
        )

    with (
        default_storage.open(profile.avatar.name) as stored,
        Image.open(stored) as image,
    ):
        assert dict(image.getexif()) == {}
        assert max(image.size) == members.AVATAR_SIDE
    assert profile.avatar.name.endswith(".jpg")
    assert "me" not in Path(profile.avatar.name).stem


@pytest.mark.parametrize("image_format", ["PNG", "WEBP"])
def test_avatar_set_accepts_png_and_webp_by_content(member, image_format):
    # The name says .jpg; the content decides the stored extension.
    profile = services.profile_avatar_set(
        profile=member.profile, upload=upload("photo.jpg", picture(image_format))
    )

    assert profile.avatar.name.endswith("." + image_format.lower())


def test_avatar_set_refuses_text_named_as_picture_and_keeps_previous(member):
    services.profile_avatar_set(
        profile=member.profile, upload=upload("a.png", picture("PNG"))
    )
    before = Profile.objects.get(pk=member.profile.pk).avatar.name
    files_before = stored_files()

    with pytest.raises(ValidationError) as error:
        services.profile_avatar_set(
            profile=member.profile, upload=upload("cv.jpg", b"not a picture at all")
        )

    assert error.value.code == "not_image"
    assert Profile.objects.get(pk=member.profile.pk).avatar.name == before
    assert stored_files() == files_before


def test_avatar_set_refuses_gif(member):
    with pytest.raises(ValidationError) as error:
        services.profile_avatar_set(
            profile=member.profile, upload=upload("a.gif", picture("GIF"))
        )

    assert error.value.code == "format"


def test_avatar_set_refuses_file_over_five_megabytes_and_keeps_previous(member):
    previous = services.profile_avatar_set(
        profile=member.profile, upload=upload("a.png", picture("PNG"))
    ).avatar.name
    big = upload("big.png", picture("PNG") + b"\0" * (5 * 1024 * 1024))

    with pytest.raises(ValidationError) as error:
        services.profile_avatar_set(profile=member.profile, upload=big)

    assert error.value.code == "too_large"
    assert Profile.objects.get(pk=member.profile.pk).avatar.name == previous
    assert member.profile.avatar.name == previous
    assert default_storage.exists(previous)
    assert stored_files() == sorted(
        Path(settings.MEDIA_ROOT) / name for name in avatar_files(previous)
    )


def test_avatar_set_deletes_new_file_when_the_database_write_fails(member):
    profile = member.profile
    # The row is gone, so the UPDATE touches nothing and Django raises.
    Profile.objects.filter(pk=profile.pk).delete()

    with pytest.raises(DatabaseError):
        services.profile_avatar_set(
            profile=profile, upload=upload("a.png", picture("PNG"))
        )

    assert stored_files() == []
    assert profile.avatar.name == ""


def test_avatar_replace_removes_old_file_after_commit(
    member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.profile_avatar_set(
            profile=member.profile, upload=upload("a.png", picture("PNG"))
        ).avatar.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        second = services.profile_avatar_set(
            profile=member.profile, upload=upload("b.png", picture("PNG"))
        ).avatar.name
    # Until the transaction commits, the old file must still be there.
    assert default_storage.exists(first)

    for callback in callbacks:
        callback()

    assert not default_storage.exists(first)
    assert default_storage.exists(second)


def test_avatar_remove_clears_field_and_file(
    member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        name = services.profile_avatar_set(
            profile=member.profile, upload=upload("a.png", picture("PNG"))
        ).avatar.name
        services.profile_avatar_remove(profile=member.profile)

    assert Profile.objects.get(pk=member.profile.pk).avatar.name == ""
    assert not default_storage.exists(name)


def test_avatar_upload_view_shows_error_and_keeps_previous(member_client, member):
    services.profile_avatar_set(
        profile=member.profile, upload=upload("a.png", picture("PNG"))
    )
    before = Profile.objects.get(pk=member.profile.pk).avatar.name

    response = member_client.post(
        reverse("accounts:avatar_upload"),
        {"avatar": upload("evil.jpg", b"<?php echo 1; ?>")},
    )

    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert Profile.objects.get(pk=member.profile.pk).avatar.name == before


def test_avatar_upload_view_saves_picture(member_client, member):
    response = member_client.post(
        reverse("accounts:avatar_upload"), {"avatar": upload("a.jpg", picture("JPEG"))}
    )

    assert response.status_code == 302
    assert Profile.objects.get(pk=member.profile.pk).avatar.name


def test_avatar_views_need_login_and_post(member_client):
    assert Client().post(reverse("accounts:avatar_upload")).status_code == 302
    assert member_client.get(reverse("accounts:avatar_upload")).status_code == 405
    assert member_client.get(reverse("accounts:avatar_remove")).status_code == 405


def test_avatar_remove_needs_login_and_keeps_the_picture(member):
    name = services.profile_avatar_set(
        profile=member.profile, upload=upload("a.png", picture("PNG"))
    ).avatar.name

    response = Client().post(reverse("accounts:avatar_remove"))

    assert response.status_code == 302
    assert reverse("account_login") in response.url
    assert Profile.objects.get(pk=member.profile.pk).avatar.name == name


def test_avatar_remove_view_removes_own_picture(
    member_client, member, django_capture_on_commit_callbacks
):
    name = services.profile_avatar_set(
        profile=member.profile, upload=upload("a.png", picture("PNG"))
    ).avatar.name

    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(reverse("accounts:avatar_remove"))

    assert response.status_code == 302
    assert Profile.objects.get(pk=member.profile.pk).avatar.name == ""
    assert not default_storage.exists(name)


def test_avatar_upload_view_refuses_oversized_file_with_400(member_client, member):
    big = upload("big.png", picture("PNG") + b"\0" * (5 * 1024 * 1024), "image/png")

    response = member_client.post(reverse("accounts:avatar_upload"), {"avatar": big})

    assert response.status_code == 400
    assert response.context["avatar_form"].errors["avatar"]
    assert Profile.objects.get(pk=member.profile.pk).avatar.name == ""
    assert stored_files() == []


def test_avatar_remove_without_a_picture_changes_nothing(member):
    before = Profile.objects.get(pk=member.profile.pk).updated_at

    profile = services.profile_avatar_remove(profile=member.profile)

    assert profile.avatar.name == ""
    assert Profile.objects.get(pk=member.profile.pk).updated_at == before
