"""Topic rows that read at a glance: who started it, where, how many replies,
the last message (who and when, in the reader's time zone) and what is new
for the member, in a fixed number of queries however long the list."""

import datetime
import os
import re
import zoneinfo
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from accounts.models import Profile
from accounts.tests.factories import UserFactory
from conftest import assert_accessible, browser_log_in
from forums import services
from forums.models import Topic
from forums.tests.factories import PostFactory, SectionFactory, TopicFactory

pytestmark = pytest.mark.django_db

BUDGET = 10
MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
VLADIVOSTOK = zoneinfo.ZoneInfo("Asia/Vladivostok")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _main(response) -> str:
    html = response.content.decode()
    return html[html.index('<main id="main"') : html.index("</main>")]


def _row(response, title: str) -> str:
    """The markup of the one row whose title is ``title``."""
    rows = _main(response).split('<li class="ui-row ui-topic-row')[1:]
    found = [row[: row.index("</li>")] for row in rows if f">{title}</a>" in row]
    assert len(found) == 1, f"{title}: {len(found)} rows"
    return found[0]


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _with_replies(topic: Topic, *authors) -> Topic:
    for author in authors:
        PostFactory(topic=topic, author=author)
    Topic.objects.filter(pk=topic.pk).update(
        reply_count=len(authors), last_poster=authors[-1]
    )
    return topic


def test_a_row_shows_the_authors_picture_section_replies_and_last_poster(member):
    author = UserFactory(profile__display_name="Анна Смирнова")
    replier = UserFactory(profile__display_name="Борис Ковалёв")
    section = SectionFactory(title="Начальная школа")
    topic = TopicFactory(section=section, author=author, title="Дроби на пальцах")
    _with_replies(topic, replier, replier, replier)
    tag = Tag.objects.create(name="дроби", slug="drobi")
    topic.tags.add(tag)
    services.topic_read_mark(user=member, topic=topic, number=2)

    row = _row(_client(member).get(reverse("forums:tag", args=[tag.slug])), topic.title)

    # The author's initials without a picture: her picture with one.
    assert re.search(r'<span class="rounded-circle avatar avatar-32 [^>]*>А', row)
    text = _text(row)
    assert "Начальная школа · автор темы Анна Смирнова" in text
    assert "3 ответа" in text
    assert re.search(r"последнее сообщение: \d\d:\d\d , Борис Ковалёв", text)
    assert "2 новых ответа" in text
    assert row.count("<a ") == 2  # the title, and the jump to what is new


def test_the_section_is_named_only_where_the_list_mixes_sections(member):
    section = SectionFactory(title="Начальная школа")
    topic = TopicFactory(section=section, title="Дроби на пальцах")

    row = _row(_client(member).get(section.get_absolute_url()), topic.title)

    assert "Начальная школа" not in row
    assert "нет ответов" in _text(row)


def test_marks_say_pinned_closed_question_and_solved_in_words_and_icons(member):
    section = SectionFactory()
    TopicFactory(section=section, title="Правила", is_pinned=True, is_locked=True)
    TopicFactory(section=section, title="Как?", kind=Topic.Kind.QUESTION)
    solved = TopicFactory(section=section, title="Решено", kind=Topic.Kind.QUESTION)
    answer = PostFactory(topic=solved)
    Topic.objects.filter(pk=solved.pk).update(accepted_post=answer)

    response = Client().get(section.get_absolute_url())

    rules = _row(response, "Правила")
    assert "#pin-angle" in rules
    assert "закреплена" in _text(rules)
    assert "#lock" in rules
    assert "закрыта" in _text(rules)
    question = _row(response, "Как?")
    assert "#question-circle" in question
    assert "вопрос" in _text(question)
    done = _row(response, "Решено")
    assert "#check-circle" in done
    assert "решён" in _text(done)
    assert "вопрос" not in _text(done)


