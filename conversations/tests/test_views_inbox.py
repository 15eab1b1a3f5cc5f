"""The inbox, writing a new conversation, message settings, and the places
that lead to them: the header's «Сообщения» and a profile's «Написать»."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from accounts.tests.factories import BlockFactory, FollowFactory, UserFactory
from conversations.models import (
    Conversation,
    MessageSettings,
    Participant,
    WhoMayWrite,
)
from conversations.permissions import WRITE_REFUSALS
from conversations.services._common import (
    conversation_open,
    message_append,
    participant_add,
)

pytestmark = pytest.mark.django_db

INBOX = reverse("conversations:inbox")
COMPOSE = reverse("conversations:compose")
SETTINGS = reverse("conversations:settings")


def make_conversation(owner, others, *, subject="Урок дробей", bodies=("Привет",)):
    """A conversation of ``owner`` with ``others`` (ACTIVE), its messages
    written by the owner."""
    conversation = conversation_open(owner=owner, subject=subject)
    for other in others:
        participant_add(
            conversation=conversation,
            user=other,
            status=Participant.Status.ACTIVE,
            added_by=owner,
        )
    for body in bodies:
        message_append(conversation=conversation, author=owner, body=body)
    return conversation


def row_of(conversation, user) -> Participant:
    return Participant.objects.get(conversation=conversation, user=user)


def set_row(conversation, user, **fields) -> None:
    Participant.objects.filter(conversation=conversation, user=user).update(**fields)


def reason(code: str) -> str:
    """A refusal's words as the page shows them (in Russian, escaped)."""
    with translation.override("ru"):
        return escape(str(WRITE_REFUSALS[code]))


def subjects(response) -> list[str]:
    return [row.conversation.subject for row in response.context["page_obj"]]


# --- Who sees the pages ------------------------------------------------------


@pytest.mark.parametrize("url", [INBOX, COMPOSE, SETTINGS])
def test_pages_send_a_visitor_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


# --- The inbox ---------------------------------------------------------------


def test_inbox_lists_the_members_conversations_and_never_anothers(
    member_client, member
):
    colleague, stranger, other = UserFactory.create_batch(3)
    mine = make_conversation(colleague, [member], subject="Наш урок")
    make_conversation(stranger, [other], subject="Чужая тайна", bodies=["секрет"])

    response = member_client.get(INBOX)

    assert response.status_code == 200
    assert subjects(response) == [mine.subject]
    page = response.content.decode()
    assert "Чужая тайна" not in page
    assert colleague.profile.display_name in page


def test_inbox_row_shows_new_messages_and_the_last_author(member_client, member):
    colleague = UserFactory()
    conversation = make_conversation(colleague, [member], bodies=["раз", "два", "три"])
    set_row(conversation, member, read_number=1)

    response = member_client.get(INBOX)

    [row] = response.context["page_obj"]
    assert row.new_count == 2
    assert row.last_author.user == colleague
    page = response.content.decode()
    assert "ui-row-unread" in page
    assert "2 новых сообщения" in page


def test_inbox_row_marks_muted_and_left_and_hides_what_came_after(
    member_client, member
):
    colleague = UserFactory()
    muted = make_conversation(colleague, [member], subject="Тихая")
    set_row(muted, member, is_muted=True, read_number=1)
    left = make_conversation(colleague, [member], subject="Ушла", bodies=["один"])
    set_row(
        left,
        member,
        status=Participant.Status.LEFT,
        visible_until=1,
        read_number=1,
        left_at=timezone.now() - datetime.timedelta(days=3),
    )
    message_append(conversation=left, author=colleague, body="после ухода")

    response = member_client.get(INBOX)

    rows = {row.conversation.subject: row for row in response.context["page_obj"]}
    # Newer activity in a conversation she left neither counts nor moves it up.
    assert list(rows) == ["Тихая", "Ушла"]
    assert rows["Ушла"].new_count == 0
    assert rows["Ушла"].shown_number == 1
    page = response.content.decode()
    assert "вы вышли" in page
    assert "без уведомлений" in page


def test_inbox_keeps_requests_and_archived_conversations_in_their_tabs(
    member_client, member
):
    stranger, colleague = UserFactory.create_batch(2)
    request = conversation_open(owner=stranger, subject="Можно вопрос?")
    participant_add(
        conversation=request,
        user=member,
        status=Participant.Status.REQUEST,
        added_by=stranger,
    )
    message_append(conversation=request, author=stranger, body="Здравствуйте")
    ignored = conversation_open(owner=stranger, subject="Проигнорирован")
    participant_add(
        conversation=ignored,
        user=member,
        status=Participant.Status.IGNORED,
        added_by=stranger,
    )
    archived = make_conversation(colleague, [member], subject="В архиве")
    set_row(archived, member, is_archived=True)
    current = make_conversation(colleague, [member], subject="Текущая")

    inbox = member_client.get(INBOX)
    requests = member_client.get(INBOX, {"tab": "requests"})
    archive = member_client.get(INBOX, {"tab": "archived"})

    assert subjects(inbox) == [current.subject]
    assert subjects(requests) == [request.subject]
    assert subjects(archive) == [archived.subject]
    assert inbox.context["request_count"] == 1
    assert "Проигнорирован" not in "".join(
        r.content.decode() for r in (inbox, requests, archive)
    )
    assert "запрос" in requests.content.decode()


