"""Shared vocabularies: regions, time zones, school subjects and grades.

Region and the time zone list are used as form/model choices; their labels are
lazy English msgids translated to Russian in the .po files. SUBJECTS and GRADES
hold plain (slug, English, Russian) strings because a data migration copies them
into database tables.
"""

import datetime
import zoneinfo

from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    """The 89 federal subjects of the Russian Federation (Constitution, art. 65).

    Ordered alphabetically by the Russian name, so the Russian dropdown reads
    alphabetically. Values are stable slugs stored in the database: never change
    them.
    """

    ALTAI_KRAI = "altai-krai", _("Altai Krai")  # Алтайский край
    AMUR = "amur", _("Amur Oblast")  # Амурская область
    ARKHANGELSK = "arkhangelsk", _("Arkhangelsk Oblast")  # Архангельская область
    ASTRAKHAN = "astrakhan", _("Astrakhan Oblast")  # Астраханская область
    BELGOROD = "belgorod", _("Belgorod Oblast")  # Белгородская область
    BRYANSK = "bryansk", _("Bryansk Oblast")  # Брянская область
    VLADIMIR = "vladimir", _("Vladimir Oblast")  # Владимирская область
    VOLGOGRAD = "volgograd", _("Volgograd Oblast")  # Волгоградская область
    VOLOGDA = "vologda", _("Vologda Oblast")  # Вологодская область
    VORONEZH = "voronezh", _("Voronezh Oblast")  # Воронежская область
    DONETSK = "donetsk", _("Donetsk People's Republic")  # Донецкая Народная Республика
    JEWISH = "jewish", _("Jewish Autonomous Oblast")  # Еврейская автономная область
    ZABAYKALSKY = "zabaykalsky", _("Zabaykalsky Krai")  # Забайкальский край
    ZAPOROZHYE = "zaporozhye", _("Zaporozhye Oblast")  # Запорожская область
    IVANOVO = "ivanovo", _("Ivanovo Oblast")  # Ивановская область
    IRKUTSK = "irkutsk", _("Irkutsk Oblast")  # Иркутская область
    KABARDINO_BALKARIA = (  # Кабардино-Балкарская Республика
        "kabardino-balkaria",
        _("Kabardino-Balkarian Republic"),
    )
    KALININGRAD = "kaliningrad", _("Kaliningrad Oblast")  # Калининградская область
    KALUGA = "kaluga", _("Kaluga Oblast")  # Калужская область
    KAMCHATKA = "kamchatka", _("Kamchatka Krai")  # Камчатский край
    KARACHAY_CHERKESSIA = (  # Карачаево-Черкесская Республика
        "karachay-cherkessia",
        _("Karachay-Cherkess Republic"),
    )
    KEMEROVO = (  # Кемеровская область — Кузбасс
        "kemerovo",
        _("Kemerovo Oblast - Kuzbass"),
    )
    KIROV = "kirov", _("Kirov Oblast")  # Кировская область
    KOSTROMA = "kostroma", _("Kostroma Oblast")  # Костромская область
    KRASNODAR = "krasnodar", _("Krasnodar Krai")  # Краснодарский край
    KRASNOYARSK = "krasnoyarsk", _("Krasnoyarsk Krai")  # Красноярский край
    KURGAN = "kurgan", _("Kurgan Oblast")  # Курганская область
    KURSK = "kursk", _("Kursk Oblast")  # Курская область
    LENINGRAD = "leningrad", _("Leningrad Oblast")  # Ленинградская область
    LIPETSK = "lipetsk", _("Lipetsk Oblast")  # Липецкая область
    LUHANSK = "luhansk", _("Luhansk People's Republic")  # Луганская Народная Республика
    MAGADAN = "magadan", _("Magadan Oblast")  # Магаданская область
    MOSCOW = "moscow", _("Moscow")  # Москва
    MOSCOW_OBLAST = "moscow-oblast", _("Moscow Oblast")  # Московская область
    MURMANSK = "murmansk", _("Murmansk Oblast")  # Мурманская область
    NENETS = "nenets", _("Nenets Autonomous Okrug")  # Ненецкий автономный округ
    NIZHNY_NOVGOROD = (  # Нижегородская область
        "nizhny-novgorod",
        _("Nizhny Novgorod Oblast"),
    )
    NOVGOROD = "novgorod", _("Novgorod Oblast")  # Новгородская область
    NOVOSIBIRSK = "novosibirsk", _("Novosibirsk Oblast")  # Новосибирская область
    OMSK = "omsk", _("Omsk Oblast")  # Омская область
    ORENBURG = "orenburg", _("Orenburg Oblast")  # Оренбургская область
    ORYOL = "oryol", _("Oryol Oblast")  # Орловская область
    PENZA = "penza", _("Penza Oblast")  # Пензенская область
    PERM = "perm", _("Perm Krai")  # Пермский край
    PRIMORSKY = "primorsky", _("Primorsky Krai")  # Приморский край
    PSKOV = "pskov", _("Pskov Oblast")  # Псковская область
    ADYGEA = "adygea", _("Republic of Adygea")  # Республика Адыгея
    ALTAI_REPUBLIC = "altai-republic", _("Altai Republic")  # Республика Алтай
    BASHKORTOSTAN = (  # Республика Башкортостан
        "bashkortostan",
        _("Republic of Bashkortostan"),
    )
    BURYATIA = "buryatia", _("Republic of Buryatia")  # Республика Бурятия
    DAGESTAN = "dagestan", _("Republic of Dagestan")  # Республика Дагестан
    INGUSHETIA = "ingushetia", _("Republic of Ingushetia")  # Республика Ингушетия
    KALMYKIA = "kalmykia", _("Republic of Kalmykia")  # Республика Калмыкия
    KARELIA = "karelia", _("Republic of Karelia")  # Республика Карелия
    KOMI = "komi", _("Komi Republic")  # Республика Коми
    CRIMEA = "crimea", _("Republic of Crimea")  # Республика Крым
    MARI_EL = "mari-el", _("Mari El Republic")  # Республика Марий Эл
    MORDOVIA = "mordovia", _("Republic of Mordovia")  # Республика Мордовия
    SAKHA = "sakha", _("Sakha (Yakutia) Republic")  # Республика Саха (Якутия)
    NORTH_OSSETIA = (  # Республика Северная Осетия — Алания
        "north-ossetia",
        _("Republic of North Ossetia-Alania"),
    )
    TATARSTAN = "tatarstan", _("Republic of Tatarstan")  # Республика Татарстан
    TUVA = "tuva", _("Tuva Republic")  # Республика Тыва
    KHAKASSIA = "khakassia", _("Republic of Khakassia")  # Республика Хакасия
    ROSTOV = "rostov", _("Rostov Oblast")  # Ростовская область
    RYAZAN = "ryazan", _("Ryazan Oblast")  # Рязанская область
    SAMARA = "samara", _("Samara Oblast")  # Самарская область
    SAINT_PETERSBURG = "saint-petersburg", _("Saint Petersburg")  # Санкт-Петербург
    SARATOV = "saratov", _("Saratov Oblast")  # Саратовская область
    SAKHALIN = "sakhalin", _("Sakhalin Oblast")  # Сахалинская область
    SVERDLOVSK = "sverdlovsk", _("Sverdlovsk Oblast")  # Свердловская область
    SEVASTOPOL = "sevastopol", _("Sevastopol")  # Севастополь
    SMOLENSK = "smolensk", _("Smolensk Oblast")  # Смоленская область
    STAVROPOL = "stavropol", _("Stavropol Krai")  # Ставропольский край
    TAMBOV = "tambov", _("Tambov Oblast")  # Тамбовская область
    TVER = "tver", _("Tver Oblast")  # Тверская область
    TOMSK = "tomsk", _("Tomsk Oblast")  # Томская область
    TULA = "tula", _("Tula Oblast")  # Тульская область
    TYUMEN = "tyumen", _("Tyumen Oblast")  # Тюменская область
    UDMURTIA = "udmurtia", _("Udmurt Republic")  # Удмуртская Республика
    ULYANOVSK = "ulyanovsk", _("Ulyanovsk Oblast")  # Ульяновская область
    KHABAROVSK = "khabarovsk", _("Khabarovsk Krai")  # Хабаровский край
    KHANTY_MANSI = (  # Ханты-Мансийский автономный округ — Югра
        "khanty-mansi",
        _("Khanty-Mansi Autonomous Okrug - Yugra"),
    )
    KHERSON = "kherson", _("Kherson Oblast")  # Херсонская область
    CHELYABINSK = "chelyabinsk", _("Chelyabinsk Oblast")  # Челябинская область
    CHECHNYA = "chechnya", _("Chechen Republic")  # Чеченская Республика
    CHUVASHIA = "chuvashia", _("Chuvash Republic")  # Чувашская Республика
    CHUKOTKA = "chukotka", _("Chukotka Autonomous Okrug")  # Чукотский автономный округ
    YAMALO_NENETS = (  # Ямало-Ненецкий автономный округ
        "yamalo-nenets",
        _("Yamalo-Nenets Autonomous Okrug"),
    )
    YAROSLAVL = "yaroslavl", _("Yaroslavl Oblast")  # Ярославская область


