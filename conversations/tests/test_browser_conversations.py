"""Messages and consultation lines in a browser, at phone and desktop width,
with axe.

A teacher writes to a colleague who does not follow her: it waits under
«Запросы» (not in the header's count); the colleague accepts, she is told,
he replies, she reads it and reports his message. Then a teacher asks a
consultation line; an expert of the line takes the question and answers; the
asker sees the answer and the status «отвечен». Each page on the way passes
axe-core without serious issues and does not scroll sideways; the inbox and
the conversation hold at 320 px. Set KOLLEGI_SCREENSHOTS to a folder to keep
screenshots.
"""

import os
from pathlib import Path

import pytest

from community.models import Notification, Report, Subject
from conftest import assert_accessible, browser_log_in, page_watched
from conversations import kinds
from conversations.models import Conversation, Message, Participant, Question
from conversations.tests.factories import EstablishedUserFactory
from conversations.tests.lines_factories import (
    site_moderator,
    subject_expert,
    subject_line,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("vocabulary"),
]

VIEWPORTS = {
    "phone": ({"width": 360, "height": 800}, True),
    "desktop": ({"width": 1280, "height": 800}, False),
}
NARROWEST = {"width": 320, "height": 800}
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser, live_server):
    """A fresh page: a touch phone at 360 px or a desktop at 1280 px; fails
    on a script error or a Content Security Policy violation."""
    viewport, touch = VIEWPORTS[request.param]
    context = browser.new_context(
        viewport=viewport,
        base_url=live_server.url,
        locale="ru-RU",
        has_touch=touch,
        is_mobile=touch,
    )
    page, problems = page_watched(context)
    yield page
    context.close()
    assert not problems, f"errors in the browser: {problems}"


def _as(page, live_server, user) -> None:
    """The browser is ``user`` from now on."""
    page.context.clear_cookies()
    browser_log_in(page, live_server, user)


def _post(page, button) -> None:
    """Submit a form and wait for the page it brings."""
    with page.expect_navigation():
        button.click()


def _check(page, name: str) -> None:
    """axe finds nothing serious, nothing scrolls sideways; a screenshot
    when KOLLEGI_SCREENSHOTS names a folder."""
    assert page.evaluate(OVERFLOW) <= 0, f"{page.url} scrolls sideways"
    assert_accessible(page)
    folder = os.environ.get("KOLLEGI_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        width = page.viewport_size["width"]
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)


def _holds_at_320(page) -> None:
    """At the narrowest phone the page does not scroll sideways."""
    size = page.viewport_size
    page.set_viewport_size(NARROWEST)
    try:
        assert page.evaluate(OVERFLOW) <= 0, f"{page.url} scrolls sideways at 320 px"
    finally:
        page.set_viewport_size(size)


def _header_count(page, which: str) -> str:
    badge = page.locator(f"#header-{which} .badge")
    return badge.inner_text().split()[0] if badge.count() else "0"


