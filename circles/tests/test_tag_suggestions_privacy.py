"""Tag suggestions (the same for everyone, cached publicly) never offer a
word used only inside a private community: its topics', its meetings' or
its own tags (issue 22, item 5: tag pages)."""

import pytest
from django.test import Client
from django.urls import reverse

from circles.models import Community
from circles.tests.factories import CommunityFactory
from community.audience import Audience
from community.tags import tag_suggestions
from forums import services as forum_services
from forums.tests.factories import SectionFactory, TopicFactory
from masterclasses.tests.factories import MasterClassFactory

pytestmark = pytest.mark.django_db


def _private() -> Community:
    return CommunityFactory(
        visibility=Community.Visibility.PRIVATE,
        joining=Community.Joining.INVITATION,
    )


def _suggested(prefix: str) -> list[str]:
    response = Client().get(reverse("tag_suggest"), {"q": prefix})
    return response.json()["tags"]


def test_a_private_topics_tag_is_not_suggested_until_used_in_the_open():
    community = _private()
    section = forum_services.group_section_create(
        title=community.name, group_id=community.pk, audience=Audience.GROUP
    )
    TopicFactory(section=section).tags.add("Увольнение директора")

    assert _suggested("увол") == []

    TopicFactory(section=SectionFactory()).tags.add("Увольнение директора")
    assert tag_suggestions(query="увол") == ["Увольнение директора"]


def test_a_members_only_sections_tag_is_not_suggested_to_everyone():
    section = forum_services.group_section_create(
        title="Сообщество", group_id=CommunityFactory().pk, audience=Audience.MEMBERS
    )
    TopicFactory(section=section).tags.add("Аттестация")

    assert tag_suggestions(query="атт") == []


def test_a_private_communitys_own_tags_and_meetings_tags_stay_inside():
    community = _private()
    community.tags.add("Кружок завучей")
    MasterClassFactory(audience=Audience.GROUP, group_id=community.pk).tags.add(
        "Кружковая встреча"
    )

    assert tag_suggestions(query="круж") == []

    CommunityFactory().tags.add("Кружок завучей")
    assert tag_suggestions(query="круж") == ["Кружок завучей"]


def test_a_tag_nothing_carries_is_still_offered():
    from taggit.models import Tag

    Tag.objects.create(name="Дроби", slug="drobi")

    assert tag_suggestions(query="дро") == ["Дроби"]
