"""Files sent as attachments: a header that keeps Cyrillic names."""

from urllib.parse import quote

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
