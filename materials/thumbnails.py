"""A picture of a PDF's first page, for the catalogue's cards and link previews.

PDFium (through pypdfium2) renders the page into a bitmap no larger than
``WIDTH`` × ``WIDTH``: the scale follows from the page's width, and a page
taller than it is wide is cut at the bottom before rendering, so a hostile
page size never makes a large bitmap. Pillow then encodes the pixels afresh
as JPEG (nothing of the PDF is kept), in two widths for ``srcset``.

A PDF that is too large, damaged, locked with a password or with an absurd
page raises ``ThumbnailError``; the caller leaves the material without a
picture.
"""

import io
import math
import threading
from dataclasses import dataclass

from PIL import Image

WIDTH = 480
SMALL_WIDTH = 240
# Larger PDFs are not opened at all.
MAX_PDF_BYTES = 30 * 2**20
# Page sides in points (1/72 in): the PDF standard's limit is 14 400.
MIN_SIDE = 36
MAX_SIDE = 15_000
# A page wider than this many times its height would be a sliver.
MAX_WIDE = 5
QUALITY = 80

# PDFium is not thread-safe: one render at a time in a process (the embedded
# default runs tasks in the web server's threads).
_pdfium_lock = threading.Lock()


class ThumbnailError(Exception):
    """The PDF gives no picture (too large, damaged, locked, odd page)."""


@dataclass(frozen=True)
class Thumbnail:
    large: bytes
    small: bytes
    width: int
    height: int


def _encode(image: Image.Image) -> bytes:
    output = io.BytesIO()
    image.save(output, "JPEG", quality=QUALITY, optimize=True, progressive=True)
    return output.getvalue()


def _render_first_page(data: bytes) -> Image.Image:
    # Loaded by the worker that makes thumbnails, not by every web worker.
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise ThumbnailError(f"cannot open: {error}") from error
    try:
        if len(document) < 1:
            raise ThumbnailError("no pages")
        page = document[0]
        try:
            width, height = page.get_size()
            if not all(map(math.isfinite, (width, height))):
                raise ThumbnailError("page size is not a number")
            if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
                raise ThumbnailError(f"page size {width:.0f} × {height:.0f}")
            if width > height * MAX_WIDE:
                raise ThumbnailError("page too wide")
            scale = WIDTH / width
            # Keep the top of a tall page: at most a square.
            cut = max(0.0, height - width)
            bitmap = page.render(scale=scale, crop=(0, cut, 0, 0), may_draw_forms=False)
            try:
                return bitmap.to_pil().convert("RGB")
            finally:
                bitmap.close()
        finally:
            page.close()
    except pdfium.PdfiumError as error:
        raise ThumbnailError(f"cannot render: {error}") from error
    finally:
        document.close()


def pdf_thumbnail(data: bytes) -> Thumbnail:
    """The first page of the PDF in ``data``, as JPEG ``WIDTH`` and
    ``SMALL_WIDTH`` pixels wide (at most as tall as wide).

    Raises ThumbnailError when the PDF gives no picture.
    """
    if len(data) > MAX_PDF_BYTES:
        raise ThumbnailError(f"{len(data)} bytes")
    with _pdfium_lock:
        image = _render_first_page(data)
    small = image.resize(
        (SMALL_WIDTH, max(1, round(image.height * SMALL_WIDTH / image.width))),
        Image.Resampling.LANCZOS,
    )
    return Thumbnail(
        large=_encode(image),
        small=_encode(small),
        width=image.width,
        height=image.height,
    )
