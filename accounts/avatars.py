"""Avatars: the sizes a picture is kept in, and how a member without one looks.

An uploaded picture is stored once as the member sent it (re-encoded, at most
``AVATAR_SIDE`` px) and, beside it, as square WebP copies of ``SIZES`` px,
made once on upload, so a list of 20 members does not send 20 full pictures.
The copies are named from the original's name: ``…/3f9c.sized.jpg`` has
``…/3f9c.48.webp``, ``…/3f9c.96.webp`` and ``…/3f9c.192.webp``. The
``.sized`` mark in the original's name says the copies exist, so a page
builds their addresses from the one column every avatar query already reads,
with no query, no column to remember in each selector's ``only()`` and no
look at the storage. Pictures uploaded before the copies existed have no mark
and show the original (``manage.py avatar_sizes`` makes their copies).
"""

import io
from pathlib import PurePosixPath

from django.core.files.storage import Storage
from PIL import Image, ImageOps

# Sides of the square copies, in px. Changing them needs a new ``SIZED_MARK``
# (so pictures with the old set are made again by ``avatar_sizes``).
SIZES = (48, 96, 192)
SIZED_MARK = "sized"
VARIANT_FORMAT = "webp"
# The stored original's longest side (services.members.profile_avatar_set).
AVATAR_SIDE = 400
# Colours of the circle with initials: ``avatar-tone-1`` … in design.css.
TONES = 8


def sized_filename(stem: str, extension: str) -> str:
    """The file name of a new original whose copies are stored beside it."""
    return f"{stem}.{SIZED_MARK}.{extension}"


def is_sized(name: str) -> bool:
    """Whether the original ``name`` has copies of every size beside it."""
    return bool(name) and PurePosixPath(name).suffixes[-2:-1] == [f".{SIZED_MARK}"]


def variant_name(name: str, side: int) -> str:
    """The name of the ``side`` px copy of the original ``name``."""
    path = PurePosixPath(name)
    stem = path.name.split(".", 1)[0]
    return str(path.with_name(f"{stem}.{side}.{VARIANT_FORMAT}"))


def variant_names(name: str) -> dict[int, str]:
    """``{side: name}`` of the copies of ``name`` (none for an older upload)."""
    if not is_sized(name):
        return {}
    return {side: variant_name(name, side) for side in SIZES}


def avatar_files(name: str) -> list[str]:
    """Every stored file of the avatar ``name``: what goes when it goes."""
    if not name:
        return []
    return [name, *variant_names(name).values()]


def variants_render(content: bytes) -> dict[int, bytes]:
    """Square WebP copies of the picture ``content``, one for each of ``SIZES``.

    The picture is cropped to its centre; a small one is never enlarged (the
    browser scales it), so a copy may be smaller than its name says.
    """
    with Image.open(io.BytesIO(content)) as image:
        image.load()
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        rendered = {}
        for side in SIZES:
            shown = min(side, image.width, image.height)
            square = ImageOps.fit(image, (shown, shown), Image.Resampling.LANCZOS)
            output = io.BytesIO()
            square.save(output, "WEBP", quality=82, method=4)
            rendered[side] = output.getvalue()
    return rendered


def _pick(candidates: list[tuple[int, str]], wanted: int) -> str:
    """The smallest candidate at least ``wanted`` px, else the largest."""
    for side, name in candidates:
        if side >= wanted:
            return name
    return candidates[-1][1]


def avatar_sources(name: str, size: int, storage: Storage) -> dict[str, str]:
    """``{"src", "srcset"}`` for showing the avatar ``name`` at ``size`` CSS px.

    The copy for 1x screens and the one for 2x screens; an older upload
    without copies is its original (and no ``srcset``).
    """
    variants = variant_names(name)
    if not variants:
        return {"src": storage.url(name), "srcset": ""}
    candidates = [*sorted(variants.items()), (AVATAR_SIDE, name)]
    one, two = _pick(candidates, size), _pick(candidates, 2 * size)
    src = storage.url(one)
    if one == two:
        return {"src": src, "srcset": ""}
    return {"src": src, "srcset": f"{src} 1x, {storage.url(two)} 2x"}


def initials(name: str) -> str:
    """Up to two initials: «Анна Петрова» is «АП», «Марина» is «М»."""
    letters = []
    for word in name.split():
        letter = next((char for char in word if char.isalnum()), "")
        if letter:
            letters.append(letter.upper())
        if len(letters) == 2:
            break
    return "".join(letters)


def tone(user_id: int | None) -> int:
    """The colour of a member's circle, 1 to ``TONES``: the same for life.

    From the account's number, not the name, so a new name keeps the colour.
    """
    return (user_id or 0) % TONES + 1
