"""Visitors' pages are kept under what they show: a write inside one topic
renews that topic's pages, its section's and the section's above, and the
lists, and leaves every other topic's and section's page, the profiles,
materials and master-classes in the cache; a badge renews its member's
profile only; a write that may show anywhere renews them all
(``community.pagecache``)."""

import functools
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from community import pagecache
from forums import services as forums
from forums.tests.factories import SectionFactory, TopicFactory
from masterclasses.tests.factories import MasterClassFactory
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_premoderation(settings):
    settings.MODERATION_PREMODERATED_POSTS = 0


@pytest.fixture
def site(db):
    parent = SectionFactory()
    section = SectionFactory(parent=parent)
    other_section = SectionFactory()
    here = TopicFactory(section=section, title="Как объяснить дроби")
    elsewhere = TopicFactory(section=section, title="Проверка тетрадей")
    TopicFactory(section=other_section, title="Классное руководство")
    author = UserFactory()
    colleague = UserFactory()
    return {
        "section": section,
        "here": here,
        "elsewhere": elsewhere,
        "author": author,
        "colleague": colleague,
        "other_section": other_section,
        "reply": forums.post_create(topic=here, author=author, body="Первый ответ"),
        "pages": {
            "here": here.get_absolute_url(),
            "elsewhere": elsewhere.get_absolute_url(),
            "material": MaterialFactory().get_absolute_url(),
            "master-class": MasterClassFactory().get_absolute_url(),
            "catalogue": reverse("materials:catalogue"),
            "master-classes": reverse("masterclasses:list"),
            "calendar": reverse("masterclasses:month"),
            "section": section.get_absolute_url(),
            "parent": parent.get_absolute_url(),
            "other section": other_section.get_absolute_url(),
            "forums": reverse("forums:index"),
            "home": "/",
            "profile": author.get_absolute_url(),
            "other profile": colleague.get_absolute_url(),
            "search": "/search/?" + urlencode({"q": "дроби"}),
        },
    }


def _kept(client, pages: dict) -> None:
    for url in pages.values():
        assert client.get(url)["X-Page-Cache"] == "miss", url
        assert client.get(url)["X-Page-Cache"] == "hit", url


def _states(client, pages: dict) -> dict:
    return {name: client.get(url)["X-Page-Cache"] for name, url in pages.items()}


# A write inside a topic that may change its section's counters renews the
# topic's pages, its section's and the section's above, and the forums'
# index; one that changes a post's text also the search pages.
RENEWED_BY_A_TOPICS_WRITE = {"here", "section", "parent", "forums"}
SEARCHED = {"search"}


def _after_a_write_inside_here(client, site, renewed: set) -> dict:
    states = _states(client, site["pages"])
    assert {name for name, state in states.items() if state == "miss"} == renewed
    assert {name for name, state in states.items() if state == "hit"} == (
        set(site["pages"]) - renewed
    )
    return states


def test_a_reply_renews_its_topic_at_once_and_the_counters_with_its_fan_out(
    client, site, django_capture_on_commit_callbacks
):
    _kept(client, site["pages"])

    with django_capture_on_commit_callbacks() as after_commit:
        forums.post_create(
            topic=site["here"], author=UserFactory(), body="Через пиццу!"
        )

    # Published: its topic's page and its row in the section's list.
    _after_a_write_inside_here(client, site, {"here", "section"})
    assert "Через пиццу!" in client.get(site["pages"]["here"]).content.decode()

    # After commit: the same generations again (what was kept meanwhile
    # from the rows before is dropped), then the fan-out: the counters of the
    # section and the one above, the index, the reply's search entry.
    for callback in after_commit:
        callback()

    _after_a_write_inside_here(
        client, site, {"here", "section", "parent", "forums", "search"}
    )


def test_a_reaction_renews_its_topic_and_the_lists_only(client, site, member):
    _kept(client, site["pages"])

    forums.reaction_set(post=site["reply"], user=member, kind="thanks", on=True)

    _after_a_write_inside_here(client, site, RENEWED_BY_A_TOPICS_WRITE)


