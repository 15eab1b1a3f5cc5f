"""A post cannot carry the markers a kept topic page is filled in by.

``forums.fragments`` keeps rendered posts with markers (a hidden CSRF input, an
HTML comment for the "new" mark and one per reaction button) and replaces them
per member. It relies on ``community.markdown`` never letting a comment or an
``<input>`` through: a member who wrote the markers in a reply would otherwise
fill or break the page other members see.
"""

import re

import pytest
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client

from accounts.models import Profile
from accounts.tests.factories import UserFactory
from forums import services
from forums.fragments import CSRF_INPUT, CSRF_MARK, NEW_SLOT, REACTION_SLOT
from forums.models import Reaction
from forums.tests.factories import TopicFactory

pytestmark = pytest.mark.django_db

MARKERS = [
    CSRF_INPUT.format(CSRF_MARK),  # the exact input the kept forms carry
    '<input type="hidden" name="csrfmiddlewaretoken" value="x">',
    "<!-- a comment -->",
    NEW_SLOT,
    *(REACTION_SLOT.format(kind) for kind in Reaction.Kind.values),
    '<button type="submit" id="reaction-2-thanks" aria-pressed="true">',
    '<form method="post" action="/forums/p/1/react/">',
]
# Plain text, inline code, a code block, and a link's text, address and title.
PLACES = [
    "{}",
    "Текст {} и ещё текст",
    "`{}`",
    "```\n{}\n```",
    "[{}](https://example.com/)",
    "[ссылка](https://example.com/{})",
    '[ссылка](https://example.com/ "{}")',
]
BODY = "\n\n".join(place.format(marker) for marker in MARKERS for place in PLACES)
TOKEN_INPUT = re.compile(
    r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]*)">'
)
POST_FORM = re.compile(r'<form\b[^>]*\bmethod="post"')


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _main(client, topic) -> str:
    response = client.get(topic.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode().split('<main id="main"', 1)[1].split("</main>")[0]


def _article(page: str, number: int) -> str:
    return page.split(f'<article id="post-{number}"', 1)[1].split("</article>", 1)[0]


def _hostile_reply():
    topic = TopicFactory()
    post = services.post_create(topic=topic, author=UserFactory(), body=BODY)
    assert post.number == 2
    return topic, post


def test_a_reply_written_with_the_markers_keeps_none_of_them():
    _topic, post = _hostile_reply()

    html = post.body_html
    assert "<!--" not in html
    for tag in ("<input", "<form", "<button"):
        assert tag not in html.lower()
    for marker in MARKERS:
        assert marker not in html
    # Shown as text where the member wrote it as code.
    assert "<code>&lt;!--new-post-mark--&gt;</code>" in html


@pytest.mark.parametrize("viewer", ["first reader", "kept for a reader", "moderator"])
def test_other_members_see_the_reply_as_written_and_only_the_pages_markers_filled(
    viewer, moderator
):
    topic, post = _hostile_reply()
    if viewer == "kept for a reader":
        _main(_client(UserFactory()), topic)  # the page's posts are kept
    member = moderator if viewer == "moderator" else UserFactory()
    services.topic_read_mark(user=member, topic=topic, number=1)
    client = _client(member)

    page = _main(client, topic)

    # The reply's HTML is on the page untouched: nothing in it was filled in.
    assert post.body_html in _article(page, 2)
    assert "<!--" not in page  # every real slot filled, no other one planted
    assert CSRF_INPUT.format(CSRF_MARK) not in page
    # One CSRF input per form of the page, each with this member's token.
    tokens = TOKEN_INPUT.findall(page)
    assert len(tokens) == len(POST_FORM.findall(page))
    secret = client.cookies["csrftoken"].value
    assert {_unmask_cipher_token(token) for token in tokens} == {secret}
    # Two reaction buttons per post, each once, none in the reply's text.
    for number in (1, 2):
        article = _article(page, number)
        assert article.count('<input type="hidden" name="on" value="1">') == 2
        for kind in Reaction.Kind.values:
            button = f'<button type="submit" id="reaction-{number}-{kind}"'
            assert article.count(button) == 1
    # The "new" mark once, on the reply (the member read up to the first post).
    assert page.count('<span class="badge text-bg-primary">') == 1
    assert '<span class="badge text-bg-primary">' in _article(page, 2)


def test_an_authors_name_with_the_markers_is_shown_as_text():
    topic = TopicFactory()
    author = UserFactory()
    Profile.objects.filter(user=author).update(
        display_name=f"{NEW_SLOT}{REACTION_SLOT.format('thanks')}"
    )
    services.post_create(topic=topic, author=author, body="Согласна.")

    page = _main(_client(UserFactory()), topic)

    assert "<!--" not in page
    assert "&lt;!--new-post-mark--&gt;" in _article(page, 2)
    assert _article(page, 2).count('<button type="submit" id="reaction-2-') == 2
