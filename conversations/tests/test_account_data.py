"""A member's messages in their data export; their conversations let go of
with the account.

The apps' part of the export and of the deletion is a registry
(``accounts.account_data``): ``account_export`` puts each app's files in the
ZIP, ``account_delete`` calls each app's erase.
"""

import io
import json
import zipfile

import pytest
from django.test import Client

from accounts import account_data
from accounts import services as accounts
from accounts.tests.factories import UserFactory
from community.models import Sanction
from community.sanctions import sanction_give
from conversations import services
from conversations.models import (
    MessageSettings,
    Participant,
    Question,
    WhoMayWrite,
)
from conversations.tests.lines_factories import (
    a_subject,
    asked,
    site_moderator,
    subject_expert,
    subject_line,
)
from conversations.tests.privacy_scene import scene as make_scene
from conversations.tests.privacy_scene import word

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vocabulary")]


def _files(user) -> dict:
    archive = zipfile.ZipFile(io.BytesIO(accounts.account_export(user=user)))
    return {name: json.loads(archive.read(name)) for name in archive.namelist()}


# --- The registry -----------------------------------------------------------------


def test_conversations_are_registered_for_export_and_erasure():
    keys = [source.key for source in account_data.account_data_sources()]

    assert "conversations" in keys


def test_a_file_name_taken_by_the_profile_is_refused(monkeypatch):
    member = UserFactory()
    clash = account_data.AccountData(
        key="clash", export=lambda user: {"profile.json": {}}, erase=lambda user: None
    )
    monkeypatch.setattr(
        account_data, "_registry", account_data.Registry({"clash": clash})
    )

    with pytest.raises(ValueError, match=r"profile\.json"):
        accounts.account_export(user=member)


# --- The export ---------------------------------------------------------------------


def test_the_export_holds_the_members_own_messages_and_settings():
    world = make_scene(6)
    services.message_edit(
        message=world.message(3), editor=world.alice, body=f"Исправлено {word(3)}"
    )
    services.message_delete(message=world.message(5), user=world.alice)
    services.message_settings_set(
        user=world.alice, who_may_write=WhoMayWrite.COLLEAGUES, read_receipts=False
    )

    exported = _files(world.alice)["messages.json"]

    messages = exported["messages"]
    assert [row["number"] for row in messages] == [1, 3]  # 5 deleted; 2, 4, 6 Bob's
    assert all(world.conversation.subject == row["conversation"] for row in messages)
    assert word(1) in messages[0]["body"]
    assert messages[0]["edited"] is None
    assert messages[1]["body"] == f"Исправлено {word(3)}"
    assert messages[1]["edited"] is not None
    assert messages[0]["sent"]
    assert exported["settings"] == {
        "who_may_write": WhoMayWrite.COLLEAGUES,
        "read_receipts": False,
    }


def test_the_export_leaves_out_events_and_others_messages():
    world = make_scene(2)
    services.conversation_leave(conversation=world.conversation, user=world.bob)

    exported = _files(world.bob)["messages.json"]

    assert [row["number"] for row in exported["messages"]] == [2]
    assert word(1) not in json.dumps(exported, ensure_ascii=False)


def test_a_member_without_messages_exports_the_default_settings():
    exported = _files(UserFactory())["messages.json"]

    assert exported == {
        "messages": [],
        "settings": {"who_may_write": WhoMayWrite.EVERYONE, "read_receipts": True},
    }


def test_a_banned_member_exports_their_messages(moderator):
    world = make_scene(3)
    sanction_give(
        member=world.alice,
        moderator=moderator,
        kind=Sanction.Kind.BAN,
        reason="Реклама",
    )
    world.alice.refresh_from_db()

    exported = _files(world.alice)["messages.json"]

    assert [row["number"] for row in exported["messages"]] == [1, 3]


# --- Deletion -----------------------------------------------------------------------


def test_deleting_the_account_leaves_every_conversation():
    world = make_scene(4)
    services.message_settings_set(
        user=world.alice, who_may_write=WhoMayWrite.NOBODY, read_receipts=True
    )
    group = services.conversation_start(
        sender=world.alice,
        recipients=[world.bob, world.carol],  # Carol: a request waits for her
        subject="Группа",
        body="Всем привет",
    )

    accounts.account_delete(user=world.alice)

    rows = Participant.objects.filter(user=world.alice)
    assert {row.status for row in rows} == {Participant.Status.LEFT}
    for row in rows.select_related("conversation"):
        assert row.visible_until == row.conversation.last_number
    assert not MessageSettings.objects.filter(user=world.alice).exists()
    # The group she owned passes on to Bob, who stays.
    group.refresh_from_db()
    assert group.owner == world.bob
    # Her messages stay for those who read them.
    assert world.message(1).author_id == world.alice.pk
    assert word(1) in world.message(1).body


def test_a_request_waiting_for_a_deleted_member_is_closed_silently():
    sender, stranger = UserFactory(), UserFactory()
    conversation = services.conversation_start(
        sender=sender, recipients=[stranger], subject="Вопрос", body="Здравствуйте"
    )

    accounts.account_delete(user=stranger)

    row = Participant.objects.get(conversation=conversation, user=stranger)
    assert row.status == Participant.Status.LEFT
    assert row.visible_until == 1
    conversation.refresh_from_db()
    assert conversation.last_number == 1  # no «left» event for a request


def test_those_who_stay_read_the_deleted_members_messages_under_deleted_member():
    world = make_scene(3)

    accounts.account_delete(user=world.alice)

    client = Client()
    client.force_login(world.bob)
    html = client.get(world.conversation.get_absolute_url()).content.decode()
    assert word(1) in html
    assert "удалённый участник" in html or "deleted member" in html
    assert world.alice.profile.display_name not in html


def test_the_questions_a_deleted_member_asked_are_withdrawn():
    subject = a_subject()
    subject_expert(subject)
    line = subject_line(site_moderator(), subject)
    asker = UserFactory()
    question = asked(line, asker)

    accounts.account_delete(user=asker)

    question.refresh_from_db()
    assert question.status == Question.Status.WITHDRAWN


def test_a_banned_member_may_still_delete_the_account(moderator):
    world = make_scene(2)
    sanction_give(
        member=world.bob, moderator=moderator, kind=Sanction.Kind.BAN, reason="Спам"
    )
    world.bob.refresh_from_db()

    accounts.account_delete(user=world.bob)

    row = Participant.objects.get(conversation=world.conversation, user=world.bob)
    assert row.status == Participant.Status.LEFT
