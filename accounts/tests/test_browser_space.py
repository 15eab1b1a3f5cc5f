"""A teacher edits the profile, uploads a picture and publishes a post."""

import io

import pytest
from PIL import Image

from accounts.avatars import variant_name
from accounts.models import BlogPost, Profile
from accounts.tests.factories import UserFactory
from conftest import assert_accessible, browser_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def jpeg_bytes() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 90, 160)).save(output, "JPEG")
    return output.getvalue()


def test_profile_avatar_and_blog_post(page, live_server, tmp_path):
    teacher = UserFactory(profile__display_name="Мария Сидорова")
    browser_log_in(page, live_server, teacher)

    # Profile settings: the keyboard-reachable form, saved with a message.
    page.goto("/settings/profile/")
    assert_accessible(page)
    page.fill("#id_display_name", "Мария Ивановна Сидорова")
    page.fill("#id_about", "Учу **математике** двадцать лет.")
    page.fill("#id_school", "Лицей № 7")
    page.select_option("#id_category", "highest")
    page.fill("#id_experience_years", "20")
    page.fill("#id_interests", "олимпиады, ФГОС")
    with page.expect_navigation():  # the answer, not the address it already has
        page.get_by_role("button", name="Сохранить профиль").click()
    page.wait_for_url("**/settings/profile/")
    assert page.get_by_text("Профиль сохранён.").is_visible()

    # The avatar: a picture by content; the new image shows on the page.
    picture = tmp_path / "me.jpg"
    picture.write_bytes(jpeg_bytes())
    page.set_input_files("#id_avatar", str(picture))
    with page.expect_navigation():  # the answer, not the address it already has
        page.get_by_role("button", name="Загрузить фотографию").click()
    page.wait_for_url("**/settings/profile/")
    assert page.get_by_text("Новая фотография сохранена.").is_visible()
    avatar = Profile.objects.get(user=teacher).avatar
    assert avatar.name
    # Its 96 px copy (made on upload) at the profile settings' size.
    copy = avatar.storage.url(variant_name(avatar.name, 96))
    assert page.locator(f"main img[src='{copy}']").count() == 1
    assert_accessible(page)

    # A blog post, published straight away.
    page.goto("/blog/new/")
    assert_accessible(page)
    page.fill("#id_title", "Дроби на пицце")
    page.fill("#id_body", "Делим **пиццу** на части:\n\n- половины\n- четверти")
    # The editor's preview comes from the site's one renderer.
    page.get_by_role("button", name="Предпросмотр").click()
    page.locator(".markdownx-preview strong").wait_for()
    assert page.locator(".markdownx-preview li").count() == 2
    page.fill("#id_tags", "дроби")
    page.get_by_role("button", name="Опубликовать").click()
    page.wait_for_url("**/u/*/blog/drobi-na-pitstse/")
    assert page.locator(".user-content strong").inner_text() == "пиццу"
    assert_accessible(page)
    assert BlogPost.objects.get(author=teacher).is_published

    # The personal space shows it all.
    page.goto(f"/u/{teacher.username}/")
    assert page.get_by_role("heading", name="Мария Ивановна Сидорова").is_visible()
    assert page.get_by_role("link", name="Дроби на пицце").is_visible()
    assert page.get_by_text("высшая категория").is_visible()
    assert_accessible(page)


def test_personal_space_pages_pass_axe(page, live_server):
    from accounts import services
    from accounts.tests.factories import (
        BlogCommentFactory,
        BlogPostFactory,
        BookmarkFactory,
        FollowFactory,
    )

    teacher = UserFactory()
    colleague = UserFactory()
    post = BlogPostFactory(author=colleague)
    post.tags.set(["дроби"])
    BlogCommentFactory(post=post, author=teacher)
    BlogCommentFactory(post=post)
    services.block_create(blocker=teacher, blocked=post.comments.last().author)
    FollowFactory(follower=teacher, followee=colleague)
    BookmarkFactory(user=teacher, target=post)
    services.follow_create(follower=colleague, followee=teacher)  # a notification
    services.post_publish(post=post, actor=colleague)  # an item in the feed
    services.post_create(author=colleague, title="Ещё запись", body="x", publish=True)
    browser_log_in(page, live_server, teacher)

    for path in (
        "/",
        "/notifications/",
        "/members/",
        f"/u/{colleague.username}/",
        f"/u/{colleague.username}/blog/",
        post.get_absolute_url(),
        f"/u/{colleague.username}/followers/",
        f"/u/{teacher.username}/following/",
        f"/u/{colleague.username}/portfolio/",
        f"/u/{colleague.username}/portfolio/print/",
        "/bookmarks/",
        "/settings/privacy/",
        "/settings/notifications/",
        "/settings/blocked/",
        "/settings/account/",
    ):
        page.goto(path)
        assert_accessible(page)
