"""The conversation page and its actions: who reaches it, what each
participant sees and may do, and refusals that keep the member's text."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from accounts.tests.factories import BlockFactory, FollowFactory, UserFactory
from community.models import Report, Subject
from conversations import services
from conversations.models import Line, MessageSettings, Participant, Question
from conversations.permissions import WRITE_REFUSALS
from conversations.services._common import conversation_open, message_append

pytestmark = pytest.mark.django_db

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def _follows(follower, followee) -> None:
    FollowFactory(follower=follower, followee=followee)


def _start(sender, *recipients, body="Здравствуйте, коллеги!", subject="Дроби"):
    """A conversation ``sender`` starts; recipients who follow the sender
    take part at once."""
    return services.conversation_start(
        sender=sender, recipients=list(recipients), subject=subject, body=body
    )


def _row(conversation, user) -> Participant:
    return Participant.objects.get(conversation=conversation, user=user)


def _url(name: str, *args) -> str:
    return reverse(f"conversations:{name}", args=args)


@pytest.fixture
def anna():
    return UserFactory(username="anna")


@pytest.fixture
def boris(anna):
    boris = UserFactory(username="boris")
    _follows(boris, anna)
    return boris


@pytest.fixture
def pair(anna, boris):
    """Anna wrote to Boris, who follows her: both take part."""
    return _start(anna, boris)


def _as(client, user):
    client.force_login(user)
    return client


# --- Who reaches the page ----------------------------------------------------------


def test_detail_shows_subject_messages_and_anchors_to_a_participant(
    client, pair, boris
):
    response = _as(client, boris).get(pair.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Дроби" in html
    assert 'id="m-1"' in html
    assert "Здравствуйте, коллеги!" in html
    assert 'id="reply"' in html


def test_detail_is_a_404_for_a_member_outside_and_for_staff(client, pair, moderator):
    outsider = UserFactory()
    for user in (outsider, moderator):
        response = _as(client, user).get(pair.get_absolute_url())
        assert response.status_code == 404


def test_detail_sends_a_visitor_to_sign_in(client, pair):
    response = client.get(pair.get_absolute_url())

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_every_action_is_a_404_for_a_member_outside(client, pair, anna):
    first = pair.messages.get(number=1)
    _as(client, UserFactory())
    posts = [
        _url("reply", pair.pk),
        _url("edit", first.pk),
        _url("delete", first.pk),
        _url("members_add", pair.pk),
        _url("leave", pair.pk),
        _url("remove", pair.pk, anna.pk),
        _url("mute", pair.pk),
        _url("archive", pair.pk),
        _url("accept", pair.pk),
        _url("ignore", pair.pk),
        _url("report_request", pair.pk),
    ]
    for url in posts:
        assert client.post(url, {"body": "x", "confirm": "1"}).status_code == 404, url
    assert client.get(_url("message", first.pk)).status_code == 404
    assert client.get(_url("edit", first.pk)).status_code == 404
    assert pair.messages.count() == 1


def test_a_missing_conversation_is_a_404(client, anna):
    assert _as(client, anna).get(_url("detail", 999_999)).status_code == 404


def test_get_writes_nothing_and_notes_the_read_position_in_the_cache(
    client, pair, anna, boris
):
    message_append(conversation=pair, author=anna, body="Ещё одно")
    _as(client, boris)
    client.get(pair.get_absolute_url())  # the session, the visit: not ours

    with CaptureQueriesContext(connection) as queries:
        response = client.get(pair.get_absolute_url())

    assert response.status_code == 200
    assert [q["sql"] for q in queries.captured_queries if WRITE.match(q["sql"])] == []
    assert _row(pair, boris).read_number == 0
    pending = services.reads.pending_numbers([_row(pair, boris).pk])
    assert pending[_row(pair, boris).pk] == 2


def test_permalink_redirects_to_the_page_and_anchor(client, pair, anna, settings):
    settings.CONVERSATIONS_MESSAGES_PER_PAGE = 2
    for _number in range(4):
        message_append(conversation=pair, author=anna, body="Текст")
    fifth = pair.messages.get(number=5)

    response = _as(client, anna).get(_url("message", fifth.pk))

    assert response.status_code == 302
    assert response["Location"] == f"{pair.get_absolute_url()}?page=3#m-5"


# --- Pages by number ---------------------------------------------------------------


def test_pages_hold_numbers_and_the_default_is_the_first_unread(
    client, pair, anna, boris, settings
):
    settings.CONVERSATIONS_MESSAGES_PER_PAGE = 3
    for _number in range(6):
        message_append(conversation=pair, author=anna, body="Текст")
    Participant.objects.filter(pk=_row(pair, boris).pk).update(read_number=4)
    _as(client, boris)

    default = client.get(pair.get_absolute_url()).content.decode()
    second = client.get(pair.get_absolute_url() + "?page=1").content.decode()
    past = client.get(pair.get_absolute_url() + "?page=999").content.decode()
    bad = client.get(pair.get_absolute_url() + "?page=abc")

    assert 'id="m-5"' in default
    assert 'id="m-4"' in default
    assert 'id="m-3"' not in default
    assert 'id="m-1"' in second
    assert 'id="m-4"' not in second
    assert 'id="m-7"' in past
    assert bad.status_code == 200


def test_a_page_read_before_opens_at_the_last_page(client, pair, anna, settings):
    settings.CONVERSATIONS_MESSAGES_PER_PAGE = 3
    for _number in range(6):
        message_append(conversation=pair, author=anna, body="Текст")

    html = _as(client, anna).get(pair.get_absolute_url()).content.decode()

    assert 'id="m-7"' in html
    assert 'id="m-6"' not in html


# --- Writing -----------------------------------------------------------------------


def test_reply_posts_and_redirects_to_the_new_message(client, pair, boris):
    response = _as(client, boris).post(
        _url("reply", pair.pk), {"body": "Спасибо, **очень** полезно"}
    )

    new = pair.messages.get(number=2)
    assert response.status_code == 302
    assert response["Location"].endswith("#m-2")
    assert new.author == boris
    assert "<strong>очень</strong>" in new.body_html


def test_an_empty_reply_is_a_400_on_the_page(client, pair, boris):
    response = _as(client, boris).post(_url("reply", pair.pk), {"body": "   "})

    assert response.status_code == 400
    assert pair.messages.count() == 1
    assert 'id="m-1"' in response.content.decode()


def test_a_reply_too_long_keeps_the_text(client, pair, boris):
    text = "Длинный ответ " + "я" * 20_000

    response = _as(client, boris).post(_url("reply", pair.pk), {"body": text})

    assert response.status_code == 400
    assert "Длинный ответ" in response.content.decode()


def test_a_reply_into_a_closed_channel_keeps_the_text(client, pair, anna, boris):
    BlockFactory(blocker=anna, blocked=boris)

    response = _as(client, boris).post(
        _url("reply", pair.pk), {"body": "Мой ответ, который не уйдёт"}
    )

    assert response.status_code == 400
    assert "Мой ответ, который не уйдёт" in response.content.decode()
    assert pair.messages.count() == 1


def test_a_left_member_reply_is_a_403_with_the_text_kept(client, pair, boris):
    services.conversation_leave(conversation=pair, user=boris)

    response = _as(client, boris).post(_url("reply", pair.pk), {"body": "Я передумал"})

    assert response.status_code == 403
    assert "Я передумал" in response.content.decode()


# --- Edit and delete ---------------------------------------------------------------


def test_the_author_edits_and_the_page_marks_it(client, pair, anna):
    first = pair.messages.get(number=1)
    _as(client, anna)
    form = client.get(_url("edit", first.pk))

    response = client.post(_url("edit", first.pk), {"body": "Исправлено"})

    assert form.status_code == 200
    assert "Здравствуйте, коллеги!" in form.content.decode()
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.edited_at is not None
    assert "Исправлено" in first.body_html
    html = client.get(pair.get_absolute_url()).content.decode()
    assert "(edited)" in html or "(изменено)" in html


def test_an_empty_edit_is_a_400_with_the_form(client, pair, anna):
    first = pair.messages.get(number=1)

    response = _as(client, anna).post(_url("edit", first.pk), {"body": ""})

    assert response.status_code == 400
    first.refresh_from_db()
    assert first.body == "Здравствуйте, коллеги!"


def test_someone_else_may_not_edit_or_delete(client, pair, boris):
    first = pair.messages.get(number=1)
    _as(client, boris)

    assert client.get(_url("edit", first.pk)).status_code == 403
    assert client.post(_url("edit", first.pk), {"body": "Чужое"}).status_code == 403
    assert client.post(_url("delete", first.pk)).status_code == 403
    first.refresh_from_db()
    assert first.deleted_at is None
    assert first.body == "Здравствуйте, коллеги!"


def test_the_author_deletes_and_a_placeholder_stays(client, pair, anna, boris):
    first = pair.messages.get(number=1)

    response = _as(client, anna).post(_url("delete", first.pk))

    assert response.status_code == 302
    first.refresh_from_db()
    assert first.deleted_at is not None
    assert first.body == ""
    html = _as(client, boris).get(pair.get_absolute_url()).content.decode()
    assert "Здравствуйте, коллеги!" not in html
    assert "Message deleted" in html or "Сообщение удалено" in html


def test_own_messages_offer_edit_others_offer_a_report(client, pair, anna, boris):
    first = pair.messages.get(number=1)
    report = reverse("report", args=["message", first.pk])

    mine = _as(client, anna).get(pair.get_absolute_url()).content.decode()
    theirs = _as(client, boris).get(pair.get_absolute_url()).content.decode()

    assert _url("edit", first.pk) in mine
    assert report not in mine
    assert _url("edit", first.pk) not in theirs
    assert report in theirs


# --- Members -----------------------------------------------------------------------


def test_the_owner_adds_a_member_by_username_and_the_event_shows(
    client, pair, anna, boris
):
    vera = UserFactory(username="vera")
    _follows(vera, anna)

    response = _as(client, anna).post(
        _url("members_add", pair.pk), {"usernames": "@Vera"}
    )

    assert response.status_code == 302
    assert _row(pair, vera).status == Participant.Status.ACTIVE
    html = _as(client, boris).get(pair.get_absolute_url() + "?page=1").content.decode()
    assert 'id="m-2"' in html
    assert vera.profile.shown_name in html


def test_an_unknown_username_is_a_400_with_the_text_kept(client, pair, anna):
    response = _as(client, anna).post(
        _url("members_add", pair.pk), {"usernames": "nobody-here"}
    )

    assert response.status_code == 400
    assert "nobody-here" in response.content.decode()


def test_a_refused_member_is_a_400_saying_why(client, pair, anna):
    closed = UserFactory(username="closed")
    MessageSettings.objects.create(user=closed, who_may_write="nobody")

    response = _as(client, anna).post(
        _url("members_add", pair.pk), {"usernames": "closed"}
    )

    assert response.status_code == 400
    assert not Participant.objects.filter(conversation=pair, user=closed).exists()
    html = response.content.decode()
    assert 'value="closed"' in html
    with translation.override("ru"):
        assert escape(str(WRITE_REFUSALS["nobody"])) in html


def test_only_the_owner_adds_or_removes(client, pair, anna, boris):
    vera = UserFactory(username="vera")
    _as(client, boris)

    added = client.post(_url("members_add", pair.pk), {"usernames": "vera"})
    removed = client.post(_url("remove", pair.pk, anna.pk))

    assert added.status_code == 403
    assert removed.status_code == 403
    assert "vera" in added.content.decode()  # the text stays
    assert not Participant.objects.filter(conversation=pair, user=vera).exists()
    assert _row(pair, anna).status == Participant.Status.ACTIVE


def test_the_owner_removes_a_member_who_then_reads_nothing_new(
    client, pair, anna, boris
):
    response = _as(client, anna).post(_url("remove", pair.pk, boris.pk))
    message_append(conversation=pair, author=anna, body="После удаления")

    assert response.status_code == 302
    assert _row(pair, boris).status == Participant.Status.REMOVED
    page = _as(client, boris).get(pair.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert "Здравствуйте, коллеги!" in html
    assert "После удаления" not in html
    assert 'id="reply"' not in html


def test_removing_someone_not_in_it_is_a_404(client, pair, anna):
    assert (
        _as(client, anna).post(_url("remove", pair.pk, UserFactory().pk)).status_code
        == 404
    )


def test_leave_asks_first(client, pair, boris):
    response = _as(client, boris).post(_url("leave", pair.pk))

    assert response.status_code == 400
    assert _row(pair, boris).status == Participant.Status.ACTIVE


def test_a_left_member_gets_nothing_new_and_sees_they_left(client, pair, anna, boris):
    response = _as(client, boris).post(_url("leave", pair.pk), {"confirm": "1"})
    message_append(conversation=pair, author=anna, body="Новое после ухода")
    later = pair.messages.get(number=3)

    assert response.status_code == 302
    page = client.get(pair.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert "Здравствуйте, коллеги!" in html
    assert "Новое после ухода" not in html
    assert 'id="m-3"' not in html
    assert 'id="reply"' not in html
    assert _url("reply", pair.pk) not in html
    assert client.get(_url("message", later.pk)).status_code == 404
    assert client.get(pair.get_absolute_url() + "?page=99").status_code == 200
    # the others see the event in its place
    others = _as(client, anna).get(pair.get_absolute_url()).content.decode()
    assert 'id="m-2"' in others
    assert f"{boris.profile.shown_name} вышел(а) из переписки" in others


def test_the_reply_form_has_the_forums_markdown_editor(client, pair, anna):
    """The same editor as the forums' (toolbar, preview, pictures, drafts):
    markdownx's widget through community.forms.MarkdownEditor."""
    html = _as(client, anna).get(pair.get_absolute_url()).content.decode()

    assert "data-md-editor" in html
    assert "<markdown-toolbar" in html
    assert "markdown-editor.js" in html


