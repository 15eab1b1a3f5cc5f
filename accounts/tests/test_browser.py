"""Sign-up to log-out in a real browser, at phone and desktop width."""

import re

import pytest
from django.core import mail

from conftest import assert_accessible

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+/")


def test_signup_confirm_login_logout(page, live_server):
    email = f"new.teacher.{page.viewport_size['width']}@school.example"
    password = "Sinichka-na-okne-2026"

    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="Присоединиться").first.click()

    page.wait_for_url("**/accounts/signup/")
    assert_accessible(page)
    page.fill("input[name=display_name]", "Мария Ивановна Сидорова")
    page.fill("input[name=email]", email)
    page.fill("input[name=password1]", password)
    page.fill("input[name=password2]", password)
    page.locator("main form button[type=submit]").click()

    page.wait_for_url("**/accounts/confirm-email/")
    assert_accessible(page)
    sent = [message for message in mail.outbox if email in message.to]
    assert len(sent) == 1
    link = CONFIRM_LINK.search(sent[0].body).group(0)

    page.goto(link)
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()

    # The browser that signed up is signed in at once and welcomed.
    page.wait_for_url("**/welcome/")
    assert page.get_by_role("heading", name="Добро пожаловать в «Коллеги»").is_visible()
    assert_accessible(page)
    page.locator("main").get_by_role("link", name="Заполнить профиль").first.click()
    page.wait_for_url("**/settings/profile/")

    page.goto("/")
    greeting = page.get_by_text(
        "Добро пожаловать в «Коллеги», Мария Ивановна Сидорова!"
    )
    assert greeting.is_visible()
    assert page.get_by_text("С возвращением").count() == 0
    assert_accessible(page)

    # The member's menu is in the header at every width.
    page.locator("#user-menu").click()
    page.locator(".user-menu").get_by_role("link", name="Выйти").click()
    page.wait_for_url("**/accounts/logout/")
    assert_accessible(page)
    # A draft left in this browser (a shared school computer) goes with her.
    page.evaluate("localStorage.setItem('kollegi-draft:/forums/t/1/reply/|body', 'x')")
    page.evaluate("localStorage.setItem('kollegi-other', 'kept')")
    page.locator("main form button[type=submit]").click()

    page.wait_for_url(live_server.url + "/")
    assert page.evaluate("Object.keys(localStorage)") == ["kollegi-other"]
    # Signed out: the home page invites to join again, and the menu offers to log in.
    assert page.locator("main").get_by_role("link", name="Присоединиться").is_visible()
    assert page.get_by_role("link", name="Войти", include_hidden=True).count() == 1

    # Signing in again, with the address and the password: the home page.
    page.goto("/accounts/login/")
    assert_accessible(page)
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(live_server.url + "/")


def test_email_change_shows_pending_address(page, live_server):
    from accounts.tests.factories import UserFactory
    from conftest import browser_log_in

    member = UserFactory()
    browser_log_in(page, live_server, member)

    page.goto("/accounts/email/")
    assert_accessible(page)
    page.fill("main input[name=email]", "new.address@school.example")
    page.locator("main button[name=action_add]").click()

    page.wait_for_url("**/accounts/email/")
    assert page.locator("#new_email").input_value() == "new.address@school.example"
    # The form behind "Re-send" and "Cancel" carries data only; it stays hidden.
    assert page.locator("#pending-email").is_hidden()
    assert_accessible(page)
    page.get_by_role("button", name="Отменить изменение").click()
    page.wait_for_url("**/accounts/email/")
    assert page.locator("#new_email").count() == 0


def test_moderator_works_in_admin(page, live_server):
    from accounts import services
    from accounts.tests.factories import UserFactory
    from conftest import browser_log_in

    moderator = services.user_grant_role(user=UserFactory(), role=services.MODERATORS)
    UserFactory(profile__display_name="Ольга Петровна Смирнова")
    browser_log_in(page, live_server, moderator)

    page.goto("/admin/accounts/user/")
    assert_accessible(page)
    page.fill("#searchbar", "Смирнова")
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/accounts/user/?q=*")
    assert page.locator("#result_list tbody tr").count() == 1
    assert_accessible(page)
