"""Following and blocking: services, buttons, lists, and what a block closes."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts import permissions, services
from accounts.models import Block, Follow
from accounts.tests.factories import BlockFactory, FollowFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_follow_create_is_idempotent(member):
    other = UserFactory()

    services.follow_create(follower=member, followee=other)
    services.follow_create(follower=member, followee=other)

    assert Follow.objects.filter(follower=member, followee=other).count() == 1


def test_follow_create_refuses_self_and_blockers(member):
    blocker = UserFactory()
    BlockFactory(blocker=blocker, blocked=member)

    for target in (member, blocker):
        with pytest.raises(ValidationError):
            services.follow_create(follower=member, followee=target)
    assert not Follow.objects.exists()


def test_follow_delete_removes_only_that_follow(member):
    one, two = UserFactory(), UserFactory()
    FollowFactory(follower=member, followee=one)
    FollowFactory(follower=member, followee=two)

    services.follow_delete(follower=member, followee=one)

    assert list(Follow.objects.values_list("followee", flat=True)) == [two.pk]


def test_block_create_ends_follows_both_ways(member):
    other = UserFactory()
    FollowFactory(follower=member, followee=other)
    FollowFactory(follower=other, followee=member)

    services.block_create(blocker=member, blocked=other)
    services.block_create(blocker=member, blocked=other)

    assert not Follow.objects.exists()
    assert Block.objects.filter(blocker=member, blocked=other).count() == 1


def test_block_create_refuses_self(member):
    with pytest.raises(ValidationError):
        services.block_create(blocker=member, blocked=member)


def test_block_delete(member):
    other = UserFactory()
    BlockFactory(blocker=member, blocked=other)

    services.block_delete(blocker=member, blocked=other)

    assert not Block.objects.exists()


def test_blocked_member_cannot_mention_message_follow_or_comment(member):
    from accounts.tests.factories import BlogPostFactory

    blocker = UserFactory()
    post = BlogPostFactory(author=blocker)
    assert permissions.can_mention_member(member, blocker)
    assert permissions.can_message_member(member, blocker)

    BlockFactory(blocker=blocker, blocked=member)

    assert not permissions.can_mention_member(member, blocker)
    assert not permissions.can_message_member(member, blocker)
    assert not permissions.can_follow_member(member, blocker)
    assert not permissions.can_comment_post(member, post)
    # The blocker is not silenced in return.
    assert permissions.can_mention_member(blocker, member)


def test_follow_toggle_view_follows_and_unfollows(member_client, member):
    other = UserFactory()
    toggle = reverse("accounts:follow_toggle", kwargs={"username": other.username})

    response = member_client.post(toggle)
    assert response.status_code == 302
    assert response.url == other.get_absolute_url()
    assert Follow.objects.filter(follower=member, followee=other).exists()

    member_client.post(toggle, {"action": "unfollow"})
    assert not Follow.objects.exists()


def test_follow_toggle_view_ignores_foreign_next(member_client):
    other = UserFactory()
    toggle = reverse("accounts:follow_toggle", kwargs={"username": other.username})

    response = member_client.post(toggle, {"next": "https://evil.example/"})

    assert response.url == other.get_absolute_url()


def test_follow_toggle_view_refused_by_blocker_shows_message(member_client, member):
    blocker = UserFactory()
    BlockFactory(blocker=blocker, blocked=member)
    toggle = reverse("accounts:follow_toggle", kwargs={"username": blocker.username})

    response = member_client.post(toggle, follow=True)

    assert response.status_code == 200
    assert not Follow.objects.exists()
    assert list(response.context["messages"])


def test_follow_toggle_needs_login_and_post(client, member):
    toggle = reverse("accounts:follow_toggle", kwargs={"username": member.username})

    assert client.post(toggle).status_code == 302
    assert not Follow.objects.exists()
    client.force_login(UserFactory())
    assert client.get(toggle).status_code == 405


def test_follow_toggle_unknown_member_is_404(member_client):
    toggle = reverse("accounts:follow_toggle", kwargs={"username": "nobody"})

    assert member_client.post(toggle).status_code == 404


def test_block_toggle_view_blocks_and_unblocks(member_client, member):
    other = UserFactory()
    toggle = reverse("accounts:block_toggle", kwargs={"username": other.username})

    member_client.post(toggle, {"action": "block"})
    assert Block.objects.filter(blocker=member, blocked=other).exists()
    member_client.post(toggle, {"action": "unblock"})
    assert not Block.objects.exists()


def test_block_toggle_on_oneself_is_404(member_client, member):
    toggle = reverse("accounts:block_toggle", kwargs={"username": member.username})

    assert member_client.post(toggle).status_code == 404


def test_profile_header_offers_follow_and_block_to_members_only(member_client, member):
    other = UserFactory()
    page = other.get_absolute_url()
    follow_url = reverse("accounts:follow_toggle", kwargs={"username": other.username})

    assert follow_url not in Client().get(page).content.decode()
    assert follow_url in member_client.get(page).content.decode()
    own = member_client.get(member.get_absolute_url()).content.decode()
    assert (
        reverse("accounts:follow_toggle", kwargs={"username": member.username})
        not in own
    )


def test_follower_and_following_lists(client):
    star = UserFactory(profile__display_name="Звезда")
    fan = UserFactory(profile__display_name="Поклонник")
    FollowFactory(follower=fan, followee=star)

    followers = client.get(reverse("accounts:followers", args=[star.username]))
    following = client.get(reverse("accounts:following", args=[fan.username]))

    assert [p.display_name for p in followers.context["page_obj"]] == ["Поклонник"]
    assert [p.display_name for p in following.context["page_obj"]] == ["Звезда"]


@pytest.mark.parametrize("name", ["followers", "following"])
def test_follow_lists_query_count_does_not_grow(
    client, name, django_assert_max_num_queries
):
    star = UserFactory()
    for user in UserFactory.create_batch(55):
        if name == "followers":
            FollowFactory(follower=user, followee=star)
        else:
            FollowFactory(follower=star, followee=user)

    with django_assert_max_num_queries(8):
        response = client.get(reverse(f"accounts:{name}", args=[star.username]))

    assert response.context["page_obj"].paginator.count == 55
    assert len(response.context["page_obj"]) == 20


def test_blocked_list_is_private_and_paginated(
    member_client, member, django_assert_max_num_queries
):
    for user in UserFactory.create_batch(55):
        BlockFactory(blocker=member, blocked=user)

    with django_assert_max_num_queries(8):
        response = member_client.get(reverse("accounts:blocked_list"))

    assert len(response.context["page_obj"]) == 20
    assert Client().get(reverse("accounts:blocked_list")).status_code == 302
