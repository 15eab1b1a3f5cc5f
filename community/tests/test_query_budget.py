"""The network's own main pages keep to ten queries over long lists: a tag's
page, each kind of it, for a visitor and a member (``query_budget``)."""

import pytest
from django.urls import reverse
from taggit.models import Tag

from accounts.tests.factories import BlogPostFactory, UserFactory
from community.tests.query_budget import MANY, signed_in, within_budget
from courses.tests.community_helpers import course_row
from forums.tests.factories import SectionFactory, TopicFactory
from masterclasses.tests.factories import MasterClassFactory
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db

KINDS = ["topics", "materials", "masterclasses", "courses", "blog_posts", "members"]


@pytest.fixture
def crowded_tag():
    """A tag on more than a page of every kind, each row by its own author."""
    tag = Tag.objects.create(name="Дроби", slug="drobi")
    section = SectionFactory()
    for number in range(MANY):
        TopicFactory(section=section).tags.add(tag)
        MaterialFactory().tags.add(tag)
        MasterClassFactory().tags.add(tag)
        course_row().tags.add(tag)
        BlogPostFactory(slug=f"post-{number}").tags.add(tag)
        UserFactory().profile.interests.add(tag)
    return tag


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("who", ["visitor", "member"])
def test_a_tag_s_page_keeps_its_budget(
    crowded_tag, settings, django_assert_max_num_queries, kind, who
):
    client = signed_in(settings, UserFactory() if who == "member" else None)

    response = within_budget(
        client,
        reverse("tag", args=[crowded_tag.slug]),
        django_assert_max_num_queries,
        kind=kind,
    )

    assert len(response.context["page_obj"]) == 20
    counts = {item.source.key: item.count for item in response.context["kinds"]}
    assert counts[kind] == MANY
