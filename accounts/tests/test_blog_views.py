"""Blog pages for anonymous visitors, members, authors and moderators."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import BlogComment, BlogPost
from accounts.tests.factories import (
    BlockFactory,
    BlogCommentFactory,
    BlogPostFactory,
    BookmarkFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def url(name: str, post: BlogPost, **extra) -> str:
    return reverse(
        f"accounts:{name}",
        kwargs={"username": post.author.username, "slug": post.slug, **extra},
    )


def blog_url(user) -> str:
    return reverse("accounts:blog", kwargs={"username": user.username})


@pytest.fixture
def draft(member):
    return BlogPostFactory(
        author=member, status="draft", published_at=None, title="Мой черновик"
    )


def test_blog_list_shows_drafts_to_the_author_only(client, member, draft):
    BlogPostFactory(author=member, title="Опубликовано")

    anonymous = Client().get(blog_url(member)).content.decode()
    client.force_login(member)
    own = client.get(blog_url(member)).content.decode()

    assert "Опубликовано" in anonymous
    assert "Мой черновик" not in anonymous
    assert "Мой черновик" in own


def test_blog_list_filters_by_tag(client, member):
    tagged = BlogPostFactory(author=member, title="С тегом")
    tagged.tags.set(["дроби"])
    BlogPostFactory(author=member, title="Без тега")

    slug = tagged.tags.get().slug
    content = client.get(blog_url(member), {"tag": slug}).content.decode()

    assert "С тегом" in content
    assert "Без тега" not in content


def test_draft_of_someone_else_is_404(moderator_client, draft):
    assert Client().get(url("post_detail", draft)).status_code == 404
    assert moderator_client.get(url("post_detail", draft)).status_code == 404


def test_draft_is_visible_to_its_author(member_client, draft):
    assert member_client.get(url("post_detail", draft)).status_code == 200


def test_post_detail_for_anonymous_invites_to_log_in(client):
    post = BlogPostFactory()

    content = client.get(url("post_detail", post)).content.decode()

    assert reverse("account_login") in content
    assert 'name="body"' not in content


def test_post_create_as_draft_and_publish(member_client, member):
    response = member_client.post(
        reverse("accounts:post_create"),
        {"title": "Черновик", "body": "Текст", "tags": "тег", "draft": "1"},
    )
    post = BlogPost.objects.get(author=member)
    assert response.status_code == 302
    assert response.url == post.get_absolute_url()
    assert post.status == BlogPost.Status.DRAFT

    member_client.post(
        reverse("accounts:post_create"),
        {"title": "Публикация", "body": "Текст", "publish": "1"},
    )
    assert BlogPost.objects.get(title="Публикация").is_published


def test_post_create_invalid_keeps_text(member_client):
    response = member_client.post(
        reverse("accounts:post_create"),
        {"title": "", "body": "Долгий текст, который нельзя потерять"},
    )

    assert response.status_code == 400
    assert "Долгий текст, который нельзя потерять" in response.content.decode()
    assert not BlogPost.objects.exists()


def test_post_create_needs_login(client):
    assert client.get(reverse("accounts:post_create")).status_code == 302


def test_post_edit_by_author(member_client, member):
    post = BlogPostFactory(author=member)

    assert member_client.get(url("post_edit", post)).status_code == 200
    response = member_client.post(
        url("post_edit", post), {"title": "Исправлено", "body": "Новый текст"}
    )

    assert response.status_code == 302
    assert BlogPost.objects.get(pk=post.pk).title == "Исправлено"


def test_post_edit_by_someone_else_is_403_and_changes_nothing(member_client):
    post = BlogPostFactory(title="Чужая")

    assert member_client.get(url("post_edit", post)).status_code == 403
    response = member_client.post(url("post_edit", post), {"title": "x", "body": "y"})

    assert response.status_code == 403
    assert BlogPost.objects.get(pk=post.pk).title == "Чужая"


def test_post_publish_toggle_and_comments_toggle(member_client, member, draft):
    member_client.post(url("post_publish", draft))
    assert BlogPost.objects.get(pk=draft.pk).is_published
    member_client.post(url("post_publish", draft))
    assert not BlogPost.objects.get(pk=draft.pk).is_published

    member_client.post(url("post_comments_toggle", draft))
    assert BlogPost.objects.get(pk=draft.pk).comments_closed


def test_post_actions_are_post_only(member_client, draft):
    assert member_client.get(url("post_publish", draft)).status_code == 405
    assert member_client.get(url("post_delete", draft)).status_code == 405


def test_post_delete_by_moderator_and_not_by_member(moderator_client):
    post = BlogPostFactory()
    member_client = Client()
    member_client.force_login(UserFactory())

    assert member_client.post(url("post_delete", post)).status_code == 403
    assert moderator_client.post(url("post_delete", post)).status_code == 302
    assert not BlogPost.objects.exists()


def test_comment_create_adds_comment(member_client, member):
    post = BlogPostFactory()

    response = member_client.post(url("comment_create", post), {"body": "Спасибо!"})

    comment = BlogComment.objects.get()
    assert response.status_code == 302
    assert response.url.endswith(f"#comment-{comment.pk}")
    assert comment.author == member


def test_comment_create_empty_is_400(member_client):
    post = BlogPostFactory()

    response = member_client.post(url("comment_create", post), {"body": ""})

    assert response.status_code == 400
    assert not BlogComment.objects.exists()


def test_comment_on_closed_post_is_refused_with_text_kept(member_client):
    post = BlogPostFactory(comments_closed=True)

    response = member_client.post(
        url("comment_create", post), {"body": "Мой важный комментарий"}
    )

    assert response.status_code == 403
    assert "Мой важный комментарий" in response.content.decode()
    assert not BlogComment.objects.exists()


def test_comment_by_blocked_member_is_refused(member_client, member):
    post = BlogPostFactory()
    BlockFactory(blocker=post.author, blocked=member)

    response = member_client.post(url("comment_create", post), {"body": "Эй"})

    assert response.status_code == 403
    assert not BlogComment.objects.exists()


def test_comment_delete_by_post_author_and_not_by_bystander(client, member):
    post = BlogPostFactory(author=member)
    comment = BlogCommentFactory(post=post)
    bystander = Client()
    bystander.force_login(UserFactory())

    assert bystander.post(url("comment_delete", post, pk=comment.pk)).status_code == 403
    client.force_login(member)
    assert client.post(url("comment_delete", post, pk=comment.pk)).status_code == 302
    assert not BlogComment.objects.exists()


def test_comments_of_blocked_members_are_folded_for_the_blocker(member_client, member):
    post = BlogPostFactory()
    rude = UserFactory()
    BlockFactory(blocker=member, blocked=rude)
    BlogCommentFactory(post=post, author=rude, body="Грубость")
    BlogCommentFactory(post=post, body="Вежливость")

    page = member_client.get(url("post_detail", post)).content.decode()
    content = page.split('<main id="main"', 1)[1].split("</main>")[0]  # not the header
    folded = content.split("<details")[1].split("</details>")[0]

    assert "Грубость" in folded
    assert "Вежливость" not in folded
    assert content.count("<details") == 1


def test_comment_author_shown_as_deleted_member(client):
    from django.utils import timezone

    from accounts.models import Profile

    comment = BlogCommentFactory()
    Profile.objects.filter(user=comment.author).update(
        deleted_at=timezone.now(), display_name=""
    )

    response = client.get(url("post_detail", comment.post))

    assert "удалённый участник" in response.content.decode()


def test_blog_list_query_count_does_not_grow(
    client, member, django_assert_max_num_queries
):
    for post in BlogPostFactory.create_batch(55, author=member):
        post.tags.set(["тег", "ещё"])

    with django_assert_max_num_queries(10):
        response = client.get(blog_url(member))

    assert len(response.context["page_obj"]) == 20


@pytest.fixture
def long_discussion(member):
    """A tagged post with 55 comments by as many members: one of them blocked
    by ``member``, one of ``member``'s own hidden by a moderator, the post in
    ``member``'s bookmarks."""
    post = BlogPostFactory()
    post.tags.set(["тег", "ещё"])
    comments = [
        BlogCommentFactory(post=post, body=f"Комментарий № {number}")
        for number in range(55)
    ]
    BlockFactory(blocker=member, blocked=comments[0].author)
    BlockFactory(blocker=post.author, blocked=UserFactory())  # not the viewer
    BlogCommentFactory(post=post, author=member, is_hidden=True, body="Скрытый")
    BookmarkFactory(user=member, target=post)
    return post


