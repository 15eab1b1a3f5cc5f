"""Row ids read from an address or a form."""

import re

MAX_ID = 2**63 - 1  # the largest value of a BigAutoField

_ID = re.compile(r"[0-9]{1,19}")


def parse_id(value: str | None) -> int | None:
    """``value`` as a row id: ASCII digits from 1 to ``MAX_ID``, else None.

    ``str.isdigit`` accepts "²" and "١", which ``int`` refuses or reads, and
    ``int`` refuses more than 4300 digits: both were errors in views.
    """
    if value is None or not _ID.fullmatch(value):
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None