def test_mute_and_archive_switch(client, pair, boris):
    _as(client, boris)

    muted = client.post(_url("mute", pair.pk), {"muted": "1"})
    archived = client.post(_url("archive", pair.pk), {"archived": "1"})
    row = _row(pair, boris)

    assert muted.status_code == 302
    assert archived.status_code == 302
    assert row.is_muted
    assert row.is_archived
    client.post(_url("mute", pair.pk), {"muted": "0"})
    client.post(_url("archive", pair.pk), {"archived": "0"})
    row.refresh_from_db()
    assert not row.is_muted
    assert not row.is_archived


def test_a_bad_switch_value_is_a_400(client, pair, boris):
    response = _as(client, boris).post(_url("mute", pair.pk), {"muted": "maybe"})

    assert response.status_code == 400
    assert not _row(pair, boris).is_muted


# --- Requests ----------------------------------------------------------------------


@pytest.fixture
def stranger():
    return UserFactory(username="stranger")


@pytest.fixture
def request_to_stranger(anna, stranger):
    """Anna wrote to someone who does not follow her: a request."""
    return _start(anna, stranger, body="Можно вопрос?")


def test_a_request_shows_its_buttons_and_no_reply_form(
    client, request_to_stranger, stranger
):
    html = _as(client, stranger).get(request_to_stranger.get_absolute_url())
    html = html.content.decode()

    assert _url("accept", request_to_stranger.pk) in html
    assert _url("ignore", request_to_stranger.pk) in html
    assert _url("report_request", request_to_stranger.pk) in html
    assert "Можно вопрос?" in html
    assert _url("reply", request_to_stranger.pk) not in html


