"""A question to its accepted answer, then a moderator closes it, in a browser."""

import pytest

from accounts import services as accounts
from accounts.tests.factories import UserFactory
from community.models import Notification
from conftest import assert_accessible, browser_log_in
from forums.models import Post, Topic
from forums.tests.factories import SectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def switch_to(page, live_server, user) -> None:
    page.context.clear_cookies()
    browser_log_in(page, live_server, user)


def test_question_reply_react_accept_and_lock(page, live_server):
    section = SectionFactory(title="Математика", slug="matematika")
    asker = UserFactory(username="asker", profile__display_name="Анна Морозова")
    helper = UserFactory(username="helper", profile__display_name="Иван Петров")
    moderator = accounts.user_grant_role(user=UserFactory(), role=accounts.MODERATORS)

    # The asker opens a question.
    browser_log_in(page, live_server, asker)
    page.goto(section.get_absolute_url())
    assert_accessible(page)
    page.get_by_role("link", name="Новая тема").click()
    page.fill("#id_title", "Как объяснить дроби?")
    page.get_by_label("вопрос").check()
    page.fill("#id_body", "Пятиклассники путаются в **знаменателях**.")
    page.get_by_role("button", name="Опубликовать").click()
    page.wait_for_url("**/forums/t/*/")
    assert_accessible(page)
    topic = Topic.objects.get()

    # A colleague quotes the question and mentions the asker.
    switch_to(page, live_server, helper)
    page.goto(topic.get_absolute_url())
    page.locator("#post-1").get_by_role("link", name="Цитировать").click()
    assert "> Пятиклассники" in page.locator("#id_body").input_value()
    page.locator("#id_body").press("End")
    page.locator("#id_body").type("@asker попробуйте пиццу!")
    page.get_by_role("button", name="Отправить").click()
    page.wait_for_url("**#post-2")
    assert page.locator("#post-2 blockquote").count() == 1
    assert_accessible(page)
    assert Notification.objects.filter(recipient=asker, kind="forum_mention").exists()

    # The asker thanks and accepts the answer.
    switch_to(page, live_server, asker)
    page.goto(topic.get_absolute_url())
    page.locator("#post-2").get_by_role("button", name="Спасибо · 0").click()
    page.locator("#post-2").get_by_role("button", name="Отметить как решение").click()
    page.wait_for_url(f"**{topic.get_absolute_url()}")
    assert page.get_by_text("решение").first.is_visible()
    assert Post.objects.get(number=2).thanks_count == 1
    assert Topic.objects.get().accepted_post.number == 2
    assert_accessible(page)

    # A moderator closes the topic: no reply form any more.
    switch_to(page, live_server, moderator)
    page.goto(topic.get_absolute_url())
    page.get_by_role("button", name="Закрыть", exact=True).click()
    page.wait_for_url(f"**{topic.get_absolute_url()}")
    assert Topic.objects.get().is_locked
    switch_to(page, live_server, helper)
    page.goto(topic.get_absolute_url())
    assert page.locator("#reply").count() == 0
    assert page.get_by_text("Тема закрыта").is_visible()
    assert_accessible(page)
