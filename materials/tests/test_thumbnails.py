"""The picture of a material's first page: made after commit by a task,
replaced with the files, never made from a hostile or damaged PDF."""

import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from PIL import Image

from materials import services
from materials.models import Material, MaterialFile
from materials.tasks import material_thumbnail_task
from materials.tests.factories import MaterialFactory, docx_upload, pdf_upload
from materials.thumbnails import MAX_PDF_BYTES, ThumbnailError, pdf_thumbnail
from materials.uploads import file_check

pytestmark = pytest.mark.django_db

SITE = "https://kollegi.example"


def real_pdf(
    top: str = "red", size: tuple[int, int] = (595, 842), pages: int = 1
) -> bytes:
    """A PDF whose first page is white with a coloured band at the top."""
    images = []
    for _page in range(pages):
        image = Image.new("RGB", size, "white")
        image.paste(top, (0, 0, size[0], max(1, size[1] // 8)))
        images.append(image)
    output = io.BytesIO()
    images[0].save(output, "PDF", save_all=True, append_images=images[1:])
    return output.getvalue()


def pdf_file(name: str = "Урок.pdf", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, real_pdf(**kwargs), content_type="application/pdf")


def add_files(material: Material, *uploads, run_tasks: bool = True, capture=None):
    """A new version with ``uploads``; its task runs after commit when asked."""
    files = [file_check(upload) for upload in uploads]
    if not run_tasks:
        return services.material_version_add(
            material=material, author=material.author, files=files
        )
    with capture(execute=True):
        version = services.material_version_add(
            material=material, author=material.author, files=files
        )
    material.refresh_from_db()
    return version


def picture(name: str) -> Image.Image:
    with default_storage.open(name, "rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


# --- Rendering ----------------------------------------------------------------


def test_pdf_thumbnail_renders_the_top_of_the_first_page():
    made = pdf_thumbnail(real_pdf(top="red", pages=3))

    large = Image.open(io.BytesIO(made.large))
    small = Image.open(io.BytesIO(made.small))
    assert large.format == small.format == "JPEG"
    assert (large.width, small.width) == (480, 240)
    assert (made.width, made.height) == large.size
    # An A4 page is cut to a square at its top: the band is there.
    assert large.size == (480, 480)
    red, green, blue = large.getpixel((240, 10))
    assert red > 200
    assert max(green, blue) < 60
    assert large.getpixel((240, 400)) == pytest.approx((255, 255, 255), abs=8)


def test_pdf_thumbnail_of_a_landscape_slide_keeps_its_shape():
    made = pdf_thumbnail(real_pdf(size=(960, 540)))

    assert (made.width, made.height) == (480, 270)


def test_pdf_thumbnail_of_a_very_tall_page_stays_small():
    made = pdf_thumbnail(real_pdf(size=(100, 14_000)))

    assert (made.width, made.height) == (480, 480)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n",
        real_pdf()[:300],
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 100,
        real_pdf(size=(5000, 40)),  # a sliver
        real_pdf(size=(10, 10)),  # smaller than half an inch
    ],
    ids=["empty", "no-pages", "truncated", "not-a-pdf", "too-wide", "too-small"],
)
def test_pdf_thumbnail_refuses_what_gives_no_picture(data):
    with pytest.raises(ThumbnailError):
        pdf_thumbnail(data)


def test_pdf_thumbnail_does_not_open_a_pdf_past_the_size_cap():
    data = real_pdf() + b"%" * MAX_PDF_BYTES

    with pytest.raises(ThumbnailError, match="bytes"):
        pdf_thumbnail(data)


# --- The task, after the files change ------------------------------------------


def test_a_pdf_gets_a_thumbnail_after_commit(django_capture_on_commit_callbacks):
    material = MaterialFactory()
    version = add_files(
        material, pdf_file(), capture=django_capture_on_commit_callbacks
    )

    assert material.thumbnail
    assert material.thumbnail_small
    assert material.thumbnail_file == version.files.get()
    assert (material.thumbnail_width, material.thumbnail_height) == (480, 480)
    assert picture(material.thumbnail.name).size == (480, 480)
    assert picture(material.thumbnail_small.name).size == (240, 240)


def test_nothing_is_made_before_commit():
    material = MaterialFactory()
    add_files(material, pdf_file(), run_tasks=False)

    material.refresh_from_db()
    assert not material.thumbnail


def test_the_first_pdf_among_the_files_is_used(django_capture_on_commit_callbacks):
    material = MaterialFactory()
    add_files(
        material,
        docx_upload(),
        pdf_file("Первый.pdf", top="blue"),
        pdf_file("Второй.pdf", top="red"),
        capture=django_capture_on_commit_callbacks,
    )

    assert material.thumbnail_file.name == "Первый.pdf"
    red, _green, blue = picture(material.thumbnail.name).getpixel((240, 10))
    assert blue > 200
    assert red < 60


def test_a_material_without_a_pdf_gets_no_thumbnail(django_capture_on_commit_callbacks):
    material = MaterialFactory()
    add_files(material, docx_upload(), capture=django_capture_on_commit_callbacks)

    assert not material.thumbnail
    assert not material.thumbnail_small
    assert material.thumbnail_file is None


def test_a_damaged_pdf_leaves_no_thumbnail_and_no_error(
    django_capture_on_commit_callbacks, caplog
):
    material = MaterialFactory()
    version = add_files(
        material, pdf_upload(), capture=django_capture_on_commit_callbacks
    )

    assert not material.thumbnail
    # Tried once: not tried again.
    assert material.thumbnail_file == version.files.get()
    assert "no thumbnail for material file" in caplog.text
    assert material_thumbnail_task.delay(material.pk).get() is False


def test_the_task_never_raises_into_the_worker():
    material = MaterialFactory()
    add_files(material, pdf_file(), run_tasks=False)
    # The stored PDF is gone from the disk.
    record = MaterialFile.objects.get(version=material.versions.first())
    record.file.storage.delete(record.file.name)

    assert material_thumbnail_task.delay(material.pk).get() is False
    assert material_thumbnail_task.delay(987_654).get() is False
    material.refresh_from_db()
    assert not material.thumbnail
    # Nothing recorded: the command tries again.
    assert material.thumbnail_file is None
    assert list(services.materials_without_thumbnail()) == [material.pk]


def test_the_task_twice_does_the_same(django_capture_on_commit_callbacks):
    material = MaterialFactory()
    add_files(material, pdf_file(), capture=django_capture_on_commit_callbacks)
    names = (material.thumbnail.name, material.thumbnail_small.name)

    assert material_thumbnail_task.delay(material.pk).get() is False

    material.refresh_from_db()
    assert (material.thumbnail.name, material.thumbnail_small.name) == names
    assert all(default_storage.exists(name) for name in names)


def test_new_files_replace_the_thumbnail_and_the_old_pictures_go(
    django_capture_on_commit_callbacks,
):
    material = MaterialFactory()
    add_files(material, pdf_file(top="red"), capture=django_capture_on_commit_callbacks)
    old = (material.thumbnail.name, material.thumbnail_small.name)

    version = add_files(
        material, pdf_file(top="blue"), capture=django_capture_on_commit_callbacks
    )

    new = (material.thumbnail.name, material.thumbnail_small.name)
    assert material.thumbnail_file == version.files.get()
    assert not set(old) & set(new)
    assert not any(default_storage.exists(name) for name in old)
    assert all(default_storage.exists(name) for name in new)
    red, _green, blue = picture(material.thumbnail.name).getpixel((240, 10))
    assert blue > 200
    assert red < 60


def test_files_without_a_pdf_take_the_thumbnail_away(
    django_capture_on_commit_callbacks,
):
    material = MaterialFactory()
    add_files(material, pdf_file(), capture=django_capture_on_commit_callbacks)
    old = (material.thumbnail.name, material.thumbnail_small.name)

    add_files(material, docx_upload(), capture=django_capture_on_commit_callbacks)

    assert not material.thumbnail
    assert material.thumbnail_file is None
    assert not any(default_storage.exists(name) for name in old)


def test_deleting_a_material_deletes_its_thumbnails(django_capture_on_commit_callbacks):
    material = MaterialFactory()
    add_files(material, pdf_file(), capture=django_capture_on_commit_callbacks)
    names = (material.thumbnail.name, material.thumbnail_small.name)

    with django_capture_on_commit_callbacks(execute=True):
        services.material_delete(material=material, actor=material.author)

    assert not any(default_storage.exists(name) for name in names)


# --- The material's page -------------------------------------------------------


def _og_image(response) -> str:
    match = re.search(r'<meta property="og:image" content="([^"]*)"', response.text)
    return match.group(1)


def test_the_material_page_previews_with_its_thumbnail(
    django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = SITE
    material = MaterialFactory()
    assert "site-card" in _og_image(Client().get(material.get_absolute_url()))

    add_files(material, pdf_file(), capture=django_capture_on_commit_callbacks)
    response = Client().get(material.get_absolute_url())

    assert _og_image(response) == f"{SITE}{material.thumbnail.url}"
    assert material.thumbnail.url.endswith(".jpg")


# --- The command -----------------------------------------------------------------


def _run(*args) -> str:
    out = io.StringIO()
    call_command("make_thumbnails", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_make_thumbnails_makes_the_missing_ones_once():
    with_pdf = MaterialFactory()
    add_files(with_pdf, pdf_file(), run_tasks=False)
    broken = MaterialFactory()  # the factory's PDF gives no picture
    without_pdf = MaterialFactory()
    add_files(without_pdf, docx_upload(), run_tasks=False)

    assert _run("--dry-run").startswith("2 ")
    assert _run().startswith("2 ")

    with_pdf.refresh_from_db()
    broken.refresh_from_db()
    without_pdf.refresh_from_db()
    assert with_pdf.thumbnail
    assert not broken.thumbnail
    assert not without_pdf.thumbnail
    names = (with_pdf.thumbnail.name, with_pdf.thumbnail_small.name)
    assert _run("--dry-run").startswith("0 ")
    assert _run().startswith("0 ")
    with_pdf.refresh_from_db()
    assert (with_pdf.thumbnail.name, with_pdf.thumbnail_small.name) == names


def test_make_thumbnails_for_one_material():
    first, second = MaterialFactory(), MaterialFactory()
    for material in (first, second):
        add_files(material, pdf_file(), run_tasks=False)

    _run("--material", str(second.pk))

    first.refresh_from_db()
    second.refresh_from_db()
    assert not first.thumbnail
    assert second.thumbnail