def test_the_sender_sees_no_request_buttons(client, request_to_stranger, anna):
    html = _as(client, anna).get(request_to_stranger.get_absolute_url())

    assert _url("accept", request_to_stranger.pk) not in html.content.decode()


def test_accept_lets_the_recipient_reply(client, request_to_stranger, stranger):
    _as(client, stranger)

    response = client.post(_url("accept", request_to_stranger.pk))
    html = client.get(request_to_stranger.get_absolute_url()).content.decode()

    assert response.status_code == 302
    assert _row(request_to_stranger, stranger).status == Participant.Status.ACTIVE
    assert _url("reply", request_to_stranger.pk) in html


def test_ignore_keeps_the_request_readable_read_only(
    client, request_to_stranger, anna, stranger
):
    _as(client, stranger)

    response = client.post(_url("ignore", request_to_stranger.pk))
    message_append(conversation=request_to_stranger, author=anna, body="Ау?")
    page = client.get(request_to_stranger.get_absolute_url())

    assert response.status_code == 302
    assert _row(request_to_stranger, stranger).status == Participant.Status.IGNORED
    assert page.status_code == 200
    html = page.content.decode()
    assert "Можно вопрос?" in html
    assert "Ау?" not in html
    assert _url("reply", request_to_stranger.pk) not in html
    assert _url("accept", request_to_stranger.pk) not in html
    # a second answer finds nothing to answer
    assert client.post(_url("accept", request_to_stranger.pk)).status_code == 404


