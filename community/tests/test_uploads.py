"""markdownx's endpoints: our login-protected image upload and live preview."""

import io
import re
from pathlib import Path

import markdownx.settings
import markdownx.views
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse
from PIL import Image

from community import views
from community.markdown import MAX_LENGTH, render_markdown

pytestmark = pytest.mark.django_db

UPLOAD_URL = "/markdownx/upload/"
PREVIEW_URL = "/markdownx/markdownify/"
IMAGE_CODE = re.compile(
    r"!\[\]\(/media/markdownx/(?P<name>[0-9a-f]{32})\.(?P<ext>\w+)\)"
)


def picture(image_format: str, size: tuple[int, int] = (40, 30), **save) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(output, image_format, **save)
    return output.getvalue()


def upload(name: str, content: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file())


def stored_file(response) -> Path:
    match = IMAGE_CODE.fullmatch(response.json()["image_code"])
    assert match, response.json()
    path = Path(settings.MEDIA_ROOT) / "markdownx" / f"{match['name']}.{match['ext']}"
    assert path.is_file()
    return path


@pytest.fixture
def english_member_client(member_client, member):
    """Error messages in English, whatever the catalogue holds."""
    member.profile.language = "en"
    member.profile.save()
    return member_client


def test_markdown_urls_resolve_to_our_views_not_markdownx_ones():
    assert reverse("markdown_upload") == UPLOAD_URL
    assert reverse("markdown_preview") == PREVIEW_URL
    assert resolve(UPLOAD_URL).func is views.markdown_image_upload
    assert resolve(PREVIEW_URL).func is views.markdown_preview


def test_markdown_upload_anonymous_is_redirected_to_login_and_nothing_stored(client):
    response = client.post(
        UPLOAD_URL, {"image": upload("a.png", picture("PNG"), "image/png")}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert stored_files() == []


def test_markdown_upload_get_is_not_allowed(member_client):
    assert member_client.get(UPLOAD_URL).status_code == 405


@pytest.mark.parametrize(
    ("image_format", "name", "content_type", "extension"),
    [
        ("PNG", "scheme.png", "image/png", "png"),
        ("JPEG", "photo.jpg", "image/jpeg", "jpg"),
        ("PNG", "photo.gif", "image/gif", "png"),
        ("JPEG", "x.html", "text/html", "jpg"),
    ],
)
def test_markdown_upload_stores_image_under_detected_extension(
    member_client, image_format, name, content_type, extension
):
    response = member_client.post(
        UPLOAD_URL, {"image": upload(name, picture(image_format), content_type)}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    path = stored_file(response)
    assert path.suffix == f".{extension}"
    with Image.open(path) as stored:
        assert stored.format == image_format
        assert stored.size == (40, 30)
    assert stored_files() == [path]


def test_markdown_upload_strips_exif_from_jpeg(member_client):
    exif = Image.Exif()
    exif[0x013B] = "Мария Ивановна"  # Artist
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (55.0, 45.0, 21.0), 3: "E", 4: (37.0, 37.0, 4.0)}
    original = picture("JPEG", exif=exif.tobytes())
    with Image.open(io.BytesIO(original)) as sent:
        assert sent.getexif()[0x010F] == "SecretCam"  # the test sends real EXIF

    response = member_client.post(
        UPLOAD_URL, {"image": upload("photo.jpg", original, "image/jpeg")}
    )

    assert response.status_code == 200
    path = stored_file(response)
    content = path.read_bytes()
    assert b"Exif" not in content
    assert b"SecretCam" not in content
    with Image.open(path) as stored:
        assert dict(stored.getexif()) == {}
        assert "exif" not in stored.info


def test_markdown_upload_shrinks_large_picture_to_fit(member_client):
    response = member_client.post(
        UPLOAD_URL,
        {"image": upload("big.png", picture("PNG", size=(3200, 800)), "image/png")},
    )

    assert response.status_code == 200
    with Image.open(stored_file(response)) as stored:
        assert stored.size == (1600, 400)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        pytest.param(
            "evil.html",
            b"<html><body><script>alert(document.cookie)</script></body></html>",
            "image/gif",
            id="html-as-gif",
        ),
        pytest.param(
            "evil.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
            "image/svg+xml",
            id="svg-onload",
        ),
        pytest.param(
            "fake.png",
            b"\x89PNG\r\n\x1a\n" + b"garbage, not a picture " * 50,
            "image/png",
            id="png-magic-then-garbage",
        ),
        pytest.param(
            "cut.png", picture("PNG", size=(400, 400))[:200], "image/png", id="cut-png"
        ),
        pytest.param("a.webp", picture("WEBP"), "image/webp", id="webp"),
        pytest.param("a.gif", picture("GIF"), "image/gif", id="gif"),
        pytest.param("empty.png", b"", "image/png", id="empty"),
    ],
)
def test_markdown_upload_rejects_what_is_not_a_jpeg_or_png(
    member_client, name, content, content_type
):
    response = member_client.post(
        UPLOAD_URL, {"image": upload(name, content, content_type)}
    )

    assert response.status_code == 400
    assert response.json()["image"]
    assert stored_files() == []