DEFAULT_TIME_ZONE = "Europe/Moscow"

# Every IANA time zone used in Russia, west to east; labels give the offset from
# Moscow time (MSK).
RUSSIAN_TIME_ZONES: list[tuple[str, Promise]] = [
    ("Europe/Kaliningrad", _("Kaliningrad (MSK−1)")),  # UTC+2
    ("Europe/Moscow", _("Moscow (MSK)")),  # UTC+3
    ("Europe/Simferopol", _("Simferopol (MSK)")),  # UTC+3
    ("Europe/Kirov", _("Kirov (MSK)")),  # UTC+3
    ("Europe/Volgograd", _("Volgograd (MSK)")),  # UTC+3
    ("Europe/Astrakhan", _("Astrakhan (MSK+1)")),  # UTC+4
    ("Europe/Saratov", _("Saratov (MSK+1)")),  # UTC+4
    ("Europe/Ulyanovsk", _("Ulyanovsk (MSK+1)")),  # UTC+4
    ("Europe/Samara", _("Samara (MSK+1)")),  # UTC+4
    ("Asia/Yekaterinburg", _("Yekaterinburg (MSK+2)")),  # UTC+5
    ("Asia/Omsk", _("Omsk (MSK+3)")),  # UTC+6
    ("Asia/Novosibirsk", _("Novosibirsk (MSK+4)")),  # UTC+7
    ("Asia/Barnaul", _("Barnaul (MSK+4)")),  # UTC+7
    ("Asia/Tomsk", _("Tomsk (MSK+4)")),  # UTC+7
    ("Asia/Novokuznetsk", _("Novokuznetsk (MSK+4)")),  # UTC+7
    ("Asia/Krasnoyarsk", _("Krasnoyarsk (MSK+4)")),  # UTC+7
    ("Asia/Irkutsk", _("Irkutsk (MSK+5)")),  # UTC+8
    ("Asia/Chita", _("Chita (MSK+6)")),  # UTC+9
    ("Asia/Yakutsk", _("Yakutsk (MSK+6)")),  # UTC+9
    ("Asia/Khandyga", _("Khandyga (MSK+6)")),  # UTC+9
    ("Asia/Vladivostok", _("Vladivostok (MSK+7)")),  # UTC+10
    ("Asia/Ust-Nera", _("Ust-Nera (MSK+7)")),  # UTC+10
    ("Asia/Magadan", _("Magadan (MSK+8)")),  # UTC+11
    ("Asia/Sakhalin", _("Yuzhno-Sakhalinsk (MSK+8)")),  # UTC+11
    ("Asia/Srednekolymsk", _("Srednekolymsk (MSK+8)")),  # UTC+11
    ("Asia/Kamchatka", _("Petropavlovsk-Kamchatsky (MSK+9)")),  # UTC+12
    ("Asia/Anadyr", _("Anadyr (MSK+9)")),  # UTC+12
]
_RUSSIAN_ZONE_NAMES = frozenset(name for name, _label in RUSSIAN_TIME_ZONES)