def test_the_sender_sees_nothing_different_after_an_ignore(
    client, request_to_stranger, anna, stranger
):
    _as(client, anna)
    before = client.get(request_to_stranger.get_absolute_url()).content.decode()
    services.request_ignore(participant=_row(request_to_stranger, stranger))
    after = client.get(request_to_stranger.get_absolute_url()).content.decode()

    def members(html: str) -> str:
        return html[html.index('id="members"') :]

    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", members(before)) == strip.sub("", members(after))


def test_report_needs_a_reason_and_keeps_the_page(
    client, request_to_stranger, stranger
):
    response = _as(client, stranger).post(
        _url("report_request", request_to_stranger.pk), {"reason": ""}
    )

    assert response.status_code == 400
    assert _row(request_to_stranger, stranger).status == Participant.Status.REQUEST


def test_report_files_a_report_and_closes_the_request(
    client, request_to_stranger, stranger
):
    response = _as(client, stranger).post(
        _url("report_request", request_to_stranger.pk), {"reason": "spam"}
    )

    assert response.status_code == 302
    assert _row(request_to_stranger, stranger).status == Participant.Status.REPORTED
    assert Report.objects.filter(reporter=stranger, reason="spam").exists()


def test_answers_are_a_404_for_someone_without_a_request(client, pair, boris):
    _as(client, boris)
    for name in ("accept", "ignore", "report_request"):
        response = client.post(_url(name, pair.pk), {"reason": "spam"})
        assert response.status_code == 404, name
    assert _row(pair, boris).status == Participant.Status.ACTIVE