def test_unread_marks_new_topics_and_new_replies_with_a_link_to_the_first(member):
    section = SectionFactory()
    others = UserFactory(), UserFactory()
    read = _with_replies(TopicFactory(section=section, title="Прочитана"), *others)
    services.topic_read_mark(user=member, topic=read, number=3)
    grown = _with_replies(
        TopicFactory(section=section, title="С ответами"), *others, *others
    )
    services.topic_read_mark(user=member, topic=grown, number=2)
    TopicFactory(section=section, title="Новая")

    response = _client(member).get(section.get_absolute_url())

    new = _row(response, "Новая")
    assert new.startswith(" ui-row-unread")  # the bar and the bold title
    assert "новая" in _text(new)
    replies = _row(response, "С ответами")
    assert replies.startswith(" ui-row-unread")
    link = f'href="{grown.get_absolute_url()}?unread=1"'
    assert link in replies
    assert "3 новых ответа" in _text(replies)
    seen = _row(response, "Прочитана")
    assert not seen.startswith(" ui-row-unread")
    assert "?unread=1" not in seen
    assert not re.search(r"\bнов(ая|ый|ых)\b", _text(seen))
    # The link leads to the first post the member has not read.
    jump = _client(member).get(f"{grown.get_absolute_url()}?unread=1")
    assert jump.url == f"{grown.get_absolute_url()}#post-3"


def test_visitors_see_no_unread_marks():
    section = SectionFactory()
    TopicFactory(section=section, title="Новая")

    row = _row(Client().get(section.get_absolute_url()), "Новая")

    assert not row.startswith(" ui-row-unread")
    assert "новая" not in _text(row)


def test_the_last_message_shows_in_the_readers_time_zone(member):
    Profile.objects.filter(user=member).update(time_zone="Asia/Vladivostok")
    section = SectionFactory()
    at = datetime.datetime(2021, 3, 5, 21, 30, tzinfo=datetime.UTC)
    TopicFactory(section=section, title="Давняя", last_post_at=at)
    TopicFactory(section=section, title="Сегодня")

    response = _client(member).get(section.get_absolute_url())

    old = _row(response, "Давняя")
    # 21:30 UTC is 7:30 the next morning in Vladivostok (UTC+10).
    assert '<time datetime="2021-03-06T07:30:00+10:00"' in old
    assert 'title="6 марта 2021, 07:30">6 марта 2021</time>' in old
    today = _row(response, "Сегодня")
    now = timezone.localtime(timezone.now(), VLADIVOSTOK)
    assert f">{now:%H:%M}</time>" in today


def test_yesterday_and_this_year_are_said_short(member):
    section = SectionFactory()
    # The member's zone is Moscow (the default); a day ago is yesterday there.
    yesterday = timezone.localtime(timezone.now(), MOSCOW) - datetime.timedelta(days=1)
    TopicFactory(section=section, title="Вчера", last_post_at=yesterday)
    this_year = yesterday.replace(month=1, day=1, hour=9, minute=0)
    if this_year.date() < yesterday.date() - datetime.timedelta(days=1):
        TopicFactory(section=section, title="В январе", last_post_at=this_year)

    response = _client(member).get(section.get_absolute_url())

    assert f"вчера, {yesterday:%H:%M}" in _text(_row(response, "Вчера"))
    if this_year.date() < yesterday.date() - datetime.timedelta(days=1):
        assert ">1 января</time>" in _row(response, "В январе")


def _lists(member, count: int = 55):
    """More than a page of topics in two sections, each by its own author,
    with its own last poster, half read by the member, some with tags."""
    sections = SectionFactory(), SectionFactory()
    tag = Tag.objects.create(name="олимпиады", slug="olympiads")
    for number in range(count):
        topic = TopicFactory(section=sections[number % 2])
        _with_replies(topic, UserFactory())
        topic.tags.add(tag)
        if number % 2:
            services.topic_read_mark(user=member, topic=topic, number=1)
    return sections, tag


@pytest.mark.parametrize(
    "page", ["index", "section", "new", "unanswered", "tag", "tag-everything"]
)
def test_topic_lists_keep_a_fixed_number_of_queries(
    member, django_assert_max_num_queries, page
):
    sections, tag = _lists(member)
    Topic.objects.filter(section=sections[1]).update(kind=Topic.Kind.QUESTION)
    address = {
        "index": reverse("forums:index"),
        "section": sections[0].get_absolute_url(),
        "new": reverse("forums:new"),
        "unanswered": reverse("forums:unanswered"),
        "tag": reverse("forums:tag", args=[tag.slug]),
        "tag-everything": reverse("tag", args=[tag.slug]),
    }[page]
    client = _client(member)
    client.get(address)  # the visit and the cache warmed

    with django_assert_max_num_queries(BUDGET):
        response = client.get(address)

    assert response.status_code == 200
    if page != "index":
        assert _main(response).count('class="ui-row ui-topic-row') == 20


