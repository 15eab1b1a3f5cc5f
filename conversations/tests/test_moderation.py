"""Messages are reportable; moderators read a reported one in its context, on record.

The report names a message by its number only; its text and its
conversation's subject are read on the report's context page alone, by those
who may resolve the report, after a POST that writes one audit entry.
"""

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import UserFactory
from community import reporting
from community.models import AuditEntry, Notification, Report
from community.reports import reportable_get
from conversations import services
from conversations.hooks_moderation import CONTEXT_OPENED, messages_visible_to
from conversations.models import (
    Conversation,
    Line,
    Message,
    MessageSettings,
    Participant,
    Question,
)
from conversations.tests.privacy_scene import (
    SUBJECT_WORD,
    leaked,
    report,
    scene,
    word,
)
from forums.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def _context_url(report_: Report) -> str:
    return reverse("conversations:report_context", args=[report_.pk])


def _numbers_shown(html: str, world) -> list[int]:
    return [
        number
        for number in range(1, world.conversation.last_number + 1)
        if word(number) in html
    ]


# --- What a member may report ---------------------------------------------------


def test_participants_may_report_the_text_messages_they_read():
    world = scene(4)
    seen = messages_visible_to(world.bob)

    assert sorted(seen.values_list("number", flat=True)) == [1, 2, 3, 4]
    assert reportable_get("message").visible_to is messages_visible_to


def test_nobody_outside_the_conversation_may_report_its_messages(moderator):
    world = scene(3)
    staff = UserFactory(is_staff=True, is_superuser=True)

    for outsider in (world.carol, moderator, staff):
        assert not messages_visible_to(outsider).exists()
        with pytest.raises(ObjectDoesNotExist):
            report(outsider, world.message(1))


def test_a_member_who_left_reports_only_what_they_could_read():
    world = scene(3)
    services.conversation_leave(conversation=world.conversation, user=world.bob)
    services.message_send(
        conversation=world.conversation, author=world.alice, body="После ухода"
    )
    left = Participant.objects.get(conversation=world.conversation, user=world.bob)

    numbers = set(messages_visible_to(world.bob).values_list("number", flat=True))

    assert numbers == {1, 2, 3}
    assert left.visible_until == 4  # the «left» event, which is no text


def test_a_waiting_requests_recipient_may_report_it():
    sender, stranger = UserFactory(), UserFactory()
    conversation = services.conversation_start(
        sender=sender, recipients=[stranger], subject="Реклама", body="Купите курс"
    )
    first = Message.objects.get(conversation=conversation, number=1)

    assert Participant.objects.get(user=stranger).status == Participant.Status.REQUEST
    assert report(stranger, first).target_id == first.pk


def test_deleted_messages_and_events_are_not_reportable():
    world = scene(3)
    services.message_delete(message=world.message(3), user=world.alice)

    assert set(messages_visible_to(world.bob).values_list("number", flat=True)) == {
        1,
        2,
    }


def test_ones_own_message_cannot_be_reported():
    world = scene(2)

    with pytest.raises(ValidationError) as error:
        report(world.alice, world.message(1))

    assert error.value.code == "own"


def test_the_report_names_the_message_by_its_number_only():
    world = scene(5)
    with translation.override("ru"):
        made = world.report(5)

    assert made.target_title == "Сообщение №5"
    assert leaked(made.target_title + made.target_url, world) == []
    assert made.target_url == world.message(5).get_absolute_url()


# --- Hiding -------------------------------------------------------------------------


def test_hiding_a_reported_message_goes_through_the_conversations_service(
    moderator,
):
    world = scene(3)
    made = world.report(3)

    reporting.report_resolve(report=made, moderator=moderator, hide=True)

    assert Message.objects.get(pk=world.message(3).pk).is_hidden
    entry = AuditEntry.objects.get(action="conversation_message_hide")
    assert entry.actor == moderator
    assert leaked(entry.target_title + entry.reason, world) == []