def test_an_edit_renews_its_topic_the_lists_and_search_only(client, site):
    _kept(client, site["pages"])

    forums.post_edit(post=site["reply"], editor=site["author"], body="Исправленный")

    _after_a_write_inside_here(client, site, RENEWED_BY_A_TOPICS_WRITE | SEARCHED)
    page = client.get(site["pages"]["here"]).content.decode()
    assert "Исправленный" in page
    assert "Первый ответ" not in page


def test_a_hidden_reply_leaves_its_topic_page_at_once(client, site, moderator):
    _kept(client, site["pages"])

    forums.post_hide(post=site["reply"], moderator=moderator, reason="спам")

    _after_a_write_inside_here(client, site, RENEWED_BY_A_TOPICS_WRITE | SEARCHED)
    assert "Первый ответ" not in client.get(site["pages"]["here"]).content.decode()


def test_a_pinned_topic_renews_its_page_and_the_lists_only(client, site, moderator):
    _kept(client, site["pages"])

    forums.topic_moderate(topic=site["here"], moderator=moderator, pinned=True)

    _after_a_write_inside_here(client, site, RENEWED_BY_A_TOPICS_WRITE)


def test_an_opening_post_edited_renews_the_home_page_too(client, site):
    opening = site["here"].posts.get(number=1)
    _kept(client, site["pages"])

    forums.post_edit(post=opening, editor=opening.author, body="Новое начало темы")

    _after_a_write_inside_here(
        client, site, RENEWED_BY_A_TOPICS_WRITE | SEARCHED | {"home"}
    )


def test_a_topic_approved_shows_on_the_home_page_at_once(
    client, site, moderator, settings
):
    from forums.models import Post

    settings.MODERATION_PREMODERATED_POSTS = 2  # a newcomer's posts wait
    newcomer = UserFactory()
    topic = forums.topic_create(
        section=site["section"],
        author=newcomer,
        title="Проектная неделя в пятых классах",
        body="Как вы её устраиваете?",
    )
    opening = Post.objects.get(topic=topic, number=1)
    assert opening.is_pending
    _kept(client, {"home": "/"})
    assert "Проектная неделя" not in client.get("/").content.decode()

    forums.post_approve(post=opening, moderator=moderator)

    home = client.get("/")
    assert home["X-Page-Cache"] == "miss"
    assert "Проектная неделя" in home.content.decode()


def test_badges_awarded_renew_the_lists_and_the_members_profile_only(client, site):
    from community.changes import badges_awarded

    _kept(client, site["pages"])

    badges_awarded([site["author"].pk])

    states = _states(client, site["pages"])
    assert {name for name, state in states.items() if state == "miss"} == {"profile"}


def test_a_profile_shows_the_badge_just_awarded(client, site):
    from community.changes import badges_awarded
    from community.models import Badge, BadgeAward

    url = site["pages"]["profile"]
    _kept(client, {"profile": url})
    badge = Badge.objects.create(
        key="mentor-of-the-year", name="Наставник года", description="", tier="gold"
    )

    BadgeAward.objects.create(badge=badge, user=site["author"], occurrence=1)
    badges_awarded([site["author"].pk])

    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "Наставник года" in response.content.decode()


def test_a_reply_in_another_section_keeps_this_sections_pages(client, site):
    pages = {
        name: site["pages"][name] for name in ("section", "parent", "other section")
    }
    _kept(client, pages)
    topic = TopicFactory(section=site["other_section"])

    forums.post_create(topic=topic, author=UserFactory(), body="В другом разделе")

    assert _states(client, pages) == {
        "section": "hit",
        "parent": "hit",
        "other section": "miss",
    }


def test_a_write_that_may_show_anywhere_renews_every_page(client, site):
    _kept(client, site["pages"])

    forums.section_create(title="Новый раздел", slug="novyi-razdel")

    states = _states(client, site["pages"])
    assert set(states.values()) == {"miss"}, states


def test_a_topic_merged_away_renews_both_topics_pages(client, site, moderator):
    _kept(client, site["pages"])

    forums.topic_merge(
        source=site["elsewhere"], target=site["here"], moderator=moderator
    )

    assert client.get(site["pages"]["here"])["X-Page-Cache"] == "miss"
    assert client.get(site["pages"]["elsewhere"]).status_code == 301


