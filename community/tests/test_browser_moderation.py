"""Moderation in a browser: suspended, warned, and a takedown without an account."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from accounts import services as accounts
from accounts.tests.factories import UserFactory
from community.models import Sanction
from community.sanctions import sanction_give
from conftest import assert_accessible, browser_log_in
from forums.tests.factories import TopicFactory
from materials.models import TakedownRequest
from materials.tests.factories import MaterialFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("vocabulary"),
]


def _moderator():
    return accounts.user_grant_role(user=UserFactory(), role=accounts.MODERATORS)


def test_a_suspended_member_reads_but_is_told_why_they_cannot_reply(page, live_server):
    member = UserFactory()
    sanction_give(
        member=member,
        moderator=_moderator(),
        kind=Sanction.Kind.SUSPENSION,
        reason="Насмешки над коллегой в теме об ОГЭ",
        until=timezone.now() + datetime.timedelta(days=3),
    )
    topic = TopicFactory(title="Подготовка к ОГЭ")
    browser_log_in(page, live_server, member)

    page.goto(topic.get_absolute_url())
    assert page.get_by_role("alert").filter(has_text="ограничена до").is_visible()
    assert_accessible(page)
    page.fill("#id_body", "Всё равно напишу")
    page.get_by_role("button", name="Отправить").click()

    assert page.get_by_role("heading", name="Пока вы не можете писать").is_visible()
    assert page.get_by_text("Насмешки над коллегой в теме об ОГЭ").first.is_visible()
    assert_accessible(page)
    assert topic.posts.count() == 1
    page.get_by_role("link", name="Ваши отношения с модераторами").first.click()
    page.wait_for_url("**/my-standing/")
    assert_accessible(page)


def test_a_warning_shows_until_the_member_has_read_it(page, live_server):
    member = UserFactory()
    sanction_give(
        member=member,
        moderator=_moderator(),
        kind=Sanction.Kind.WARNING,
        reason="Пожалуйста, без резких слов.",
    )
    browser_log_in(page, live_server, member)

    page.goto("/")
    warning = page.get_by_role("alert").filter(has_text="без резких слов")
    assert warning.is_visible()
    assert_accessible(page)
    # By keyboard: focus the button, press Enter.
    page.get_by_role("button", name="Я прочитал(а)").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert not page.get_by_text("без резких слов").is_visible()


def test_a_rights_holder_without_an_account_sends_a_takedown(page, live_server):
    material = MaterialFactory(title="Дроби: рабочий лист")

    page.goto(material.get_absolute_url())
    page.get_by_role("link", name="Вы правообладатель? Запросите удаление").click()
    assert_accessible(page)
    page.fill("#id_name", "Издательство «Учебник»")
    page.fill("#id_email", "не адрес")
    page.fill("#id_work", "Сборник задач, 2024, стр. 10–12")
    page.fill("#id_details", "Задачи 1–8 перепечатаны без разрешения.")
    with page.expect_navigation():
        page.get_by_role("button", name="Отправить запрос").click()

    # Refused on the same page, the words kept.
    assert page.input_value("#id_details") == "Задачи 1–8 перепечатаны без разрешения."
    assert_accessible(page)
    page.fill("#id_email", "rights@example.org")
    page.get_by_label("Добросовестно подтверждаю", exact=False).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Отправить запрос").click()

    assert page.get_by_role("heading", name="Ваш запрос получен").is_visible()
    assert TakedownRequest.objects.get().email == "rights@example.org"
    assert mail.outbox[-1].to == ["rights@example.org"]
