"""Blog services: every branch, against the database."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import services
from accounts.models import BlogComment, BlogPost
from accounts.tests.factories import (
    BlockFactory,
    BlogCommentFactory,
    BlogPostFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_post_create_makes_a_draft_with_rendered_markdown_and_tags(member):
    post = services.post_create(
        author=member,
        title="Дроби в 5 классе",
        body="**Пицца**<script>alert(1)</script>[x](javascript:alert(1))",
        tags=["дроби", " 5 класс ", ""],
    )

    assert post.status == BlogPost.Status.DRAFT
    assert post.published_at is None
    assert "<strong>Пицца</strong>" in post.body_html
    assert "<script" not in post.body_html
    assert "javascript:" not in post.body_html
    assert post.slug == "drobi-v-5-klasse"
    assert sorted(post.tags.names()) == ["5 класс", "дроби"]


def test_post_create_publish_sets_date(member):
    post = services.post_create(
        author=member, title="Итоги", body="Текст", publish=True
    )

    assert post.is_published
    assert post.published_at is not None


def test_post_create_makes_slugs_unique_per_author(member):
    first = services.post_create(author=member, title="Итоги года", body="1")
    second = services.post_create(author=member, title="Итоги года", body="2")
    other = services.post_create(author=UserFactory(), title="Итоги года", body="3")

    assert (first.slug, second.slug, other.slug) == (
        "itogi-goda",
        "itogi-goda-2",
        "itogi-goda",
    )


def test_post_create_falls_back_to_post_slug_for_symbols(member):
    assert services.post_create(author=member, title="!!!", body="x").slug == "post"


def test_post_create_refuses_empty_text(member):
    with pytest.raises(ValidationError):
        services.post_create(author=member, title="", body="")
    assert not BlogPost.objects.exists()


def test_post_update_changes_text_keeps_address(member):
    post = BlogPostFactory(author=member, slug="staroe")

    services.post_update(
        post=post, actor=member, title="Новое", body="*новый*", tags=["тег"]
    )

    post.refresh_from_db()
    assert (post.title, post.slug) == ("Новое", "staroe")
    assert "<em>новый</em>" in post.body_html
    assert list(post.tags.names()) == ["тег"]


def test_post_update_by_someone_else_is_refused(member):
    post = BlogPostFactory()

    with pytest.raises(PermissionDenied):
        services.post_update(post=post, actor=member, title="x", body="y", tags=[])


def test_post_publish_and_unpublish_keep_first_date(member):
    post = services.post_create(author=member, title="Т", body="x", publish=True)
    first_date = post.published_at

    services.post_unpublish(post=post, actor=member)
    assert BlogPost.objects.get(pk=post.pk).status == BlogPost.Status.DRAFT
    services.post_publish(post=post, actor=member)
    services.post_publish(post=post, actor=member)  # twice is harmless

    post.refresh_from_db()
    assert post.is_published
    assert post.published_at == first_date


def test_post_publish_by_someone_else_is_refused(member):
    post = BlogPostFactory(status="draft", published_at=None)

    with pytest.raises(PermissionDenied):
        services.post_publish(post=post, actor=member)
    with pytest.raises(PermissionDenied):
        services.post_unpublish(post=post, actor=member)
    with pytest.raises(PermissionDenied):
        services.post_comments_set(post=post, actor=member, closed=True)


def test_post_comments_set_closes_and_reopens(member):
    post = BlogPostFactory(author=member)

    services.post_comments_set(post=post, actor=member, closed=True)
    assert BlogPost.objects.get(pk=post.pk).comments_closed
    services.post_comments_set(post=post, actor=member, closed=False)
    assert not BlogPost.objects.get(pk=post.pk).comments_closed


def test_post_delete_by_author_or_moderator_only(member, moderator):
    own = BlogPostFactory(author=member)
    others = BlogPostFactory()

    with pytest.raises(PermissionDenied):
        services.post_delete(post=others, actor=member)
    services.post_delete(post=own, actor=member)
    services.post_delete(post=others, actor=moderator)

    assert not BlogPost.objects.exists()


def test_comment_create_counts_and_renders(member):
    post = BlogPostFactory()

    comment = services.comment_create(
        post=post, author=member, body="  Спасибо, **коллега**!  "
    )

    assert comment.body == "Спасибо, **коллега**!"
    assert "<strong>коллега</strong>" in comment.body_html
    assert BlogPost.objects.get(pk=post.pk).comment_count == 1


def test_comment_create_refused_when_closed(member):
    post = BlogPostFactory(comments_closed=True)

    with pytest.raises(ValidationError) as error:
        services.comment_create(post=post, author=member, body="Можно?")

    assert error.value.code == "closed"
    assert not BlogComment.objects.exists()


def test_comment_create_refused_on_drafts(member):
    post = BlogPostFactory(status="draft", published_at=None)

    with pytest.raises(ValidationError) as error:
        services.comment_create(post=post, author=member, body="Можно?")

    assert error.value.code == "closed"


def test_comment_create_refused_when_author_blocked_commenter(member):
    post = BlogPostFactory()
    BlockFactory(blocker=post.author, blocked=member)

    with pytest.raises(ValidationError) as error:
        services.comment_create(post=post, author=member, body="Можно?")

    assert error.value.code == "blocked"


def test_comment_create_refuses_empty_text(member):
    post = BlogPostFactory()

    with pytest.raises(ValidationError):
        services.comment_create(post=post, author=member, body="   ")
    assert BlogPost.objects.get(pk=post.pk).comment_count == 0


def test_comment_delete_by_comment_author_post_author_or_moderator(member, moderator):
    post = BlogPostFactory(author=member)
    mine = services.comment_create(post=post, author=UserFactory(), body="1")
    theirs = services.comment_create(post=post, author=UserFactory(), body="2")
    third = services.comment_create(post=post, author=UserFactory(), body="3")

    services.comment_delete(comment=mine, actor=member)  # the post's author
    services.comment_delete(comment=theirs, actor=theirs.author)
    services.comment_delete(comment=third, actor=moderator)

    assert not BlogComment.objects.exists()
    assert BlogPost.objects.get(pk=post.pk).comment_count == 0


def test_comment_delete_by_a_bystander_is_refused(member):
    comment = BlogCommentFactory()

    with pytest.raises(PermissionDenied):
        services.comment_delete(comment=comment, actor=member)
