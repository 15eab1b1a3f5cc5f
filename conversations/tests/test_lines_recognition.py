"""What answering consultations earns and where others see it: the portfolio's
«Консультации», the badge measure and its badge, the members of the month;
the notification kinds; the admin's lines for moderators (and no admin for
conversations)."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from accounts.portfolio import portfolio_for
from circles.models import Community
from community import recognition
from community.models import BadgeAward, MonthlyContribution
from community.notifications import notification_kind
from conversations import kinds, services
from conversations.models import Conversation, Line, Message, Participant, Question
from conversations.selectors_lines import (
    ANSWER_POINTS,
    consultations_given,
    contribution,
)
from conversations.services import lines
from conversations.tests.factories import EstablishedUserFactory
from conversations.tests.lines_factories import (
    a_subject,
    asked,
    community_line,
    community_with_moderator,
    site_moderator,
    subject_expert,
    subject_line,
)

pytestmark = pytest.mark.django_db


def _answer(question, expert, body: str = "Ответ эксперта") -> Question:
    lines.question_take(question=question, expert=expert)
    services.message_send(conversation=question.conversation, author=expert, body=body)
    question.refresh_from_db()
    return question


@pytest.fixture
def subject():
    return a_subject()


@pytest.fixture
def line(subject):
    return subject_line(site_moderator(), subject, title="Физика: ОГЭ")


@pytest.fixture
def expert(subject):
    return subject_expert(subject)


def _consultations(user, viewer):
    return next(
        (items for section, items in portfolio_for(user, viewer)
         if section.key == "consultations"),
        [],
    )  # fmt: skip


# --- The measure and the portfolio --------------------------------------------------


def test_answered_questions_count_in_the_measure_and_the_portfolio(line, expert):
    for _number in range(2):
        _answer(asked(line), expert)
    lines.question_take(question=asked(line), expert=expert)  # taken, not answered
    asked(line)  # waiting

    assert consultations_given([expert.pk]) == {expert.pk: 2}
    (item,) = _consultations(expert, AnonymousUser())
    assert item.title == "Физика: ОГЭ"
    assert item.url == reverse("lines:detail", args=[line.slug])
    assert "2" in item.detail
    # Never a question's subject: they are private.
    assert "дроби" not in item.title + item.detail


def test_the_portfolio_page_shows_consultations(client, line, expert):
    _answer(asked(line), expert)

    response = client.get(reverse("accounts:portfolio", args=[expert.username]))

    assert response.status_code == 200
    assert "Физика: ОГЭ" in response.content.decode()


def test_a_private_communitys_consultations_are_hidden_from_outsiders():
    community, moderator, member = community_with_moderator(
        visibility=Community.Visibility.PRIVATE,
        joining=Community.Joining.INVITATION,
    )
    line = community_line(community, title="Тайная линия")
    _answer(asked(line, member), moderator)

    assert consultations_given([moderator.pk]) == {moderator.pk: 1}
    assert _consultations(moderator, AnonymousUser()) == []
    assert _consultations(moderator, EstablishedUserFactory()) == []
    (item,) = _consultations(moderator, member)
    assert item.title == "Тайная линия"


def test_answering_earns_the_consultant_badge(
    line, expert, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _answer(asked(line), expert)
    recognition.badges_evaluate(
        user_ids=[expert.pk], measures=[kinds.CONSULTATIONS_GIVEN]
    )

    assert BadgeAward.objects.filter(user=expert, badge__key="consultant").exists()


# --- Members of the month ---------------------------------------------------------


def test_answers_of_the_month_count_for_the_members_of_the_month(line, expert):
    _answer(asked(line), expert)
    community, moderator, member = community_with_moderator(
        visibility=Community.Visibility.PRIVATE,
        joining=Community.Joining.INVITATION,
    )
    _answer(asked(community_line(community), member), moderator)
    now = timezone.now()
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)

    points = contribution(start, now + datetime.timedelta(minutes=1))

    assert points == {expert.pk: ANSWER_POINTS}
    assert contribution(start - datetime.timedelta(days=40), start) == {}
    recognition.contributions_compute(month=now.date())
    assert MonthlyContribution.objects.get(user=expert).points >= ANSWER_POINTS
    assert not MonthlyContribution.objects.filter(user=moderator).exists()


# --- Notification kinds -----------------------------------------------------------


def test_every_line_kind_obeys_the_messages_switch():
    for key in (
        kinds.LINE_QUESTION,
        kinds.LINE_TAKEN,
        kinds.LINE_HANDED_OVER,
        kinds.LINE_REMINDER,
        kinds.LINE_RELEASED,
    ):
        assert notification_kind(key).preference == "messages"


def test_a_member_who_switched_messages_off_hears_nothing_of_the_line(line, expert):
    from accounts.models import NotificationSetting

    NotificationSetting.objects.create(
        user=expert, kind=NotificationSetting.Kind.MESSAGES, delivery="off"
    )
    asked(line)

    assert not expert.notifications.exists()


# --- The admin ----------------------------------------------------------------------


def test_only_lines_are_in_the_admin():
    registered = set(admin.site._registry)

    assert Line in registered
    assert not {Conversation, Message, Participant, Question} & registered


def test_a_site_moderator_makes_and_edits_a_line_in_the_admin(client, subject):
    moderator = site_moderator()
    client.force_login(moderator)

    response = client.post(
        reverse("admin:conversations_line_add"),
        {
            "title": "Химия: ЕГЭ",
            "subject": subject.pk,
            "community": "",
            "description": "**Спрашивайте**",
            "answer_within_days": 5,
            "is_active": "on",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    line = Line.objects.get()
    assert line.slug == "khimiia-ege"
    assert line.created_by == moderator
    assert "<strong>Спрашивайте</strong>" in line.description_html
    change = reverse("admin:conversations_line_change", args=[line.pk])
    assert client.get(change).status_code == 200
    response = client.post(
        change,
        {"title": "Химия", "description": "Иначе", "answer_within_days": 2},
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.title, line.is_active, line.description_html) == (
        "Химия",
        False,
        "<p>Иначе</p>",
    )


def test_a_line_in_the_admin_needs_one_owner(client, subject):
    community, _moderator, _member = community_with_moderator()
    client.force_login(site_moderator())

    response = client.post(
        reverse("admin:conversations_line_add"),
        {
            "title": "Обе",
            "subject": subject.pk,
            "community": community.pk,
            "description": "Т",
            "answer_within_days": 5,
        },
    )

    assert response.status_code == 200
    assert not Line.objects.exists()


def test_moderators_hold_the_lines_permissions(subject):
    moderator = site_moderator()

    assert moderator.has_perm("conversations.change_line")
    assert moderator.has_perm("conversations.add_line")
    assert not moderator.has_perm("conversations.delete_line")
    assert not subject_expert(subject).has_perm("conversations.change_line")
