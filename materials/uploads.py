"""What a material's file really is, judged by its content, not its name."""

import os
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Enough of the start of a file for every signature we accept.
HEAD = 8192
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Office 97-2003 documents

KINDS = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "txt": "text/plain",
    "jpg": "image/jpeg",
    "png": "image/png",
    "zip": "application/zip",
}
OFFICE_97 = {"doc", "xls", "ppt"}


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    name: str
    kind: str
    content_type: str
    size: int


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "cp1251"):
        try:
            # A multi-byte letter may be cut at the end of the head.
            head.decode(encoding) if len(head) < HEAD else head[:-4].decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _kind_of(head: bytes, claimed: str) -> str | None:
    guessed = filetype.guess(head)
    if guessed is not None:
        return guessed.extension if guessed.extension in KINDS else None
    if head.startswith(OLE2):
        # An Office 97 compound document: its name tells which of the three.
        return claimed if claimed in OFFICE_97 else "doc"
    if head and _looks_like_text(head):
        return "txt"
    return None


def _clean_name(name: str, kind: str) -> str:
    base, _extension = os.path.splitext(os.path.basename(name.replace("\\", "/")))
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"/|?*')
    base = base.strip(" .")[:200] or _("file")
    return f"{base}.{kind}"


def file_check(upload: UploadedFile) -> CheckedFile:
    """Accept an allowed kind of file within the size limit.

    Raises ValidationError naming the file and the reason.
    """
    name = os.path.basename(upload.name or "")
    limit = settings.MATERIALS_MAX_FILE_SIZE
    if upload.size > limit:
        raise ValidationError(
            _("«%(name)s» is larger than %(limit)s.")
            % {"name": name, "limit": filesizeformat(limit)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("«%(name)s» is empty.") % {"name": name}, code="empty")
    upload.seek(0)
    head = upload.read(HEAD)
    upload.seek(0)
    claimed = os.path.splitext(name)[1].lower().lstrip(".")
    kind = _kind_of(head, "jpg" if claimed == "jpeg" else claimed)
    if kind is None:
        raise ValidationError(
            _(
                "«%(name)s» is not a file kind we accept (PDF, Word, PowerPoint, "
                "Excel, OpenDocument, text, JPEG, PNG or ZIP)."
            )
            % {"name": name},
            code="kind",
        )
    return CheckedFile(
        upload=upload,
        name=_clean_name(name, kind),
        kind=kind,
        content_type=KINDS[kind],
        size=upload.size,
    )
