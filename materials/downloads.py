"""Sending a material's file: the header that keeps its Cyrillic name."""

from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse

from materials.models import MaterialFile

# For the plain "filename" that old clients read (RFC 6266, section 4.3).
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e",
    "ж": "zh", "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "",
    "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip


def _ascii_name(name: str) -> str:
    letters = []
    for char in name:
        lower = char.lower()
        if lower in _CYRILLIC:
            latin = _CYRILLIC[lower]
            letters.append(latin.capitalize() if char != lower else latin)
        elif char.isascii() and char.isprintable() and char not in '"\\':
            letters.append(char)
        else:
            letters.append("_")
    return "".join(letters) or "file"


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII fallback and the UTF-8 name (RFC 5987)."""
    return (
        f'attachment; filename="{_ascii_name(name)}"; '
        f"filename*=UTF-8''{quote(name, safe='')}"
    )


def file_response(record: MaterialFile) -> HttpResponse:
    """The file itself, or with nginx in front, the address nginx sends it from."""
    prefix = settings.MATERIALS_X_ACCEL_PREFIX
    if prefix:
        response = HttpResponse(content_type=record.content_type)
        response["X-Accel-Redirect"] = (
            prefix.rstrip("/") + "/" + quote(record.file.name)
        )
    else:
        try:
            handle = record.file.open("rb")
        except FileNotFoundError as error:
            raise Http404 from error
        response = FileResponse(handle, content_type=record.content_type)
        response["Content-Length"] = str(record.size)
    response["Content-Disposition"] = content_disposition(record.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
