"""A member's tag page and «new since my last visit», kept: their counts and
rows come from the cache until a write that changes them moves what they are
kept under (``community.tags.kept_rows``), in a fixed number of queries."""

import datetime

import pytest
from django.core.cache import cache
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from accounts.models import User
from accounts.tasks import visits_flush_task
from accounts.tests.factories import UserFactory
from community import tags
from community.tags import tag_merge
from forums import services
from forums.models import Topic
from forums.tests.factories import SectionFactory, TopicFactory
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db

ROWS = 55
# The session's member, the tag, the rows' pks and state, the rows read
# whole (a cold page), and what every page asks for a signed-in member.
QUERY_BUDGET = 10


@pytest.fixture
def tag():
    return Tag.objects.create(name="Дроби", slug="drobi")


@pytest.fixture
def section():
    return SectionFactory(title="Математика", slug="matematika")


@pytest.fixture
def tagged(tag, section):
    """Topics under the tag, more than a page of them, and a material."""
    topics = [TopicFactory(section=section, title=f"Тема {n}") for n in range(ROWS)]
    for topic in topics:
        topic.tags.add(tag)
    MaterialFactory(title="Дроби: рабочий лист").tags.add(tag)
    return topics


def _tag_page(client, tag, **params):
    response = client.get(reverse("tag", args=[tag.slug]), params)
    assert response.status_code == 200
    return response


def _counts(response) -> dict[str, int]:
    return {kind.source.key: kind.count for kind in response.context["kinds"]}


def _rows(response) -> str:
    return "".join(response.context["rows"])


def _newest(topics: list[Topic]) -> Topic:
    return max(topics, key=lambda topic: (topic.last_post_at, topic.pk))


# --- Queries ------------------------------------------------------------------


def test_tag_page_in_a_fixed_number_of_queries_cold_and_kept(
    member_client, tag, tagged, django_assert_max_num_queries
):
    _tag_page(member_client, tag)  # the process warmed (content types)
    cache.clear()  # nothing kept
    with django_assert_max_num_queries(QUERY_BUDGET):
        cold = _tag_page(member_client, tag)
    with django_assert_max_num_queries(QUERY_BUDGET - 2):
        kept = _tag_page(member_client, tag)
    with django_assert_max_num_queries(QUERY_BUDGET):
        _tag_page(member_client, tag, kind="topics", page=3)
    assert _counts(kept) == _counts(cold)
    assert _counts(kept)["topics"] == ROWS
    assert _rows(kept) == _rows(cold)
    assert len(kept.context["rows"]) == tags.PER_PAGE


def test_new_page_in_a_fixed_number_of_queries_cold_and_kept(
    member, client, section, django_assert_max_num_queries
):
    for number in range(ROWS):
        TopicFactory(section=section, title=f"Новая {number}")
    client.force_login(member)
    visits_flush_task()
    User.objects.filter(pk=member.pk).update(
        previous_visit_at=timezone.now() - datetime.timedelta(days=1)
    )
    with django_assert_max_num_queries(QUERY_BUDGET):
        cold = client.get(reverse("forums:new"))
    with django_assert_max_num_queries(QUERY_BUDGET - 1):
        kept = client.get(reverse("forums:new"))
    assert cold.status_code == kept.status_code == 200
    assert len(kept.context["rows"]) == 20
    assert "".join(kept.context["rows"]) == "".join(cold.context["rows"])


def test_kept_rows_are_what_the_row_template_renders(member_client, tag, tagged):
    response = _tag_page(member_client, tag)
    template = get_template("forums/partials/_tagged_topic.html")
    newest = Topic.objects.get(pk=_newest(tagged).pk)
    newest.last_read = None
    newest.new_replies = None
    assert response.context["rows"][0] == template.render(
        {"item": newest, "user": response.context["user"]}
    )


# --- Nothing kept is shown after a write that changes it ------------------------


