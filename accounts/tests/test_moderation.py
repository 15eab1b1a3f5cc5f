"""Reported blog posts, comments and profiles: moderators hide them, colleagues'
reports hide them for a while, a dismissal shows them again."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts import services
from accounts.models import BlogComment, BlogPost, Profile
from accounts.tests.factories import BlogCommentFactory, BlogPostFactory, UserFactory
from community import reporting
from community.models import ActivityEvent, AuditEntry, Report

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _established():
    return UserFactory(date_joined=timezone.now() - datetime.timedelta(days=60))


def _report(key: str, item, reporter=None) -> Report:
    return reporting.report_create(
        reporter=reporter or UserFactory(), key=key, object_id=item.pk, reason="spam"
    )


def _post_url(post: BlogPost) -> str:
    return reverse(
        "accounts:post_detail",
        kwargs={"username": post.author.username, "slug": post.slug},
    )


def _blog_url(user) -> str:
    return reverse("accounts:blog", kwargs={"username": user.username})


def _profile_url(user) -> str:
    return reverse("accounts:profile", kwargs={"username": user.username})


def _shown(msgid: str) -> str:
    """How the (Russian) pages say it."""
    with translation.override("ru"):
        return translation.gettext(msgid)


HIDDEN = "hidden by a moderator"
PROFILE_HIDDEN = "This profile is hidden by a moderator"


def _in_feed(target) -> bool:
    return ActivityEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk
    ).exists()


@pytest.fixture
def post():
    return services.post_create(
        author=UserFactory(),
        title="Обидная заметка",
        body="Грубые слова о коллегах",
        publish=True,
    )


# --- Blog posts -----------------------------------------------------------------


def test_a_reported_post_hidden_by_a_moderator_is_gone_for_others(moderator, post):
    reader = UserFactory()
    assert _in_feed(post)

    report = _report("blog_post", post)
    reporting.report_resolve(report=report, moderator=moderator, hide=True)

    post.refresh_from_db()
    assert post.is_hidden
    assert not _in_feed(post)
    assert AuditEntry.objects.filter(
        action="blog_post_hide", actor=moderator, target_id=post.pk
    ).exists()
    # Others: a 404, and the post is gone from the blog and the profile.
    assert _client().get(_post_url(post)).status_code == 404
    assert _client(reader).get(_post_url(post)).status_code == 404
    for url in (_blog_url(post.author), _profile_url(post.author)):
        assert post.title not in _client(reader).get(url).content.decode()
    assert post not in BlogPost.objects.published()
    assert post not in BlogPost.objects.visible_to(reader)
    # The author sees it with the notice; so does a moderator.
    for user in (post.author, moderator):
        page = _client(user).get(_post_url(post))
        assert page.status_code == 200
        assert _shown(HIDDEN) in page.content.decode()
        assert post.title in _client(user).get(_blog_url(post.author)).content.decode()


def test_a_hidden_post_cannot_be_reported_again_or_commented(moderator, post):
    services.post_hide(post=post, moderator=moderator, reason="Грубость")

    with pytest.raises(ObjectDoesNotExist):
        _report("blog_post", post)
    assert (
        _client(UserFactory())
        .get(reverse("report", args=["blog_post", post.pk]))
        .status_code
        == 404
    )
    comment_url = reverse(
        "accounts:comment_create",
        kwargs={"username": post.author.username, "slug": post.slug},
    )
    response = _client(UserFactory()).post(comment_url, {"body": "Комментарий"})
    assert response.status_code == 404
    assert not BlogComment.objects.exists()


def test_reports_hide_a_post_until_a_moderator_dismisses_them(
    settings, moderator, post
):
    settings.MODERATION_AUTOHIDE_REPORTS = 2
    _report("blog_post", post, _established())
    report = _report("blog_post", post, _established())

    post.refresh_from_db()
    assert post.is_hidden
    assert not _in_feed(post)
    assert AuditEntry.objects.filter(action="blog_post_hide", actor=None).exists()
    assert _client(UserFactory()).get(_post_url(post)).status_code == 404

    reporting.report_resolve(report=report, moderator=moderator, hide=False)

    post.refresh_from_db()
    assert not post.is_hidden
    assert _in_feed(post)
    assert _client(UserFactory()).get(_post_url(post)).status_code == 200


def test_only_moderators_hide_posts(post, member):
    for user in (member, post.author):
        with pytest.raises(PermissionDenied):
            services.post_hide(post=post, moderator=user, reason="")
    post.refresh_from_db()
    assert not post.is_hidden


def test_a_moderator_shows_a_hidden_post_again(moderator, post):
    services.post_hide(post=post, moderator=moderator, reason="Ошибка")
    services.post_hide(post=post, moderator=moderator, reason="", hidden=False)

    post.refresh_from_db()
    assert not post.is_hidden
    assert _in_feed(post)
    assert AuditEntry.objects.filter(action="blog_post_restore").exists()


def test_republishing_a_hidden_post_keeps_it_out_of_the_feeds(moderator, post):
    services.post_hide(post=post, moderator=moderator, reason="Грубость")
    services.post_unpublish(post=post, actor=post.author)
    services.post_publish(post=post, actor=post.author)

    post.refresh_from_db()
    assert post.is_hidden
    assert not _in_feed(post)
    assert _client(UserFactory()).get(_post_url(post)).status_code == 404


def test_the_report_link_is_on_others_posts_only(post):
    link = reverse("report", args=["blog_post", post.pk])

    assert link in _client(UserFactory()).get(_post_url(post)).content.decode()
    assert link not in _client(post.author).get(_post_url(post)).content.decode()
    assert link not in _client().get(_post_url(post)).content.decode()


def test_moderators_hide_and_show_posts_in_admin(moderator, post):
    changelist = reverse("admin:accounts_blogpost_changelist")
    client = _client(moderator)

    hidden = client.post(
        changelist, {"action": "hide_selected", "_selected_action": [post.pk]}
    )
    post.refresh_from_db()
    assert hidden.status_code == 302
    assert post.is_hidden
    assert client.get(changelist + "?is_hidden__exact=1").status_code == 200

    client.post(changelist, {"action": "show_selected", "_selected_action": [post.pk]})
    post.refresh_from_db()
    assert not post.is_hidden


# --- Blog comments --------------------------------------------------------------


@pytest.fixture
def comment(post):
    return services.comment_create(
        post=post, author=UserFactory(), body="Обидный комментарий"
    )


def test_a_hidden_comment_is_gone_for_others_and_not_counted(moderator, comment):
    post = comment.post
    post.refresh_from_db()
    assert post.comment_count == 1

    report = _report("blog_comment", comment)
    assert report.target_url == comment.get_absolute_url()
    reporting.report_resolve(report=report, moderator=moderator, hide=True)

    comment.refresh_from_db()
    post.refresh_from_db()
    assert comment.is_hidden
    assert post.comment_count == 0
    assert AuditEntry.objects.filter(action="blog_comment_hide").exists()
    for reader in (None, UserFactory(), post.author):
        assert "Обидный" not in _client(reader).get(_post_url(post)).content.decode()
    for user in (comment.author, moderator):
        page = _client(user).get(_post_url(post)).content.decode()
        assert "Обидный" in page
        assert _shown(HIDDEN) in page
    # Gone for good from the report form, and deleting it does not count twice.
    with pytest.raises(ObjectDoesNotExist):
        _report("blog_comment", comment)
    services.comment_delete(comment=comment, actor=comment.author)
    post.refresh_from_db()
    assert post.comment_count == 0


def test_reports_hide_a_comment_until_a_moderator_dismisses_them(
    settings, moderator, comment
):
    settings.MODERATION_AUTOHIDE_REPORTS = 1
    report = _report("blog_comment", comment, _established())

    comment.refresh_from_db()
    assert comment.is_hidden
    assert BlogPost.objects.get(pk=comment.post_id).comment_count == 0

    reporting.report_resolve(report=report, moderator=moderator, hide=False)

    comment.refresh_from_db()
    assert not comment.is_hidden
    assert BlogPost.objects.get(pk=comment.post_id).comment_count == 1


def test_only_moderators_hide_comments(comment):
    for user in (comment.author, comment.post.author, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.comment_hide(comment=comment, moderator=user, reason="")
    assert not BlogComment.objects.get(pk=comment.pk).is_hidden


def test_the_report_link_is_on_others_comments_only(comment):
    link = reverse("report", args=["blog_comment", comment.pk])
    url = _post_url(comment.post)

    assert link in _client(UserFactory()).get(url).content.decode()
    assert link not in _client(comment.author).get(url).content.decode()


def test_moderators_hide_comments_in_admin(moderator):
    comment = BlogCommentFactory()

    _client(moderator).post(
        reverse("admin:accounts_blogcomment_changelist"),
        {"action": "hide_selected", "_selected_action": [comment.pk]},
    )

    comment.refresh_from_db()
    assert comment.is_hidden


def test_the_post_page_keeps_its_queries_with_hidden_comments(
    moderator, django_assert_max_num_queries
):
    post = BlogPostFactory()
    for comment in BlogCommentFactory.create_batch(30, post=post):
        services.comment_hide(comment=comment, moderator=moderator, reason="")
    BlogCommentFactory.create_batch(30, post=post)
    client = _client(moderator)

    with django_assert_max_num_queries(20):
        page = client.get(_post_url(post))

    assert len(page.context["page_obj"]) == 50


# --- Profiles -------------------------------------------------------------------


@pytest.fixture
def profile():
    user = UserFactory()
    services.profile_update(
        profile=user.profile, about="Оскорбительный текст", school="Лицей № 1"
    )
    user.profile.refresh_from_db()
    return user.profile


def test_a_hidden_profile_shows_only_the_name_to_others(moderator, profile):
    report = _report("profile", profile)
    assert report.target_url == _profile_url(profile.user)
    reporting.report_resolve(report=report, moderator=moderator, hide=True)

    profile.refresh_from_db()
    assert profile.is_hidden
    assert AuditEntry.objects.filter(action="profile_hide", actor=moderator).exists()
    url = _profile_url(profile.user)
    for reader in (None, UserFactory()):
        page = _client(reader).get(url)
        content = page.content.decode()
        assert page.status_code == 200
        assert profile.display_name in content
        assert _shown(PROFILE_HIDDEN) in content
        assert "Оскорбительный" not in content
        assert "Лицей" not in content
    for user in (profile.user, moderator):
        content = _client(user).get(url).content.decode()
        assert "Оскорбительный" in content
        assert _shown(PROFILE_HIDDEN) in content
    # Out of the directory, and not reported again.
    directory = _client(UserFactory()).get(reverse("accounts:directory"))
    assert profile not in directory.context["page_obj"].object_list
    with pytest.raises(ObjectDoesNotExist):
        _report("profile", profile)


def test_a_hidden_profiles_picture_shows_to_its_owner_only(moderator, profile):
    Profile.objects.filter(pk=profile.pk).update(avatar="avatars/rude.png")
    profile.refresh_from_db()
    services.profile_hide(profile=profile, moderator=moderator, reason="Аватар")
    comment = BlogCommentFactory(author=profile.user)
    url = _post_url(comment.post)

    assert "avatars/rude.png" not in _client(UserFactory()).get(url).content.decode()
    assert "avatars/rude.png" in _client(profile.user).get(url).content.decode()
    profile_url = _profile_url(profile.user)
    assert "avatars/rude.png" in _client(moderator).get(profile_url).content.decode()
    assert "avatars/rude.png" not in _client().get(profile_url).content.decode()


def test_reports_hide_a_profile_until_a_moderator_dismisses_them(
    settings, moderator, profile
):
    settings.MODERATION_AUTOHIDE_REPORTS = 1
    report = _report("profile", profile, _established())

    assert Profile.objects.get(pk=profile.pk).is_hidden
    assert AuditEntry.objects.filter(action="profile_hide", actor=None).exists()

    reporting.report_resolve(report=report, moderator=moderator, hide=False)

    assert not Profile.objects.get(pk=profile.pk).is_hidden
    content = _client().get(_profile_url(profile.user)).content.decode()
    assert "Оскорбительный" in content


def test_only_moderators_hide_profiles(profile, member):
    for user in (member, profile.user):
        with pytest.raises(PermissionDenied):
            services.profile_hide(profile=profile, moderator=user, reason="")
    assert not Profile.objects.get(pk=profile.pk).is_hidden


def test_the_report_link_is_on_others_profiles_only(profile):
    link = reverse("report", args=["profile", profile.pk])
    url = _profile_url(profile.user)

    assert link in _client(UserFactory()).get(url).content.decode()
    assert link not in _client(profile.user).get(url).content.decode()


def test_moderators_hide_and_show_profiles_in_admin(moderator, profile):
    changelist = reverse("admin:accounts_profile_changelist")
    client = _client(moderator)

    client.post(
        changelist, {"action": "hide_selected", "_selected_action": [profile.pk]}
    )
    assert Profile.objects.get(pk=profile.pk).is_hidden
    client.post(
        changelist, {"action": "show_selected", "_selected_action": [profile.pk]}
    )
    assert not Profile.objects.get(pk=profile.pk).is_hidden
