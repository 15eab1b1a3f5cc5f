"""A community's section in the admin: it follows its community, so who may
read it, its title, read-only state and moderators are not set by hand."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from community.audience import Audience
from forums import services
from forums.tests.factories import SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = get_user_model().objects.create_superuser(
        username="root", email="root@example.org", password="x"
    )
    client.force_login(admin)
    return client


def test_a_community_section_cannot_be_opened_to_more_readers_by_hand(admin_client):
    section = services.group_section_create(
        title="Учителя химии", group_id=41, audience=Audience.GROUP
    )
    url = reverse("admin:forums_section_change", args=[section.pk])
    page = admin_client.get(url).content.decode()
    for name in ("audience", "title", "is_read_only", "moderators"):
        assert f'name="{name}"' not in page

    admin_client.post(
        url,
        {
            "title": "Открыто всем",
            "slug": section.slug,
            "audience": Audience.EVERYONE,
            "position": 0,
        },
    )
    section.refresh_from_db()
    assert section.audience == Audience.GROUP
    assert section.title == "Учителя химии"


def test_a_site_section_keeps_its_title_editable_not_its_audience(admin_client):
    section = SectionFactory()
    page = admin_client.get(
        reverse("admin:forums_section_change", args=[section.pk])
    ).content.decode()
    assert 'name="title"' in page
    assert 'name="audience"' not in page
