"""Accepted answers as evidence of growth: what counts, what is left out, in
a fixed number of queries, and who is told when an answer is accepted or
removed (through the services: ``forums.changes``)."""

import pytest

from accounts.tests.factories import UserFactory
from community import attainments
from community.audience import Audience
from community.registry import Registry
from forums import services
from forums.models import Topic
from forums.tests.factories import PostFactory, SectionFactory, TopicFactory

pytestmark = pytest.mark.django_db


def _items(user):
    return attainments.attainment_source("answer_accepted").items(user)


@pytest.fixture
def heard(monkeypatch):
    """Only the test listens."""
    told = []
    monkeypatch.setattr(attainments, "_listeners", Registry())
    attainments.attainments_listen("test", told.append)
    return told


def _answered(author, section=None, **post_fields):
    """A question whose reply by ``author`` is its accepted answer."""
    topic = TopicFactory(
        kind=Topic.Kind.QUESTION, **({"section": section} if section else {})
    )
    post = PostFactory(topic=topic, author=author, **post_fields)
    Topic.objects.filter(pk=topic.pk).update(accepted_post=post)
    topic.refresh_from_db()
    return topic, post


def test_her_accepted_answers_latest_first(member, django_assert_max_num_queries):
    section = SectionFactory()
    answers = [_answered(member, section)[1] for _index in range(55)]
    _answered(UserFactory(), section)  # a colleague's
    PostFactory(author=member)  # a reply nobody accepted
    hidden_topic, _post = _answered(member, section)
    Topic.objects.filter(pk=hidden_topic.pk).update(is_hidden=True)
    _answered(member, section, is_deleted=True)
    _answered(member, section, is_hidden=True)

    with django_assert_max_num_queries(1):
        found = _items(member)

    assert len(found) == 55
    assert found[0].key == str(answers[-1].pk)
    assert found[0].url == answers[-1].get_absolute_url()
    assert found[0].title == answers[-1].topic.title
    assert found[0].occurred_at == answers[-1].created_at


def test_an_answer_in_a_community_s_section_is_counted_but_not_named(member):
    section = SectionFactory(audience=Audience.GROUP, group_id=5)
    topic, _post = _answered(member, section)

    (item,) = _items(member)
    assert item.url == ""
    assert topic.title not in item.title


# --- Who is told (``forums.changes``) -------------------------------------------------


def _question(asker=None):
    return TopicFactory(kind=Topic.Kind.QUESTION, author=asker or UserFactory())


def test_an_answer_accepted_or_taken_back_is_told_for_its_authors(
    heard, member, django_capture_on_commit_callbacks
):
    topic = _question()
    post, other = PostFactory(topic=topic, author=member), PostFactory(topic=topic)

    with django_capture_on_commit_callbacks(execute=True):
        services.answer_accept(topic=topic, post=post, actor=topic.author)
    # Then the badge for an answer, awarded after commit: told on its own.
    assert heard[0] == [member.pk]
    assert all(ids == [member.pk] for ids in heard)
    assert [item.key for item in _items(member)] == [str(post.pk)]

    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_accept(topic=topic, post=other, actor=topic.author)
    assert heard[0] == sorted([member.pk, other.author_id])
    assert _items(member) == []

    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_accept(topic=topic, post=None, actor=topic.author)
    assert heard == [[other.author_id]]


def test_removing_or_hiding_an_accepted_answer_is_told_and_a_plain_reply_is_not(
    heard, member, django_capture_on_commit_callbacks
):
    topic, answer = _answered(member)
    plain = PostFactory(topic=topic, author=member)

    with django_capture_on_commit_callbacks(execute=True):
        services.post_delete(post=plain, actor=member)
    assert heard == []

    with django_capture_on_commit_callbacks(execute=True):
        services.post_hide_by_reports(post=answer)
    assert heard == [[member.pk]]
    assert _items(member) == []

    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_hide_by_reports(post=answer, hidden=False)
    assert heard == [[member.pk]]
    assert len(_items(member)) == 1

    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_delete(post=answer, actor=member)
    assert heard == [[member.pk]]
    assert _items(member) == []


def test_hiding_moving_or_splitting_the_question_is_told(
    heard, member, moderator, django_capture_on_commit_callbacks
):
    topic, answer = _answered(member)

    with django_capture_on_commit_callbacks(execute=True):
        services.topic_hide_by_reports(topic=topic)
    assert heard == [[member.pk]]
    assert _items(member) == []

    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.topic_hide_by_reports(topic=topic, hidden=False)
    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.topic_move(topic=topic, section=SectionFactory(), moderator=moderator)
    assert heard == [[member.pk]]

    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.topic_split(
            topic=topic, numbers=[answer.number], title="Отдельно", moderator=moderator
        )
    assert heard == [[member.pk]]
    assert _items(member) == []


def test_a_reply_written_or_edited_tells_nothing_and_asks_nothing(
    heard, member, monkeypatch, django_capture_on_commit_callbacks
):
    """The replies' own path stays as it was: the forums tell nothing, so
    nothing is asked of the answers (someone listens: ``heard``)."""
    from forums import changes

    calls = []
    monkeypatch.setattr(changes, "attainments_changed", calls.append)
    topic, answer = _answered(member)

    with django_capture_on_commit_callbacks(execute=True):
        reply = services.post_create(topic=topic, author=member, body="Ещё пример.")
        services.post_edit(post=reply, editor=member, body="Ещё один пример.")
        services.post_edit(post=answer, editor=member, body="Исправленный ответ.")

    assert calls == []  # (a badge the reply earns is the community layer's to tell)
