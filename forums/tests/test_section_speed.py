"""A section's page and the forums' index keep their rows rendered
(``forums.list_fragments``) and read little (``forums.selectors_lists``):
they show what rendering afresh would show, after every kind of write, in a
fixed number of queries."""

import datetime
import io
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from accounts import services as accounts
from accounts.tests.factories import UserFactory
from forums import selectors, selectors_lists, services
from forums.models import Section, Topic
from forums.tests.factories import SectionFactory, TopicFactory

pytestmark = pytest.mark.django_db

BUDGET = 10


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _main(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('<main id="main"') : html.index("</main>")]


def _rows(response) -> list[str]:
    """Each topic row of a section's page, as sent."""
    main = _main(response)
    return re.findall(r'<li class="ui-row ui-topic-row.*?</li>', main, re.S)


def _row(response, title: str) -> str | None:
    found = [row for row in _rows(response) if f">{title}</a>" in row]
    assert len(found) <= 1
    return found[0] if found else None


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _png() -> SimpleUploadedFile:
    output = io.BytesIO()
    Image.new("RGB", (50, 50), (10, 200, 30)).save(output, "PNG")
    return SimpleUploadedFile("me.png", output.getvalue(), content_type="image/png")


def _rendered_afresh(section: Section, user) -> list[str]:
    """The rows as the template renders them from the list's models, with
    no kept row: what the page showed before rows were kept."""
    zone = zoneinfo.ZoneInfo(
        user.profile.time_zone if user.is_authenticated else "Europe/Moscow"
    )
    with translation.override("ru"), timezone.override(zone):
        return [
            render_to_string(
                "forums/partials/_topic_row.html", {"topic": topic, "user": user}
            ).strip()
            for topic in selectors.topic_list_for_section(section=section, user=user)
        ]


@pytest.fixture
def shelf(moderator):
    """A section with topics of every kind of row: pinned and closed, a
    question and a solved one, replies by others, an author with a picture,
    one whose profile is hidden with a picture, one whose account is gone."""
    section = SectionFactory(title="Математика")
    pictured, hidden, gone, replier = (UserFactory() for _ in range(4))
    accounts.profile_avatar_set(profile=pictured.profile, upload=_png())
    accounts.profile_avatar_set(profile=hidden.profile, upload=_png())
    accounts.profile_hide(profile=hidden.profile, moderator=moderator, reason="-")
    rules = TopicFactory(section=section, title="Правила", author=pictured)
    services.topic_moderate(topic=rules, moderator=moderator, pinned=True, locked=True)
    question = TopicFactory(
        section=section, title="Как?", kind=Topic.Kind.QUESTION, author=hidden
    )
    solved = TopicFactory(section=section, title="Решено", kind=Topic.Kind.QUESTION)
    answer = services.post_create(topic=solved, author=replier, body="Вот так.")
    services.answer_accept(topic=solved, post=answer, actor=solved.author)
    talk = TopicFactory(section=section, title="Разговор", author=gone)
    for _ in range(3):
        services.post_create(topic=talk, author=replier, body="Согласна.")
    accounts.account_delete(user=gone)
    return section, {"rules": rules, "question": question, "talk": talk}, hidden


def test_kept_rows_are_the_rows_the_template_renders(shelf, member):
    section, topics, hidden_author = shelf
    services.topic_read_mark(user=member, topic=topics["talk"], number=2)
    services.topic_read_mark(user=member, topic=topics["rules"], number=1)

    for user in (member, hidden_author, AnonymousUser()):
        client = _client(user if user.is_authenticated else None)
        expected = _rendered_afresh(section, user)
        first = [row.strip() for row in _rows(client.get(section.get_absolute_url()))]
        kept = [row.strip() for row in _rows(client.get(section.get_absolute_url()))]

        assert first == expected
        assert kept == expected


def test_a_hidden_picture_shows_to_its_owner_only(shelf, member):
    section, _topics, hidden_author = shelf
    path = section.get_absolute_url()

    assert "<img " not in _row(_client(member).get(path), "Как?")
    assert "<img " in _row(_client(hidden_author).get(path), "Как?")
    assert "<img " not in _row(_client(UserFactory()).get(path), "Как?")


