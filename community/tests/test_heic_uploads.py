"""iPhone photos (HEIC/HEIF): accepted by content for avatars, pictures in
posts and master-class covers, and stored as JPEG; a file that only says it
is HEIC is refused with the translated message."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.models import Profile
from community.images import heif_register
from masterclasses import services as masterclass_services
from masterclasses.tests.factories import MasterClassFactory

pytestmark = pytest.mark.django_db


def heic(size: tuple[int, int] = (640, 480)) -> bytes:
    """A real HEIC picture, written by pillow-heif."""
    heif_register()
    output = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(output, "HEIF", quality=80)
    content = output.getvalue()
    assert content[4:12] == b"ftypheic"
    return content


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/heic")


def stored_format(name: str) -> str:
    with default_storage.open(name) as stored, Image.open(stored) as image:
        return image.format


def test_heic_avatar_upload_is_stored_as_jpeg(member_client, member):
    response = member_client.post(
        reverse("accounts:avatar_upload"), {"avatar": upload("IMG_0001.HEIC", heic())}
    )

    assert response.status_code == 302
    name = Profile.objects.get(pk=member.profile.pk).avatar.name
    assert name.endswith(".jpg")
    assert stored_format(name) == "JPEG"


def test_avatar_form_offers_heic_to_the_file_picker(member_client):
    page = member_client.get(reverse("accounts:settings_profile")).content.decode()

    assert "image/heic" in page
    assert "HEIC" in page


def test_heic_markdown_image_upload_is_stored_as_jpeg(member_client):
    response = member_client.post(
        "/markdownx/upload/", {"image": upload("IMG_0002.heic", heic((3000, 2000)))}
    )

    assert response.status_code == 200, response.content
    code = response.json()["image_code"]
    assert code.endswith(".jpg)")
    name = code[len("![](" + settings.MEDIA_URL) : -1]
    with default_storage.open(name) as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        assert max(image.size) == settings.MARKDOWNX_IMAGE_MAX_SIZE["size"][0]


def test_heic_masterclass_cover_is_stored_as_jpeg():
    masterclass = MasterClassFactory()

    masterclass_services.cover_set(
        masterclass=masterclass,
        editor=masterclass.host,
        upload=upload("cover.heic", heic()),
    )

    assert masterclass.cover.name.endswith(".jpg")
    assert stored_format(masterclass.cover.name) == "JPEG"


def test_fake_heic_avatar_is_refused_with_the_translated_message(member_client, member):
    fake = b"\x00\x00\x00\x18ftypheic" + b"not really a photo " * 40

    response = member_client.post(
        reverse("accounts:avatar_upload"), {"avatar": upload("IMG_0003.heic", fake)}
    )

    assert response.status_code == 400
    assert "Файл не является изображением или повреждён." in response.content.decode()
    assert Profile.objects.get(pk=member.profile.pk).avatar.name == ""
    media = Path(settings.MEDIA_ROOT)
    assert not any(path.is_file() for path in media.rglob("*"))


def test_fake_heic_markdown_image_is_refused(member_client):
    response = member_client.post(
        "/markdownx/upload/", {"image": upload("a.heic", b"plain text, not a photo")}
    )

    assert response.status_code == 400
    assert response.json()["image"] == ["Файл не является изображением или повреждён."]