def test_inbox_unknown_tab_is_the_inbox(member_client, member):
    make_conversation(UserFactory(), [member])

    response = member_client.get(INBOX, {"tab": "<script>"})

    assert response.status_code == 200
    assert response.context["tab"] == "inbox"
    assert len(subjects(response)) == 1


def test_inbox_search_finds_subjects_and_texts_of_the_members_own_only(
    member_client, member
):
    colleague, stranger, other = UserFactory.create_batch(3)
    by_subject = make_conversation(colleague, [member], subject="Олимпиада по физике")
    by_text = make_conversation(
        colleague, [member], subject="Разное", bodies=["Задачи олимпиады готовы"]
    )
    make_conversation(colleague, [member], subject="Другое", bodies=["ничего"])
    make_conversation(
        stranger, [other], subject="Олимпиада втайне", bodies=["олимпиада"]
    )

    response = member_client.get(INBOX, {"q": "олимпиад"})

    assert response.status_code == 200
    assert sorted(subjects(response)) == sorted([by_subject.subject, by_text.subject])
    page = response.content.decode()
    assert "Олимпиада втайне" not in page
    assert "2 переписки" in page


def test_inbox_search_skips_what_a_member_who_left_may_not_read(member_client, member):
    colleague = UserFactory()
    conversation = make_conversation(colleague, [member], subject="Было", bodies=["a"])
    set_row(
        conversation,
        member,
        status=Participant.Status.LEFT,
        visible_until=1,
        left_at=timezone.now(),
    )
    message_append(conversation=conversation, author=colleague, body="тайный план")

    response = member_client.get(INBOX, {"q": "тайный"})

    assert subjects(response) == []


def test_inbox_search_too_long_is_a_400_with_the_text_kept(member_client, member):
    text = "д" * 201

    response = member_client.get(INBOX, {"q": text})

    assert response.status_code == 400
    page = response.content.decode()
    assert text in page
    assert 'aria-invalid="true"' in page


def test_inbox_is_paginated(member_client, member, settings):
    settings.CONVERSATIONS_PER_PAGE = 2
    colleague = UserFactory()
    for number in range(3):
        make_conversation(colleague, [member], subject=f"Тема {number}")

    first = member_client.get(INBOX)
    second = member_client.get(INBOX, {"page": 2})

    assert subjects(first) == ["Тема 2", "Тема 1"]
    assert subjects(second) == ["Тема 0"]


# --- Writing a new conversation ---------------------------------------------


def test_compose_from_a_profile_fills_in_the_recipient(member_client):
    colleague = UserFactory()

    response = member_client.get(COMPOSE, {"to": colleague.username})

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["to"] == colleague.username
    page = response.content.decode()
    assert "markdownx" in page
    assert "Деликатная переписка" in page


def test_compose_says_why_and_gives_no_form_for_who_cannot_be_written_to(
    member_client,
):
    closed = UserFactory()
    MessageSettings.objects.create(user=closed, who_may_write=WhoMayWrite.NOBODY)

    response = member_client.get(COMPOSE, {"to": closed.username})

    assert response.status_code == 200
    assert response.context["form"] is None
    page = response.content.decode()
    assert closed.profile.display_name in page
    assert reason("nobody") in page
    assert 'name="body"' not in page


def test_compose_for_a_group_leaves_out_only_who_is_refused(member_client, member):
    open_one, blocked = UserFactory.create_batch(2)
    BlockFactory(blocker=blocked, blocked=member)

    response = member_client.get(COMPOSE, {"to": [open_one.username, blocked.username]})

    assert response.context["form"].initial["to"] == open_one.username
    assert [user for user, _reason in response.context["refused"]] == [blocked]
    assert reason("blocked") in response.content.decode()


def test_compose_for_an_unknown_username_is_a_400_naming_it(member_client):
    response = member_client.get(COMPOSE, {"to": "nobody-here"})

    assert response.status_code == 400
    assert "«nobody-here»" in response.content.decode()


def test_compose_for_a_suspended_member_offers_no_form(member_client, member):
    member.restricted_until = timezone.now() + datetime.timedelta(days=3)
    member.save(update_fields=["restricted_until"])

    response = member_client.get(COMPOSE, {"to": UserFactory().username})

    assert response.context["form"] is None
    assert reason("restricted") in response.content.decode()


