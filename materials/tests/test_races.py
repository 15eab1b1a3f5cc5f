"""Ratings and collection items asked for twice, or many times at once: one
row, right counters, never an error."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from community.tests.races import at_once, client_for, needs_postgresql
from materials import services
from materials.models import CollectionItem, Material, Rating
from materials.tests.factories import MaterialFactory

PARALLEL = 20


def _rate(client, material: Material, score: int):
    return client.post(reverse("materials:rate", args=[material.pk]), {"score": score})


def _collect(client, material: Material, collection, present: str = "1"):
    return client.post(
        reverse("materials:collect", args=[material.pk]),
        {"collection": collection.pk, "present": present},
    )


# --- One request after another (SQLite too) -------------------------------------


@pytest.mark.django_db
def test_rating_sent_twice_keeps_one_rating(member_client, member):
    material = MaterialFactory()

    _rate(member_client, material, 4)
    _rate(member_client, material, 4)

    material.refresh_from_db()
    assert Rating.objects.filter(material=material, user=member).count() == 1
    assert (material.rating_count, material.rating_average) == (1, 4)


@pytest.mark.django_db
def test_collection_item_sent_twice_keeps_one_item(member_client, member):
    material = MaterialFactory()
    collection = services.collection_create(owner=member, title="Дроби")

    _collect(member_client, material, collection)
    _collect(member_client, material, collection)

    assert CollectionItem.objects.filter(collection=collection).count() == 1


# --- At once (PostgreSQL) ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_parallel_ratings_by_one_member_keep_one_rating(vocabulary):
    needs_postgresql()
    material = MaterialFactory()
    member = UserFactory()
    clients = [client_for(member) for _ in range(PARALLEL)]

    statuses = at_once(
        [lambda client=client: _rate(client, material, 5) for client in clients]
    )

    assert statuses == [302] * PARALLEL
    assert Rating.objects.filter(material=material).count() == 1
    material.refresh_from_db()
    assert (material.rating_count, material.rating_average) == (1, 5)


@pytest.mark.django_db(transaction=True)
def test_parallel_ratings_by_many_members_are_all_counted(vocabulary):
    needs_postgresql()
    material = MaterialFactory()
    members = UserFactory.create_batch(PARALLEL)
    clients = [client_for(member) for member in members]

    statuses = at_once(
        [
            lambda client=client, score=index % 5 + 1: _rate(client, material, score)
            for index, client in enumerate(clients)
        ]
    )

    assert statuses == [302] * PARALLEL
    material.refresh_from_db()
    assert material.rating_count == Rating.objects.count() == PARALLEL
    assert material.rating_average == 3


@pytest.mark.django_db(transaction=True)
def test_parallel_collection_items_keep_one_item(vocabulary):
    needs_postgresql()
    material = MaterialFactory()
    member = UserFactory()
    collection = services.collection_create(owner=member, title="Дроби")
    clients = [client_for(member) for _ in range(PARALLEL)]

    statuses = at_once(
        [
            lambda client=client: _collect(client, material, collection)
            for client in clients
        ]
    )

    assert statuses == [302] * PARALLEL
    assert CollectionItem.objects.filter(collection=collection).count() == 1