def test_post_detail_keeps_its_query_budget_for_a_member(
    member_client, long_discussion, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        response = member_client.get(url("post_detail", long_discussion))

    page = response.content.decode()
    comments = page.split('id="comments-heading"', 1)[1]
    assert len(response.context["page_obj"]) == 50
    assert response.context["page_obj"].paginator.count == 56  # her hidden one too
    assert comments.count("<details") == 1  # the blocked member's comment folds
    assert "Убрать из закладок" in page
    assert response.context["may_comment"]
    assert "#тег" in page
    assert "#ещё" in page


def test_post_detail_keeps_its_query_budget_for_a_visitor(
    client, long_discussion, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        response = client.get(url("post_detail", long_discussion))

    assert len(response.context["page_obj"]) == 50
    comments = response.content.decode().split('id="comments-heading"', 1)[1]
    assert response.context["page_obj"].paginator.count == 55
    assert "<details" not in comments


def test_post_detail_refuses_the_comment_form_to_a_member_the_author_blocked(
    member_client, member
):
    post = BlogPostFactory()
    BlockFactory(blocker=post.author, blocked=member)

    response = member_client.get(url("post_detail", post))

    assert not response.context["may_comment"]
    assert 'name="body"' not in response.content.decode()


def test_post_edit_form_shows_current_tags(member_client, member):
    post = BlogPostFactory(author=member)
    post.tags.set(["дроби", "5 класс"])

    response = member_client.get(url("post_edit", post))

    assert response.status_code == 200
    field = response.context["form"]["tags"].value()
    assert sorted(tag.name for tag in field) == ["5 класс", "дроби"]
    assert 'value="5 класс, дроби"' in response.content.decode()