def test_compose_sends_and_a_stranger_gets_a_request(member_client, member):
    stranger = UserFactory()

    response = member_client.post(
        COMPOSE,
        {"to": f"@{stranger.username}", "subject": "Вопрос", "body": "Добрый день"},
    )

    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response.url == conversation.get_absolute_url()
    assert row_of(conversation, stranger).status == Participant.Status.REQUEST
    assert row_of(conversation, member).role == Participant.Role.OWNER


def test_compose_to_a_follower_starts_the_conversation_at_once(member_client, member):
    follower = UserFactory()
    FollowFactory(follower=follower, followee=member)

    member_client.post(
        COMPOSE,
        {
            "to": follower.username,
            "subject": "Вопрос",
            "body": "Добрый день",
            "is_sensitive": "on",
        },
    )

    conversation = Conversation.objects.get()
    assert conversation.is_sensitive
    assert row_of(conversation, follower).status == Participant.Status.ACTIVE


def test_compose_bad_input_keeps_the_text_with_a_400(member_client):
    colleague = UserFactory()

    response = member_client.post(
        COMPOSE, {"to": colleague.username, "subject": "", "body": "Мой длинный текст"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Мой длинный текст" in page
    assert "invalid-feedback" in page
    assert not Conversation.objects.exists()


def test_compose_to_an_unknown_username_keeps_the_text(member_client):
    response = member_client.post(
        COMPOSE, {"to": "ghost", "subject": "Тема", "body": "Текст письма"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "«ghost»" in page
    assert "Текст письма" in page


def test_compose_refused_by_the_service_says_why_and_keeps_the_text(member_client):
    closed = UserFactory()
    MessageSettings.objects.create(user=closed, who_may_write=WhoMayWrite.NOBODY)

    response = member_client.post(
        COMPOSE, {"to": closed.username, "subject": "Тема", "body": "Текст письма"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert reason("nobody") in page
    assert "Текст письма" in page
    assert not Conversation.objects.exists()


def test_compose_over_a_new_members_daily_limit_is_a_429_keeping_the_text(
    member_client, settings
):
    settings.MODERATION_NEW_MEMBER_CONVERSATIONS_PER_DAY = 1
    first, second = UserFactory.create_batch(2)
    member_client.post(
        COMPOSE, {"to": first.username, "subject": "Первая", "body": "Текст"}
    )

    response = member_client.post(
        COMPOSE, {"to": second.username, "subject": "Вторая", "body": "Второй текст"}
    )

    assert response.status_code == 429
    assert "Второй текст" in response.content.decode()
    assert Conversation.objects.count() == 1


# --- Settings ----------------------------------------------------------------


def test_settings_show_the_defaults_with_a_line_for_each_choice(member_client):
    response = member_client.get(SETTINGS)

    assert response.status_code == 200
    assert response.context["form"].initial == {
        "who_may_write": WhoMayWrite.EVERYONE,
        "read_receipts": True,
    }
    page = response.content.decode()
    assert page.count('class="form-text mt-0"') == 3


def test_settings_save_the_choice(member_client, member):
    response = member_client.post(SETTINGS, {"who_may_write": "colleagues"})

    assert response.status_code == 302
    saved = MessageSettings.objects.get(user=member)
    assert saved.who_may_write == WhoMayWrite.COLLEAGUES
    assert saved.read_receipts is False


def test_settings_unknown_choice_is_a_400(member_client, member):
    response = member_client.post(SETTINGS, {"who_may_write": "martians"})

    assert response.status_code == 400
    assert not MessageSettings.objects.filter(user=member).exists()


# --- Where members find it ---------------------------------------------------


def test_header_links_to_messages_with_the_unread_count(member_client, member):
    conversation = make_conversation(UserFactory(), [member], bodies=["a", "b"])
    set_row(conversation, member, read_number=0)

    page = member_client.get(reverse("notifications")).content.decode()

    assert f'href="{INBOX}"' in page
    assert 'class="header-button header-messages"' in page
    assert '1<span class="visually-hidden"> непрочитанных' in page


def test_profile_offers_write_to_a_member_who_may_be_written_to(member_client):
    colleague = UserFactory()

    page = member_client.get(colleague.get_absolute_url()).content.decode()

    assert f"{COMPOSE}?to={colleague.username}" in page


def test_profile_says_why_a_member_cannot_be_written_to(member_client):
    closed = UserFactory()
    MessageSettings.objects.create(user=closed, who_may_write=WhoMayWrite.NOBODY)

    page = member_client.get(closed.get_absolute_url()).content.decode()

    assert COMPOSE not in page
    assert reason("nobody") in page


@pytest.mark.parametrize("who", ["self", "visitor"])
def test_profile_offers_no_write_to_oneself_or_to_a_visitor(client, member, who):
    if who == "self":
        client.force_login(member)

    page = client.get(member.get_absolute_url()).content.decode()

    assert COMPOSE not in page