# --- In a browser -------------------------------------------------------------

LONG_NAME = "Мария-Антонина Константиновна Воскресенская-Преображенская"
LONG_TITLE = (
    "Как объяснить пятиклассникам сложение дробей с разными знаменателями, "
    "если половина класса ещё путается в таблице умножения"
)


def _busy_section(member):
    """A section with every kind of row: marks, unread, long names and titles."""
    section = SectionFactory(title="Математика в 5–6 классах")
    author = UserFactory(profile__display_name=LONG_NAME)
    replier = UserFactory()
    TopicFactory(
        section=section, title="Правила раздела", is_pinned=True, is_locked=True
    )
    question = TopicFactory(section=section, kind=Topic.Kind.QUESTION, author=author)
    solved = TopicFactory(section=section, kind=Topic.Kind.QUESTION, title="Решено")
    answer = PostFactory(topic=solved)
    Topic.objects.filter(pk=solved.pk).update(accepted_post=answer, reply_count=1)
    grown = _with_replies(
        TopicFactory(section=section, title=LONG_TITLE, author=author),
        *[replier] * 12,
    )
    services.topic_read_mark(user=member, topic=grown, number=3)
    read = _with_replies(TopicFactory(section=section, author=author), replier)
    services.topic_read_mark(user=member, topic=read, number=2)
    services.topic_read_mark(user=member, topic=question, number=1)
    TopicFactory.create_batch(6, section=section)
    tag = Tag.objects.create(name="дроби", slug="drobi")
    grown.tags.add(tag)
    solved.tags.add(tag)
    return section, grown, solved


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("vocabulary")
@pytest.mark.parametrize("width", [360, 1280])
def test_a_section_page_reads_at_a_glance_at_phone_and_laptop_widths(
    browser, live_server, width
):
    member = UserFactory()
    section, grown, solved = _busy_section(member)
    context = browser.new_context(
        viewport={"width": width, "height": 800},
        base_url=live_server.url,
        locale="ru-RU",
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto(section.get_absolute_url())
        browser_log_in(page, live_server, member)
        page.goto(section.get_absolute_url())

        document = page.evaluate("document.documentElement.scrollWidth")
        assert document <= width, f"the page is {document} px wide at {width}"
        rows = page.locator(".ui-topic-row")
        assert rows.count() == 11
        for row in rows.all():
            box = row.bounding_box()
            assert box["x"] >= 0
            assert box["x"] + box["width"] <= width
        assert_accessible(page)
        folder = os.environ.get("KOLLEGI_SCREENSHOTS")
        if folder:
            page.screenshot(
                path=str(Path(folder) / f"topic-rows-{width}.png"), full_page=True
            )

        # The rows among other kinds of things on a tag's page, and where
        # they mix sections.
        for address in (reverse("tag", args=["drobi"]), reverse("forums:new")):
            page.goto(address)
            document = page.evaluate("document.documentElement.scrollWidth")
            assert document <= width, f"{address} is {document} px wide at {width}"
            assert page.locator(".ui-topic-row").count() >= 2
            assert_accessible(page)
            if folder:
                name = address.strip("/").replace("/", "-")
                page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"))
        page.goto(section.get_absolute_url())

        # One row, at most two stops: the title, then the jump to what is new.
        grown_row = rows.filter(has_text=LONG_TITLE)
        grown_row.get_by_role("link", name=LONG_TITLE).focus()
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        assert focused == "10 новых ответов"
        page.keyboard.press("Tab")
        after = page.evaluate("document.activeElement.closest('.ui-topic-row')")
        assert after is not None  # the next row's title, nothing in between

        # The whole row takes the title's click; the jump goes to the first unread.
        with page.expect_navigation():
            grown_row.get_by_text("10 новых ответов").click()
        assert page.url.endswith(f"{grown.get_absolute_url()}#post-4")
        page.go_back()
        solved_row = page.locator(".ui-topic-row").filter(has_text="Решено")
        box = solved_row.bounding_box()
        with page.expect_navigation():
            # Beside the replies, far from the title.
            solved_row.click(position={"x": box["width"] - 8, "y": box["height"] - 8})
        assert page.url.endswith(solved.get_absolute_url())
    finally:
        context.close()
