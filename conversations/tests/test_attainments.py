"""Consultations given as evidence of growth: the questions she answered,
each naming its line only (never the question or who asked), what is left
out, in a fixed number of queries, and who is told when a question is
answered or its line edited (through the services: ``conversations.changes``)."""

import datetime

import pytest
from django.utils import timezone

from circles.models import Community
from circles.tests.factories import CommunityFactory
from community import attainments
from community.models import Subject
from community.registry import Registry
from conversations import services
from conversations.models import Line, Question
from conversations.services import lines
from conversations.tests.factories import ConversationFactory, EstablishedUserFactory
from conversations.tests.lines_factories import (
    a_subject,
    asked,
    site_moderator,
    subject_expert,
    subject_line,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _items(user):
    return attainments.attainment_source("consultation_given").items(user)


@pytest.fixture
def heard(monkeypatch):
    """Only the test listens."""
    told = []
    monkeypatch.setattr(attainments, "_listeners", Registry())
    attainments.attainments_listen("test", told.append)
    return told


def _line(**fields) -> Line:
    number = Line.objects.count() + 1
    values = {
        "title": f"Консультации № {number}",
        "slug": f"line-{number}",
        "description": "Эксперты отвечают.",
    }
    if "community" not in fields:
        values["subject"] = Subject.objects.get(slug="mathematics")
    values.update(fields)
    return Line.objects.create(**values)


def _question(line, expert, *, status=Question.Status.ANSWERED, at=NOW) -> Question:
    asker = EstablishedUserFactory()
    return Question.objects.create(
        line=line,
        conversation=ConversationFactory(
            owner=asker, subject="Как объяснить дроби?", is_question=True
        ),
        asker=asker,
        expert=expert,
        status=status,
        taken_at=at,
        answered_at=at if status == Question.Status.ANSWERED else None,
    )


def test_the_questions_she_answered_latest_first(member, django_assert_max_num_queries):
    line = _line()
    for minutes in range(55):
        _question(line, member, at=NOW - datetime.timedelta(minutes=minutes))
    _question(line, member, status=Question.Status.TAKEN)
    _question(line, EstablishedUserFactory())  # a colleague's answer

    with django_assert_max_num_queries(1):
        found = _items(member)

    assert len(found) == 55
    assert found[0].occurred_at == NOW
    assert {item.title for item in found} == {line.title}
    assert {item.url for item in found} == {line.get_absolute_url()}
    assert all("дроби" not in item.title for item in found)


def test_a_community_s_line_counts_unnamed_unless_public_and_hidden_never(member):
    public = _line(community=CommunityFactory(visibility=Community.Visibility.PUBLIC))
    private = _line(
        community=CommunityFactory(
            visibility=Community.Visibility.PRIVATE,
            joining=Community.Joining.INVITATION,
        )
    )
    hidden = _line(community=CommunityFactory(is_hidden=True))
    for line in (public, private, hidden):
        _question(line, member)

    found = {item.title: item.url for item in _items(member)}

    assert found.pop(public.title) == public.get_absolute_url()
    assert list(found.values()) == [""]
    assert private.title not in found


# --- Who is told (``conversations.changes``) ---------------------------------------


def test_a_question_answered_is_told_for_its_expert(
    heard, django_capture_on_commit_callbacks
):
    subject = a_subject()
    line = subject_line(site_moderator(), subject)
    expert = subject_expert(subject)
    question = asked(line)

    with django_capture_on_commit_callbacks(execute=True):
        lines.question_take(question=question, expert=expert)
    assert heard == []  # taken, not answered yet

    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(
            conversation=question.conversation, author=expert, body="Ответ эксперта"
        )

    # Then the badge for a first consultation, told on its own.
    assert heard[0] == [expert.pk]
    assert all(ids == [expert.pk] for ids in heard)
    assert [item.title for item in _items(expert)] == [line.title]


def test_a_line_retitled_is_told_for_the_experts_who_answered_in_it(
    heard, member, django_capture_on_commit_callbacks
):
    moderator = site_moderator()
    line = subject_line(moderator, a_subject())
    _question(line, member)
    _question(line, member)
    _question(line, EstablishedUserFactory(), status=Question.Status.TAKEN)

    with django_capture_on_commit_callbacks(execute=True):
        lines.line_update(
            line=line,
            by=moderator,
            title="Дроби: ответы экспертов",
            description=line.description,
            answer_within_days=line.answer_within_days,
            is_active=line.is_active,
        )

    assert heard == [[member.pk]]
    assert {item.title for item in _items(member)} == {"Дроби: ответы экспертов"}


def test_an_open_question_is_told_to_nobody(heard, django_capture_on_commit_callbacks):
    line = _line()
    with django_capture_on_commit_callbacks(execute=True):
        lines.question_ask(
            line=line,
            asker=EstablishedUserFactory(),
            subject="Как объяснить дроби?",
            body="Шестой класс.",
        )

    assert heard == []
