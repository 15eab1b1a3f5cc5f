"""A member's profile keeps to ten queries with more than a page of
followers and posts, for a visitor, a colleague and its owner
(``query_budget``). The blog post's budget is kept in ``test_blog_views``,
the bookmarks' in ``test_bookmarks``."""

import pytest
from django.urls import reverse

from accounts import services
from accounts.tests.factories import (
    BlockFactory,
    BlogPostFactory,
    FollowFactory,
    UserFactory,
)
from community.models import Grade, Subject
from community.tests.query_budget import MANY, signed_in, within_budget

pytestmark = pytest.mark.django_db


@pytest.fixture
def followed_teacher():
    """Followed by 55, following 55, 55 posts, subjects, grades, interests."""
    teacher = UserFactory()
    FollowFactory.create_batch(MANY, followee=teacher)
    FollowFactory.create_batch(MANY, follower=teacher)
    BlogPostFactory.create_batch(MANY, author=teacher)
    services.profile_update(
        profile=teacher.profile,
        subjects=Subject.objects.all()[:5],
        grades=Grade.objects.all()[:4],
        interests=[f"тема {number}" for number in range(10)],
    )
    return teacher


@pytest.mark.parametrize("who", ["visitor", "colleague", "blocked", "owner"])
def test_a_profile_keeps_its_budget(
    followed_teacher, settings, django_assert_max_num_queries, who
):
    user = followed_teacher if who == "owner" else None
    if who in ("colleague", "blocked"):
        user = UserFactory()
        FollowFactory(follower=user, followee=followed_teacher)
    if who == "blocked":
        BlockFactory(blocker=followed_teacher, blocked=user)
    client = signed_in(settings, user)

    response = within_budget(
        client,
        reverse("accounts:profile", args=[followed_teacher.username]),
        django_assert_max_num_queries,
    )

    profile = response.context["space_profile"]
    assert profile.follower_count == MANY + (who in ("colleague", "blocked"))
    assert profile.following_count == MANY
    assert response.context["is_following"] is (who in ("colleague", "blocked"))
    # Whether the member may write, and why not, from one answer.
    page = response.content.decode()
    assert (reverse("conversations:compose") in page) is (who == "colleague")
    assert ("Один из вас заблокировал другого." in page) is (who == "blocked")