def test_enough_reports_hide_a_message_and_a_dismissal_shows_it_again(
    settings, moderator
):
    settings.MODERATION_AUTOHIDE_REPORTS = 1
    settings.MODERATION_ESTABLISHED_DAYS = 0
    world = scene(3)
    made = world.report(3)
    assert Message.objects.get(pk=world.message(3).pk).is_hidden

    reporting.report_resolve(report=made, moderator=moderator, hide=False)

    assert not Message.objects.get(pk=world.message(3).pk).is_hidden


# --- The context page ---------------------------------------------------------------


def test_the_context_page_asks_first_and_a_get_records_nothing(moderator_client):
    world = scene()
    made = world.report(5)

    response = moderator_client.get(_context_url(made))

    html = response.content.decode()
    assert response.status_code == 200
    assert leaked(html, world) == []
    assert 'method="post"' in html
    assert not AuditEntry.objects.filter(action=CONTEXT_OPENED).exists()


def test_opening_shows_the_message_and_the_nearest_five_and_is_recorded(
    moderator_client, moderator
):
    world = scene()
    made = world.report(5)

    response = moderator_client.post(_context_url(made))

    html = response.content.decode()
    assert response.status_code == 200
    assert _numbers_shown(html, world) == [2, 3, 4, 5, 6, 7]
    assert SUBJECT_WORD not in html
    entry = AuditEntry.objects.get(action=CONTEXT_OPENED)
    assert entry.actor == moderator
    assert entry.target_type == ContentType.objects.get_for_model(Report)
    assert entry.target_id == made.pk
    assert leaked(entry.target_title + entry.reason, world) == []


def test_each_opening_is_recorded_once(moderator_client):
    world = scene(4)
    made = world.report(2)

    moderator_client.post(_context_url(made))
    moderator_client.post(_context_url(made))

    assert AuditEntry.objects.filter(action=CONTEXT_OPENED).count() == 2


@pytest.mark.parametrize(
    ("reported", "shown"),
    [(1, [1, 2, 3]), (2, [1, 2, 3, 4]), (10, [7, 8, 9, 10]), (9, [6, 7, 8, 9, 10])],
)
def test_fewer_are_shown_at_the_ends_of_the_conversation(
    moderator_client, reported, shown
):
    world = scene()
    made = world.report(reported)

    html = moderator_client.post(_context_url(made)).content.decode()

    assert _numbers_shown(html, world) == shown


def test_nothing_the_reporter_could_not_read_is_shown(moderator_client):
    world = scene(5)
    made = world.report(5)
    services.conversation_leave(conversation=world.conversation, user=world.bob)
    services.message_send(
        conversation=world.conversation, author=world.alice, body=word(77)
    )

    html = moderator_client.post(_context_url(made)).content.decode()

    assert _numbers_shown(html, world) == [2, 3, 4, 5]
    assert word(77) not in html


def test_events_and_deleted_messages_show_as_such(moderator_client):
    world = scene(5)
    services.message_delete(message=world.message(4), user=world.bob)
    made = world.report(5)

    html = moderator_client.post(_context_url(made)).content.decode()

    assert word(4) not in html
    assert _numbers_shown(html, world) == [2, 3, 5]
    assert 'id="m-4"' in html


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_context_page_is_a_404_for_everyone_who_may_not_resolve(method):
    world = scene(3)
    made = world.report(3)
    # Staff without the moderators' permission, the participants themselves
    # (the reporter too) and a member outside.
    staff = UserFactory(is_staff=True)
    for user in (world.alice, world.bob, world.carol, staff):
        client = Client()
        client.force_login(user)

        response = getattr(client, method)(_context_url(made))

        assert response.status_code == 404, user
    assert not AuditEntry.objects.filter(action=CONTEXT_OPENED).exists()


def test_a_visitor_is_sent_to_sign_in(client):
    world = scene(2)
    made = world.report(2)

    response = client.post(_context_url(made))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not AuditEntry.objects.filter(action=CONTEXT_OPENED).exists()


