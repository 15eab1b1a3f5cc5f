"""A poll and a contest from its entry to a verified diploma, in a browser,
at phone and desktop width, with axe.

A member votes in a poll on a topic's page. A teacher submits an entry to
an open contest on its page; entries close and two experts of other schools
score it on the judging pages, which never name its author; judging ends
and the organiser (a moderator) announces the results. The author downloads
her diploma (a PDF) from the results and anyone signed out confirms it on
its verification page (``/certificates/<code>/``). The contest's dates are
moved on as the clock would (``helpers_contests.moved_to``). Each page
passes axe without serious issues and does not scroll sideways. Set
KOLLEGI_SCREENSHOTS to a folder to keep screenshots.
"""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from conftest import assert_accessible, browser_log_in, page_watched
from contests.models import Contest, Diploma, Entry, Score
from contests.services import judging as judging_services
from contests.tests.helpers_contests import contest_open, expert, moderator, moved_to
from contests.tests.helpers_polls import counts, poll_made, topic_made, voters_made

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("vocabulary"),
]

VIEWPORTS = {
    "phone": ({"width": 360, "height": 800}, True),
    "desktop": ({"width": 1280, "height": 800}, False),
}
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
AUTHOR = "Вера Андреевна Лаптева"
AUTHOR_SCHOOL = "МБОУ «СОШ № 5»"
CONTEST = "Урок, который запомнится"
ENTRY = "Дроби на шоколадке: урок-открытие"


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


def _colleague(name: str, **fields):
    """A member past the new-member period."""
    return UserFactory(
        profile__display_name=name,
        date_joined=timezone.now() - datetime.timedelta(days=90),
        **fields,
    )


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
        page.screenshot(
            path=str(Path(folder) / f"contest-{name}-{width}.png"), full_page=True
        )


def _blind(page, author) -> None:
    """Nothing on the page names the author."""
    text = page.content()
    assert AUTHOR not in text, f"{page.url} names the author"
    assert author.username not in text, f"{page.url} shows the author's username"
    assert AUTHOR_SCHOOL not in text, f"{page.url} shows the author's school"


def test_a_member_votes_in_a_poll_on_a_topic_page(page, live_server):
    topic = topic_made(title="Пятидневка в нашей школе")
    poll = poll_made(topic, options=["Да", "Нет"], question="Переходим на пятидневку?")
    voters_made(poll, 2)
    member = _colleague("Ольга Николаевна Кузнецова")

    _as(page, live_server, member)
    page.goto(topic.get_absolute_url())
    group = page.get_by_role("group", name="Переходим на пятидневку?")
    group.wait_for()
    _check(page, "poll")
    group.get_by_role("radio", name="Нет", exact=True).check()
    _post(page, page.locator("#poll").get_by_role("button", name="Проголосовать"))

    assert counts(poll) == (3, [2, 1])
    assert "ваш выбор" in page.locator("#poll").inner_text().lower()
    _check(page, "poll-voted")


def _author_enters(page, live_server, author, contest: Contest) -> Entry:
    """From the contest's page to a submitted text entry."""
    _as(page, live_server, author)
    page.goto(contest.get_absolute_url())
    _check(page, "open")
    page.locator("main").get_by_role("link", name="Подать работу").click()
    page.wait_for_load_state()
    _check(page, "entry-form")
    page.fill("#id_title", ENTRY)
    page.fill("#id_text", "Делим шоколадку на **равные** части и записываем дроби.")
    _post(page, page.locator("main").get_by_role("button", name="Подать работу"))
    entry = Entry.objects.get(contest=contest, title=ENTRY)
    assert list(entry.authors.all()) == [author]
    assert page.url.endswith(entry.get_absolute_url())
    _check(page, "entry")
    return entry


def _judge_scores(page, live_server, judge, contest, entry, author, *, first: bool):
    """A judge scores the entry on the judging pages, which never name its
    author."""
    _as(page, live_server, judge)
    page.goto(f"/contests/{contest.slug}/judging/")
    link = page.locator("main").get_by_role("link", name=ENTRY)
    link.wait_for()
    _blind(page, author)
    if first:
        _check(page, "judging")
    link.click()
    page.wait_for_load_state()
    page.get_by_role("heading", name=ENTRY).wait_for()
    _blind(page, author)
    if first:
        _check(page, "score")
    for key, _title in judging_services.criteria_of(entry.nomination):
        page.locator(f"input[name=mark_{key}][value='5']").check()
    page.fill("#id_comment", "Живой урок: дроби на шоколадке запомнятся.")
    _post(page, page.locator("main").get_by_role("button", name="Сохранить оценку"))
    assert Score.objects.filter(entry=entry, judge=judge).exists()
    _blind(page, author)


def _organiser_announces(page, live_server, organiser, contest) -> None:
    _as(page, live_server, organiser)
    page.goto(f"/contests/{contest.slug}/finish/")
    _check(page, "finish")
    _post(page, page.locator("main").get_by_role("button", name="Подвести итоги"))
    contest.refresh_from_db()
    assert contest.status == Contest.Status.FINISHED
    assert contest.finished_by == organiser


def test_an_entry_judged_blind_wins_a_diploma_that_verifies(page, live_server):
    organiser = moderator()
    contest = contest_open(organiser=organiser, title=CONTEST, judges_per_entry=2)
    judges = [
        expert("mathematics", school="МАОУ «Гимназия № 2»"),
        expert("mathematics", school="МАОУ «Лицей № 131»"),
    ]
    for judge in judges:
        judging_services.judge_assign(contest=contest, user=judge, actor=organiser)
    author = _colleague(AUTHOR, profile__school=AUTHOR_SCHOOL)

    entry = _author_enters(page, live_server, author, contest)

    contest = moved_to(contest, "judging")
    for index, judge in enumerate(judges):
        _judge_scores(
            page, live_server, judge, contest, entry, author, first=index == 0
        )
    entry.refresh_from_db()
    assert entry.score_count == 2

    contest = moved_to(contest, "over")
    _organiser_announces(page, live_server, organiser, contest)
    entry.refresh_from_db()
    assert entry.result == Entry.Result.WINNER
    diploma = Diploma.objects.get(entry=entry, holder=author)

    # The author downloads her diploma from the results.
    _as(page, live_server, author)
    page.goto(f"/contests/{contest.slug}/results/")
    main = page.locator("main")
    download = main.get_by_role("link", name=diploma.number)
    download.wait_for()
    _check(page, "results")
    response = page.request.get(download.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    verify_url = main.get_by_role("link", name="Страница проверки").get_attribute(
        "href"
    )
    assert verify_url.endswith(f"/certificates/{diploma.code}/")

    # Anyone, signed out, confirms it.
    page.context.clear_cookies()
    page.goto(verify_url)
    main = page.locator("main")
    main.get_by_text(diploma.number).first.wait_for()
    assert AUTHOR in main.inner_text()
    assert CONTEST in main.inner_text()
    _check(page, "verify")
