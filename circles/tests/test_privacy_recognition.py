"""Recognition never shows what a private community holds: the badges pages
and members of the month name members and numbers, not its name or topics
(issue 22, item 5: badges pages, members of the month)."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from circles.models import Community
from circles.recognition import FOUNDED_MEMBERS
from circles.tests.factories import (
    CommunityFactory,
    EstablishedUserFactory,
    MembershipFactory,
)
from community.audience import Audience
from community.recognition import badges_evaluate, contributions_compute
from forums import services as forum_services
from forums.tests.factories import PostFactory, TopicFactory

pytestmark = pytest.mark.django_db

SECRET_NAME = "Кружок тайных методистов"
SECRET_TOPIC = "Разбор уроков директора школы № 5"


def _private_grown(founder) -> Community:
    community = CommunityFactory(
        founder=founder,
        name=SECRET_NAME,
        visibility=Community.Visibility.PRIVATE,
        joining=Community.Joining.INVITATION,
        member_count=FOUNDED_MEMBERS - 1,
    )
    community.section = forum_services.group_section_create(
        title=community.name, group_id=community.pk, audience=Audience.GROUP
    )
    community.save(update_fields=["section"])
    return community


def test_the_founders_badge_page_does_not_name_a_private_community():
    founder = UserFactory()
    _private_grown(founder)
    assert badges_evaluate(user_ids=[founder.pk]) != []

    for viewer in (None, UserFactory()):
        client = Client()
        if viewer:
            client.force_login(viewer)
        for url in (
            reverse("badges"),
            reverse("badge", args=["community-founder"]),
            founder.get_absolute_url(),
        ):
            body = client.get(url).content.decode()
            assert SECRET_NAME not in body, url
    # The founder is there: the page does show the badge's holders.
    page = Client().get(reverse("badge", args=["community-founder"]))
    assert founder.profile.shown_name in page.content.decode()


def test_members_of_the_month_count_private_posts_but_never_show_them():
    founder = EstablishedUserFactory()
    colleague = EstablishedUserFactory()
    community = _private_grown(founder)
    MembershipFactory(community=community, user=colleague)
    topic = TopicFactory(section=community.section, author=founder, title=SECRET_TOPIC)
    reply = PostFactory(topic=topic, author=founder, number=2)
    forum_services.reaction_set(post=reply, user=colleague, kind="useful", on=True)
    today = timezone.localdate()
    assert contributions_compute(month=today.replace(day=1)) >= 1

    body = Client().get(reverse("members_of_the_month")).content.decode()
    assert founder.profile.shown_name in body
    assert SECRET_TOPIC not in body
    assert SECRET_NAME not in body
