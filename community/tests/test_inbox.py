"""The moderation inbox on the admin index: what waits, with counts and links."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from community import reporting
from community.inbox import inbox_for

pytestmark = pytest.mark.django_db


def _moderator_client(moderator) -> Client:
    client = Client()
    client.force_login(moderator)
    return client


def test_the_inbox_counts_every_kind_of_work(moderator):
    from circles.tests.factories import CommunityFactory
    from forums.tests.factories import PostFactory
    from masterclasses.models import MasterClass
    from masterclasses.tests.factories import MasterClassFactory
    from materials import services as materials
    from materials.tests.factories import MaterialFactory

    post = PostFactory()
    reporting.report_create(
        reporter=UserFactory(), key="forum_post", object_id=post.pk, reason="spam"
    )
    PostFactory(is_pending=True)
    material = MaterialFactory()
    materials.review_request(material=material, author=material.author)
    MasterClassFactory(status=MasterClass.Status.PROPOSED)
    materials.takedown_request(
        material=MaterialFactory(),
        name="Издательство",
        email="rights@example.org",
        work="Учебник",
        details="Копия",
        confirmed=True,
    )
    community = CommunityFactory()  # opened now: a moderator looks at it once
    reporting.report_create(
        reporter=UserFactory(), key="community", object_id=community.pk, reason="spam"
    )

    counts = {source.key: count for source, count in inbox_for(moderator)}

    assert counts == {
        "reports": 2,
        "communities_reported": 1,
        "communities_new": 1,
        "forum_premoderation": 1,
        "materials_reviewers": 1,
        "materials_decisions": 0,
        "masterclass_proposals": 1,
        "materials_takedowns": 1,
        "courses_decisions": 0,
    }


def test_the_admin_index_shows_the_inbox_with_links(moderator):
    page = _moderator_client(moderator).get(reverse("admin:index"))

    content = page.content.decode()
    assert page.status_code == 200
    assert 'id="moderation-inbox"' in content
    assert (
        reverse("admin:community_report_changelist") + "?status__exact=open" in content
    )
    assert "masterclasses/masterclass/?status__exact=proposed" in content


def test_a_member_sees_no_inbox(member):
    assert inbox_for(member) == []


def test_the_inbox_keeps_a_fixed_number_of_queries(
    moderator, django_assert_max_num_queries
):
    from forums.tests.factories import PostFactory

    for post in PostFactory.create_batch(55):
        reporting.report_create(
            reporter=UserFactory(), key="forum_post", object_id=post.pk, reason="spam"
        )
    client = _moderator_client(moderator)

    with django_assert_max_num_queries(14):
        response = client.get(reverse("admin:index"))

    assert response.status_code == 200
