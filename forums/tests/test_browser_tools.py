"""A moderator splits a side-discussion off and merges a duplicate, in a browser."""

import pytest

from accounts import services as accounts
from accounts.tests.factories import UserFactory
from conftest import assert_accessible, browser_log_in
from forums import services
from forums.models import Topic
from forums.tests.factories import SectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_moderator_splits_and_merges_then_a_member_reads_what_is_new(page, live_server):
    section = SectionFactory(title="Математика", slug="matematika")
    author = UserFactory(profile__display_name="Анна Морозова")
    colleague = UserFactory(profile__display_name="Иван Петров")
    moderator = accounts.user_grant_role(user=UserFactory(), role=accounts.MODERATORS)
    topic = services.topic_create(
        section=section, author=author, title="Дроби", body="Как объяснить?",
        tags=["дроби"],
    )  # fmt: skip
    services.post_create(topic=topic, author=colleague, body="Через пиццу.")
    services.post_create(topic=topic, author=colleague, body="А кто едет на курсы?")
    duplicate = services.topic_create(
        section=section, author=colleague, title="Про дроби", body="Тоже вопрос."
    )

    # The moderator splits the off-topic reply into its own topic.
    browser_log_in(page, live_server, moderator)
    page.goto(topic.get_absolute_url())
    page.get_by_role("link", name="Разделить").click()
    assert_accessible(page)
    page.get_by_label("#3 · Иван Петров", exact=False).check()
    page.fill("#id_title", "Курсы повышения квалификации")
    page.get_by_role("button", name="Разделить тему").click()
    page.wait_for_url("**/forums/t/*/")
    split = Topic.objects.get(title="Курсы повышения квалификации")
    assert split.posts.get().body == "А кто едет на курсы?"

    # ... and merges the duplicate question into the first topic.
    page.goto(duplicate.get_absolute_url())
    page.get_by_role("link", name="Объединить").click()
    page.fill("#id_target", f"{live_server.url}{topic.get_absolute_url()}")
    page.fill("#id_reason", "Один и тот же вопрос")
    assert_accessible(page)
    page.get_by_role("button", name="Объединить с другой темой").click()
    page.wait_for_url(f"**{topic.get_absolute_url()}")
    assert page.get_by_text("Тоже вопрос.").is_visible()

    # A member finds the news and the tag's page.
    page.context.clear_cookies()
    browser_log_in(page, live_server, author)
    page.goto(f"{live_server.url}/forums/")
    page.get_by_role("link", name="Новое с моего прошлого визита").click()
    page.get_by_role(
        "link", name="Курсы повышения квалификации"
    ).wait_for()  # visible once the page is back
    assert_accessible(page)
    page.goto(topic.get_absolute_url())
    page.get_by_role("link", name="#дроби").click()
    page.get_by_role("button", name="Следить за новыми темами").click()
    page.get_by_role(
        "button", name="Не следить"
    ).wait_for()  # visible once the page is back
    assert_accessible(page)
