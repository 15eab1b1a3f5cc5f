"""The contests' list keeps its filters rendered (``contests.fragments``):
under the address and its query, and the subjects, which the admin edits
with no change function."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from community.models import Subject

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _member(client):
    """A member's list: visitors' pages are kept whole (``community.pagecache``)."""
    client.force_login(UserFactory())


def _list(client, **query) -> str:
    response = client.get(reverse("contests:index"), query)
    assert response.status_code == 200
    return response.content.decode()


def test_a_subject_renamed_in_the_admin_renews_the_filters(client):
    physics = Subject.objects.get(slug="physics")
    assert physics.name_ru in _list(client)

    # As the admin saves it: no change function.
    Subject.objects.filter(pk=physics.pk).update(name_ru="Физика и астрономия")

    assert "Физика и астрономия" in _list(client)


def test_each_query_has_its_own_filters(client):
    physics = Subject.objects.get(slug="physics")
    _list(client)

    page = _list(client, subject=physics.pk)

    assert f'<option value="{physics.pk}" selected>' in page


def test_the_filters_kept_hold_nothing_of_a_members_own(client):
    page = _list(client)
    filters = page[page.index("ui-filters") : page.index("results-heading")]

    assert "csrfmiddlewaretoken" not in filters