def test_markdown_upload_rejects_file_over_two_megabytes(english_member_client):
    limit = settings.MARKDOWNX_UPLOAD_MAX_SIZE
    assert limit == 2 * 1024 * 1024
    content = picture("PNG") + b"\x00" * limit

    response = english_member_client.post(
        UPLOAD_URL, {"image": upload("big.png", content, "image/png")}
    )

    assert response.status_code == 400
    [message] = response.json()["image"]
    assert "too large" in message
    assert "2.0\xa0MB" in message
    assert stored_files() == []


@pytest.mark.parametrize(
    ("mode", "size"),
    [
        pytest.param("1", (10_000, 10_000), id="10000x10000-decompression-bomb"),
        pytest.param("L", (7_000, 7_000), id="7000x7000-over-our-pixel-limit"),
    ],
)
def test_markdown_upload_rejects_huge_dimensions(member_client, mode, size):
    output = io.BytesIO()
    Image.new(mode, size).save(output, "PNG")
    assert len(output.getvalue()) < 100_000  # small file, enormous picture

    response = member_client.post(
        UPLOAD_URL, {"image": upload("bomb.png", output.getvalue(), "image/png")}
    )

    assert response.status_code == 400
    assert stored_files() == []


def test_markdown_upload_without_file_is_bad_request(member_client):
    response = member_client.post(UPLOAD_URL, {})

    assert response.status_code == 400
    assert response.json()["image"]
    assert stored_files() == []


def test_markdown_upload_file_under_another_field_name_is_bad_request(member_client):
    response = member_client.post(
        UPLOAD_URL, {"file": upload("a.png", picture("PNG"), "image/png")}
    )

    assert response.status_code == 400
    assert stored_files() == []


def test_markdown_preview_member_gets_sanitised_html(member_client):
    content = "**Урок** <script>alert(1)</script> [x](javascript:alert(1))"

    response = member_client.post(PREVIEW_URL, {"content": content})

    assert response.status_code == 200
    html = response.content.decode()
    assert html == render_markdown(content)
    assert "<strong>Урок</strong>" in html
    assert "<script" not in html
    assert "javascript:" not in html


def test_markdown_preview_anonymous_is_redirected_to_login(client):
    response = client.post(PREVIEW_URL, {"content": "**x**"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_markdown_preview_get_is_not_allowed(member_client):
    assert member_client.get(PREVIEW_URL).status_code == 405


def test_markdown_preview_rejects_oversize_content(member_client):
    response = member_client.post(PREVIEW_URL, {"content": "я" * (MAX_LENGTH + 1)})

    assert response.status_code == 400


def test_markdown_preview_accepts_content_of_max_length(member_client):
    response = member_client.post(PREVIEW_URL, {"content": "я" * MAX_LENGTH})

    assert response.status_code == 200


def test_markdownx_markdownify_function_is_our_renderer():
    assert (
        markdownx.settings.MARKDOWNX_MARKDOWNIFY_FUNCTION
        == "community.markdown.render_markdown"
    )
    # What markdownx's own views and widget call, resolved from the setting.
    assert markdownx.views.markdownify_func is render_markdown
    html = markdownx.views.markdownify_func("<script>alert(1)</script>**b**")
    assert "<script" not in html
    assert "<strong>b</strong>" in html
