"""Sending a material's file: the header that keeps its Cyrillic name."""

from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse

from community.downloads import content_disposition
from materials.models import MaterialFile


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
