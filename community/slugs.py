"""Readable addresses from Russian names: «Учителя физики» → ``uchitelia-fiziki``."""

from collections.abc import Collection

from django.utils.text import slugify

# Russian letters to Latin (close to the passport rules).
_TRANSLIT = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e",
        "ж": "zh", "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m",
        "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
        "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
        "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    }
)  # fmt: skip
SLUG_LENGTH = 70


def readable_slug(text: str, *, fallback: str) -> str:
    """The text in Latin letters, digits and hyphens (``fallback`` when
    nothing of it is left), at most ``SLUG_LENGTH`` long."""
    base = slugify(text.lower().translate(_TRANSLIT))[:SLUG_LENGTH].strip("-")
    return base or fallback


def free_slug(base: str, taken: Collection[str]) -> str:
    """``base``, or ``base-2``, ``base-3``… the first not ``taken``."""
    slug, number = base, 2
    while slug in taken:
        slug = f"{base}-{number}"
        number += 1
    return slug
