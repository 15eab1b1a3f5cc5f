"""Russian names in the dative: «выдан Анне Сергеевне Морозовой».

A member's name is one string (``Profile.display_name``), written in either
of the usual orders — «Анна Сергеевна Морозова», «Морозова Анна Сергеевна»,
«Анна Морозова», «Морозова Анна» — or as «Анна Сергеевна». ``name_dative``
finds which word is which and declines each with the rules of the Petrovich
project. A wrongly declined name on a certificate is worse than a name left
in the nominative, so whenever the parts or the gender are uncertain the name
comes back as it was given.
"""

import logging
import re

from pytrovich.detector import PetrovichGenderDetector
from pytrovich.enums import Case, Gender, NamePart
from pytrovich.maker import PetrovichDeclinationMaker

logger = logging.getLogger(__name__)

_WORD = re.compile(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*")
_PATRONYMIC_ENDINGS = ("вич", "вна", "чна")
# Old patronymics without -в-: Ильич, Кузьмич, Лукич, Фомич, Никитич.
_SHORT_PATRONYMICS = {"ильич", "кузьмич", "лукич", "фомич", "никитич", "фокич"}
# Turkic patronymics («Али оглы», «Лейла Гусейн кызы») do not decline.
_TURKIC = {"оглы": Gender.MALE, "улы": Gender.MALE, "кызы": Gender.FEMALE}
# Endings that, in practice, only last names have; -ин/-ина are left out,
# as first names (Марина, Константин) share them.
_LAST_NAME_ENDINGS = (
    "ов", "ев", "ёв", "ова", "ева", "ёва", "ын", "ына",
    "ский", "ская", "цкий", "цкая", "ых", "их", "енко",
)  # fmt: skip


def _turkic_gender(word: str) -> Gender | None:
    return _TURKIC.get(re.split(r"[\s-]", word.lower())[-1])


def _is_patronymic(word: str) -> bool:
    lowered = word.lower()
    return (
        lowered.endswith(_PATRONYMIC_ENDINGS)
        or lowered in _SHORT_PATRONYMICS
        or _turkic_gender(word) is not None
    )


def _looks_like_last_name(word: str) -> bool:
    return any(piece.endswith(_LAST_NAME_ENDINGS) for piece in word.lower().split("-"))


def _roles(words: list[str]) -> dict[str, int] | None:
    """Which word is the first name, the patronymic, the last name (their
    places), by the order conventions; None if unsure."""
    if len(words) == 3:
        if _is_patronymic(words[1]):
            return {"first": 0, "patronymic": 1, "last": 2}
        if _is_patronymic(words[2]):
            return {"last": 0, "first": 1, "patronymic": 2}
        return None
    if len(words) == 2:
        first, second = words
        if _is_patronymic(second) and not _is_patronymic(first):
            return {"first": 0, "patronymic": 1}
        if _is_patronymic(first) or _is_patronymic(second):
            return None
        if _looks_like_last_name(second) and not _looks_like_last_name(first):
            return {"first": 0, "last": 1}
        if _looks_like_last_name(first) and not _looks_like_last_name(second):
            return {"last": 0, "first": 1}
    return None


def _gender(first: str, patronymic: str | None, last: str | None) -> Gender | None:
    detector = PetrovichGenderDetector()
    by_first = detector.detect(firstname=first)
    if patronymic is not None:
        by_patronymic = _turkic_gender(patronymic) or detector.detect(
            middlename=patronymic
        )
        if Gender.ANDROGYNOUS not in (by_first, by_patronymic) and (
            by_first != by_patronymic
        ):
            return None  # «Анна Шостакович»: a last name, not a patronymic
        gender = by_patronymic
    else:
        gender = detector.detect(firstname=first, lastname=last)
    return None if gender == Gender.ANDROGYNOUS else gender


def _declined(part: NamePart, gender: Gender, word: str) -> str:
    """``word`` in the dative, its letters' case kept («АННА» → «АННЕ»)."""
    maker = PetrovichDeclinationMaker()
    if word.isupper() or word.islower():
        titled = "-".join(piece.capitalize() for piece in word.split("-"))
        declined = maker.make(part, gender, Case.DATIVE, titled)
        return declined.upper() if word.isupper() else declined.lower()
    return maker.make(part, gender, Case.DATIVE, word)


def name_dative(name: str) -> str:
    """``name`` in the dative case, or ``name`` itself when unsure.

    Unsure means: not two or three words of Cyrillic letters (a Latin name,
    one word, a title), no word that is surely a patronymic or a last name,
    a hyphen in a first name, a gender the names do not tell (Саша Ким), or
    a patronymic that contradicts the first name. A Turkic patronymic
    («Али оглы») stays as it is; a double last name is declined in both
    halves («Петровой-Водкиной»).
    """
    words = name.split()
    merged: list[str] = []
    for word in words:
        if word.lower() in _TURKIC and merged:
            merged[-1] = f"{merged[-1]} {word}"  # «Али оглы» is one part
        else:
            merged.append(word)
    if not all(_WORD.fullmatch(word.replace(" ", "-")) for word in merged):
        return name
    roles = _roles(merged)
    if roles is None:
        return name
    first = merged[roles["first"]]
    patronymic = merged[roles["patronymic"]] if "patronymic" in roles else None
    last = merged[roles["last"]] if "last" in roles else None
    if "-" in first:
        return name  # «Анна-Мария»: the rules know no double first names
    declined = list(merged)
    try:
        gender = _gender(first, patronymic, last)
        if gender is None:
            return name
        declined[roles["first"]] = _declined(NamePart.FIRSTNAME, gender, first)
        if patronymic is not None and _turkic_gender(patronymic) is None:
            declined[roles["patronymic"]] = _declined(
                NamePart.MIDDLENAME, gender, patronymic
            )
        if last is not None:
            declined[roles["last"]] = _declined(NamePart.LASTNAME, gender, last)
    except Exception:  # the rules are data: a gap there must not fail a page
        logger.warning("Could not decline the name %r", name, exc_info=True)
        return name
    return " ".join(declined)
