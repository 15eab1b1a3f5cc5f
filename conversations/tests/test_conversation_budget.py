"""The conversation page within the page budget: a fixed number of queries
however many messages, participants and badges it shows."""

import pytest
from django.urls import reverse

from accounts.tests.factories import FollowFactory, UserFactory
from community.models import Badge, BadgeAward, Subject
from conversations import services
from conversations.models import Line, MessageSettings, Participant, Question
from conversations.services._common import conversation_open, message_append

pytestmark = pytest.mark.django_db

BUDGET = 10
MESSAGES = 55
PARTICIPANTS = 8


def _featured(user) -> None:
    badge = Badge.objects.order_by("pk").first()
    if badge is not None:
        BadgeAward.objects.create(user=user, badge=badge, is_featured=True)


@pytest.fixture
def busy(settings):
    """A group of eight (each with a featured badge, some with settings,
    one who left) and 55+ messages and events on one page."""
    settings.CONVERSATIONS_MESSAGES_PER_PAGE = 60
    owner = UserFactory()
    others = [UserFactory() for _i in range(PARTICIPANTS - 1)]
    for user in others:
        FollowFactory(follower=user, followee=owner)
    conversation = services.conversation_start(
        sender=owner, recipients=others, subject="Методобъединение", body="Начнём"
    )
    for user in [owner, *others]:
        _featured(user)
    MessageSettings.objects.create(user=others[0], read_receipts=False)
    MessageSettings.objects.create(user=others[1], read_receipts=True)
    everyone = [owner, *others]
    for number in range(MESSAGES):
        message_append(
            conversation=conversation,
            author=everyone[number % len(everyone)],
            body=f"Сообщение **{number}**",
        )
    services.conversation_leave(conversation=conversation, user=others[-1])
    Participant.objects.filter(conversation=conversation).update(read_number=40)
    return conversation, owner, others


def test_a_group_page_with_55_messages_stays_in_budget(
    client, busy, django_assert_max_num_queries
):
    conversation, owner, _others = busy
    client.force_login(owner)  # nothing in the cache: the unread count too

    with django_assert_max_num_queries(BUDGET):
        response = client.get(conversation.get_absolute_url() + "?page=1")

    assert response.status_code == 200
    assert response.content.decode().count('class="card mb-3"') >= MESSAGES


def test_the_budget_holds_for_a_member_and_on_the_default_page(
    client, busy, django_assert_max_num_queries
):
    conversation, _owner, others = busy
    client.force_login(others[2])
    client.get(reverse("home"))

    with django_assert_max_num_queries(BUDGET):
        response = client.get(conversation.get_absolute_url())

    assert response.status_code == 200
    assert 'id="m-41"' in response.content.decode()


def test_the_budget_holds_for_a_consultation_question(
    client, django_assert_max_num_queries
):
    asker = UserFactory()
    line = Line.objects.create(
        title="Физика",
        slug="fizika",
        description="Ответим.",
        subject=Subject.objects.order_by("pk").first(),
    )
    conversation = conversation_open(owner=asker, subject="Вопрос", is_question=True)
    for number in range(MESSAGES):
        message_append(conversation=conversation, author=asker, body=f"Текст {number}")
    Question.objects.create(line=line, conversation=conversation, asker=asker)
    client.force_login(asker)
    client.get(reverse("home"))

    with django_assert_max_num_queries(BUDGET):
        response = client.get(conversation.get_absolute_url() + "?page=1")

    assert response.status_code == 200
