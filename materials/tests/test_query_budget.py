"""A material's page keeps to ten queries with more than a page of ratings
and many versions, for a visitor, a member and its author (``query_budget``).
The catalogue's budget is kept in ``test_cards``."""

import pytest

from accounts.services import bookmark_set
from accounts.tests.factories import UserFactory
from community.models import Grade
from community.tests.query_budget import MANY, signed_in, within_budget
from materials import services
from materials.tests.factories import MaterialFactory, docx_upload, pdf_upload
from materials.uploads import file_check

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated_material():
    """Seven versions of two files, grades, tags, a co-author, and ratings
    with comments by 55 members."""
    material = MaterialFactory()
    material.grades.set(Grade.objects.order_by("position")[:3])
    material.tags.add("дроби", "5 класс")
    material.coauthors.add(UserFactory())
    for _version in range(6):
        services.material_version_add(
            material=material,
            author=material.author,
            files=[file_check(pdf_upload()), file_check(docx_upload())],
        )
    for _rater in range(MANY):
        services.rating_set(
            material=material, user=UserFactory(), score=4, comment="Спасибо"
        )
    return material


@pytest.mark.parametrize("who", ["visitor", "member", "author"])
def test_a_material_s_page_keeps_its_budget(
    rated_material, settings, django_assert_max_num_queries, who
):
    user = {"visitor": None, "author": rated_material.author}.get(who)
    if who == "member":
        user = UserFactory()
        # What the page asks of a member: her rating, bookmark, collections.
        services.rating_set(material=rated_material, user=user, score=5)
        bookmark_set(user=user, key="material", object_id=rated_material.pk, on=True)
        for number in range(3):
            services.collection_create(owner=user, title=f"Подборка {number}")
    client = signed_in(settings, user)

    response = within_budget(
        client, rated_material.get_absolute_url(), django_assert_max_num_queries
    )

    assert len(response.context["ratings"]) == 20
    versions = response.context["versions"]
    assert [version.number for version in versions] == [7, 6, 5, 4, 3, 2, 1]
    assert [len(version.files_shown) for version in versions] == [2] * 6 + [1]
    assert (response.context["own_rating"] is not None) is (who == "member")
