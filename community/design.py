"""The design system's palette, read from ``static/css/design.css``.

The colour tokens live in the style sheet alone; this module reads them back
so the components page can show each text colour on the backgrounds it may sit
on with its contrast ratio, and a test can hold every pair to WCAG AA (4.5:1
for normal text).
"""

import re
from dataclasses import dataclass
from pathlib import Path

from django.contrib.staticfiles import finders
from django.utils.translation import gettext_lazy as _

STYLE_SHEET = "css/design.css"
AA_NORMAL_TEXT = 4.5

_TOKEN = re.compile(r"--k-([a-z0-9-]+):\s*(#[0-9a-fA-F]{6})\s*;")

# Every text colour with each background it is used on: (text, background, where).
TEXT_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("ink", "surface", _("Body text")),
    ("ink", "surface-alt", _("Body text on a grey panel")),
    ("ink", "surface-tint", _("Body text on a blue panel")),
    ("ink-muted", "surface", _("Secondary text: dates, help")),
    ("ink-muted", "surface-alt", _("Secondary text on a grey panel")),
    ("ink-muted", "surface-tint", _("Secondary text on a blue panel")),
    ("primary", "surface", _("Links")),
    ("primary", "surface-alt", _("Links on a grey panel")),
    ("primary", "primary-soft", _("Primary badge, quiet button on hover")),
    ("primary-strong", "surface", _("Links on hover")),
    ("on-primary", "primary", _("Primary button")),
    ("on-primary", "primary-strong", _("Primary button on hover")),
    ("success", "success-soft", _("Success badge and message")),
    ("success", "surface", _("Success text")),
    ("warning", "warning-soft", _("Warning badge and message")),
    ("danger", "danger-soft", _("Error badge and message")),
    ("danger", "surface", _("Error text, required mark")),
    ("info", "info-soft", _("Information badge")),
    # The circle with a member's initials: each colour a member may get.
    *(
        (f"on-avatar-{tone}", f"avatar-{tone}", _("Initials in an avatar"))
        for tone in range(9)
    ),
)


@dataclass(frozen=True)
class ColourPair:
    text: str
    background: str
    text_value: str
    background_value: str
    where: str
    ratio: float

    @property
    def passes(self) -> bool:
        return self.ratio >= AA_NORMAL_TEXT


def can_view_design(user) -> bool:
    """Staff see the components page; for everyone else it does not exist."""
    return user.is_authenticated and user.is_active and user.is_staff


def palette_tokens() -> dict[str, str]:
    """``{"ink": "#1d2530", ...}``: the colour tokens of the style sheet."""
    path = finders.find(STYLE_SHEET)
    text = Path(path).read_text(encoding="utf-8")
    return {name: value.lower() for name, value in _TOKEN.findall(text)}


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2's relative luminance of an ``#rrggbb`` colour."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2's contrast ratio of two ``#rrggbb`` colours, 1 to 21."""
    lighter, darker = sorted(
        (relative_luminance(first), relative_luminance(second)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def palette_pairs() -> list[ColourPair]:
    """Each text/background pair of ``TEXT_PAIRS`` with its contrast ratio."""
    tokens = palette_tokens()
    return [
        ColourPair(
            text=text,
            background=background,
            text_value=tokens[text],
            background_value=tokens[background],
            where=str(where),
            ratio=round(contrast_ratio(tokens[text], tokens[background]), 2),
        )
        for text, background, where in TEXT_PAIRS
    ]