def test_a_topic_written_under_the_tag_is_counted_and_listed(
    member_client, moderator, tag, tagged, section
):
    _tag_page(member_client, tag)
    services.topic_create(
        section=section, author=moderator, title="Свежая тема о дробях",
        body="Как объяснить?", tags=[tag.name],
    )  # fmt: skip
    response = _tag_page(member_client, tag)
    assert _counts(response)["topics"] == ROWS + 1
    assert "Свежая тема о дробях" in _rows(response)


def test_a_reply_shows_in_its_row(member_client, moderator, tag, tagged):
    topic = _newest(tagged)
    before = _rows(_tag_page(member_client, tag))
    services.post_create(topic=topic, author=moderator, body="Через пиццу.")
    after = _rows(_tag_page(member_client, tag))
    assert after != before
    assert moderator.profile.display_name in after.split("</li>")[0]


def test_a_hidden_topic_leaves_the_counts_and_the_rows(
    member_client, moderator, tag, tagged
):
    topic = _newest(tagged)
    assert topic.title in _rows(_tag_page(member_client, tag))
    services.topic_moderate(topic=topic, moderator=moderator, hidden=True, reason="x")
    response = _tag_page(member_client, tag)
    assert _counts(response)["topics"] == ROWS - 1
    assert f">{topic.title}<" not in _rows(response)


def test_reading_a_topic_changes_its_row_for_the_reader_only(
    member, member_client, client, tag, tagged
):
    topic = _newest(tagged)
    unread = _rows(_tag_page(member_client, tag))
    assert "ui-row-unread" in unread.split("</li>")[0]
    services.topic_read_mark(user=member, topic=topic, number=1)
    read = _rows(_tag_page(member_client, tag))
    assert "ui-row-unread" not in read.split("</li>")[0]


def test_views_flushed_show_in_the_rows(member_client, tag, tagged):
    topic = _newest(tagged)
    before = _rows(_tag_page(member_client, tag))
    for _ in range(7):
        services.topic_view_count(topic=topic)
    services.topic_views_flush()
    after = _rows(_tag_page(member_client, tag))
    assert after != before
    assert "7" in after.split("</li>")[0]


def test_a_tag_merged_into_this_one_is_counted(member_client, moderator, tag, tagged):
    other = Tag.objects.create(name="дробь", slug="drob")
    TopicFactory(title="Про дробь").tags.add(other)
    assert _counts(_tag_page(member_client, tag))["topics"] == ROWS
    tag_merge(sources=[other], target=tag, moderator=moderator)
    response = _tag_page(member_client, tag)
    assert _counts(response)["topics"] == ROWS + 1
    assert "Про дробь" in _rows(response)


def test_members_do_not_share_their_kept_pages(member_client, client, tag, tagged):
    topic = _newest(tagged)
    other = UserFactory()
    services.topic_read_mark(user=other, topic=topic, number=1)
    assert "ui-row-unread" in _rows(_tag_page(member_client, tag)).split("</li>")[0]
    client.force_login(other)
    assert "ui-row-unread" not in _rows(_tag_page(client, tag)).split("</li>")[0]


def test_counts_stop_past_the_limit(member_client, tag, tagged, monkeypatch):
    monkeypatch.setattr(tags, "COUNT_LIMIT", 10)
    response = _tag_page(member_client, tag)
    assert _counts(response)["topics"] == 11
    assert "10+" in response.content.decode()


def test_new_page_row_follows_a_reply(member, client, moderator, section):
    topic = TopicFactory(section=section, title="Свежая")
    client.force_login(member)
    visits_flush_task()
    User.objects.filter(pk=member.pk).update(
        previous_visit_at=timezone.now() - datetime.timedelta(days=1)
    )
    before = "".join(client.get(reverse("forums:new")).context["rows"])
    services.post_create(topic=topic, author=moderator, body="Через пиццу.")
    after = "".join(client.get(reverse("forums:new")).context["rows"])
    assert after != before
    assert moderator.profile.display_name in after