@pytest.fixture
def renders(monkeypatch) -> list[list[int]]:
    """The topics of each request whose rows were rendered, not kept."""
    calls: list[list[int]] = []
    original = selectors_lists.topics_for_rows

    def counted(*, pks, user):
        calls.append(sorted(pks))
        return original(pks=pks, user=user)

    monkeypatch.setattr(selectors_lists, "topics_for_rows", counted)
    return calls


def test_members_in_the_same_state_share_the_rows(renders):
    section = SectionFactory()
    TopicFactory.create_batch(3, section=section)

    _client(UserFactory()).get(section.get_absolute_url())
    _client(UserFactory()).get(section.get_absolute_url())
    _client(UserFactory()).get(section.get_absolute_url())

    assert len(renders) == 1
    assert len(renders[0]) == 3


def test_a_row_changed_is_rendered_alone(renders, member):
    section = SectionFactory()
    first, *_others = TopicFactory.create_batch(3, section=section)
    client = _client(member)
    client.get(section.get_absolute_url())

    services.post_create(topic=first, author=UserFactory(), body="Новый ответ")
    client.get(section.get_absolute_url())

    assert renders[1] == [first.pk]


@dataclass
class Scene:
    section: Section
    topic: Topic
    reply: object
    reader: object
    moderator: object


def _scene(moderator) -> Scene:
    section = SectionFactory()
    topic = TopicFactory(
        section=section, title="Дроби", author=UserFactory(profile__display_name="Анна")
    )
    TopicFactory(section=section, title="Соседняя тема")
    reply = services.post_create(
        topic=topic,
        author=UserFactory(profile__display_name="Борис"),
        body="Первый ответ",
    )
    reader = UserFactory()
    services.topic_read_mark(user=reader, topic=topic, number=2)
    return Scene(section, topic, reply, reader, moderator)


def _flushed_views(scene: Scene) -> None:
    for _ in range(7):
        services.topic_view_count(topic=scene.topic)
    services.topic_views_flush()


def _moved(scene: Scene) -> None:
    services.topic_move(
        topic=scene.topic, section=SectionFactory(), moderator=scene.moderator
    )


def _merged(scene: Scene) -> None:
    target = Topic.objects.get(title="Соседняя тема")
    services.topic_merge(source=scene.topic, target=target, moderator=scene.moderator)


def _split(scene: Scene) -> None:
    services.topic_split(
        topic=scene.topic,
        numbers=[2],
        title="Отдельный разговор",
        moderator=scene.moderator,
    )


def _question_solved(scene: Scene) -> None:
    Topic.objects.filter(pk=scene.topic.pk).update(kind=Topic.Kind.QUESTION)
    topic = Topic.objects.get(pk=scene.topic.pk)
    services.answer_accept(topic=topic, post=scene.reply, actor=topic.author)


def _moderated(**flags) -> Callable[[Scene], object]:
    return lambda s: services.topic_moderate(
        topic=s.topic, moderator=s.moderator, **flags
    )


# Each write, a text, and whether the reader's rows say it after the write
# (and not before) or no longer say it.
WRITES: dict[str, tuple[Callable[[Scene], object], str, bool]] = {
    "reply": (
        lambda s: services.post_create(
            topic=s.topic, author=UserFactory(profile__display_name="Вера"), body="Ещё"
        ),
        "2 ответа",
        True,
    ),
    "reply, the reader's mark": (
        lambda s: services.post_create(topic=s.topic, author=UserFactory(), body="Ещё"),
        "1 новый ответ",
        True,
    ),
    "reply, the last poster": (
        lambda s: services.post_create(
            topic=s.topic, author=UserFactory(profile__display_name="Вера"), body="Ещё"
        ),
        "Вера",
        True,
    ),
    "pin": (_moderated(pinned=True), "закреплена", True),
    "lock": (_moderated(locked=True), "закрыта", True),
    "hide": (_moderated(hidden=True), "Дроби", False),
    "question solved": (_question_solved, "решён", True),
    # No service edits a title: a write that says nothing still shows.
    "title": (
        lambda s: Topic.objects.filter(pk=s.topic.pk).update(title="Дроби и доли"),
        "Дроби и доли",
        True,
    ),
    "views counted": (_flushed_views, "7 просмотров", True),
    "moved away": (_moved, "Дроби", False),
    "merged away": (_merged, "Дроби", False),
    "split": (_split, "Отдельный разговор", True),
    "the author renamed": (
        lambda s: accounts.profile_update(
            profile=s.topic.author.profile, display_name="Анна Новая"
        ),
        "Анна Новая",
        True,
    ),
    "the author's picture": (
        lambda s: accounts.profile_avatar_set(
            profile=s.topic.author.profile, upload=_png()
        ),
        "<img ",
        True,
    ),
    "the last poster renamed": (
        lambda s: accounts.profile_update(
            profile=s.reply.author.profile, display_name="Борис Новый"
        ),
        "Борис Новый",
        True,
    ),
    "the author's account deleted": (
        lambda s: accounts.account_delete(user=s.topic.author),
        "Анна",
        False,
    ),
    "read to the end": (
        lambda s: services.topic_read_mark(user=s.reader, topic=s.topic, number=3),
        "1 новый ответ",
        False,
    ),
}


