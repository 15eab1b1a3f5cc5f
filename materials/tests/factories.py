import io
import zipfile

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.tests.factories import UserFactory
from community.models import Subject
from materials.models import Licence, Material, MaterialFile, MaterialVersion

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def pdf_upload(name: str = "План урока.pdf", size: int = 0) -> SimpleUploadedFile:
    body = PDF + b"0" * max(size - len(PDF), 0)
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def docx_upload(name: str = "Рабочий лист.docx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/zip")


def exe_upload(name: str = "презентация.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf"
    )


class MaterialFactory(DjangoModelFactory):
    """A published material with one version and one small PDF."""

    class Meta:
        model = Material
        skip_postgeneration_save = True

    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Урок № {n + 1}: дроби")
    summary = "Конспект урока с заданиями."
    description = "Цели урока и **ход** работы."
    description_html = "<p>Цели урока и <strong>ход</strong> работы.</p>"
    subject = factory.LazyFunction(lambda: Subject.objects.get(slug="mathematics"))
    kind = Material.Kind.LESSON_PLAN
    licence = Licence.CC_BY
    rights_confirmed = True
    status = Material.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def files(self, create, extracted, **kwargs):
        if not create:
            return
        version = MaterialVersion.objects.create(material=self, number=1)
        record = MaterialFile(
            version=version,
            name="План урока.pdf",
            kind="pdf",
            content_type="application/pdf",
            size=len(PDF),
        )
        record.file.save("file.pdf", pdf_upload(), save=False)
        record.save()
        self.current_version = version
        Material.objects.filter(pk=self.pk).update(current_version=version)
