"""The site card: the picture link previews show for a page without its own.

``static/img/site-card.png`` (1200 × 630, the size VK, Telegram and Facebook
show whole) is made by this script and committed; run it again after a change
of name or colour: ``make site-card`` (``python -m community.site_card``).
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from ttf_opensans import OPENSANS_BOLD, OPENSANS_REGULAR

SIZE = (1200, 630)
# The brand colour (static/css/site.css, --kollegi-primary) and white text.
BACKGROUND = (31, 78, 121)
ACCENT = (255, 255, 255)
TITLE = "Коллеги"
TAGLINE = "Профессиональная сеть учителей"
OUTPUT = Path(__file__).resolve().parent.parent / "static" / "img" / "site-card.png"


def site_card() -> Image.Image:
    image = Image.new("RGB", SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    title = ImageFont.truetype(str(OPENSANS_BOLD.path), 150)
    tagline = ImageFont.truetype(str(OPENSANS_REGULAR.path), 54)
    draw.rectangle((90, 190, 110, 440), fill=ACCENT)
    draw.text((150, 170), TITLE, font=title, fill=ACCENT)
    draw.text((156, 380), TAGLINE, font=tagline, fill=ACCENT)
    # Few colours: a palette keeps the file small.
    return image.quantize(colors=16)


if __name__ == "__main__":
    site_card().save(OUTPUT, optimize=True)
