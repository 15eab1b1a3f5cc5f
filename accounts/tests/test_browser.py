"""Sign-up to log-out in a real browser, at phone and desktop width."""

import re

import pytest
from django.core import mail

from conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

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
    page.locator("form button[type=submit]").last.click()

    page.wait_for_url("**/accounts/confirm-email/")
    assert_accessible(page)
    sent = [message for message in mail.outbox if email in message.to]
    assert len(sent) == 1
    link = CONFIRM_LINK.search(sent[0].body).group(0)

    page.goto(link)
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()

    page.wait_for_url("**/accounts/login/")
    assert_accessible(page)
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").first.click()

    page.wait_for_url(live_server.url + "/")
    assert page.get_by_text("Мария Ивановна Сидорова").first.is_visible()
    assert_accessible(page)

    # On a phone the menu is folded behind the toggler.
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    page.locator("#user-menu").click()
    page.get_by_role("link", name="Выйти").click()
    page.wait_for_url("**/accounts/logout/")
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()

    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("link", name="Войти").count() == 1
