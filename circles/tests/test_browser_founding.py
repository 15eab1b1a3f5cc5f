"""A community's first hour, in a browser at phone and desktop width, with axe.

A teacher proposes a community with two colleagues; they accept, and it
opens; a colleague asks to join; the founder approves; the new member asks a
question in the community's forum. Every page on the way passes axe-core
without serious issues.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

from circles.models import Community, JoinRequest, Membership
from circles.tests.factories import EstablishedUserFactory
from conftest import assert_accessible, browser_log_in
from forums.models import Topic

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("vocabulary"),
]


def _as(page, live_server, user) -> None:
    """The browser is ``user`` from now on."""
    page.context.clear_cookies()
    browser_log_in(page, live_server, user)


def _shot(page, name: str) -> None:
    """Keep a screenshot when KOLLEGI_SCREENSHOTS names a folder."""
    folder = os.environ.get("KOLLEGI_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        width = page.viewport_size["width"]
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)


def _post(page, button) -> None:
    """Submit a form and wait for the page it brings."""
    with page.expect_navigation():
        button.click()


def test_propose_open_request_approve_ask(page, live_server):
    founder = EstablishedUserFactory(username="founder")
    first = EstablishedUserFactory(username="colleague1")
    second = EstablishedUserFactory(username="colleague2")
    newcomer = EstablishedUserFactory(username="newcomer")
    assert settings.CIRCLES_QUORUM == 3

    # The founder proposes it, naming two co-founders.
    _as(page, live_server, founder)
    page.goto("/communities/propose/")
    assert_accessible(page)
    page.fill("#id_name", "Учителя физики Поволжья")
    page.fill(
        "#id_purpose", "Обмениваемся лабораторными работами и готовимся к олимпиадам."
    )
    page.locator("input[name=joining][value=request]").check()
    page.fill("#id_cofounders", "colleague1, colleague2")
    _post(page, page.locator("main form button[type=submit]"))
    community = Community.objects.get()
    assert community.status == Community.Status.PROPOSED
    page.get_by_text("нужно ещё соучредителей").wait_for()
    assert_accessible(page)

    # Both colleagues accept; the second answer opens it.
    for colleague in (first, second):
        _as(page, live_server, colleague)
        page.goto(community.get_absolute_url())
        _post(page, page.locator("main").get_by_role("button", name="Принять"))
    community.refresh_from_db()
    assert community.status == Community.Status.OPEN
    assert community.member_count == 3

    # A colleague asks to join.
    _as(page, live_server, newcomer)
    page.goto(community.get_absolute_url())
    assert_accessible(page)
    page.fill("#id_message", "Веду физику в 9–11 классах, хочу присоединиться.")
    _post(page, page.get_by_role("button", name="Подать заявку"))
    page.get_by_text("Ваша заявка на вступление ждёт").wait_for()
    assert JoinRequest.objects.filter(
        user=newcomer, status=JoinRequest.Status.PENDING
    ).exists()

    # The founder approves the request on the members page.
    _as(page, live_server, founder)
    page.goto(community.get_absolute_url())
    page.locator("main").get_by_role("link", name="Участники и заявки").click()
    page.wait_for_load_state()
    assert_accessible(page)
    _post(page, page.get_by_role("button", name="Одобрить"))
    assert Membership.objects.filter(community=community, user=newcomer).exists()

    # The new member asks a question in the community's forum, which its
    # owner, a moderator there, lets through.
    _as(page, live_server, newcomer)
    page.goto(community.get_absolute_url())
    page.locator("main").get_by_role("link", name="Задать вопрос").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.fill("#id_title", "Как собрать маятник Максвелла из подручных средств?")
    # «Ask a question» opened the form as a question.
    assert page.locator("input[name=kind][value=question]").is_checked()
    page.fill("#id_body", "Ищу простую схему для 10 класса, без дорогого оборудования.")
    _post(page, page.locator("main form button[type=submit]").last)
    topic = Topic.objects.get(author=newcomer)
    assert topic.kind == Topic.Kind.QUESTION
    community.refresh_from_db()
    assert topic.section_id == community.section_id
    page.get_by_role("heading", name=topic.title).wait_for()
    assert_accessible(page)
    # A newcomer's first post waits for a moderator: here the community's own.
    assert topic.is_pending

    _as(page, live_server, founder)
    page.goto(topic.get_absolute_url())
    _post(page, page.locator("main").get_by_role("button", name="Одобрить"))
    topic.refresh_from_db()
    assert not topic.is_pending
    page.goto(community.get_absolute_url())
    page.locator("main").get_by_role("link", name=topic.title).wait_for()
    assert_accessible(page)
    _shot(page, "community")