def test_request_accepted_replied_and_reported(page, live_server):
    anna = EstablishedUserFactory(
        username="anna", profile__display_name="Анна Сергеевна Морозова"
    )
    boris = EstablishedUserFactory(
        username="boris", profile__display_name="Борис Олегович Зайцев"
    )
    subject = "Совместный урок по дробям"

    # Anna writes to Boris, who does not follow her: a request.
    _as(page, live_server, anna)
    page.goto("/messages/new/?to=boris")
    assert page.locator("#id_to").input_value() == "boris"
    _check(page, "compose")
    page.fill("#id_subject", subject)
    page.fill(
        "#id_body", "Борис Олегович, давайте проведём урок по дробям вместе с 6 «А»?"
    )
    _post(page, page.locator("main form button[type=submit]"))
    conversation = Conversation.objects.get(subject=subject)
    assert Participant.objects.get(conversation=conversation, user=boris).status == (
        Participant.Status.REQUEST
    )
    page.get_by_role("heading", name=subject).wait_for()
    _check(page, "conversation-sent")

    # Boris: nothing in his inbox or its count; the request under «Запросы».
    _as(page, live_server, boris)
    page.goto("/messages/")
    assert _header_count(page, "messages") == "0"
    assert page.locator("main").get_by_role("link", name=subject).count() == 0
    requests_tab = page.locator("main nav").get_by_role("link", name="Запросы")
    assert "1" in requests_tab.inner_text()
    _check(page, "inbox-empty")
    _holds_at_320(page)
    requests_tab.click()
    page.wait_for_load_state()
    assert "tab=requests" in page.url
    _check(page, "requests")
    page.locator("main").get_by_role("link", name=subject).click()
    page.wait_for_load_state()
    page.locator("#request").wait_for()
    assert page.locator("#reply").count() == 0
    _check(page, "request")
    _post(page, page.locator("#request").get_by_role("button", name="Принять"))
    assert Participant.objects.get(conversation=conversation, user=boris).status == (
        Participant.Status.ACTIVE
    )

    # Anna is told.
    told = Notification.objects.get(recipient=anna, kind=kinds.REQUEST_ACCEPTED)
    assert told.actor == boris

    # Boris replies.
    page.locator("#reply").wait_for()
    reply = "Анна Сергеевна, с радостью! Возьму задачи на сравнение дробей."
    page.fill("#id_body", reply)
    _post(page, page.locator("#reply").get_by_role("button", name="Отправить"))
    answer = Message.objects.get(conversation=conversation, number=2)
    assert answer.author == boris
    page.locator("#m-2").get_by_text("с радостью").wait_for()
    _check(page, "conversation")
    _holds_at_320(page)

    # Anna sees she was told, finds the reply and reads it.
    _as(page, live_server, anna)
    page.goto("/notifications/")
    assert _header_count(page, "bell") != "0"
    page.locator("main").get_by_text(subject).first.wait_for()
    page.goto("/messages/")
    assert _header_count(page, "messages") == "1"
    row = page.locator("main li.ui-row", has_text=subject)
    assert "1 новое сообщение" in row.inner_text()
    _check(page, "inbox")
    _holds_at_320(page)
    row.get_by_role("link", name=subject).click()
    page.wait_for_load_state()
    page.locator("#m-2").get_by_text(reply).wait_for()
    _check(page, "conversation-read")

    # She reports his message through the report form.
    page.locator("#m-2").get_by_role("link", name="Пожаловаться").click()
    page.wait_for_load_state()
    _check(page, "report")
    page.locator("input[name=reason]").first.check()
    page.fill("#id_text", "Проверьте, пожалуйста.")
    _post(page, page.locator("main form button[type=submit]"))
    report = Report.objects.get(reporter=anna)
    assert report.target == answer
    page.get_by_role("heading", name=subject).wait_for()


def test_line_question_taken_and_answered(page, live_server):
    maths = Subject.objects.get(slug="mathematics")
    line = subject_line(
        site_moderator(), maths, title="Методика преподавания математики"
    )
    expert = subject_expert(maths, profile__display_name="Иван Петрович Петров")
    asker = EstablishedUserFactory(profile__display_name="Ольга Николаевна Кузнецова")
    subject = "Как объяснить степени восьмиклассникам?"
    answer = "Начните с площади квадрата и объёма куба: 2³ = 2 · 2 · 2."

    # A member asks the line.
    _as(page, live_server, asker)
    page.goto("/lines/")
    _check(page, "lines")
    page.locator("main").get_by_role("link", name=line.title).click()
    page.wait_for_load_state()
    _check(page, "line")
    page.fill("#id_subject", subject)
    page.fill("#id_body", "Дети путаются в системах счисления: им не хватает степеней.")
    _post(page, page.locator("main form button[type=submit]"))
    question = Question.objects.get(asker=asker)
    assert question.status == Question.Status.OPEN
    page.get_by_role("heading", name=subject).wait_for()
    assert "ждёт эксперта" in page.locator("main").inner_text()
    _check(page, "question-open")

    # An expert of the line takes it from the queue and answers.
    _as(page, live_server, expert)
    page.goto(line.get_absolute_url())
    queue = page.locator(f"#q-{question.pk}")
    queue.wait_for()
    _check(page, "line-expert")
    _post(page, queue.get_by_role("button", name="Взять"))
    question.refresh_from_db()
    assert question.status == Question.Status.TAKEN
    assert question.expert == expert
    page.locator("#reply").wait_for()
    _check(page, "question-taken")
    page.fill("#id_body", answer)
    _post(page, page.locator("#reply").get_by_role("button", name="Отправить"))
    question.refresh_from_db()
    assert question.status == Question.Status.ANSWERED

    # The asker sees the answer, and that it is answered.
    _as(page, live_server, asker)
    page.goto(question.conversation.get_absolute_url())
    page.locator("main").get_by_text("площади квадрата").wait_for()
    panel = page.locator("section[aria-labelledby=question-heading]")
    assert panel.locator("strong").inner_text() == "отвечен"
    _check(page, "question-answered")
