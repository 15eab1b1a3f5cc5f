"""The bookmarks page writes each row's button out with the page's address,
the toggle's address and the CSRF token read once (``bookmark_list.html``),
not by including ``partials/_bookmark_button.html`` twenty times: the two
stay the same, and the page its header and rows in a fixed few queries."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.tests.factories import BlogPostFactory, BookmarkFactory

pytestmark = pytest.mark.django_db
LIST = reverse("accounts:bookmarks")


def _forms(html: str) -> list[str]:
    """The bookmark forms of a page, whitespace between tags and the CSRF
    token's value (masked afresh each time it is read) left out."""
    html = re.sub(r'(name="csrfmiddlewaretoken" value=)"[^"]+"', r"\1", html)
    forms = re.findall(
        r'<form method="post" action="/bookmarks/toggle/.*?</form>', html, re.S
    )
    return [re.sub(r">\s+<", "><", form.strip()) for form in forms]


def test_each_rows_button_is_the_bookmark_button(member_client, member):
    posts = BlogPostFactory.create_batch(3)
    for post in posts:
        BookmarkFactory(user=member, target=post)

    response = member_client.get(f"{LIST}?page=1")

    request = response.wsgi_request
    expected = [
        _forms(
            render_to_string(
                "accounts/partials/_bookmark_button.html",
                {"target_key": "blogpost", "target": post, "is_bookmarked": True},
                request=request,
            )
        )[0]
        for post in reversed(posts)  # the newest bookmark first
    ]
    assert _forms(response.content.decode()) == expected
    assert 'name="next" value="/bookmarks/?page=1"' in expected[0]


def test_the_page_reads_its_owner_and_her_subjects_without_the_follow_counts(
    member_client, member, django_assert_max_num_queries
):
    for post in BlogPostFactory.create_batch(25):
        BookmarkFactory(user=member, target=post)
    member_client.get(LIST)  # the content types, read once in a process

    with django_assert_max_num_queries(8) as queries:
        response = member_client.get(LIST)

    assert len(response.context["rows"]) == 20
    assert not [q for q in queries.captured_queries if "accounts_follow" in q["sql"]]
