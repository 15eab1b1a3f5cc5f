"""Names in the dative for «выдан …»: declined when sure, as given when not."""

import pytest

from community.names import name_dative


@pytest.mark.parametrize(
    ("name", "dative"),
    [
        ("Анна Сергеевна Морозова", "Анне Сергеевне Морозовой"),
        ("Морозова Анна Сергеевна", "Морозовой Анне Сергеевне"),
        ("Анна Морозова", "Анне Морозовой"),
        ("Морозова Анна", "Морозовой Анне"),
        ("Марина Ивановна Белова", "Марине Ивановне Беловой"),
        ("Ольга Николаевна Черных", "Ольге Николаевне Черных"),
        ("Ирина Ильинична Зайцева", "Ирине Ильиничне Зайцевой"),
        ("Марина Иванова", "Марине Ивановой"),
        ("Женя Смирнова", "Жене Смирновой"),
        ("Анна Сергеевна", "Анне Сергеевне"),
    ],
)
def test_name_dative_declines_women_s_names_in_either_order(name, dative):
    assert name_dative(name) == dative


@pytest.mark.parametrize(
    ("name", "dative"),
    [
        ("Иван Петрович Сидоров", "Ивану Петровичу Сидорову"),
        ("Сидоров Иван Петрович", "Сидорову Ивану Петровичу"),
        ("Иван Сидоров", "Ивану Сидорову"),
        ("Сидоров Иван", "Сидорову Ивану"),
        ("Лев Николаевич Толстой", "Льву Николаевичу Толстому"),
        ("Пётр Ильич Чайковский", "Петру Ильичу Чайковскому"),
        ("Никита Михалков", "Никите Михалкову"),
        ("Саша Иванов", "Саше Иванову"),  # the last name tells the gender
        ("Тарас Шевченко", "Тарасу Шевченко"),
    ],
)
def test_name_dative_declines_men_s_names_in_either_order(name, dative):
    assert name_dative(name) == dative


def test_name_dative_tells_a_last_name_in_vich_from_a_patronymic_by_its_place():
    assert name_dative("Дмитрий Дмитриевич Шостакович") == (
        "Дмитрию Дмитриевичу Шостаковичу"
    )
    assert name_dative("Шостакович Дмитрий Дмитриевич") == (
        "Шостаковичу Дмитрию Дмитриевичу"
    )


def test_name_dative_declines_both_halves_of_a_double_last_name():
    assert name_dative("Петрова-Водкина Анна") == "Петровой-Водкиной Анне"
    assert name_dative("Кузьма Сергеевич Петров-Водкин") == (
        "Кузьме Сергеевичу Петрову-Водкину"
    )


def test_name_dative_keeps_a_turkic_patronymic_as_it_is():
    assert name_dative("Алиев Гейдар Али оглы") == "Алиеву Гейдару Али оглы"
    assert name_dative("Лейла Гусейн кызы Алиева") == "Лейле Гусейн кызы Алиевой"
    assert name_dative("Эльчин Мамед-оглы Алиев") == "Эльчину Мамед-оглы Алиеву"


def test_name_dative_keeps_the_case_of_a_name_in_capitals_or_small_letters():
    assert name_dative("АННА СЕРГЕЕВНА МОРОЗОВА") == "АННЕ СЕРГЕЕВНЕ МОРОЗОВОЙ"
    assert name_dative("иван петрович сидоров") == "ивану петровичу сидорову"


@pytest.mark.parametrize(
    "name",
    [
        "Анна",  # one word: no telling which part it is
        "Морозова",
        "John Smith",  # no Cyrillic
        "Анна Smith",  # mixed
        "Саша Ким",  # the gender is not told by either
        "Ирина Пушкина",  # both could be a last name
        "Мария Анна",  # neither is surely a last name
        "Анна Иванов",  # first and last name disagree
        "Анна Шостакович",  # a "patronymic" against the first name
        "Анна-Мария Иванова",  # a double first name
        "Анна Ахматова-",  # a broken hyphen
        "Анна Сергеевна Морозова Третья",  # four words
        "Иван Сидоров Петров",  # three words, no patronymic
        "Сергеевна Анна",  # a patronymic first
        "удалённый участник",  # the name a deleted account shows
        "deleted member",
        "",
        "   ",
    ],
)
def test_name_dative_returns_the_name_unchanged_when_unsure(name):
    assert name_dative(name) == name


def test_name_dative_returns_the_name_when_the_rules_fail(monkeypatch):
    from pytrovich.maker import PetrovichDeclinationMaker

    def broken(*args, **kwargs):
        raise ValueError("no rule")

    monkeypatch.setattr(PetrovichDeclinationMaker, "make", broken)

    assert name_dative("Анна Сергеевна Морозова") == "Анна Сергеевна Морозова"


def test_name_dative_returns_the_name_when_the_gender_rules_fail(monkeypatch):
    from pytrovich.detector import PetrovichGenderDetector

    def broken(*args, **kwargs):
        raise RuntimeError("no rules file")

    monkeypatch.setattr(PetrovichGenderDetector, "detect", broken)

    assert name_dative("Иван Сидоров") == "Иван Сидоров"