def test_a_report_on_anything_but_a_message_has_no_context_page(moderator_client):
    post = PostFactory()
    made = reporting.report_create(
        reporter=UserFactory(), key="forum_post", object_id=post.pk, reason="spam"
    )

    assert moderator_client.get(_context_url(made)).status_code == 404
    assert moderator_client.post(_context_url(made)).status_code == 404
    assert moderator_client.get(_context_url(made) + "0/").status_code == 404


def test_the_context_page_resolves_the_report(moderator_client):
    world = scene(3)
    made = world.report(3)
    html = moderator_client.post(_context_url(made)).content.decode()
    assert reverse("report_resolve", args=[made.pk]) in html

    response = moderator_client.post(
        reverse("report_resolve", args=[made.pk]), {"decision": "hide"}
    )

    assert response.status_code == 302
    assert Message.objects.get(pk=world.message(3).pk).is_hidden
    assert Report.objects.get(pk=made.pk).status == Report.Status.ACTIONED


def test_resolving_without_a_next_returns_to_the_context_page(moderator_client):
    world = scene(2)
    made = world.report(2)

    response = moderator_client.post(
        reverse("report_resolve", args=[made.pk]), {"decision": "dismiss"}
    )

    assert response["Location"] == _context_url(made)


# --- The moderators' pages ----------------------------------------------------------


def test_the_reports_admin_links_a_message_report_to_its_context_only(
    moderator_client,
):
    world = scene(4)
    made = world.report(4, reason="other", text="Грубит")
    changelist = reverse("admin:community_report_changelist")
    change = reverse("admin:community_report_change", args=[made.pk])

    for url in (changelist, changelist + "?status__exact=open", change):
        html = moderator_client.get(url).content.decode()

        assert _context_url(made) in html, url
        assert leaked(html, world) == [], url


def test_the_moderation_inbox_counts_message_reports_and_names_no_message(
    moderator_client,
):
    """Message reports count among the inbox's open reports (one count for
    every kind), whose list links each to its context page."""
    world = scene(3)
    made = world.report(3)
    listed = reverse("admin:community_report_changelist") + "?status__exact=open"

    html = moderator_client.get(reverse("admin:index")).content.decode()
    reports = moderator_client.get(listed).content.decode()

    assert listed.replace("&", "&amp;") in html
    assert leaked(html, world) == []
    assert _context_url(made) in reports
    assert leaked(reports, world) == []


def test_the_notifications_admin_names_no_conversation(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        world = scene(3)
    assert Notification.objects.filter(
        recipient=world.bob, target_title__contains=SUBJECT_WORD
    ).exists()
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    changelist = reverse("admin:community_notification_changelist")
    notification = Notification.objects.filter(recipient=world.bob).first()

    listed = client.get(changelist).content.decode()
    found = client.get(changelist, {"q": SUBJECT_WORD}).content.decode()
    one = client.get(
        reverse("admin:community_notification_change", args=[notification.pk])
    ).content.decode()

    assert leaked(listed, world) == []
    assert leaked(one, world) == []
    assert f"/{notification.pk}/change/" not in found


def test_the_audit_log_names_no_message_text(moderator_client):
    world = scene(3)
    made = world.report(3)
    moderator_client.post(_context_url(made))
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    html = client.get(reverse("admin:community_auditentry_changelist")).content
    assert leaked(html.decode(), world) == []


@pytest.mark.parametrize(
    "model", [Conversation, Message, Participant, MessageSettings, Question]
)
def test_no_admin_lists_conversations(model):
    assert not admin.site.is_registered(model)
    assert admin.site.is_registered(Line)  # the lines' own admin stands apart


def test_the_report_form_names_the_message_by_its_number(client):
    world = scene(3)
    client.force_login(world.bob)

    response = client.get(reverse("report", args=["message", world.message(3).pk]))

    assert response.status_code == 200
    assert "№3" in response.content.decode() or "no. 3" in response.content.decode()


def test_a_stranger_cannot_open_the_report_form_of_a_message(client):
    world = scene(2)
    client.force_login(world.carol)

    response = client.get(reverse("report", args=["message", world.message(2).pk]))

    assert response.status_code == 404