# --- Read receipts -----------------------------------------------------------------


def _group(anna, *others):
    for other in others:
        _follows(other, anna)
    return _start(anna, *others, subject="Методобъединение")


def test_read_receipts_in_a_group_leave_out_who_turned_them_off(client, anna):
    boris, vera, gleb = (UserFactory() for _i in range(3))
    group = _group(anna, boris, vera, gleb)
    MessageSettings.objects.create(user=gleb, read_receipts=False)
    for user in (boris, vera, gleb):
        Participant.objects.filter(conversation=group, user=user).update(read_number=1)

    html = _as(client, anna).get(group.get_absolute_url()).content.decode()

    receipts = html[html.index('id="read-receipts"') :].split("</p>")[0]
    assert boris.profile.shown_name in receipts
    assert vera.profile.shown_name in receipts
    assert gleb.profile.shown_name not in receipts


def test_read_receipts_count_positions_still_in_the_cache(client, anna):
    boris, vera = UserFactory(), UserFactory()
    group = _group(anna, boris, vera)
    _as(client, boris).get(group.get_absolute_url())  # noted, not written
    cache_has = services.reads.pending_numbers([_row(group, boris).pk])

    html = _as(client, anna).get(group.get_absolute_url()).content.decode()

    assert cache_has
    assert 'id="read-receipts"' in html
    receipts = html[html.index('id="read-receipts"') :].split("</p>")[0]
    assert boris.profile.shown_name in receipts
    assert vera.profile.shown_name not in receipts


def test_no_read_receipts_between_two(client, pair, anna, boris):
    Participant.objects.filter(pk=_row(pair, boris).pk).update(read_number=1)

    html = _as(client, anna).get(pair.get_absolute_url()).content.decode()

    assert 'id="read-receipts"' not in html


def test_a_question_conversation_includes_its_panel(client, anna):
    line = Line.objects.create(
        title="Математика: консультации",
        slug="matematika-konsultatsii",
        description="Ответим за три дня.",
        subject=Subject.objects.order_by("pk").first(),
    )
    conversation = conversation_open(owner=anna, subject="Вопрос", is_question=True)
    message_append(conversation=conversation, author=anna, body="Как объяснить?")
    question = Question.objects.create(line=line, conversation=conversation, asker=anna)

    response = _as(client, anna).get(conversation.get_absolute_url())

    assert response.status_code == 200
    assert response.context["question"] == question
    assert "conversations/partials/_question_panel.html" in [
        template.name for template in response.templates
    ]
    assert response.context["members_form"] is None
