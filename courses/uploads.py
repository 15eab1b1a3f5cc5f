"""Assignment files: checked by content as the materials' are, kept private.

A learner's file is judged by what it is, not by its name
(``materials.uploads.file_check``: a program renamed ``.pdf`` is refused),
within the courses' own size limit, ``COURSES_ASSIGNMENT_MAX_FILE_SIZE``.

It is stored outside ``MEDIA_ROOT``, in the private storage the materials'
files live in (``STORAGES["materials"]``, under ``courses/assignments/``;
the materials' own files sit under their numbered folders), so no address
of the web server serves it: the only way to it is
``services.submission_file_open``, which checks who may see the submission.
``Submission.file`` keeps the stored name; open it with ``submission_storage``,
never through the field (the field's own storage is the public one).
"""

import os
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage, storages
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from materials.uploads import KINDS, CheckedFile, file_check

FOLDER = "courses/assignments"


def submission_storage() -> Storage:
    """Where assignment files are kept: private, served by no web address."""
    return storages["materials"]


def submission_file_check(upload: UploadedFile) -> CheckedFile:
    """Accept a file of a kind the library accepts (PDF, Office, OpenDocument,
    text, JPEG, PNG, ZIP), judged by its content, within the assignments'
    size limit. Raises ValidationError naming the file and the reason."""
    name = os.path.basename(upload.name or "")
    limit = settings.COURSES_ASSIGNMENT_MAX_FILE_SIZE
    if upload.size > limit:
        raise ValidationError(
            _("«%(name)s» is larger than %(limit)s.")
            % {"name": name, "limit": filesizeformat(limit)},
            code="too_large",
        )
    return file_check(upload)


def submission_file_store(checked: CheckedFile) -> str:
    """Save a checked file in the private storage; its stored name."""
    # A folder of its own per file: the learner's name for it is kept as it is.
    path = f"{FOLDER}/{secrets.token_hex(8)}/file.{checked.kind}"
    checked.upload.seek(0)
    return submission_storage().save(path, checked.upload)


def submission_file_delete(name: str) -> None:
    """Remove a stored file (already gone: nothing to do)."""
    if name:
        submission_storage().delete(name)


def content_type_of(name: str) -> str:
    """The content type of a stored file, from the kind it was checked as."""
    kind = os.path.splitext(name)[1].lower().lstrip(".")
    return KINDS.get(kind, "application/octet-stream")
