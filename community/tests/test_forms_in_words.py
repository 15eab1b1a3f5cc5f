"""Forms in teachers' words: licences explained with CC BY preselected,
required fields marked, filters without "---------", long lists searchable
yet plain checkboxes without JavaScript."""

import re

import pytest
from django.urls import reverse

from accounts.models import Profile
from community.models import Grade, Subject
from forums.tests.factories import SectionFactory
from materials.models import LICENCE_DESCRIPTIONS, Licence
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db

REQUIRED_LEGEND = "* — обязательные поля"
REQUIRED_MARK = (
    '<span class="required-mark" aria-hidden="true">*</span>'
    '<span class="visually-hidden"> обязательное поле</span>'
)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def radio(html: str, value: str) -> str:
    [tag] = re.findall(
        rf'<input type="radio" name="licence" value="{value}"[^>]*>', html
    )
    return tag


def test_licences_explained_in_russian_with_cc_by_checked_on_a_new_material(
    member_client,
):
    html = page(member_client, reverse("materials:create"))

    explanations = {
        Licence.CC_BY: "Коллеги могут копировать, изменять и распространять "
        "материал, в том числе за деньги, указав вас как автора.",
        Licence.CC_BY_NC_ND: "Коллеги могут только распространять материал без "
        "изменений, с указанием автора и не за деньги.",
        Licence.ALL_RIGHTS: "Коллеги могут только скачать материал для себя; "
        "копировать и распространять — лишь с вашего разрешения.",
    }
    for text in explanations.values():
        assert text in html
    for index, value in enumerate(Licence.values):
        tag = radio(html, value)
        description_id = f"id_licence_{index}_description"
        assert f'aria-describedby="{description_id}"' in tag
        assert f'id="{description_id}"' in html
        assert ("checked" in tag) == (value == Licence.CC_BY)
    assert len(LICENCE_DESCRIPTIONS) == len(Licence.values) == 7
    assert '<span class="ui-badge ui-badge-success">рекомендуем</span>' in html


def test_editing_a_material_keeps_its_licence_checked(member_client, member):
    material = MaterialFactory(author=member, licence=Licence.CC_BY_NC)

    html = page(member_client, reverse("materials:edit", args=[material.pk]))

    assert "checked" in radio(html, Licence.CC_BY_NC)
    assert "checked" not in radio(html, Licence.CC_BY)


@pytest.mark.parametrize(
    ("url", "required_label"),
    [
        pytest.param(lambda: reverse("materials:create"), "title", id="upload"),
        pytest.param(
            lambda: reverse("forums:topic_create", args=[SectionFactory().slug]),
            "title",
            id="new-topic",
        ),
        pytest.param(
            lambda: reverse("masterclasses:create"), "title", id="master-class"
        ),
        pytest.param(
            lambda: reverse("accounts:settings_profile"),
            "display_name",
            id="profile",
        ),
    ],
)
def test_required_fields_are_marked_on_members_forms(
    member_client, url, required_label
):
    html = page(member_client, url())

    assert REQUIRED_LEGEND in html
    assert re.search(
        rf'<label class="form-label" for="id_{required_label}">[^<]+'
        rf"{re.escape(REQUIRED_MARK)}</label>",
        html,
    ), required_label


def test_optional_fields_are_not_marked(member_client):
    html = page(member_client, reverse("accounts:settings_profile"))

    # «Школа» is optional: its label carries no mark.
    assert re.search(r'<label class="form-label" for="id_school">[^<]*</label>', html)


def test_required_fields_are_marked_on_sign_up(client):
    html = page(client, reverse("account_signup"))

    assert REQUIRED_LEGEND in html
    assert html.count(REQUIRED_MARK) >= 4


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("materials:catalogue", ["Любой предмет", "Любой класс", "Любой тип"]),
        ("masterclasses:list", ["Любой предмет"]),
        ("accounts:directory", ["Любой предмет", "Любой класс"]),
        ("materials:create", ["Выберите предмет", "Выберите тип"]),
        ("masterclasses:create", ["Выберите предмет"]),
    ],
)
def test_no_dashes_for_empty_choices(member_client, url, words):
    html = page(member_client, reverse(url))

    assert "---------" not in html
    for word in words:
        assert f'<option value="" selected>{word}</option>' in html


def test_subject_chooser_without_javascript_submits_checked_subjects(
    member_client, member
):
    html = page(member_client, reverse("accounts:settings_profile"))
    # The long list is marked for the script and stays plain checkboxes.
    assert re.search(r"<fieldset[^>]*data-choice-filter", html)
    assert html.count('type="checkbox" name="subjects"') == Subject.objects.count()
    assert "js/choice-filter.js" in html

    physics, chemistry = Subject.objects.filter(
        slug__in=["physics", "chemistry"]
    ).order_by("slug")
    grade = Grade.objects.first()
    response = member_client.post(
        reverse("accounts:settings_profile"),
        {
            "display_name": "Анна Петрова",
            "subjects": [physics.pk, chemistry.pk],
            "grades": [grade.pk],
            "time_zone": "Europe/Moscow",
            "language": "ru",
            "text_size": "standard",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    profile = Profile.objects.get(user=member)
    assert set(profile.subjects.all()) == {physics, chemistry}
    assert list(profile.grades.all()) == [grade]
