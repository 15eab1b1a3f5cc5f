"""Consultation lines for tests, made through the services.

- ``subject_expert(subject)``: a member of the Experts group teaching it;
- ``subject_line(moderator, subject)``: a subject's line, made by a site
  moderator;
- ``community_line(community)``: a community's line, made by its owner;
- ``asked(line, asker)``: a question asked through ``question_ask``.
"""

from accounts import services as accounts
from circles.models import Membership
from circles.tests.factories import CommunityFactory, MembershipFactory
from community.models import Subject
from conversations.services import lines
from conversations.tests.factories import EstablishedUserFactory


def a_subject(position: int = 0) -> Subject:
    return Subject.objects.order_by("position", "slug")[position]


def subject_expert(subject: Subject, **fields):
    """An expert (the Experts group) who teaches ``subject``."""
    user = EstablishedUserFactory(**fields)
    accounts.user_grant_role(user=user, role=accounts.EXPERTS)
    user.profile.subjects.add(subject)
    return user


def site_moderator():
    user = EstablishedUserFactory()
    return accounts.user_grant_role(user=user, role=accounts.MODERATORS)


def subject_line(moderator, subject: Subject, **fields):
    values = {
        "title": f"Консультации: {subject.name_ru}",
        "description": "Эксперты отвечают на **вопросы** коллег.",
        "answer_within_days": 3,
    }
    values.update(fields)
    return lines.line_create(by=moderator, subject=subject, **values)


def community_with_moderator(**fields):
    """A community (its founder the owner) with one moderator and one member:
    (community, moderator, member)."""
    community = CommunityFactory(**fields)
    moderator = MembershipFactory(
        community=community,
        user=EstablishedUserFactory(),
        role=Membership.Role.MODERATOR,
    ).user
    member = MembershipFactory(community=community, user=EstablishedUserFactory()).user
    return community, moderator, member


def community_line(community, **fields):
    values = {
        "title": f"Линия сообщества {community.name}",
        "description": "Модераторы отвечают участникам.",
        "answer_within_days": 2,
    }
    values.update(fields)
    return lines.line_create(by=community.founder, community=community, **values)


def asked(line, asker=None, *, subject: str = "Как объяснить дроби?", body=None):
    return lines.question_ask(
        line=line,
        asker=asker or EstablishedUserFactory(),
        subject=subject,
        body=body or "Шестой класс, не понимают общий знаменатель.",
    )
