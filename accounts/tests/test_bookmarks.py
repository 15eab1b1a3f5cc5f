"""Bookmarks: private, only of what the member may see, fixed queries."""

import pytest
from django.core.exceptions import ObjectDoesNotExist
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import Bookmark
from accounts.tests.factories import BlogPostFactory, BookmarkFactory, UserFactory

pytestmark = pytest.mark.django_db
TOGGLE = reverse("accounts:bookmark_toggle")
LIST = reverse("accounts:bookmarks")


def test_bookmark_toggle_adds_then_removes(member):
    post = BlogPostFactory()

    assert services.bookmark_set(
        user=member, key="blogpost", object_id=post.pk, on=True
    )
    assert Bookmark.objects.get().target == post
    assert not services.bookmark_set(
        user=member, key="blogpost", object_id=post.pk, on=False
    )
    assert not Bookmark.objects.exists()


def test_bookmark_toggle_refuses_unknown_kind_and_invisible_objects(member):
    draft = BlogPostFactory(status="draft", published_at=None)

    with pytest.raises(ObjectDoesNotExist):
        services.bookmark_set(user=member, key="nonsense", object_id=1, on=True)
    with pytest.raises(ObjectDoesNotExist):
        services.bookmark_set(user=member, key="blogpost", object_id=draft.pk, on=True)
    with pytest.raises(ObjectDoesNotExist):
        services.bookmark_set(user=member, key="blogpost", object_id=999999, on=True)


def test_bookmark_toggle_view(member_client, member):
    post = BlogPostFactory()

    response = member_client.post(
        TOGGLE,
        {"key": "blogpost", "object_id": post.pk, "next": post.get_absolute_url()},
    )

    assert response.status_code == 302
    assert response.url == post.get_absolute_url()
    assert Bookmark.objects.filter(user=member).count() == 1


@pytest.mark.parametrize(
    "data", [{"key": "blogpost", "object_id": "abc"}, {"key": "x", "object_id": "1"}]
)
def test_bookmark_toggle_view_bad_input_is_404(member_client, data):
    assert member_client.post(TOGGLE, data).status_code == 404


def test_bookmark_toggle_needs_login(client):
    post = BlogPostFactory()

    assert (
        client.post(TOGGLE, {"key": "blogpost", "object_id": post.pk}).status_code
        == 302
    )
    assert not Bookmark.objects.exists()


def test_bookmark_list_is_private(member_client, member):
    mine = BookmarkFactory(user=member, target=BlogPostFactory(title="Моя закладка"))
    BookmarkFactory(target=BlogPostFactory(title="Чужая закладка"))

    response = member_client.get(LIST)

    content = response.content.decode()
    assert "Моя закладка" in content
    assert "Чужая закладка" not in content
    assert [row[0] for row in response.context["rows"]] == [mine]
    assert Client().get(LIST).status_code == 302


def test_bookmark_list_hides_targets_no_longer_visible(member_client, member):
    post = BlogPostFactory(title="Снята с публикации")
    BookmarkFactory(user=member, target=post)
    services.post_unpublish(post=post, actor=post.author)

    assert "Снята с публикации" not in member_client.get(LIST).content.decode()


def test_post_page_shows_bookmark_state(member_client, member):
    post = BlogPostFactory()
    page = member_client.get(post.get_absolute_url())
    assert page.context["is_bookmarked"] is False

    BookmarkFactory(user=member, target=post)

    assert member_client.get(post.get_absolute_url()).context["is_bookmarked"] is True


def test_bookmark_list_query_count_does_not_grow(
    member_client, member, django_assert_max_num_queries
):
    author = UserFactory()
    for post in BlogPostFactory.create_batch(55, author=author):
        BookmarkFactory(user=member, target=post)

    with django_assert_max_num_queries(10):
        response = member_client.get(LIST)

    assert len(response.context["rows"]) == 20