def _says(rows: str, text: str) -> bool:
    return text in rows or text in _text(rows)


@pytest.mark.parametrize("name", list(WRITES))
def test_a_write_reaches_a_member_who_saw_the_section(name, moderator):
    write, text, shown = WRITES[name]
    scene = _scene(moderator)
    if name == "read to the end":
        services.post_create(topic=scene.topic, author=UserFactory(), body="Ещё")
    client = _client(scene.reader)
    path = scene.section.get_absolute_url()
    assert _says("".join(_rows(client.get(path))), text) is not shown

    write(scene)
    rows = _rows(client.get(path))

    assert _says("".join(rows), text) is shown
    assert rows == _rendered_afresh(scene.section, scene.reader)


def test_an_edit_renders_no_row_again(renders, moderator):
    scene = _scene(moderator)
    client = _client(scene.reader)
    client.get(scene.section.get_absolute_url())

    services.post_edit(post=scene.reply, editor=scene.reply.author, body="Правка")
    rows = _rows(client.get(scene.section.get_absolute_url()))

    assert len(renders) == 1  # a row shows nothing of a post's text
    assert rows == _rendered_afresh(scene.section, scene.reader)


def test_pinned_topics_come_first_at_once(moderator, member):
    scene = _scene(moderator)
    client = _client(member)
    titles = re.findall(
        r'ui-topic-row-title" href="[^"]+">([^<]+)',
        _main(client.get(scene.section.get_absolute_url())),
    )
    assert titles[0] == "Дроби"  # the last reply

    services.topic_moderate(
        topic=Topic.objects.get(title="Соседняя тема"), moderator=moderator, pinned=True
    )
    main = _main(client.get(scene.section.get_absolute_url()))

    assert re.findall(r'ui-topic-row-title" href="[^"]+">([^<]+)', main) == [
        "Соседняя тема",
        "Дроби",
    ]


def test_the_day_changing_says_yesterday(member, monkeypatch):
    section = SectionFactory()
    TopicFactory(section=section, title="Сегодня")
    client = _client(member)
    assert "вчера" not in _row(client.get(section.get_absolute_url()), "Сегодня")

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)

    assert "вчера" in _row(client.get(section.get_absolute_url()), "Сегодня")


def test_a_new_topic_and_a_hidden_one_change_the_pages_at_once(moderator, member):
    section = SectionFactory()
    topics = TopicFactory.create_batch(20, section=section)
    client = _client(member)
    assert "Страница 1 из 1" not in _main(client.get(section.get_absolute_url()))

    services.topic_create(
        section=section, author=UserFactory(), title="Ещё одна", body="Текст"
    )
    page = _main(client.get(section.get_absolute_url()))
    assert "Страница 1 из 2" in page
    assert ">Ещё одна</a>" in page

    services.topic_moderate(topic=topics[0], moderator=moderator, hidden=True)
    page = _main(client.get(section.get_absolute_url()))
    assert "Страница 1 из 2" not in page


