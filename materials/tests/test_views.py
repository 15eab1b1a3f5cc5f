"""Materials' pages for anonymous visitors, members, authors and moderators."""

import re
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from community.models import Grade, Subject
from materials import services
from materials.models import Material, MaterialFile
from materials.tests.factories import (
    MaterialFactory,
    docx_upload,
    exe_upload,
    pdf_upload,
)
from materials.uploads import file_check

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(**overrides):
    data = {
        "title": "Дроби. Урок для 5 класса",
        "summary": "Конспект и рабочий лист.",
        "description": "Ход урока",
        "subject": Subject.objects.get(slug="mathematics").pk,
        "grades": [Grade.objects.get(slug="grade-5").pk],
        "kind": Material.Kind.LESSON_PLAN,
        "language": "ru",
        "licence": "cc-by",
        "rights_confirmed": "on",
        "tags": "дроби, 5 класс",
        "publish": "on",
    }
    return {**data, **overrides}


def test_catalogue_and_material_are_public_drafts_are_not():
    material = MaterialFactory(title="Открытый урок")
    draft = MaterialFactory(title="Черновик", status=Material.Status.DRAFT)
    hidden = MaterialFactory(title="Скрытый", is_hidden=True)

    page = Client().get(reverse("materials:catalogue")).content.decode()

    assert "Открытый урок" in page
    assert "Черновик" not in page
    assert "Скрытый" not in page
    assert Client().get(material.get_absolute_url()).status_code == 200
    assert Client().get(draft.get_absolute_url()).status_code == 404
    assert _client(UserFactory()).get(hidden.get_absolute_url()).status_code == 404
    assert _client(draft.author).get(draft.get_absolute_url()).status_code == 200


def test_moderator_sees_hidden_materials(moderator):
    hidden = MaterialFactory(is_hidden=True)

    assert _client(moderator).get(hidden.get_absolute_url()).status_code == 200


def test_upload_a_material_with_two_files(member):
    client = _client(member)

    response = client.post(
        reverse("materials:create"),
        {**_form(), "files": [pdf_upload(), docx_upload()]},
    )

    material = Material.objects.get()
    assert response.status_code == 302
    assert response["Location"] == material.get_absolute_url()
    assert material.current_version.files.count() == 2
    assert sorted(material.tags.names()) == ["5 класс", "дроби"]


