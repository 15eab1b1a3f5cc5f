"""What follows a write in the materials is said in ``materials/changes.py``.

Every public service that writes calls one of its change functions (or is
listed below with the reason it need not), and no other materials module
moves a cache, the index or the feed itself. The pages visitors are served
from the cache follow the writes.
"""

import pytest
from django.urls import reverse

from community.tests.writes import (
    app_modules,
    app_services,
    cache_mechanisms_used,
    unannounced_writes,
)
from materials import services
from materials.tests.factories import MaterialFactory

REVIEW_ONLY = "the review workflow: seen by the author, experts and moderators only"
EXEMPT = {
    "collection_create": "a new collection is on no page yet: nothing cached shows it",
    "review_request": "in review is not shown to visitors (only 'recommended' is)",
    "review_withdraw": "back to the last decision, never 'recommended': not shown",
    "review_take": REVIEW_ONLY,
    "review_assign": REVIEW_ONLY,
    "review_deadlines_run": REVIEW_ONLY,
    "takedown_request": "a copyright request is read by moderators only",
    "takedown_answer": "the author's answer is read by moderators only",
    "takedown_decide": "hides or restores through material_hide (hidden_set's "
    "changed=material_visibility_changed); the request is read by moderators",
    "thumbnails_delete_later": "a file storage's delete after commit, no row",
    "download_record": "a counter, as a topic's views: visitors' kept pages show "
    "it when next built (the page cache's timeout), not emptied per download",
}


def test_every_writing_service_calls_a_change_function():
    assert (
        unannounced_writes(
            app_services("materials"), changes={"materials.changes"}, exempt=EXEMPT
        )
        == {}
    )


def test_only_the_change_functions_move_caches_the_index_and_the_feed():
    used = cache_mechanisms_used(app_modules("materials"))

    assert set(used) == {"materials.changes"}, used


# --- What visitors see from the cache follows ----------------------------------


def _seen(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_a_cached_catalogue_and_page_show_the_new_title(client):
    material = MaterialFactory(title="Дроби")
    catalogue = reverse("materials:catalogue")
    assert "Дроби" in _seen(client, catalogue)
    assert "Дроби" in _seen(client, material.get_absolute_url())
    assert client.get(catalogue)["X-Page-Cache"] == "hit"

    services.material_update(
        material=material, editor=material.author, title="Десятичные дроби"
    )

    assert "Десятичные дроби" in _seen(client, catalogue)
    assert "Десятичные дроби" in _seen(client, material.get_absolute_url())


@pytest.mark.django_db
def test_a_hidden_material_leaves_the_cached_pages(client, moderator):
    material = MaterialFactory(title="Спорный урок")
    catalogue = reverse("materials:catalogue")
    assert "Спорный урок" in _seen(client, catalogue)
    _seen(client, material.get_absolute_url())

    services.material_hide(material=material, moderator=moderator, reason="Спам")

    assert "Спорный урок" not in _seen(client, catalogue)
    assert client.get(material.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_a_public_collection_page_follows_its_items(client, member):
    collection = services.collection_create(
        owner=member, title="Для 5 класса", is_public=True
    )
    material = MaterialFactory(title="Дроби на пицце")
    url = collection.get_absolute_url()
    assert "Дроби на пицце" not in _seen(client, url)

    services.collection_item_set(
        collection=collection, material=material, editor=member, present=True
    )
    assert "Дроби на пицце" in _seen(client, url)

    services.collection_update(collection=collection, editor=member, is_public=False)
    assert client.get(url).status_code == 404