def _offset(delta: datetime.timedelta) -> str:
    """+2, −1, +5:30 (a true minus sign, as in the labels above)."""
    minutes = round(delta.total_seconds() / 60)
    hours, rest = divmod(abs(minutes), 60)
    sign = "+" if minutes >= 0 else "\u2212"
    return f"{sign}{hours}:{rest:02d}" if rest else f"{sign}{hours}"


def time_zone_label(name: str, at: datetime.datetime | None = None) -> str:
    """A time zone as a member says it, never its IANA name.

    A Russian zone counts from Moscow time: «московское время», «МСК+2»;
    any other from UTC: "UTC+5:30". ``at`` is the moment the offset is read
    at (zones with summer time move); now when not given.
    """
    try:
        zone = zoneinfo.ZoneInfo(str(name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return str(name)
    at = at or timezone.now()
    offset = at.astimezone(zone).utcoffset() or datetime.timedelta(0)
    if str(name) in _RUSSIAN_ZONE_NAMES:
        moscow = at.astimezone(zoneinfo.ZoneInfo(DEFAULT_TIME_ZONE)).utcoffset()
        if offset == moscow:
            return gettext("Moscow time")
        return gettext("MSK%(offset)s") % {"offset": _offset(offset - moscow)}
    if not offset:
        return "UTC"
    return f"UTC{_offset(offset)}"


# School subjects and teacher specialities: (slug, English name, Russian name).
# Plain strings: a data migration copies them into the database.
SUBJECTS: list[tuple[str, str, str]] = [
    ("russian-language", "Russian language", "Русский язык"),
    ("literature", "Literature", "Литература"),
    ("native-language", "Native language and literature", "Родной язык и литература"),
    ("english", "English language", "Английский язык"),
    ("german", "German language", "Немецкий язык"),
    ("french", "French language", "Французский язык"),
    ("mathematics", "Mathematics", "Математика"),
    ("algebra", "Algebra", "Алгебра"),
    ("geometry", "Geometry", "Геометрия"),
    (
        "probability-statistics",
        "Probability and statistics",
        "Вероятность и статистика",
    ),
    ("computer-science", "Computer science", "Информатика"),
    ("history", "History", "История"),
    ("social-studies", "Social studies", "Обществознание"),
    ("geography", "Geography", "География"),
    ("biology", "Biology", "Биология"),
    ("physics", "Physics", "Физика"),
    ("chemistry", "Chemistry", "Химия"),
    ("astronomy", "Astronomy", "Астрономия"),
    (
        "life-safety",
        "Basics of life safety and homeland defence",
        "Основы безопасности и защиты Родины (ОБЗР)",
    ),
    ("physical-education", "Physical education", "Физическая культура"),
    ("music", "Music", "Музыка"),
    ("fine-arts", "Fine arts", "Изобразительное искусство"),
    ("technology", "Technology (labour)", "Труд (технология)"),
    (
        "orkse",
        "Foundations of religious cultures and secular ethics",
        "Основы религиозных культур и светской этики (ОРКСЭ)",
    ),
    (
        "odnknr",
        "Foundations of the spiritual and moral culture of the peoples of Russia",
        "Основы духовно-нравственной культуры народов России (ОДНКНР)",
    ),
    ("primary-school", "Primary school", "Начальные классы"),
    ("economics", "Economics", "Экономика"),
    ("law", "Law", "Право"),
    ("ecology", "Ecology", "Экология"),
    (
        "world-art-culture",
        "World art culture",
        "Мировая художественная культура (МХК)",
    ),
    ("speech-therapy", "Speech therapy", "Логопедия"),
    ("defectology", "Defectology (special education)", "Дефектология"),
    ("school-psychology", "School psychology", "Школьная психология"),
    ("additional-education", "Additional education", "Дополнительное образование"),
    ("preschool-education", "Preschool education", "Дошкольное образование"),
]

# Levels a teacher works with, youngest first: (slug, English name, Russian name).
GRADES: list[tuple[str, str, str]] = [
    ("preschool", "Preschool", "Дошкольное образование"),
    ("grade-1", "Grade 1", "1 класс"),
    ("grade-2", "Grade 2", "2 класс"),
    ("grade-3", "Grade 3", "3 класс"),
    ("grade-4", "Grade 4", "4 класс"),
    ("grade-5", "Grade 5", "5 класс"),
    ("grade-6", "Grade 6", "6 класс"),
    ("grade-7", "Grade 7", "7 класс"),
    ("grade-8", "Grade 8", "8 класс"),
    ("grade-9", "Grade 9", "9 класс"),
    ("grade-10", "Grade 10", "10 класс"),
    ("grade-11", "Grade 11", "11 класс"),
    ("college", "College (vocational education)", "СПО / колледж"),
    ("additional-education", "Additional education", "Дополнительное образование"),
]


def vocabulary_fill(subject_model, grade_model) -> None:
    """Put the subjects and grades in (for tests that emptied the tables)."""
    for model, rows in ((subject_model, SUBJECTS), (grade_model, GRADES)):
        for position, (slug, name_en, name_ru) in enumerate(rows):
            model.objects.update_or_create(
                slug=slug,
                defaults={"name_en": name_en, "name_ru": name_ru, "position": position},
            )
