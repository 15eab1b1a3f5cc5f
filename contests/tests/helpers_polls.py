"""Polls for the tests: made through the services, on topics of the forums'
factories; a community's section made as the communities' services make it."""

from dataclasses import dataclass

import pytest

from accounts.tests.factories import UserFactory
from community.audience import Audience
from contests.models import Poll, PollOption
from contests.services import polls as services
from forums.models import Section, Topic
from forums.tests.factories import SectionFactory, TopicFactory

ANSWERS = ["Да", "Нет", "Пока не решила"]


@pytest.fixture(autouse=True)
def polls_registered():
    """The topic page's poll block and the audit names (registering twice
    changes nothing): in place whether or not the app's hooks call them."""
    from contests import hooks_polls

    hooks_polls.register()


def topic_made(**fields) -> Topic:
    return TopicFactory(**fields)


def poll_made(
    topic: Topic | None = None,
    *,
    kind: str = Poll.Kind.SINGLE,
    options=ANSWERS,
    author=None,
    **fields,
) -> Poll:
    """A poll by the topic's author (``author`` otherwise) through the service."""
    topic = topic or topic_made()
    return services.poll_create(
        topic=topic,
        author=author or topic.author,
        question=fields.pop("question", "Переходим на пятидневку?"),
        kind=kind,
        options=options,
        **fields,
    )


def options_of(poll: Poll) -> list[PollOption]:
    return list(PollOption.objects.filter(poll=poll).order_by("position", "pk"))


def fresh(poll: Poll) -> Poll:
    return Poll.objects.select_related("topic__section").get(pk=poll.pk)


def counts(poll: Poll) -> tuple[int, list[int]]:
    """The voters and each option's votes, as kept."""
    poll = fresh(poll)
    return poll.voter_count, [option.vote_count for option in options_of(poll)]


def vote(poll: Poll, voter, *positions: int):
    """``voter`` votes for the options at ``positions`` (0 first)."""
    options = options_of(poll)
    return services.poll_vote(
        poll=fresh(poll), voter=voter, option_ids=[options[i].pk for i in positions]
    )


def voters_made(poll: Poll, count: int, position: int = 0) -> list:
    members = UserFactory.create_batch(count)
    for member in members:
        vote(poll, member, position)
    return members


@dataclass
class Group:
    community: object
    section: Section
    member: object  # a member of the community, the topic's author
    topic: Topic


def group_made(audience: str = Audience.MEMBERS, **community_fields) -> Group:
    """A community with its forum section (readable by every member of
    Kollegi unless ``audience`` says otherwise) and a member's topic."""
    from circles.tests.factories import CommunityFactory, MembershipFactory
    from forums import services as forums

    community = CommunityFactory(**community_fields)
    member = MembershipFactory(community=community).user
    section = forums.group_section_create(
        title=community.name, group_id=community.pk, audience=audience
    )
    topic = TopicFactory(section=section, author=member)
    return Group(community, section, member, topic)


def site_section(**fields) -> Section:
    return SectionFactory(**fields)