def test_a_renamed_executable_is_named_in_the_error_and_the_form_is_kept(member):
    response = _client(member).post(
        reverse("materials:create"),
        {**_form(), "files": [pdf_upload(), exe_upload("игра.pdf")]},
        HTTP_ACCEPT_LANGUAGE="ru",
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "«игра.pdf»" in page
    assert "Дроби. Урок для 5 класса" in page
    assert not Material.objects.exists()
    assert not MaterialFile.objects.exists()


def test_an_oversized_file_is_refused(member, settings):
    settings.MATERIALS_MAX_FILE_SIZE = 1024

    response = _client(member).post(
        reverse("materials:create"),
        {**_form(), "files": [pdf_upload("большой.pdf", size=4096)]},
    )

    assert response.status_code == 400
    assert "«большой.pdf»" in response.content.decode()
    assert not Material.objects.exists()


def test_missing_rights_confirmation_is_a_400_with_the_text_kept(member):
    data = _form()
    del data["rights_confirmed"]

    response = _client(member).post(
        reverse("materials:create"), {**data, "files": [pdf_upload()]}
    )

    assert response.status_code == 400
    assert "Конспект и рабочий лист." in response.content.decode()


def test_download_counts_and_names_the_cyrillic_file(
    member, django_capture_on_commit_callbacks
):
    material = MaterialFactory()
    record = material.current_version.files.get()
    url = reverse("materials:download", args=[material.pk, record.pk])
    client = _client(member)

    with django_capture_on_commit_callbacks(execute=True):  # the counting task
        response = client.get(url)
        body = b"".join(response.streaming_content)
        client.get(url)

    assert response.status_code == 200
    assert body.startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="Plan uroka.pdf"; '
        f"filename*=UTF-8''{quote('План урока.pdf')}"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert Material.objects.get(pk=material.pk).download_count == 1


def test_download_hands_the_transfer_to_nginx_when_configured(member, settings):
    settings.MATERIALS_X_ACCEL_PREFIX = "/protected/materials/"
    material = MaterialFactory()
    record = material.current_version.files.get()

    response = _client(member).get(
        reverse("materials:download", args=[material.pk, record.pk])
    )

    assert response["X-Accel-Redirect"] == f"/protected/materials/{record.file.name}"
    assert response.content == b""


def test_download_of_a_draft_or_a_foreign_file_is_404(member):
    draft = MaterialFactory(status=Material.Status.DRAFT)
    other = MaterialFactory()
    draft_file = draft.current_version.files.get()

    assert (
        _client(member)
        .get(reverse("materials:download", args=[draft.pk, draft_file.pk]))
        .status_code
        == 404
    )
    assert (
        Client()
        .get(reverse("materials:download", args=[other.pk, draft_file.pk]))
        .status_code
        == 404
    )


def test_earlier_versions_stay_downloadable(member):
    material = MaterialFactory(author=member)
    first = material.current_version.files.get()
    client = _client(member)

    response = client.post(
        reverse("materials:version_add", args=[material.pk]),
        {"files": [docx_upload()], "note": "Новый лист"},
    )

    assert response.status_code == 302
    page = client.get(material.get_absolute_url()).content.decode()
    assert "Новый лист" in page
    assert reverse("materials:download", args=[material.pk, first.pk]) in page
    assert (
        client.get(
            reverse("materials:download", args=[material.pk, first.pk])
        ).status_code
        == 200
    )


def test_version_without_files_is_a_400_with_the_note_kept(member):
    material = MaterialFactory(author=member)

    response = _client(member).post(
        reverse("materials:version_add", args=[material.pk]), {"note": "Исправления"}
    )

    assert response.status_code == 400
    assert "Исправления" in response.content.decode()


@pytest.mark.parametrize("name", ["edit", "version_add"])
def test_others_get_404_on_the_authors_pages(member, name):
    material = MaterialFactory()

    assert (
        _client(member)
        .get(reverse(f"materials:{name}", args=[material.pk]))
        .status_code
        == 404
    )
    assert (
        _client(material.author)
        .get(reverse(f"materials:{name}", args=[material.pk]))
        .status_code
        == 200
    )


def test_rate_and_average_shown_from_three(member):
    material = MaterialFactory()
    for score in (5, 4):
        services.rating_set(material=material, user=UserFactory(), score=score)
    client = _client(member)

    before = client.get(material.get_absolute_url())
    client.post(reverse("materials:rate", args=[material.pk]), {"score": "3"})
    after = client.get(material.get_absolute_url())

    assert before.context["average"] is None
    assert float(after.context["average"]) == 4.0


def test_bad_rating_is_a_400_with_the_comment_kept(member):
    material = MaterialFactory()

    response = _client(member).post(
        reverse("materials:rate", args=[material.pk]),
        {"score": "9", "comment": "Очень полезно"},
    )

    assert response.status_code == 400
    assert "Очень полезно" in response.content.decode()


def test_catalogue_filters_and_sorts():
    maths = Subject.objects.get(slug="mathematics")
    physics = Subject.objects.exclude(slug="mathematics").first()
    recommended = MaterialFactory(
        title="Рекомендованный", review_status=Material.Review.RECOMMENDED
    )
    MaterialFactory(title="Физика", subject=physics, kind=Material.Kind.TEST)
    popular = MaterialFactory(title="Популярный", download_count=50)
    recommended.tags.add("дроби")

    def titles(**query):
        response = Client().get(reverse("materials:catalogue"), query)
        return [
            re.search(r'<h3 class="ui-card-title"><a [^>]+>([^<]+)</a>', card)[1]
            for card in response.context["cards"]
        ]

    assert titles(subject=physics.pk) == ["Физика"]
    assert titles(kind="test") == ["Физика"]
    assert titles(recommended="on") == ["Рекомендованный"]
    assert titles(tag="дроби") == ["Рекомендованный"]
    assert titles(sort="downloads")[0] == popular.title
    assert set(titles(subject=maths.pk)) == {"Рекомендованный", "Популярный"}


def test_catalogue_bad_filter_is_a_friendly_400():
    response = Client().get(reverse("materials:catalogue"), {"subject": "абв"})

    assert response.status_code == 400
    assert "page_obj" in response.context


def test_recommended_mark_is_visible():
    material = MaterialFactory(review_status=Material.Review.RECOMMENDED)

    page = Client().get(material.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ru")

    assert "Рекомендовано экспертами" in page.content.decode()


def test_catalogue_keeps_fixed_queries(django_assert_max_num_queries, member):
    for material in MaterialFactory.create_batch(55):
        material.grades.set(Grade.objects.filter(slug__in=["grade-5", "grade-6"]))
    client = _client(member)

    # The session, the member, the count, the rows, the subjects and grades
    # (the filters' and cards' key, and the form's choices), the materials,
    # their grades, the header's unread counts.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("materials:catalogue"))
    # The filters and cards kept: no choices, materials or grades read.
    with django_assert_max_num_queries(6):
        again = client.get(reverse("materials:catalogue"))

    assert len(response.context["page_obj"]) == 20
    assert response.context["cards"] == again.context["cards"]


def test_material_page_keeps_fixed_queries(django_assert_max_num_queries, member):
    material = MaterialFactory()
    for _version in range(2, 8):
        services.material_version_add(
            material=material, author=material.author, files=[file_check(pdf_upload())]
        )
    for _index in range(55):
        services.rating_set(
            material=material, user=UserFactory(), score=4, comment="Спасибо"
        )
    client = _client(member)

    with django_assert_max_num_queries(16):
        response = client.get(material.get_absolute_url())

    assert response.status_code == 200
    assert len(response.context["ratings"]) == 20


def test_collections_private_and_public(member):
    material = MaterialFactory(title="В подборке")
    client = _client(member)
    client.post(reverse("materials:collections"), {"title": "Для 5 класса"})
    collection = member.material_collections.get()
    client.post(
        reverse("materials:collect", args=[material.pk]),
        {"collection": collection.pk},
    )

    assert "В подборке" in client.get(collection.get_absolute_url()).content.decode()
    assert Client().get(collection.get_absolute_url()).status_code == 404
    client.post(
        collection.get_absolute_url(), {"title": "Для 5 класса", "is_public": "on"}
    )
    assert Client().get(collection.get_absolute_url()).status_code == 200
    assert (
        _client(UserFactory()).post(collection.get_absolute_url(), {"title": "x"})
    ).status_code == 404


def test_empty_collection_title_is_a_400(member):
    response = _client(member).post(reverse("materials:collections"), {"title": ""})

    assert response.status_code == 400


def test_the_catalogue_count_is_kept_until_a_material_changes(member):
    MaterialFactory.create_batch(3)
    client = _client(member)
    url = reverse("materials:catalogue")
    assert client.get(url).context["page_obj"].paginator.count == 3

    with CaptureQueriesContext(connection) as again:
        client.get(url)
    draft = MaterialFactory(status=Material.Status.DRAFT)
    services.material_publish(material=draft, actor=draft.author)

    assert not [query for query in again if "COUNT(" in query["sql"]]
    assert client.get(url).context["page_obj"].paginator.count == 4
