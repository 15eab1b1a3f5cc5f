"""Materials' services, branch by branch."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import services as accounts
from accounts.tests.factories import UserFactory
from community.models import ActivityEvent, Grade, Notification, Subject
from materials import kinds, services
from materials.models import (
    Licence,
    Material,
    MaterialDownload,
    MaterialFile,
    MaterialVersion,
)
from materials.tests.factories import MaterialFactory, docx_upload, pdf_upload
from materials.uploads import file_check

pytestmark = pytest.mark.django_db


def _fields(**overrides):
    fields = {
        "title": "Дроби. Урок для 5 класса",
        "summary": "Конспект и рабочий лист.",
        "description": "Ход урока <script>x</script> **по шагам**",
        "subject": Subject.objects.get(slug="mathematics"),
        "kind": Material.Kind.LESSON_PLAN,
        "language": Material.Language.RU,
        "licence": Licence.CC_BY_SA,
        "rights_confirmed": True,
    }
    return {**fields, **overrides}


def _stored(material) -> list[str]:
    storage = MaterialFile._meta.get_field("file").storage
    return [
        name
        for name in MaterialFile.objects.filter(version__material=material).values_list(
            "file", flat=True
        )
        if storage.exists(name)
    ]


def test_create_publishes_with_files_grades_tags_and_a_feed_entry(member):
    material = services.material_create(
        author=member,
        files=[file_check(pdf_upload()), file_check(docx_upload())],
        grades=Grade.objects.filter(slug="grade-5"),
        tags=["дроби", " "],
        **_fields(),
    )

    assert material.is_published
    assert material.published_at is not None
    assert "<strong>по шагам</strong>" in material.description_html
    assert "<script" not in material.description_html
    assert material.current_version.number == 1
    assert sorted(material.current_version.files.values_list("name", flat=True)) == [
        "План урока.pdf",
        "Рабочий лист.docx",
    ]
    assert len(_stored(material)) == 2
    assert list(material.tags.names()) == ["дроби"]
    assert [grade.slug for grade in material.grades.all()] == ["grade-5"]
    assert ActivityEvent.objects.filter(kind=kinds.MATERIAL_ACTIVITY).exists()


def test_create_as_a_draft_stays_out_of_the_feed(member):
    material = services.material_create(
        author=member, files=[file_check(pdf_upload())], publish=False, **_fields()
    )

    assert material.status == Material.Status.DRAFT
    assert not ActivityEvent.objects.exists()


def test_create_without_the_rights_confirmation_or_files_stores_nothing(member):
    with pytest.raises(ValidationError) as rights:
        services.material_create(
            author=member,
            files=[file_check(pdf_upload())],
            **_fields(rights_confirmed=False),
        )
    with pytest.raises(ValidationError) as files:
        services.material_create(author=member, files=[], **_fields())

    assert rights.value.code == "rights"
    assert files.value.code == "no_files"


def test_a_failing_save_leaves_no_file_behind(member, monkeypatch):
    storage = MaterialFile._meta.get_field("file").storage
    stored = []
    original_save = storage.save

    def remember(name, content, **kwargs):
        stored.append(original_save(name, content, **kwargs))
        return stored[-1]

    original = MaterialFile.save
    calls = {"count": 0}

    def fail_on_second(self, *args, **kwargs):
        calls["count"] += 1
        if calls["count"] == 2:
            raise RuntimeError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(storage, "save", remember)
    monkeypatch.setattr(MaterialFile, "save", fail_on_second)

    with pytest.raises(RuntimeError):
        services.material_create(
            author=member,
            files=[file_check(pdf_upload()), file_check(docx_upload())],
            **_fields(),
        )

    assert len(stored) == 2
    assert not any(storage.exists(name) for name in stored)
    assert not Material.objects.exists()


def test_a_new_version_keeps_the_old_files_and_tells_bookmarkers(member):
    material = MaterialFactory(author=member)
    old_files = list(material.current_version.files.values_list("pk", flat=True))
    reader = UserFactory()
    accounts.bookmark_set(user=reader, key="material", object_id=material.pk, on=True)

    version = services.material_version_add(
        material=material,
        author=member,
        files=[file_check(docx_upload())],
        note="Добавлен рабочий лист",
    )

    material.refresh_from_db()
    assert version.number == 2
    assert material.current_version == version
    assert MaterialFile.objects.filter(pk__in=old_files).count() == 1
    assert [v.number for v in MaterialVersion.objects.filter(material=material)] == [
        2,
        1,
    ]
    note = Notification.objects.get(recipient=reader)
    assert note.kind == kinds.NEW_VERSION


def test_only_the_author_or_a_moderator_changes_a_material(member, moderator):
    material = MaterialFactory()

    with pytest.raises(PermissionDenied):
        services.material_update(material=material, editor=member, title="Чужое")
    with pytest.raises(PermissionDenied):
        services.material_version_add(
            material=material, author=member, files=[file_check(pdf_upload())]
        )
    services.material_update(material=material, editor=moderator, title="Поправлено")
    assert Material.objects.get(pk=material.pk).title == "Поправлено"


def test_unpublish_and_hide_take_it_out_of_the_feed(moderator):
    material = MaterialFactory()
    services.material_update(material=material, editor=material.author, title="Т")
    assert ActivityEvent.objects.count() == 1

    services.material_unpublish(material=material, actor=material.author)
    assert not ActivityEvent.objects.exists()
    services.material_publish(material=material, actor=material.author)
    services.material_hide(material=material, moderator=moderator)
    assert not ActivityEvent.objects.exists()
    with pytest.raises(PermissionDenied):
        services.material_hide(material=material, moderator=material.author)


def test_delete_removes_the_files_after_commit(
    member, django_capture_on_commit_callbacks
):
    material = MaterialFactory(author=member)
    names = _stored(material)
    storage = MaterialFile._meta.get_field("file").storage

    with django_capture_on_commit_callbacks(execute=True):
        services.material_delete(material=material, actor=member)

    assert names
    assert not any(storage.exists(name) for name in names)
    assert not Material.objects.exists()


def test_downloads_count_once_per_member_per_day(member):
    material = MaterialFactory()

    first = services.download_record(material=material, user=member)
    again = services.download_record(material=material, user=member)
    services.download_record(material=material, user=UserFactory())

    material.refresh_from_db()
    assert (first, again) == (True, False)
    assert material.download_count == 2
    assert MaterialDownload.objects.count() == 2


def test_ratings_one_per_member_editable_with_the_average(member):
    material = MaterialFactory()
    raters = [member, UserFactory(), UserFactory()]

    for score, rater in zip([5, 4, 3], raters, strict=True):
        services.rating_set(material=material, user=rater, score=score)
    services.rating_set(material=material, user=member, score=2, comment="Мало задач")

    material.refresh_from_db()
    assert material.rating_count == 3
    assert float(material.rating_average) == 3.0
    assert Notification.objects.filter(
        recipient=material.author, kind=kinds.NEW_RATING
    ).exists()


def test_rating_rules(member):
    material = MaterialFactory()

    with pytest.raises(PermissionDenied):
        services.rating_set(material=material, user=material.author, score=5)
    with pytest.raises(ValidationError):
        services.rating_set(material=material, user=member, score=6)
    draft = MaterialFactory(status=Material.Status.DRAFT)
    with pytest.raises(PermissionDenied):
        services.rating_set(material=draft, user=member, score=5)


def test_a_rating_is_removed_by_its_author_or_a_moderator(member, moderator):
    material = MaterialFactory()
    services.rating_set(material=material, user=member, score=5)

    with pytest.raises(PermissionDenied):
        services.rating_delete(material=material, user=member, actor=UserFactory())
    services.rating_delete(material=material, user=member, actor=moderator)

    material.refresh_from_db()
    assert (material.rating_count, material.rating_average) == (0, None)


def test_collections_private_or_public(member):
    collection = services.collection_create(owner=member, title="5 класс")
    material = MaterialFactory()

    services.collection_item_set(
        collection=collection, material=material, editor=member, present=True
    )
    services.collection_item_set(
        collection=collection, material=material, editor=member, present=True
    )
    assert collection.items.count() == 1
    with pytest.raises(PermissionDenied):
        services.collection_item_set(
            collection=collection,
            material=material,
            editor=UserFactory(),
            present=False,
        )
    draft = MaterialFactory(status=Material.Status.DRAFT)
    with pytest.raises(PermissionDenied):
        services.collection_item_set(
            collection=collection, material=draft, editor=member, present=True
        )
    services.collection_update(collection=collection, editor=member, is_public=True)
    assert collection.is_public


def test_attribution_line(member):
    material = MaterialFactory(title="Дроби", licence=Licence.CC_BY_SA)
    closed = MaterialFactory(title="Тест", licence=Licence.ALL_RIGHTS)
    name = material.author.profile.shown_name

    assert material.attribution == (
        f"«Дроби», {name}, CC BY-SA 4.0 "
        "(https://creativecommons.org/licenses/by-sa/4.0/)"
    )
    assert "Все права защищены" in closed.attribution