def test_the_mark_survives_a_decorator_that_wraps(rf):
    def view(request, pk):
        raise AssertionError

    marked = pagecache.page_scoped(lambda pk: [f"thing:{pk}"])(view)

    @functools.wraps(marked)
    def wrapper(request, *args, **kwargs):
        return marked(request, *args, **kwargs)

    assert list(wrapper.page_scopes(pk=7)) == ["thing:7"]


def test_a_page_without_a_mark_is_kept_under_the_lists(rf, site):
    kept = pagecache.kept_under(rf.get(reverse("forums:unanswered")))
    assert kept == [pagecache.GENERATION_KEY, pagecache.LISTS_KEY]

    for scoped in ("section", "profile", "home", "forums", "search"):
        kept = pagecache.kept_under(rf.get(site["pages"][scoped]))
        assert pagecache.LISTS_KEY not in kept, scoped
        assert pagecache.GENERATION_KEY in kept, scoped

    topic = pagecache.kept_under(rf.get(site["pages"]["here"]))
    assert pagecache.LISTS_KEY not in topic
    assert pagecache.GENERATION_KEY in topic


# --- A page renewed by a write is rendered once, however many ask at once.


def _key_of(url: str) -> str:
    from django.test import RequestFactory
    from django.utils import translation

    with translation.override("ru"):
        return pagecache._key(RequestFactory().get(url))


def test_a_page_being_rendered_is_waited_for_not_rendered_again(
    client, site, monkeypatch, django_assert_num_queries
):
    from django.core.cache import cache

    url = site["pages"]["section"]
    rendered = client.get(url)  # as another process would have, meanwhile
    key = _key_of(url)
    kept = cache.get(key)
    cache.delete(key)
    cache.add(key + pagecache.RENDERING, 1, pagecache.RENDERING_TIMEOUT)

    def another_process_finishes(seconds):
        cache.set(key, kept, pagecache.TIMEOUT)
        cache.delete(key + pagecache.RENDERING)

    monkeypatch.setattr(pagecache.time, "sleep", another_process_finishes)
    with django_assert_num_queries(0):
        waited = client.get(url)

    assert waited["X-Page-Cache"] == "hit"
    assert waited.content == rendered.content


def test_a_render_that_never_comes_is_rendered_by_the_one_who_waited(
    client, site, monkeypatch
):
    from django.core.cache import cache

    url = site["pages"]["section"]
    key = _key_of(url)
    cache.add(key + pagecache.RENDERING, 1, pagecache.RENDERING_TIMEOUT)
    slept = []
    monkeypatch.setattr(pagecache.time, "sleep", slept.append)

    response = client.get(url)

    assert response.status_code == 200
    assert response["X-Page-Cache"] == "miss"
    assert sum(slept) >= pagecache.RENDERING_WAIT - pagecache.RENDERING_POLL
    assert cache.get(key + pagecache.RENDERING) is None  # freed for the next


def test_the_rendering_mark_is_freed_after_a_page_that_is_not_kept(client):
    from django.core.cache import cache

    url = "/forums/s/no-such-section/"
    assert client.get(url).status_code == 404

    assert cache.get(_key_of(url) + pagecache.RENDERING) is None


def test_the_sections_lists_are_named_without_a_query_when_read_with_the_topic(
    site, django_assert_num_queries
):
    from forums.changes import _lists
    from forums.models import Topic
    from forums.versions import forum_index_pages, section_pages

    expected = [
        pagecache.LISTS_KEY,
        *sorted(
            section_pages(section.slug)
            for section in (site["section"], site["section"].parent)
        ),
        forum_index_pages(),
    ]
    bare = Topic.objects.get(pk=site["here"].pk)
    with django_assert_num_queries(1):
        assert _lists(bare) == expected
    read = Topic.objects.select_related("section__parent").get(pk=site["here"].pk)
    with django_assert_num_queries(0):
        assert _lists(read) == expected
