"""Materials' pages read in Russian, for a visitor, a member, the author."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from community.tests.test_i18n import english_words
from materials import services
from materials.models import Material
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db


def test_material_pages_read_in_russian(member):
    material = MaterialFactory(author=member, review_status=Material.Review.RECOMMENDED)
    material.tags.set(["дроби"])
    for score in (5, 4, 3):
        services.rating_set(
            material=material, user=UserFactory(), score=score, comment="Полезно"
        )
    collection = services.collection_create(owner=member, title="5 класс")
    services.collection_item_set(
        collection=collection, material=material, editor=member, present=True
    )
    pages = [
        reverse("materials:catalogue"),
        reverse("materials:catalogue") + "?sort=rating&recommended=on",
        material.get_absolute_url(),
        reverse("materials:create"),
        reverse("materials:edit", args=[material.pk]),
        reverse("materials:version_add", args=[material.pk]),
        reverse("materials:mine"),
        reverse("materials:collections"),
        collection.get_absolute_url(),
    ]

    for user in (member, UserFactory()):
        client = Client()
        client.force_login(user)
        for url in pages:
            response = client.get(url)
            if response.status_code == 404:
                continue  # the author's pages for a colleague
            assert response.status_code == 200, url
            assert english_words(response.content.decode()) == set(), url
