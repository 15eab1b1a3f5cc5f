"""A tag's rows are found through taggit's own index (``community.tagged``):
the same rows as ``filter(tags=tag)``, without joining taggit's items on a
cast no index serves (PostgreSQL then hashed every topic before sorting a
tag's: 71 ms for a tag page at 50,000 topics, 1.9 ms through the subquery)."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from taggit.models import Tag

from accounts.selectors_blog import post_list_for_tag
from community.tagged import tagged
from forums.models import Topic
from forums.selectors import topic_list_for_tag
from forums.selectors_public import topics_new_with_tag
from forums.tests.factories import TopicFactory
from masterclasses.selectors import masterclass_list_for_tag
from materials.selectors_public import materials_new_with_tag

pytestmark = pytest.mark.django_db


def test_a_tag_s_rows_are_those_that_carry_it_in_the_list_s_order():
    now = timezone.now()
    older, newer, other = (
        TopicFactory(last_post_at=now - datetime.timedelta(hours=hours))
        for hours in (2, 1, 0)
    )
    older.tags.add("дроби")
    newer.tags.add("дроби", "5 класс")
    other.tags.add("5 класс")
    tag = Tag.objects.get(name="дроби")

    assert set(tagged(Topic.objects.all(), tag)) == {older, newer}
    assert set(tagged(Topic.objects.all(), tag)) == set(Topic.objects.filter(tags=tag))
    assert list(topic_list_for_tag(tag=tag, user=AnonymousUser())) == [newer, older]
    assert topics_new_with_tag(tag=tag, limit=5) == [newer, older]


def test_no_tag_list_joins_taggit_s_items():
    TopicFactory().tags.add("дроби")
    tag = Tag.objects.get(name="дроби")
    anonymous = AnonymousUser()
    for rows in (
        topic_list_for_tag(tag=tag, user=anonymous),
        masterclass_list_for_tag(tag=tag, user=anonymous),
        post_list_for_tag(tag=tag),
    ):
        sql = str(rows.query)
        assert 'JOIN "taggit_taggeditem"' not in sql, sql
        assert "taggit_taggeditem" in sql  # through the subquery
    # The feeds' lists too (evaluated: no rows but the shape is the same).
    assert materials_new_with_tag(tag=tag, limit=5) == []
