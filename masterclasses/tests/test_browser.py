"""Proposing a master-class, approving it and registering, in a browser."""

import pytest

from accounts import services as accounts
from accounts.tests.factories import UserFactory
from conftest import assert_accessible, browser_log_in
from masterclasses.models import MasterClass, Registration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_propose_approve_register_and_see_the_room(page, live_server, vocabulary):
    host = UserFactory(profile__display_name="Анна Морозова")
    colleague = UserFactory(profile__display_name="Иван Петров")
    moderator = accounts.user_grant_role(user=UserFactory(), role=accounts.MODERATORS)

    browser_log_in(page, live_server, host)
    page.goto(f"{live_server.url}/masterclasses/")
    assert_accessible(page)
    page.get_by_role("link", name="Предложить мастер-класс").click()
    page.fill("#id_title", "Дроби без страха")
    page.fill("#id_description", "Покажу игры с дробями.")
    page.select_option("#id_subject", label="Математика")
    page.get_by_label("онлайн", exact=True).check()
    page.fill("#id_room_url", "https://meet.example.org/drobi")
    page.fill("#id_starts_at", "2030-03-10T15:00")
    page.fill("#id_ends_at", "2030-03-10T14:00")
    page.fill("#id_capacity", "1")
    page.get_by_role("button", name="Отправить на публикацию").click()
    page.get_by_text(
        "Окончание должно быть позже начала."
    ).wait_for()  # visible once the page is back
    assert page.input_value("#id_title") == "Дроби без страха"
    assert_accessible(page)
    page.fill("#id_ends_at", "2030-03-10T16:30")
    page.get_by_role("button", name="Отправить на публикацию").click()
    page.wait_for_url("**/masterclasses/*/")
    masterclass = MasterClass.objects.get()
    assert masterclass.status == MasterClass.Status.PROPOSED

    page.context.clear_cookies()
    browser_log_in(page, live_server, moderator)
    page.goto(
        f"{live_server.url}/admin/masterclasses/masterclass/?status__exact=proposed"
    )
    page.locator("input[name=_selected_action]").first.check()
    page.select_option("select[name=action]", value="approve")
    page.get_by_role("button", name="Выполнить").click()
    masterclass.refresh_from_db()
    assert masterclass.status == MasterClass.Status.PUBLISHED

    page.context.clear_cookies()
    browser_log_in(page, live_server, colleague)
    page.goto(f"{live_server.url}{masterclass.get_absolute_url()}")
    assert page.get_by_role("link", name="Войти в онлайн-комнату").count() == 0
    page.get_by_role("button", name="Записаться").click()
    page.wait_for_url(f"**{masterclass.get_absolute_url()}")
    assert page.get_by_role("link", name="Войти в онлайн-комнату").is_visible()
    assert page.get_by_text("Вы записаны.").first.is_visible()
    assert_accessible(page)
    assert Registration.objects.get().status == "registered"
    page.goto(f"{live_server.url}/masterclasses/mine/")
    assert page.get_by_role("link", name="Дроби без страха").is_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/masterclasses/calendar/2030/3/")
    assert page.get_by_role("link", name="Дроби без страха").is_visible()
    assert_accessible(page)
