"""The list pages' filters, server side: the «Фильтры (N)» button, the applied
filters as chips that each remove one filter, «Сбросить все», and the panel
that stays open on a value the form could not read.

The materials' catalogue, the master-classes and the members' directory share
partials/components/filters.html and filter_chips.html (community/filters.py).
"""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import QueryDict

from accounts.tests.factories import UserFactory
from community.filters import applied_filters
from community.models import Grade, Subject
from masterclasses.forms import ListFilterForm
from materials.forms import CatalogueFilterForm
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db

CHIP = re.compile(r'<a class="ui-chip" href="([^"]*)"><span>([^<]*)</span>')


def _main(response) -> str:
    html = response.content.decode()
    return html[html.index('<main id="main"') : html.index("</main>")]


def _chips(response) -> dict[str, dict[str, list[str]]]:
    """Each chip's words with the query its link leads to."""
    chips = {}
    for href, words in CHIP.findall(_main(response)):
        href = unescape(href)
        chips[unescape(words)] = (urlsplit(href).path, parse_qs(urlsplit(href).query))
    return chips


def _toggle(response) -> str:
    match = re.search(
        r'class="btn btn-outline-primary ui-filters-toggle[^"]*"[^>]*>'
        r".*?<span>([^<]*)</span>",
        _main(response),
        re.S,
    )
    return match.group(1)


def _reset(response) -> str:
    match = re.search(
        r'class="btn btn-quiet btn-sm ui-chips-reset" href="([^"]*)"', _main(response)
    )
    return unescape(match.group(1))


def test_catalogue_shows_each_applied_filter_as_a_chip_that_removes_it(client):
    maths = Subject.objects.get(slug="mathematics")
    grade = Grade.objects.order_by("pk").first()
    response = client.get(
        "/materials/",
        {
            "subject": maths.pk,
            "grade": grade.pk,
            "kind": "test",
            "recommended": "on",
            "tag": "дроби",
            "sort": "rating",
            "page": "2",
        },
    )
    assert response.status_code == 200
    chips = _chips(response)
    assert set(chips) == {
        f"Предмет: {maths.name}",
        f"Класс: {grade.name}",
        "Тип: тест",
        "Рекомендовано экспертами",
        "Тег: дроби",
        "Сортировать: по оценке",
    }, chips
    path, query = chips[f"Предмет: {maths.name}"]
    assert path == "/materials/"
    # The other filters stay; the subject and the page go.
    assert query == {
        "grade": [str(grade.pk)],
        "kind": ["test"],
        "recommended": ["on"],
        "tag": ["дроби"],
        "sort": ["rating"],
    }
    assert "page" not in chips["Тип: тест"][1]
    assert chips["Тип: тест"][1]["subject"] == [str(maths.pk)]
    assert _toggle(response) == "Фильтры (6)"
    assert _reset(response) == "/materials/"


def test_following_a_chip_removes_one_filter(client):
    maths = Subject.objects.get(slug="mathematics")
    response = client.get("/materials/", {"subject": maths.pk, "kind": "test"})
    assert _toggle(response) == "Фильтры (2)"
    path, query = _chips(response)["Тип: тест"]
    response = client.get(path, {key: values[0] for key, values in query.items()})
    assert set(_chips(response)) == {f"Предмет: {maths.name}"}
    assert _toggle(response) == "Фильтры (1)"


def test_no_filter_no_chips_and_the_button_without_a_number(client):
    response = client.get("/materials/")
    main = _main(response)
    assert "ui-chip" not in main
    assert _toggle(response) == "Фильтры"
    # The default order and empty choices are no filters.
    response = client.get("/materials/", {"sort": "new", "subject": "", "kind": ""})
    assert "ui-chip" not in _main(response)
    assert _toggle(response) == "Фильтры"


def test_masterclass_chips_keep_the_past_tab(client):
    maths = Subject.objects.get(slug="mathematics")
    response = client.get(
        "/masterclasses/",
        {
            "when": "past",
            "subject": maths.pk,
            "format": "online",
            "date_from": "2025-03-05",
        },
    )
    assert response.status_code == 200
    chips = _chips(response)
    assert set(chips) == {
        f"Предмет: {maths.name}",
        "Формат: онлайн",
        "С: 5 марта 2025 г.",
    }, chips
    assert chips["Формат: онлайн"][1] == {
        "when": ["past"],
        "subject": [str(maths.pk)],
        "date_from": ["2025-03-05"],
    }
    assert _reset(response) == "/masterclasses/?when=past"
    # The form sends the tab on.
    assert '<input type="hidden" name="when" value="past">' in _main(response)
    assert _toggle(response) == "Фильтры (3)"


def test_directory_chips_read_choices_in_words(client):
    UserFactory()
    maths = Subject.objects.get(slug="mathematics")
    response = client.get(
        "/members/",
        {"q": "Анна", "subject": maths.pk, "region": "tatarstan", "category": "none"},
    )
    assert response.status_code == 200
    assert set(_chips(response)) == {
        "Имя: Анна",
        f"Предмет: {maths.name}",
        "Регион: Республика Татарстан",
        "Категория: без категории",
    }
    assert _toggle(response) == "Фильтры (4)"
    assert _reset(response) == "/members/"
    assert 'role="search"' in _main(response)


@pytest.mark.parametrize("address", ["/materials/", "/masterclasses/", "/members/"])
def test_filter_panel_has_the_button_the_form_and_words_for_empty_choices(
    client, address
):
    main = _main(client.get(address))
    assert 'href="#filters" data-bs-toggle="offcanvas"' in main
    assert 'ui-filters-panel" id="filters" tabindex="-1" role="region"' in main
    assert '<form method="get"' in main
    assert "---" not in main
    assert "Любой предмет" in main


@pytest.mark.parametrize(
    ("address", "bad"),
    [
        ("/materials/", {"subject": "999999", "kind": "test"}),
        ("/masterclasses/", {"date_from": "0001-01-01"}),
        ("/members/", {"region": "atlantis"}),
    ],
)
def test_a_value_the_form_cannot_read_keeps_the_panel_open(client, address, bad):
    response = client.get(address, bad)
    assert response.status_code == 400
    main = _main(response)
    assert "ui-filters-inline" in main
    assert "invalid-feedback" in main
    assert "ui-chip" not in main


def test_applied_filters_reads_the_form_only():
    query = QueryDict("sort=downloads&recommended=on&page=3")
    filters = applied_filters(CatalogueFilterForm(query), "/materials/", query)
    assert [(chip.name, chip.value) for chip in filters.chips] == [
        ("recommended", ""),
        ("sort", "по скачиваниям"),
    ]
    assert filters.chips[0].remove_url == "/materials/?sort=downloads"
    assert filters.count == 2
    unbound = applied_filters(ListFilterForm(None), "/masterclasses/", QueryDict())
    assert unbound.count == 0
    assert unbound.reset_url == "/masterclasses/"


def test_filtered_catalogue_keeps_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    maths = Subject.objects.get(slug="mathematics")
    author = UserFactory()
    for _ in range(55):
        MaterialFactory(author=author, subject=maths)
    with django_assert_max_num_queries(12):
        response = client.get(
            "/materials/",
            {"subject": maths.pk, "kind": "lesson_plan", "sort": "rating"},
        )
    assert response.status_code == 200
    assert len(_chips(response)) == 3
