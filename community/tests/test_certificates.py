"""The printed certificate every app shares, and the page that confirms one.

The PDF is read back as a reader would: its text (pypdfium2), where each
letter stands, its links, and its QR code sampled module by module against
the code of the same address.
"""

import ctypes
import datetime

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
import segno
from django.test import Client
from django.utils import translation

from community import certificate_layout, certificates
from community.certificates import (
    CertificateSheet,
    VerifiedCertificate,
    academic_hours,
    certificate_find,
    certificate_pdf,
    certificate_source_register,
    dates_text,
)
from community.registry import Registry

URL = "https://kollegi.example/certificates/AbCdEfGh12345678/"
PT_PER_MM = 72 / 25.4
LONG = 200


@pytest.fixture(autouse=True)
def _russian():
    with translation.override("ru"):
        yield


def _sheet(**overrides) -> CertificateSheet:
    values = {
        "number": "МК-2026-000042",
        "verify_url": URL,
        "holder_name": "Анна Сергеевна Морозова",
        "what": "прохождение курса",
        "title": "Дроби на пальцах: как объяснить пятиклассникам",
        "hours": 18,
        "author_label": "Автор курса",
        "author_names": ["Иван Петрович Сидоров"],
        "dates": "с 1 по 30 марта 2026",
        "subject": "Математика",
        "issued_on": datetime.date(2026, 3, 31),
    }
    return CertificateSheet(**{**values, **overrides})


