"""The personal space and settings read in Russian, for visitors and the owner."""

import pytest
from django.urls import reverse

from accounts import services
from accounts.tests.factories import BlogCommentFactory, BlogPostFactory, UserFactory
from community.models import Subject
from community.tests.test_i18n import english_words

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(member):
    services.profile_update(
        profile=member.profile,
        about="Учу детей",
        category="first",
        is_methodist=True,
        experience_years=11,
        subjects=[Subject.objects.get(slug="mathematics")],
        interests=["дроби"],
    )
    post = BlogPostFactory(author=member)
    post.tags.set(["дроби"])
    BlogCommentFactory(post=post)
    BlogPostFactory(author=member, status="draft", published_at=None)
    return member, post


def pages(member, post) -> list[str]:
    name = member.username
    return [
        reverse("accounts:profile", args=[name]),
        reverse("accounts:blog", args=[name]),
        post.get_absolute_url(),
        reverse("accounts:post_edit", args=[name, post.slug]),
        reverse("accounts:portfolio", args=[name]),
        reverse("accounts:portfolio_print", args=[name]),
        reverse("accounts:followers", args=[name]),
        reverse("accounts:following", args=[name]),
        reverse("accounts:directory"),
        reverse("accounts:bookmarks"),
        reverse("accounts:post_create"),
        reverse("accounts:settings_profile"),
        reverse("accounts:settings_privacy"),
        reverse("accounts:settings_notifications"),
        reverse("accounts:settings_devices"),
        reverse("accounts:blocked_list"),
        reverse("accounts:settings_account"),
    ]


def test_owner_pages_read_in_russian(client, filled):
    member, post = filled
    client.force_login(member)

    for url in pages(member, post):
        response = client.get(url)
        assert response.status_code == 200, url
        assert english_words(response.content.decode()) == set(), url


def test_visitor_pages_read_in_russian(client, filled):
    member, post = filled
    client.force_login(UserFactory())

    for url in pages(member, post)[:3] + pages(member, post)[4:9]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert english_words(response.content.decode()) == set(), url
