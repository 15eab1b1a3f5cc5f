"""Rendered posts come from the cache, and never show what they should not."""

import re

import pytest
from django.test import Client

from accounts import services as account_services
from accounts.tests.factories import UserFactory
from forums import fragments, services
from forums.tests.factories import PostFactory, TopicFactory

pytestmark = pytest.mark.django_db


def _client(user, **options) -> Client:
    client = Client(**options)
    client.force_login(user)
    return client


def _page(client, topic) -> str:
    response = client.get(topic.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_second_reading_renders_no_post_again(member, monkeypatch):
    topic = TopicFactory()
    PostFactory.create_batch(3, topic=topic)
    rendered = []
    original = fragments.render_to_string
    monkeypatch.setattr(
        fragments,
        "render_to_string",
        lambda name, *args, **kwargs: (
            (rendered.append(name) if name == fragments.POST_TEMPLATE else None)
            or original(name, *args, **kwargs)
        ),
    )
    client = _client(member)

    first = _page(client, topic)
    count = len(rendered)
    second = _page(client, topic)

    assert count == 4
    assert len(rendered) == count
    assert first.count("<article") == second.count("<article") == 4


def test_each_member_gets_their_own_csrf_token_from_cached_posts(member):
    topic = TopicFactory()
    post = PostFactory(topic=topic)
    _page(_client(UserFactory()), topic)  # fills the cache
    client = _client(member, enforce_csrf_checks=True)

    page = _page(client, topic)
    token = re.search(
        rf'action="/forums/p/{post.pk}/react/"><input type="hidden" name="kind" '
        r'value="thanks"><input type="hidden" name="csrfmiddlewaretoken" '
        r'value="([^"]+)"',
        page,
    )
    response = client.post(
        f"/forums/p/{post.pk}/react/",
        {"kind": "thanks", "csrfmiddlewaretoken": token.group(1)},
    )

    assert fragments.CSRF_MARK not in page
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.thanks_count == 1


def test_an_edit_and_a_new_name_show_at_once(member):
    topic = TopicFactory()
    post = PostFactory(topic=topic, author=member, body="Первый вариант")
    reader = _client(UserFactory())
    assert "Первый вариант" in _page(reader, topic)

    services.post_edit(post=post, editor=member, body="Исправленный вариант")
    account_services.profile_update(profile=member.profile, display_name="Новое Имя")
    page = _page(reader, topic)

    assert "Исправленный вариант" in page
    assert "Первый вариант" not in page
    assert "Новое Имя" in page


def test_buttons_follow_the_viewer_not_the_cache(member, moderator):
    topic = TopicFactory()
    post = PostFactory(topic=topic, author=member)
    edit = f"/forums/p/{post.pk}/edit/"
    hide = f"/forums/p/{post.pk}/hide/"

    as_moderator = _page(_client(moderator), topic)
    as_author = _page(_client(member), topic)
    as_other = _page(_client(UserFactory()), topic)
    as_visitor = _page(Client(), topic)

    assert edit in as_moderator
    assert hide in as_moderator
    assert edit in as_author
    assert hide not in as_author
    assert edit not in as_other
    assert hide not in as_other
    assert edit not in as_visitor
    assert "csrfmiddlewaretoken" not in as_visitor


def test_new_posts_are_marked_for_each_reader(member):
    topic = TopicFactory()
    PostFactory(topic=topic)
    services.topic_read_mark(user=member, topic=topic, number=2)
    PostFactory(topic=topic)
    _page(_client(UserFactory()), topic)  # never read it: nothing is "new"

    page = _page(_client(member), topic)

    assert page.count('badge text-bg-primary">') == 1


def test_the_marker_in_a_post_never_becomes_a_members_token(member):
    topic = TopicFactory()
    body = f"![](https://example.org/x?t={fragments.CSRF_MARK}) {fragments.CSRF_MARK}"
    PostFactory(topic=topic, body=body)

    page = _page(_client(member), topic)

    # Left as written: only the form's hidden input gets the member's token.
    assert page.count(fragments.CSRF_MARK) == 2


def test_an_accepted_answer_awaiting_moderation_is_not_shown(member):
    question = TopicFactory(kind="question")
    answer = PostFactory(topic=question, body="Ответ на проверке", is_pending=True)
    question.accepted_post = answer
    question.save(update_fields=["accepted_post"])

    assert "Ответ на проверке" not in _page(_client(member), question)
