"""A blog post's page keeps its rendered comments (``accounts.blog_fragments``):
each write that changes what they show renews them, the reader's controls
and folds are put in per page, and the page keeps to its query budget."""

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from accounts import services
from accounts.blog_fragments import DELETE_FORM
from accounts.changes import BLOG_COMMENTS_ALL, BLOG_COMMENTS_KEY
from accounts.models import BlogComment
from accounts.tests.factories import (
    BlockFactory,
    BlogCommentFactory,
    BlogPostFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def page_url(post) -> str:
    return reverse(
        "accounts:post_detail",
        kwargs={"username": post.author.username, "slug": post.slug},
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def post(member):
    return BlogPostFactory(author=member, title="Пост с комментариями")


@pytest.fixture
def reader():
    return signed_in(UserFactory())


def comment(post, body: str, author=None) -> BlogComment:
    return services.comment_create(post=post, author=author or UserFactory(), body=body)


def shown(client, post) -> str:
    response = client.get(page_url(post))
    assert response.status_code == 200
    return response.content.decode()


def test_the_kept_comments_are_shown_again(post, reader):
    kept = comment(post, "Первый вариант")
    assert "Первый вариант" in shown(reader, post)
    # Written around the services: the kept page does not see it.
    BlogComment.objects.filter(pk=kept.pk).update(body_html="<p>Другой</p>")

    assert "Первый вариант" in shown(reader, post)


def test_a_new_comment_renews_the_kept_comments(post, reader):
    comment(post, "Первый комментарий")
    assert "Первый комментарий" in shown(reader, post)

    comment(post, "Второй комментарий")

    assert "Второй комментарий" in shown(reader, post)


def test_a_deleted_comment_leaves_the_kept_comments(post, member, reader):
    gone = comment(post, "Удалю этот")
    comment(post, "Останется")
    assert "Удалю этот" in shown(reader, post)

    services.comment_delete(comment=gone, actor=member)

    content = shown(reader, post)
    assert "Удалю этот" not in content
    assert "Останется" in content


def test_a_hidden_comment_leaves_the_kept_comments_and_comes_back(
    post, reader, moderator
):
    hidden = comment(post, "Спорный комментарий")
    assert "Спорный комментарий" in shown(reader, post)

    services.comment_hide(comment=hidden, moderator=moderator, reason="spam")
    assert "Спорный комментарий" not in shown(reader, post)

    services.comment_hide(
        comment=hidden, moderator=moderator, reason="spam", hidden=False
    )
    assert "Спорный комментарий" in shown(reader, post)


def test_the_author_of_a_hidden_comment_still_sees_it(post, moderator, reader):
    author = UserFactory()
    hidden = comment(post, "Мой скрытый", author=author)
    services.comment_hide(comment=hidden, moderator=moderator, reason="spam")
    assert "Мой скрытый" not in shown(reader, post)  # kept for others

    content = shown(signed_in(author), post)

    assert "Мой скрытый" in content
    assert "Мой скрытый" in shown(signed_in(moderator), post)


def versions(post) -> tuple:
    keys = [BLOG_COMMENTS_KEY.format(post.pk), BLOG_COMMENTS_ALL]
    found = cache.get_many(keys)
    return tuple(found.get(key) for key in keys)


def test_closing_and_opening_comments_renews_the_kept_comments(post, member, reader):
    comment(post, "Комментарий")
    shown(reader, post)
    before = versions(post)

    services.post_comments_set(post=post, actor=member, closed=True)
    closed = versions(post)
    services.post_comments_set(post=post, actor=member, closed=False)

    assert before != closed != versions(post)


def test_editing_the_post_renews_the_kept_comments(post, member, reader):
    comment(post, "Комментарий")
    shown(reader, post)
    before = versions(post)

    services.post_update(
        post=post, actor=member, title="Новое название", body="Текст", tags=[]
    )

    assert versions(post) != before


def test_an_authors_new_name_renews_the_kept_comments(post, reader):
    author = UserFactory()
    comment(post, "Комментарий", author=author)
    assert "Новое Имя" not in shown(reader, post)

    services.profile_update(profile=author.profile, display_name="Новое Имя")

    assert "Новое Имя" in shown(reader, post)


def picture() -> SimpleUploadedFile:
    output = io.BytesIO()
    Image.new("RGB", (200, 200), (200, 120, 40)).save(output, "JPEG")
    return SimpleUploadedFile("me.jpg", output.getvalue(), content_type="image/jpeg")


def test_an_authors_new_picture_renews_the_kept_comments(post, reader):
    author = UserFactory()
    comment(post, "Комментарий", author=author)
    assert "<img" not in shown(reader, post).split('id="comments-heading"')[1]

    services.profile_avatar_set(profile=author.profile, upload=picture())

    assert "<img" in shown(reader, post).split('id="comments-heading"')[1]


def test_each_reader_gets_their_own_controls_without_a_token_in_the_kept_html(
    post, member
):
    commenter = UserFactory()
    theirs = comment(post, "Чужой", author=commenter)
    other = comment(post, "Другой")
    delete_url = reverse(
        "accounts:comment_delete",
        kwargs={"username": member.username, "slug": post.slug, "pk": theirs.pk},
    )
    other_delete = delete_url.replace(f"/{theirs.pk}/", f"/{other.pk}/")

    anonymous = shown(Client(), post)
    bystander = shown(signed_in(UserFactory()), post)
    own = shown(signed_in(commenter), post)
    author = shown(signed_in(member), post)

    assert DELETE_FORM not in anonymous
    assert "/report/" not in anonymous.split('id="comments-heading"')[1]
    assert DELETE_FORM not in bystander
    assert bystander.count(reverse("report", args=("blog_comment", theirs.pk))) == 1
    assert delete_url in own
    assert other_delete not in own
    assert reverse("report", args=("blog_comment", theirs.pk)) not in own
    assert delete_url in author
    assert other_delete in author
    # One form carries the token; each button submits it to its own address.
    assert author.count(f'id="{DELETE_FORM}"') == 1
    assert f'form="{DELETE_FORM}" formaction="{delete_url}"' in author


def test_the_delete_button_deletes_through_the_pages_form(post, member):
    gone = comment(post, "Удалить")
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    content = shown(client, post)
    token = content.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    delete_url = reverse(
        "accounts:comment_delete",
        kwargs={"username": member.username, "slug": post.slug, "pk": gone.pk},
    )
    assert f'formaction="{delete_url}"' in content

    response = client.post(delete_url, {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert not BlogComment.objects.filter(pk=gone.pk).exists()


def test_comments_of_a_blocked_member_fold_on_a_kept_page(post, reader):
    blocked = UserFactory()
    folded = comment(post, "От заблокированного", author=blocked)
    assert "<details" not in shown(reader, post).split('id="comments-heading"')[1]
    viewer = UserFactory()
    BlockFactory(blocker=viewer, blocked=blocked)

    content = shown(signed_in(viewer), post)

    assert f'<details id="comment-{folded.pk}"' in content
    assert "От заблокированного" in content  # a click opens it


@pytest.mark.parametrize("who", ["reader", "commenter", "author", "moderator"])
def test_a_post_with_many_comments_keeps_to_the_query_budget(
    post, member, moderator, who, django_assert_max_num_queries
):
    commenter = UserFactory()
    for number in range(55):
        BlogCommentFactory(
            post=post, author=commenter if number % 5 == 0 else UserFactory()
        )
    viewer = {
        "reader": UserFactory(),
        "commenter": commenter,
        "author": member,
        "moderator": moderator,
    }[who]
    client = signed_in(viewer)
    client.get(page_url(post))  # the session and the site's own caches
    cache.delete_many([BLOG_COMMENTS_KEY.format(post.pk), BLOG_COMMENTS_ALL])

    with django_assert_max_num_queries(10):  # built
        built = client.get(page_url(post))
    with django_assert_max_num_queries(10):  # kept
        kept = client.get(page_url(post))

    assert built.status_code == kept.status_code == 200
    assert built.content.count(b'<div id="comment-') == 50
    assert kept.content.count(b'<div id="comment-') == 50
