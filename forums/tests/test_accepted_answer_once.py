"""The accepted answer shows once, in place, with a short link under the question."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from forums import selectors, services
from forums.tests.factories import PostFactory, SectionFactory, TopicFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _question_with_answer(member, *, replies: int = 2):
    question = TopicFactory(kind="question", author=member, section=SectionFactory())
    posts = [
        PostFactory(topic=question, body=f"Ответ {n}") for n in range(2, replies + 2)
    ]
    return question, posts


def _accept_forms(page: str, post) -> list[str]:
    """The hidden "accept" value of each accept form of ``post`` on the page."""
    action = reverse("forums:answer_accept", args=[post.pk])
    return re.findall(
        rf'action="{re.escape(action)}">.*?name="accept" value="(\d)"', page
    )


def test_the_accepted_answer_is_shown_once_in_its_place(member):
    _question, (_second, third) = _question_with_answer(member)
    client = _client(member)

    response = client.post(
        reverse("forums:answer_accept", args=[third.pk]), {"accept": "1"}, follow=True
    )

    page = response.content.decode()
    assert page.count(f'id="post-{third.number}"') == 1
    assert page.count(third.body) == 1
    article = page[page.index(f'id="post-{third.number}"') :]
    assert article.index("border-success") < article.index("</article>")
    # Under the question: a short link to it, not a copy.
    question_end = page.index("</article>")
    link = page[question_end : page.index(f'id="post-{third.number}"')]
    assert f'href="#post-{third.number}"' in link
    assert "Решение" in link
    assert third.author.profile.shown_name in link


def test_marking_says_so_and_the_answer_offers_only_the_unmark(member):
    _question, (second, third) = _question_with_answer(member)

    response = _client(member).post(
        reverse("forums:answer_accept", args=[third.pk]), {"accept": "1"}, follow=True
    )

    page = response.content.decode()
    assert "Ответ отмечен как решение" in page
    assert _accept_forms(page, third) == ["0"]
    assert _accept_forms(page, second) == ["1"]


def test_withdrawing_the_mark_says_so(member):
    question, (answer,) = _question_with_answer(member, replies=1)
    services.answer_accept(topic=question, post=answer, actor=member)

    response = _client(member).post(
        reverse("forums:answer_accept", args=[answer.pk]), {"accept": "0"}, follow=True
    )

    page = response.content.decode()
    assert "Отметка решения снята" in page
    assert _accept_forms(page, answer) == ["1"]
    assert "go to the answer" not in page
    assert "перейти к ответу" not in page


def test_an_answer_on_a_later_page_is_linked_by_its_permalink(member):
    question, posts = _question_with_answer(
        member, replies=selectors.POSTS_PER_PAGE + 1
    )
    answer = posts[-1]
    services.answer_accept(topic=question, post=answer, actor=member)

    first = _client(UserFactory()).get(question.get_absolute_url()).content.decode()
    last = (
        _client(UserFactory())
        .get(question.get_absolute_url(), {"page": 2})
        .content.decode()
    )

    assert f'id="post-{answer.number}"' not in first
    assert f'href="{answer.get_absolute_url()}"' in first
    assert answer.body not in first
    assert last.count(f'id="post-{answer.number}"') == 1


def test_the_permalink_leads_to_the_one_place_of_the_answer(member):
    question, (_second, third) = _question_with_answer(member)
    services.answer_accept(topic=question, post=third, actor=member)
    client = _client(UserFactory())

    response = client.get(third.get_absolute_url())
    page = client.get(response.url.split("#")[0]).content.decode()

    assert response.url.endswith(f"#post-{third.number}")
    assert page.count(f'id="post-{third.number}"') == 1


def test_a_solved_question_says_so_on_its_page_and_in_the_lists(member):
    question, (answer,) = _question_with_answer(member, replies=1)
    open_question = TopicFactory(kind="question", section=question.section)
    services.answer_accept(topic=question, post=answer, actor=member)
    client = _client(UserFactory())

    page = client.get(question.get_absolute_url()).content.decode()
    listed = client.get(question.section.get_absolute_url()).content.decode()

    heading = page[page.index("<h1") : page.index("</h1>")]
    assert "решён" in heading

    def row(title: str) -> str:  # the list item that holds the title
        start = listed.rindex("<li", 0, listed.index(title))
        return listed[start : listed.index("</li>", start)]

    assert "решён" in row(question.title)
    assert "решён" not in row(open_question.title)
