"""The installed site's icons: the favicon's «К» on the brand colour, as PNG.

``static/icons/`` (the web app manifest's 192 and 512 pixel icons, each as it
is and as a "maskable" one, and the 180 pixel ``apple-touch-icon``) is drawn by
this script and committed; run it again after a change of name or colour:
``make app-icons`` (``python -m community.app_icons``).

An icon as it is keeps the favicon's rounded square (``static/img/favicon.svg``)
on a transparent ground. A maskable icon and Apple's fill the whole square:
the phone cuts its own shape, so the letter stays inside the middle 80 %
(the "safe zone" every shape keeps).
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from ttf_opensans import OPENSANS_BOLD

# The brand colour (static/css/design.css, --k-primary) and white.
BACKGROUND = (31, 78, 121, 255)
LETTER_COLOUR = (255, 255, 255, 255)
LETTER = "К"
OUTPUT = Path(__file__).resolve().parent.parent / "static" / "icons"
# Drawn this many times larger and reduced: smooth edges on the rounded corners.
SUPERSAMPLE = 4


def _icon(size: int, *, full_bleed: bool, letter_height: float) -> Image.Image:
    """A ``size`` pixel square; the letter's capital height is ``letter_height``
    of it, centred on the glyph itself (not on the font's line)."""
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if full_bleed:
        draw.rectangle((0, 0, big, big), fill=BACKGROUND)
    else:
        # The favicon's corners: a radius of 6 on a side of 32.
        draw.rounded_rectangle(
            (0, 0, big - 1, big - 1), radius=big * 6 // 32, fill=BACKGROUND
        )
    font = ImageFont.truetype(str(OPENSANS_BOLD.path), 100)
    left, top, right, bottom = draw.textbbox((0, 0), LETTER, font=font)
    font = ImageFont.truetype(
        str(OPENSANS_BOLD.path), round(100 * letter_height * big / (bottom - top))
    )
    left, top, right, bottom = draw.textbbox((0, 0), LETTER, font=font)
    draw.text(
        ((big - (right - left)) / 2 - left, (big - (bottom - top)) / 2 - top),
        LETTER,
        font=font,
        fill=LETTER_COLOUR,
    )
    icon = image.resize((size, size), Image.Resampling.LANCZOS)
    # Apple's icon and the maskable ones are opaque: no alpha channel to keep.
    return icon.convert("RGB") if full_bleed else icon


def app_icons() -> dict[str, Image.Image]:
    """File name → picture, for every icon the manifest and base.html name."""
    icons = {}
    for size in (192, 512):
        icons[f"icon-{size}.png"] = _icon(size, full_bleed=False, letter_height=0.5)
        # The safe zone is a circle of 40 % radius: the letter keeps well inside.
        icons[f"icon-maskable-{size}.png"] = _icon(
            size, full_bleed=True, letter_height=0.4
        )
    icons["apple-touch-icon.png"] = _icon(180, full_bleed=True, letter_height=0.5)
    return icons


if __name__ == "__main__":
    OUTPUT.mkdir(exist_ok=True)
    for name, icon in app_icons().items():
        icon.save(OUTPUT / name, optimize=True)
