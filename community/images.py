"""Uploaded images, checked by what they contain rather than by their name.

Pillow decodes the file; only the allowed formats pass; the picture is
re-encoded (which drops EXIF, GPS and anything appended to the file) and
shrunk to fit. The result's extension comes from the detected format.
HEIC/HEIF photos (what an iPhone takes) are read through pillow-heif and
stored as JPEG, which every browser shows. pillow-heif (some 8 MB) is loaded
by the first upload a process checks, not when the site starts.
"""

import functools
import io
import warnings
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Decoding more pixels than this is refused before the image is loaded.
MAX_PIXELS = 40_000_000
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# Formats that are read but not kept: each is stored as the format it maps to.
CONVERTED = {"HEIF": "JPEG"}
# How each format is named in the "only these formats" message.
FORMAT_NAMES = {"JPEG": "JPG", "PNG": "PNG", "WEBP": "WEBP", "HEIF": "HEIC"}


@functools.cache
def heif_register() -> None:
    """Teach Pillow to open HEIC/HEIF files, once a process: before an upload
    is opened (``image_clean``, ``ImageUploadField``)."""
    from pillow_heif import register_heif_opener

    register_heif_opener()


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    extension: str
    width: int
    height: int


def image_clean(
    upload: UploadedFile,
    *,
    max_bytes: int,
    formats: frozenset[str] = frozenset({"JPEG", "PNG", "HEIF"}),
    max_side: int = 1600,
) -> CleanImage:
    """Decode, check and re-encode an uploaded image.

    Raises ValidationError with code "too_large", "not_image" or "format".
    """
    if upload.size is None or upload.size > max_bytes:
        raise ValidationError(
            _("The file is too large: at most %(limit)s.")
            % {"limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    heif_register()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            image = Image.open(upload)
            detected = image.format
            if detected not in formats:
                raise ValidationError(
                    _("Only these image formats are accepted: %(formats)s.")
                    % {"formats": ", ".join(sorted(FORMAT_NAMES[f] for f in formats))},
                    code="format",
                )
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(
                    _("The picture has too many pixels."), code="too_large"
                )
            image.load()
            image = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as error:
        raise ValidationError(
            _("The file is not a picture or is damaged."), code="not_image"
        ) from error

    image.thumbnail((max_side, max_side))
    output = io.BytesIO()
    detected = CONVERTED.get(detected, detected)
    if detected == "JPEG":
        image.convert("RGB").save(output, "JPEG", quality=85, optimize=True)
    elif detected == "WEBP":
        image.save(output, "WEBP", quality=85)
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        image.save(output, "PNG", optimize=True)
    return CleanImage(
        content=output.getvalue(),
        extension=EXTENSIONS[detected],
        width=image.width,
        height=image.height,
    )


class ImageUploadField(forms.ImageField):
    """Django's image field that also opens iPhone photos (HEIC/HEIF): the
    picture is then checked and re-encoded by ``image_clean``."""

    def to_python(self, data):
        heif_register()
        return super().to_python(data)
