"""A double click, a retry, or twenty requests at once: a reaction or a watch
is set as if it had been asked for once, and never answers with an error."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from taggit.models import Tag

from accounts.tests.factories import UserFactory
from community.models import Notification
from community.tests.races import at_once, client_for, needs_postgresql
from forums.models import Post, Reaction, SectionWatch, TagWatch, Topic, TopicWatch
from forums.tests.factories import PostFactory, SectionFactory, TopicFactory

PARALLEL = 20


def _react(client: Client, post: Post, kind: str, on: str):
    return client.post(
        reverse("forums:react", args=[post.pk]), {"kind": kind, "on": on}
    )


# --- One request after another (SQLite too) -------------------------------------


@pytest.mark.django_db
def test_reaction_sent_twice_stays_on_and_counts_once(member_client, member):
    post = PostFactory()

    first = _react(member_client, post, "thanks", "1")
    second = _react(member_client, post, "thanks", "1")

    assert (first.status_code, second.status_code) == (302, 302)
    assert Reaction.objects.filter(post=post, user=member, kind="thanks").count() == 1
    assert Post.objects.get(pk=post.pk).thanks_count == 1


@pytest.mark.django_db
def test_reaction_taken_back_twice_stays_off_and_counts_once(member_client, member):
    post = PostFactory()
    _react(member_client, post, "useful", "1")

    _react(member_client, post, "useful", "0")
    _react(member_client, post, "useful", "0")

    assert not Reaction.objects.exists()
    assert Post.objects.get(pk=post.pk).useful_count == 0


@pytest.mark.django_db
def test_reaction_buttons_ask_for_the_other_state_of_each_members_own(member):
    topic = TopicFactory()
    post = PostFactory(topic=topic)
    other = Client()
    other.force_login(UserFactory())
    other.get(topic.get_absolute_url())  # the page's posts are kept now
    mine = Client()
    mine.force_login(member)
    _react(mine, post, "thanks", "1")

    page = mine.get(topic.get_absolute_url()).content.decode()
    theirs = other.get(topic.get_absolute_url()).content.decode()

    def button(html: str, kind: str) -> re.Match:
        return re.search(
            rf'action="/forums/p/{post.pk}/react/"><input type="hidden" name="kind" '
            rf'value="{kind}">.*?<input type="hidden" name="on" value="(\d)">'
            r'<button type="submit" id="reaction-\d+-\w+" class="btn ([\w-]+) btn-sm" '
            r'aria-pressed="(\w+)">',
            html,
        )

    assert button(page, "thanks").groups() == ("0", "btn-secondary", "true")
    assert button(page, "useful").groups() == ("1", "btn-outline-secondary", "false")
    assert button(theirs, "thanks").groups() == ("1", "btn-outline-secondary", "false")
    assert "reaction-slot" not in page + theirs


@pytest.mark.django_db
def test_accepting_an_answer_twice_keeps_it_and_tells_its_author_once(
    member_client, member
):
    question = TopicFactory(kind="question", author=member)
    answer = PostFactory(topic=question)
    url = reverse("forums:answer_accept", args=[answer.pk])

    member_client.post(url, {"accept": "1"})
    member_client.post(url, {"accept": "1"})

    assert Topic.objects.get(pk=question.pk).accepted_post == answer
    assert Notification.objects.filter(recipient=answer.author).count() == 1

    member_client.post(url, {"accept": "0"})
    member_client.post(url, {"accept": "0"})

    assert Topic.objects.get(pk=question.pk).accepted_post is None


# --- At once (PostgreSQL) ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_parallel_reactions_by_one_member_count_once(vocabulary):
    needs_postgresql()
    post = PostFactory()
    member = UserFactory()
    clients = [client_for(member) for _ in range(PARALLEL)]

    statuses = at_once(
        [
            lambda client=client: _react(client, post, "useful", "1")
            for client in clients
        ]
    )

    assert statuses == [302] * PARALLEL
    assert Reaction.objects.filter(post=post).count() == 1
    post = Post.objects.get(pk=post.pk)
    assert (post.useful_count, post.thanks_count) == (1, 0)


@pytest.mark.django_db(transaction=True)
def test_parallel_reactions_by_many_members_count_each_once(vocabulary):
    needs_postgresql()
    post = PostFactory()
    members = UserFactory.create_batch(PARALLEL // 2)
    clients = [client_for(member) for member in members for _ in range(2)]

    statuses = at_once(
        [
            lambda client=client: _react(client, post, "thanks", "1")
            for client in clients
        ]
    )

    assert statuses == [302] * PARALLEL
    assert Reaction.objects.filter(post=post).count() == PARALLEL // 2
    assert Post.objects.get(pk=post.pk).thanks_count == PARALLEL // 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("what", ["topic", "section", "tag"])
def test_parallel_watch_requests_keep_one_watch(vocabulary, what):
    needs_postgresql()
    topic = TopicFactory()
    tag = Tag.objects.create(name="дроби", slug="drobi")
    url, rows = {
        "topic": (
            reverse("forums:topic_watch", args=[topic.pk]),
            TopicWatch.objects.filter(topic=topic),
        ),
        "section": (
            reverse("forums:section_watch", args=[topic.section.slug]),
            SectionWatch.objects.filter(section=topic.section),
        ),
        "tag": (
            reverse("forums:tag_watch", args=[tag.slug]),
            TagWatch.objects.filter(tag=tag),
        ),
    }[what]
    member = UserFactory()
    clients = [client_for(member) for _ in range(PARALLEL)]

    statuses = at_once(
        [lambda client=client: client.post(url, {"watch": "1"}) for client in clients]
    )

    assert statuses == [302] * PARALLEL
    assert list(rows.values_list("user", flat=True)) == [member.pk]


@pytest.mark.django_db(transaction=True)
def test_parallel_unwatch_requests_leave_no_watch(vocabulary):
    needs_postgresql()
    section = SectionFactory()
    member = UserFactory()
    SectionWatch.objects.create(user=member, section=section)
    url = reverse("forums:section_watch", args=[section.slug])
    clients = [client_for(member) for _ in range(PARALLEL)]

    statuses = at_once(
        [lambda client=client: client.post(url, {"watch": "0"}) for client in clients]
    )

    assert statuses == [302] * PARALLEL
    assert not SectionWatch.objects.exists()


@pytest.mark.django_db
def test_not_the_answer_from_a_stale_page_keeps_the_answer_chosen_since(
    member_client, member
):
    question = TopicFactory(kind="question", author=member)
    first = PostFactory(topic=question)
    second = PostFactory(topic=question)
    member_client.post(
        reverse("forums:answer_accept", args=[first.pk]), {"accept": "1"}
    )
    member_client.post(
        reverse("forums:answer_accept", args=[second.pk]), {"accept": "1"}
    )

    # The page still showed the first reply as the answer.
    member_client.post(
        reverse("forums:answer_accept", args=[first.pk]), {"accept": "0"}
    )

    assert Topic.objects.get(pk=question.pk).accepted_post == second
