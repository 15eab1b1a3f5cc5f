"""Files are judged by their content and size, and named for what they are."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from materials.tests.factories import docx_upload, exe_upload, pdf_upload
from materials.uploads import file_check


def test_pdf_with_a_cyrillic_name_is_accepted():
    checked = file_check(pdf_upload("План урока «Дроби».pdf"))

    assert (checked.kind, checked.content_type) == ("pdf", "application/pdf")
    assert checked.name == "План урока «Дроби».pdf"


def test_a_docx_named_pdf_is_renamed_for_what_it_is():
    checked = file_check(docx_upload("лист.pdf"))

    assert checked.kind == "docx"
    assert checked.name == "лист.docx"


def test_a_renamed_executable_is_refused_by_name():
    with pytest.raises(ValidationError) as error:
        file_check(exe_upload("презентация.pdf"))

    assert error.value.code == "kind"
    assert "«презентация.pdf»" in error.value.messages[0]


@pytest.mark.parametrize(
    ("body", "name", "kind"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 50, "фото.jpeg", "jpg"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "схема.png", "png"),
        ("Задание 1. Сложите дроби.".encode(), "задания.txt", "txt"),
        ("Задание 1.".encode("cp1251"), "старый.txt", "txt"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "таблица.xls", "xls"),
    ],
)
def test_accepted_kinds(body, name, kind):
    assert file_check(SimpleUploadedFile(name, body)).kind == kind


def test_a_zip_archive_is_accepted():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("задания/1.txt", "x")

    assert file_check(SimpleUploadedFile("архив.zip", buffer.getvalue())).kind == "zip"


def test_html_is_stored_as_plain_text_never_as_a_page():
    checked = file_check(SimpleUploadedFile("page.html", b"<script>alert(1)</script>"))

    assert (checked.name, checked.content_type) == ("page.txt", "text/plain")


def test_an_oversized_file_is_refused_with_its_name(settings):
    settings.MATERIALS_MAX_FILE_SIZE = 1024

    with pytest.raises(ValidationError) as error:
        file_check(pdf_upload("большой.pdf", size=2048))

    assert error.value.code == "too_large"
    assert "«большой.pdf»" in error.value.messages[0]


def test_an_empty_or_binary_unknown_file_is_refused():
    with pytest.raises(ValidationError):
        file_check(SimpleUploadedFile("пусто.pdf", b""))
    with pytest.raises(ValidationError):
        file_check(SimpleUploadedFile("data.bin", b"\x00\x01\x02" * 100))


def test_unsafe_characters_leave_the_name():
    checked = file_check(pdf_upload('../../etc/пароли:"x".pdf'))

    assert checked.name == "паролиx.pdf"