def test_a_section_page_reads_little_however_many_topics(
    member, django_assert_max_num_queries
):
    parent = SectionFactory(title="Предметы")
    section = SectionFactory(parent=parent, title="Математика")
    SectionFactory(parent=section, title="Геометрия")
    for topic in TopicFactory.create_batch(60, section=section):
        services.topic_read_mark(user=member, topic=topic, number=1)
    client = _client(member)

    with django_assert_max_num_queries(BUDGET):  # nothing kept yet
        first = client.get(section.get_absolute_url())
    # The session (in the cache in production), the member, the section, its
    # rows, the other apps' block.
    with django_assert_max_num_queries(5):
        again = client.get(section.get_absolute_url())

    assert _rows(first) == _rows(again)
    crumbs = _main(again).split("</ol></nav>")[0]
    assert f'<a href="{parent.get_absolute_url()}">Предметы</a>' in crumbs
    assert ">Геометрия</a>" in _main(again)
    assert len(_rows(again)) == 20


def test_a_watched_or_moderated_section_says_so(member, moderator):
    section = SectionFactory()
    services.section_watch_set(user=member, section=section, watching=True)
    section.moderators.add(member)

    page = _main(_client(member).get(section.get_absolute_url()))

    assert '<input type="hidden" name="watch" value="0">' in page
    assert reverse("forums:section_reports", args=[section.slug]) in page


# --- The forums' index ----------------------------------------------------------


def _cards(response) -> dict[str, str]:
    main = _main(response)
    return {
        re.search(r'class="h5 card-title"><a href="[^"]+">([^<]+)', card).group(1): card
        for card in re.findall(r'<section class="card mb-3".*?</section>', main, re.S)
    }


def test_the_index_counts_unread_and_new_as_the_lists_do(member):
    math, art = SectionFactory(title="Математика"), SectionFactory(title="ИЗО")
    SectionFactory(title="Геометрия", parent=math)
    topics = [*TopicFactory.create_batch(4, section=math), TopicFactory(section=art)]
    services.topic_read_mark(user=member, topic=topics[0], number=1)  # to the end
    services.post_create(topic=topics[1], author=UserFactory(), body="Ответ")
    services.topic_read_mark(user=member, topic=topics[1], number=1)  # not to the end
    hidden = TopicFactory(section=art, is_hidden=True)
    services.topic_read_mark(user=member, topic=hidden, number=1)

    forums = selectors_lists.forums_index(
        user=member, since=selectors.new_since(member)
    )
    expected = selectors.unread_counts_by_section(user=member)

    counted = {section.pk: section.unread for section in forums.sections}
    counted |= {
        child.pk: child.unread
        for section in forums.sections
        for child in section.children_listed
    }
    assert counted == {pk: expected.get(pk, 0) for pk in counted}
    assert (
        forums.new_count
        == selectors.topic_list_new(
            user=member, since=selectors.new_since(member)
        ).count()
    )


def test_the_index_counts_no_new_topic_of_a_community_one_is_not_in(member):
    outside = SectionFactory(group_id=1, audience="group")
    TopicFactory(section=outside)
    TopicFactory(section=SectionFactory())

    forums = selectors_lists.forums_index(
        user=member, since=selectors.new_since(member)
    )

    assert (
        forums.new_count
        == 1
        == selectors.topic_list_new(
            user=member, since=selectors.new_since(member)
        ).count()
    )


def test_the_index_follows_replies_reads_and_edits_in_the_admin(member):
    section = SectionFactory(title="Математика")
    topic = TopicFactory(section=section)
    client = _client(member)
    assert "1 непрочитанная тема" in _text(_cards(client.get("/forums/"))["Математика"])

    services.topic_read_mark(user=member, topic=topic, number=1)
    assert "непрочитан" not in _cards(client.get("/forums/"))["Математика"]

    services.post_create(topic=topic, author=UserFactory(), body="Ответ")
    assert "1 непрочитанная тема" in _text(_cards(client.get("/forums/"))["Математика"])

    # The admin saves a section as it is: no change function, and no kept card
    # shows the old title.
    Section.objects.filter(pk=section.pk).update(title="Алгебра")
    assert "Алгебра" in _cards(client.get("/forums/"))


def test_the_index_reads_little(member, django_assert_max_num_queries):
    for _n in range(12):
        section = SectionFactory()
        SectionFactory(parent=section)
        TopicFactory.create_batch(3, section=section)
    client = _client(member)

    with django_assert_max_num_queries(6):  # nothing kept yet
        first = client.get("/forums/")
    # The session (in the cache in production), the member, the sections,
    # the member's counts.
    with django_assert_max_num_queries(4):
        again = client.get("/forums/")

    assert _main(first) == _main(again)
    assert len(_cards(again)) == 12