def _pages(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    return [page.get_textpage().get_text_range() for page in document]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _links(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    found = []
    for page in document:
        position, link = ctypes.c_int(0), pdfium_raw.FPDF_LINK()
        while pdfium_raw.FPDFLink_Enumerate(
            page.raw, ctypes.byref(position), ctypes.byref(link)
        ):
            action = pdfium_raw.FPDFLink_GetAction(link)
            size = pdfium_raw.FPDFAction_GetURIPath(document.raw, action, None, 0)
            buffer = ctypes.create_string_buffer(size)
            pdfium_raw.FPDFAction_GetURIPath(document.raw, action, buffer, size)
            found.append(buffer.value.decode())
    return found


def _letter_boxes(pdf: bytes, page_number: int = 0) -> list[tuple[str, tuple]]:
    """Each letter of a page with its box in mm from the top left corner:
    (left, top, right, bottom)."""
    page = pdfium.PdfDocument(pdf)[page_number]
    height = page.get_height()
    text = page.get_textpage()
    boxes = []
    for index in range(text.count_chars()):
        letter = text.get_text_range(index, 1)
        if not letter.strip():
            continue
        left, bottom, right, top = text.get_charbox(index)
        boxes.append(
            (
                letter,
                (
                    left / PT_PER_MM,
                    (height - top) / PT_PER_MM,
                    right / PT_PER_MM,
                    (height - bottom) / PT_PER_MM,
                ),
            )
        )
    return boxes


def _assert_inside_the_frame(pdf: bytes, page_number: int = 0) -> None:
    for letter, (left, top, right, bottom) in _letter_boxes(pdf, page_number):
        assert left > 11.5, letter
        assert right < 285.5, letter
        assert top > 11.5, letter
        assert bottom < 198.5, letter


def _assert_no_lines_overlap(pdf: bytes, page_number: int = 0) -> None:
    """No letter runs into a letter of another line (their centres more
    than a millimetre apart up or down)."""
    boxes = [box for _letter, box in _letter_boxes(pdf, page_number)]
    for index, (left, top, right, bottom) in enumerate(boxes):
        for other in boxes[index + 1 :]:
            if abs((top + bottom) - (other[1] + other[3])) / 2 < 1:
                continue  # the same line
            assert not (
                left < other[2] - 0.1
                and other[0] < right - 0.1
                and top < other[3] - 0.1
                and other[1] < bottom - 0.1
            ), (left, top, right, bottom, other)


# --- Academic hours and dates ------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "hours"),
    [(0, 1), (10, 1), (45, 1), (67, 1), (68, 2), (90, 2), (112, 2), (113, 3),
     (180, 4), (810, 18)],
)  # fmt: skip
def test_academic_hours_are_45_minutes_rounded_half_up_at_least_one(minutes, hours):
    assert academic_hours(minutes) == hours


def test_dates_text_names_a_day_or_a_period_in_words():
    march = datetime.date(2026, 3, 1)

    assert dates_text(datetime.date(2026, 3, 5)) == "5 марта 2026"
    assert dates_text(march, march) == "1 марта 2026"
    assert dates_text(march, datetime.date(2026, 3, 30)) == "с 1 по 30 марта 2026"
    assert dates_text(datetime.date(2026, 2, 25), datetime.date(2026, 3, 3)) == (
        "с 25 февраля по 3 марта 2026"
    )
    assert dates_text(datetime.date(2025, 12, 25), datetime.date(2026, 1, 3)) == (
        "с 25 декабря 2025 по 3 января 2026"
    )


# --- What the sheet says -----------------------------------------------------


def test_certificate_pdf_says_to_whom_for_what_how_long_who_and_when():
    pdf = certificate_pdf(_sheet())

    pages = _pages(pdf)
    text = _flat(pages[0])
    assert len(pages) == 1
    for line in [
        "Kollegi",
        "профессиональная сеть учителей",
        "СЕРТИФИКАТ",
        "выдан Анне Сергеевне Морозовой",
        "за прохождение курса",
        "«Дроби на пальцах: как объяснить пятиклассникам»",
        "в объёме 18 академических часов",
        "Автор курса: Иван Петрович Сидоров",
        "с 1 по 30 марта 2026 · Математика",
        "Подпись",
        "№ МК-2026-000042",
        "Дата выдачи: 31 марта 2026",
        "Проверить подлинность:",
        URL,
        "Не является документом о квалификации.",
    ]:
        assert line in text, line
    assert "Анна Сергеевна Морозова" not in text


@pytest.mark.parametrize(
    ("hours", "phrase"),
    [
        (1, "в объёме 1 академического часа"),
        (2, "в объёме 2 академических часов"),
        (5, "в объёме 5 академических часов"),
        (21, "в объёме 21 академического часа"),
    ],
)
def test_certificate_pdf_puts_the_hours_in_words(hours, phrase):
    assert phrase in _flat(_pages(certificate_pdf(_sheet(hours=hours)))[0])


def test_certificate_pdf_without_hours_or_authors_leaves_their_lines_out():
    text = _flat(
        _pages(certificate_pdf(_sheet(hours=None, author_names=[], dates="")))[0]
    )

    assert "академическ" not in text
    assert "Автор курса" not in text
    assert "Математика" in text


def test_certificate_pdf_prints_the_issuer_from_the_settings(settings):
    settings.CERTIFICATE_ISSUER = "АНО «Коллеги»"

    text = _flat(_pages(certificate_pdf(_sheet()))[0])

    assert text.count("АНО «Коллеги»") == 2  # at the top and under the signature


def test_certificate_pdf_keeps_the_name_as_given_in_english():
    with translation.override("en"):
        text = _flat(_pages(certificate_pdf(_sheet()))[0])

    assert "awarded to Анна Сергеевна Морозова" in text
    assert "in the amount of 18 academic hours" in text
    assert "This is not a document on qualification." in text


def test_certificate_pdf_keeps_a_name_it_cannot_decline():
    text = _flat(_pages(certificate_pdf(_sheet(holder_name="удалённый участник")))[0])

    assert "выдан удалённый участник" in text


def test_certificate_pdf_links_the_verification_page_from_the_address_and_the_qr():
    assert _links(certificate_pdf(_sheet())) == [URL, URL]


def test_certificate_pdf_draws_the_qr_code_of_the_verification_address():
    """Rendered at 300 dpi, the centre of each module is dark exactly where
    the QR code of the address has a dark module."""
    scale = 300 / 72
    page = pdfium.PdfDocument(certificate_pdf(_sheet()))[0]
    image = page.render(scale=scale).to_pil().convert("L")
    matrix = segno.make(URL, error="m").matrix
    module = certificate_layout.QR_SIZE / len(matrix)
    left = certificate_layout.RIGHT - certificate_layout.QR_SIZE
    top = certificate_layout.BOTTOM - certificate_layout.QR_SIZE

    def dark(row: int, column: int) -> bool:
        x = (left + (column + 0.5) * module) * PT_PER_MM * scale
        y = (top + (row + 0.5) * module) * PT_PER_MM * scale
        return image.getpixel((round(x), round(y))) < 128

    drawn = [[dark(row, column) for column in range(len(matrix))]
             for row in range(len(matrix))]  # fmt: skip
    assert drawn == [[bool(value) for value in row] for row in matrix]


# --- The page is filled, and nothing leaves the frame ------------------------


def test_certificate_pdf_fills_page_one_from_top_to_bottom():
    boxes = [box for _letter, box in _letter_boxes(certificate_pdf(_sheet()))]

    top = min(box[1] for box in boxes)
    bottom = max(box[3] for box in boxes)
    assert top < 30
    assert bottom > 180
    # The text above the foot reaches down to it: no empty third.
    main = [box for box in boxes if box[3] < certificate_layout.FOOT_TOP]
    assert max(box[3] for box in main) > certificate_layout.FOOT_TOP - 15


def test_certificate_pdf_keeps_a_200_character_title_and_name_on_one_page_in_frame():
    title = ("Очень длинное название мастер-класса " * 6)[:LONG]
    name = ("Константинопольская-Адрианопольская " * 6)[:LONG]
    pdf = certificate_pdf(_sheet(title=title, holder_name=name, units=()))

    boxes = _letter_boxes(pdf)
    assert len(_pages(pdf)) == 1
    _assert_inside_the_frame(pdf)
    # The main text stays above the foot's rule, the foot below it.
    text = _flat(_pages(pdf)[0])
    foot_starts = len(_flat(_pages(pdf)[0]).split("Подпись")[0].replace(" ", ""))
    above = [box for _letter, box in boxes[:foot_starts]]
    assert max(box[3] for box in above) < certificate_layout.FOOT_TOP
    assert "…" in text  # cut where even the smallest size does not fit


def test_certificate_pdf_breaks_a_title_without_spaces_inside_the_frame():
    pdf = certificate_pdf(_sheet(title="Ж" * LONG, holder_name="Я" * LONG))

    assert len(_pages(pdf)) == 1
    for letter, (left, _top, right, _bottom) in _letter_boxes(pdf):
        assert left > 11.5, letter
        assert right < 285.5, letter


def test_certificate_pdf_lists_a_few_units_on_page_one():
    units = [("Дроби", 6), ("Проценты", 6), ("Задачи на движение", None)]

    pages = _pages(certificate_pdf(_sheet(units=units)))

    assert len(pages) == 1
    text = _flat(pages[0])
    assert "№ Раздел Академ. часы" in text
    assert "1 Дроби 6 2 Проценты 6 3 Задачи на движение —" in text
    assert "Подпись" in text


# A course's units as teachers name them: up to about 90 characters.
UNIT_TITLES = [
    "Что такое дробь: доли, части целого и первые примеры из жизни "
    "пятиклассника на уроке",
    "Конспект урока о пицце: как разделить поровну и записать это дробью на доске",
    "Мастер-класс: дроби на пальцах, счётные палочки и бумажные полоски "
    "для всего класса",
    "Обсуждение: типичные ошибки учеников при сложении дробей с разными знаменателями",
    "Задание: составьте три задачи на сравнение дробей для слабого и сильного ученика",
    "Чтение: история дробей от египетских папирусов до современных школьных учебников",
    "Материал из библиотеки: рабочий лист «Дроби на числовой прямой» с ответами "
    "и разбором",
    "Мастер-класс: десятичные дроби и проценты в магазине, на кухне и в спортивной "
    "таблице",
    "Обсуждение: как объяснить деление дробей так, чтобы правило стало понятным "
    "и запомнилось",
    "Задание: урок-игра по дробям для пятого класса с оцениванием по критериям "
    "и рефлексией",
    "Чтение: формирующее оценивание на уроках математики — приёмы, примеры и "
    "частые ловушки",
    "Итоговая работа: открытый урок по теме «Дроби» с самоанализом и отзывом двух "
    "коллег курса",
]


def _course_sheet(count: int, **overrides) -> CertificateSheet:
    """A course's sheet, as courses print it: the kind above «выдан», two
    authors, ``count`` units of long titles (numbered past the twelfth)."""
    units = [
        (
            UNIT_TITLES[index]
            if index < 12
            else f"{UNIT_TITLES[index % 12][:80]} ({index // 12 + 1})",
            index % 4 + 1,
        )
        for index in range(count)
    ]
    values = {
        "number": "КУРС-2026-000042",
        "statement": "Курс повышения квалификации",
        "title": "Дроби в 5 классе: от пиццы до уравнения",
        "hours": sum(hours for _title, hours in units),
        "units": units,
        "author_label": "Авторы",
        "author_names": ["Иван Петрович Сидоров", "Мария Олеговна Кузнецова"],
        "dates": "с 1 по 30 ноября 2026",
    }
    return _sheet(**{**values, **overrides})


def _unit_sizes(pdf: bytes, page_number: int, title: str) -> set[float]:
    """The font sizes (pt) the letters of ``title`` are printed in."""
    text = pdfium.PdfDocument(pdf)[page_number].get_textpage()
    start = text.get_text_range().find(title[:40])
    assert start >= 0, title
    return {
        pdfium_raw.FPDFText_GetFontSize(text.raw, index)
        for index in range(start, start + 40)
        if text.get_text_range(index, 1).isalpha()
    }


@pytest.mark.parametrize("count", [5, 12])
def test_certificate_pdf_lists_up_to_12_units_of_90_characters_on_page_one(count):
    assert all(len(title) <= 90 for title in UNIT_TITLES)
    pdf = certificate_pdf(_course_sheet(count))

    pages = _pages(pdf)
    assert len(pages) == 1
    text = _flat(pages[0])
    for number, title in enumerate(UNIT_TITLES[:count], start=1):
        assert f"{number} {title} {(number - 1) % 4 + 1}" in text, title
    for line in [
        "СЕРТИФИКАТ",
        "Курс повышения квалификации",
        "выдан Анне Сергеевне Морозовой",
        "за прохождение курса",
        "«Дроби в 5 классе: от пиццы до уравнения»",
        "Авторы: Иван Петрович Сидоров, Мария Олеговна Кузнецова",
        "с 1 по 30 ноября 2026 · Математика",
        "Подпись",
        "№ КУРС-2026-000042",
        URL,
        "Не является документом о квалификации.",
    ]:
        assert line in text, line
    assert min(_unit_sizes(pdf, 0, UNIT_TITLES[count - 1])) >= 8.5  # legible
    _assert_inside_the_frame(pdf)
    _assert_no_lines_overlap(pdf)


def test_certificate_pdf_keeps_the_table_above_the_foot_and_clear_of_the_qr():
    pdf = certificate_pdf(_course_sheet(12))

    boxes = _letter_boxes(pdf)
    text = "".join(letter for letter, _box in boxes)
    foot = text.index("Подпись")
    assert max(box[3] for _letter, box in boxes[:foot]) < certificate_layout.FOOT_TOP
    qr_left = certificate_layout.RIGHT - certificate_layout.QR_SIZE
    qr_top = certificate_layout.BOTTOM - certificate_layout.QR_SIZE
    for letter, (_left, _top, right, bottom) in boxes:
        assert right < qr_left or bottom < qr_top, letter


def test_certificate_pdf_cuts_a_unit_title_longer_than_its_column_on_one_line():
    long = "Очень длинное название раздела курса о дробях и процентах " * 3
    units = [(long, 2), *_course_sheet(11).units]
    pdf = certificate_pdf(_course_sheet(12, units=units))

    pages = _pages(pdf)
    text = _flat(pages[0])
    assert len(pages) == 1
    assert "1 Очень длинное название раздела курса" in text
    assert "… 2 2 Что такое дробь" in text.replace("…", "… ", 1).replace("  ", " ")
    _assert_inside_the_frame(pdf)
    _assert_no_lines_overlap(pdf)


def test_certificate_pdf_continues_30_units_past_page_one_with_the_heads():
    sheet = _course_sheet(30)
    pdf = certificate_pdf(sheet)

    pages = [_flat(page) for page in _pages(pdf)]
    assert len(pages) == 2
    assert "Подпись" in pages[0]
    for number in range(1, 13):  # page one holds at least the usual dozen
        assert f"{number} {sheet.units[number - 1][0]}" in pages[0]
    assert "Сертификат № КУРС-2026-000042: содержание (продолжение)" in pages[1]
    assert "№ Раздел Академ. часы" in pages[1]
    everything = " ".join(pages)
    for number, (title, hours) in enumerate(sheet.units, start=1):
        assert everything.count(f"{number} {title} {hours}") == 1, title
    for page_number in range(len(pages)):
        _assert_inside_the_frame(pdf, page_number)
        _assert_no_lines_overlap(pdf, page_number)


def test_certificate_pdf_continues_40_units_on_the_next_pages_with_the_heads():
    units = [(f"Тема {number}", 2) for number in range(1, 41)]

    pages = [_flat(page) for page in _pages(certificate_pdf(_sheet(units=units)))]

    assert len(pages) >= 2
    assert "Тема 1 " in pages[0]
    assert "Подпись" in pages[0]
    for page in pages[1:]:
        assert "Сертификат № МК-2026-000042: содержание (продолжение)" in page
        assert "№ Раздел Академ. часы" in page
        assert URL in page
    listed = [
        number
        for number in range(1, 41)
        if any(f"{number} Тема {number} 2" in page for page in pages)
    ]
    assert listed == list(range(1, 41))


# --- The sources of the verification page ------------------------------------


@pytest.fixture
def sources(monkeypatch):
    """The registry of sources, empty for the test to fill (the apps' own are
    tested with their certificates)."""
    monkeypatch.setattr(certificates, "_sources", Registry())
    return certificates._sources


def _verified(**overrides) -> VerifiedCertificate:
    values = {
        "number": "КУ-2026-000007",
        "holder_name": "Анна Сергеевна Морозова",
        "what": "прохождение курса",
        "title": "Дроби на пальцах",
        "title_url": "/courses/drobi/",
        "hours": 18,
        "units": [("Дроби", 10), ("Проценты", 8)],
        "author_label": "Автор курса",
        "author_names": ["Иван Петрович Сидоров"],
        "dates": "с 1 по 30 марта 2026",
        "issued_at": datetime.datetime(2026, 3, 30, 22, 30, tzinfo=datetime.UTC),
    }
    return VerifiedCertificate(**{**values, **overrides})


def test_certificate_find_asks_each_source_until_one_knows_the_code(sources):
    asked = []

    def courses(code):
        asked.append(code)
        return _verified() if code == "course-code" else None

    certificate_source_register("test-courses", courses)

    assert certificate_find(code="course-code").number == "КУ-2026-000007"
    assert certificate_find(code="nobody-s") is None
    assert "nobody-s" in asked


def test_a_source_registered_twice_with_another_finder_is_reported(sources):
    certificate_source_register("test-twice", lambda code: None)
    certificate_source_register("test-twice", lambda code: _verified())

    assert "test-twice" in sources.duplicates


@pytest.mark.django_db
def test_the_verification_page_shows_what_a_source_confirms(sources):
    certificate_source_register(
        "test-courses", lambda code: _verified() if code == "course-code" else None
    )

    response = Client().get("/certificates/course-code/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Сертификат № КУ-2026-000007 подлинный." in page
    assert "Анна Сергеевна Морозова" in page
    assert 'прохождение курса: <a href="/courses/drobi/">Дроби на пальцах</a>' in page
    assert "18 академических часов" in page
    assert "Иван Петрович Сидоров" in page
    assert "с 1 по 30 марта 2026" in page
    assert "31 марта 2026" in page  # issued late on the 30th UTC: Moscow's 31st
    assert "<td>Проценты</td>" in page
    assert "Не является документом о квалификации." in page
    assert 'content="noindex, nofollow"' in page


@pytest.mark.django_db
def test_the_verification_page_says_when_a_certificate_is_revoked(sources):
    certificate_source_register("test-courses", lambda code: _verified(revoked=True))

    page = Client().get("/certificates/any-code/").content.decode()

    assert "отозван" in page
    assert "подлинный" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["unknown-code", "нет-такого", "a" * 65, "a.b"])
def test_the_verification_page_is_404_for_a_code_nobody_issued(sources, code):
    certificate_source_register(
        "test-courses", lambda code: _verified() if code == "course-code" else None
    )

    assert Client().get(f"/certificates/{code}/").status_code == 404
