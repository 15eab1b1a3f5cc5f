"""A community's section in every forums channel: what a private community
(audience "group") holds never reaches those outside it, nor what a
members-only one holds visitors; a member who leaves loses it at once.

Each test builds the section as the communities' services do
(``group_section_create``) and asks a channel as one who may not read it
(a signed-in outsider and a visitor for a group's section, a visitor for a
members-only one) and as one who may (the control: a member of the
community, or any signed-in member)."""

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from circles.models import Community
from circles.tests.factories import CommunityFactory, MembershipFactory
from community.audience import Audience
from community.models import ActivityEvent, Notification, SearchEntry
from community.search import search
from forums import kinds, services
from forums.models import Post, Topic
from forums.tests.factories import PostFactory, SectionFactory, TopicFactory

pytestmark = pytest.mark.django_db

SECRET = "Тайное совещание"


@dataclass
class Group:
    community: Community
    section: object
    member: object  # a member of the community (wrote the topic)
    topic: Topic
    reply: Post


def _secrets_tag():
    from taggit.models import Tag

    return Tag.objects.get_or_create(name="секреты", defaults={"slug": "sekrety"})[0]


def _group(audience: str = Audience.GROUP, **topic) -> Group:
    if topic.get("tags"):
        _secrets_tag()
    community = CommunityFactory(
        visibility=Community.Visibility.PRIVATE, joining=Community.Joining.INVITATION
    )
    member = MembershipFactory(community=community).user
    section = services.group_section_create(
        title=community.name, group_id=community.pk, audience=audience
    )
    made = services.topic_create(
        section=section,
        author=member,
        title=SECRET,
        body="О чём знают только свои.",
        kind=topic.get("kind", Topic.Kind.DISCUSSION),
        tags=topic.get("tags", ()),
    )
    reply = services.post_create(
        topic=made, author=community.founder, body="Тайный ответ коллегам."
    )
    # The reply comes into search and the feed with the topic's fan-out.
    services.topic_fanout(topic_id=made.pk)
    return Group(community, section, member, made, reply)


# Who may not read it, per audience; and who may (the control).
OUTSIDE = [
    pytest.param(Audience.GROUP, "outsider", id="group-outsider"),
    pytest.param(Audience.GROUP, "visitor", id="group-visitor"),
    pytest.param(Audience.MEMBERS, "visitor", id="members-visitor"),
]


def _reader(group: Group, who: str):
    """``outsider``: a signed-in member outside the community; ``visitor``:
    nobody signed in; ``insider``: one who may read (a member of the
    community, for a members-only section any signed-in member would do)."""
    if who == "visitor":
        return AnonymousUser()
    if who == "outsider":
        return UserFactory()
    return group.member


def _client(user) -> Client:
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    return client


def _page(user, url: str):
    return _client(user).get(url)


# --- pages of the section and its topics ----------------------------------------


@pytest.mark.parametrize(("audience", "who"), OUTSIDE)
def test_topic_section_and_post_pages_are_404_outside(audience, who):
    group = _group(audience)
    outsider = _reader(group, who)

    for url in (
        group.topic.get_absolute_url(),
        group.section.get_absolute_url(),
        group.reply.get_absolute_url(),
    ):
        assert _page(outsider, url).status_code == 404, url
    insider = _client(group.member)
    assert SECRET in insider.get(group.topic.get_absolute_url()).content.decode()
    assert SECRET in insider.get(group.section.get_absolute_url()).content.decode()
    assert insider.get(group.reply.get_absolute_url()).status_code == 302


def test_outsider_may_not_reply_watch_or_open_a_topic_there():
    group = _group()
    outsider = _client(UserFactory())
    slug = group.section.slug

    assert outsider.get(reverse("forums:topic_create", args=[slug])).status_code == 404
    assert (
        outsider.post(reverse("forums:section_watch", args=[slug])).status_code == 404
    )
    reply = outsider.post(
        reverse("forums:reply", args=[group.topic.pk]), {"body": "Я тут"}
    )
    assert reply.status_code == 404
    watch = outsider.post(
        reverse("forums:topic_watch", args=[group.topic.pk]), {"watch": "1"}
    )
    assert watch.status_code == 404
    assert group.topic.posts.count() == 2
    insider = _client(group.member)
    assert insider.get(reverse("forums:topic_create", args=[slug])).status_code == 200


def test_in_a_public_community_only_its_members_write():
    from forums.permissions import can_create_topic, can_reply_topic, can_view_topic

    group = _group(Audience.EVERYONE)
    outsider = UserFactory()

    assert can_view_topic(outsider, group.topic)
    assert not can_create_topic(outsider, group.section)
    assert not can_reply_topic(outsider, group.topic)
    assert can_create_topic(group.member, group.section)
    assert can_reply_topic(group.member, group.topic)


def test_nobody_writes_in_a_read_only_section(moderator):
    from forums.permissions import can_create_topic, can_reply_topic

    group = _group()
    services.group_section_set(section=group.section, read_only=True)

    for user in (group.member, group.community.founder, moderator):
        assert not can_create_topic(user, group.section)
        assert not can_reply_topic(user, group.topic)
    assert _page(moderator, group.topic.get_absolute_url()).status_code == 200


def test_a_member_who_leaves_loses_it_at_once():
    from circles.services import community_leave

    group = _group()
    assert _page(group.member, group.topic.get_absolute_url()).status_code == 200
    assert search(text="Тайное", user=group.member).counts.get("topics") == 1

    community_leave(community=group.community, user=group.member)

    assert _page(group.member, group.topic.get_absolute_url()).status_code == 404
    assert not search(text="Тайное", user=group.member).counts.get("topics")


# --- lists ----------------------------------------------------------------------


def test_the_forums_index_lists_no_community_section():
    group = _group()
    SectionFactory(title="Учительская")

    for user in (group.member, UserFactory(), AnonymousUser()):
        response = _page(user, reverse("forums:index"))
        titles = [section.title for section in response.context["sections"]]
        assert titles == ["Учительская"], user


@pytest.mark.parametrize(("audience", "who"), OUTSIDE)
def test_unanswered_questions_leave_it_out(audience, who):
    group = _group(audience, kind=Topic.Kind.QUESTION)
    url = reverse("forums:unanswered")

    assert SECRET not in _page(_reader(group, who), url).content.decode()
    assert SECRET in _page(group.member, url).content.decode()


def test_new_topics_leave_it_out_for_an_outsider():
    group = _group()
    outsider = UserFactory(previous_visit_at=timezone.now() - datetime.timedelta(1))
    url = reverse("forums:new")

    assert SECRET not in _page(outsider, url).content.decode()
    assert SECRET in _page(group.member, url).content.decode()


@pytest.mark.parametrize(("audience", "who"), OUTSIDE)
def test_tag_pages_leave_it_out(audience, who):
    group = _group(audience, tags=["секреты"])
    TopicFactory(title="Открытая тема").tags.add(_secrets_tag())

    for url in (
        reverse("forums:tag", args=["sekrety"]),
        reverse("tag", args=["sekrety"]),
    ):
        shown = _page(_reader(group, who), url).content.decode()
        assert "Открытая тема" in shown, url
        assert SECRET not in shown, url
        assert SECRET in _page(group.member, url).content.decode(), url


@pytest.mark.parametrize("audience", [Audience.GROUP, Audience.MEMBERS])
def test_feeds_of_the_section_and_of_a_tag_leave_it_out(audience):
    group = _group(audience, tags=["секреты"])
    TopicFactory(title="Открытая тема").tags.add(_secrets_tag())
    slug = group.section.slug

    for name in ("forums:section_feed_rss", "forums:section_feed_atom"):
        # Feeds are read by anyone, and kept: even its members get none.
        assert _page(group.member, reverse(name, args=[slug])).status_code == 404
    for name in ("tag_feed_rss", "tag_feed_atom"):
        feed = _page(group.member, reverse(name, args=["sekrety"])).content.decode()
        assert "Открытая тема" in feed
        assert SECRET not in feed
    public = _group(Audience.EVERYONE)
    feed = _page(
        AnonymousUser(), reverse("forums:section_feed_rss", args=[public.section.slug])
    )
    assert SECRET in feed.content.decode()


@pytest.mark.parametrize("audience", [Audience.GROUP, Audience.MEMBERS])
def test_the_sitemap_leaves_it_out(audience):
    group = _group(audience)
    public = TopicFactory()

    topics = Client().get(reverse("sitemap_section", args=["forum-topics"]))
    sections = Client().get(reverse("sitemap_section", args=["forum-sections"]))

    assert public.get_absolute_url() in topics.content.decode()
    assert group.topic.get_absolute_url() not in topics.content.decode()
    assert public.section.get_absolute_url() in sections.content.decode()
    assert group.section.get_absolute_url() not in sections.content.decode()


@pytest.mark.parametrize("audience", [Audience.GROUP, Audience.MEMBERS])
def test_visitors_home_leaves_it_out(audience):
    group = _group(audience)
    TopicFactory(title="Открытая тема")

    home = Client().get(reverse("home")).content.decode()

    assert "Открытая тема" in home
    assert SECRET not in home
    assert group.topic.get_absolute_url() not in home


def test_members_home_questions_leave_it_out_for_an_outsider():
    from forums.selectors import questions_waiting

    group = _group(kind=Topic.Kind.QUESTION)
    Topic.objects.filter(pk=group.topic.pk).update(reply_count=0)
    insider = MembershipFactory(community=group.community).user

    def waiting(user):
        return [t.title for t in questions_waiting(user=user, subject_ids=[], limit=5)]

    assert waiting(UserFactory()) == []
    assert waiting(insider) == [SECRET]


@pytest.mark.parametrize("audience", [Audience.GROUP, Audience.MEMBERS])
def test_a_portfolio_leaves_its_answers_out(audience):
    from accounts.portfolio import portfolio_for

    group = _group(audience, kind=Topic.Kind.QUESTION)
    services.answer_accept(topic=group.topic, post=group.reply, actor=group.member)
    public = TopicFactory(kind=Topic.Kind.QUESTION, title="Открытый вопрос")
    answer = PostFactory(topic=public, author=group.community.founder)
    Topic.objects.filter(pk=public.pk).update(accepted_post=answer)

    shown = {
        item.title
        for section, items in portfolio_for(group.community.founder)
        if section.key == "forum_answers"
        for item in items
    }

    assert shown == {"Открытый вопрос"}


def test_the_digest_tells_of_it_only_its_members(django_assert_max_num_queries):
    from forums.hooks import _hot_topics

    group = _group()
    TopicFactory(title="Открытая тема")
    PostFactory(topic=Topic.objects.get(title="Открытая тема"))
    outsiders = UserFactory.create_batch(20)
    since = timezone.now() - datetime.timedelta(days=1)

    with django_assert_max_num_queries(3):
        found = _hot_topics([group.member, *outsiders], since)

    assert {item.title for item in found[group.member.pk]} == {
        SECRET,
        "Открытая тема",
    }
    assert {item.title for item in found[outsiders[0].pk]} == {"Открытая тема"}


def test_the_members_only_digest_items_are_members():
    from forums.hooks import _hot_topics

    _group(Audience.MEMBERS)
    reader = UserFactory()

    found = _hot_topics([reader], timezone.now() - datetime.timedelta(days=1))

    assert [item.title for item in found[reader.pk]] == [SECRET]


def test_bookmarks_and_reports_take_only_what_the_member_reads():
    from django.core.exceptions import ObjectDoesNotExist

    from accounts.services import bookmark_set
    from community.reports import reportable_get

    group = _group()
    outsider = UserFactory()

    with pytest.raises(ObjectDoesNotExist):
        bookmark_set(user=outsider, key="topic", object_id=group.topic.pk, on=True)
    assert bookmark_set(
        user=group.member, key="topic", object_id=group.topic.pk, on=True
    )
    for key, target in (("forum_topic", group.topic), ("forum_post", group.reply)):
        visible = reportable_get(key).visible_to
        assert not visible(outsider).filter(pk=target.pk).exists()
        assert visible(group.member).filter(pk=target.pk).exists()


def test_a_bookmark_kept_from_before_leaving_is_not_listed():
    from accounts.selectors_relations import bookmark_list_for_user, bookmark_rows
    from accounts.services import bookmark_set
    from circles.services import community_leave

    group = _group()
    bookmark_set(user=group.member, key="topic", object_id=group.topic.pk, on=True)

    def listed():
        page = list(bookmark_list_for_user(user=group.member))
        return [
            target.title
            for _b, target, _k in bookmark_rows(page=page, user=group.member)
        ]

    assert listed() == [SECRET]

    community_leave(community=group.community, user=group.member)

    assert listed() == []


# --- search and the activity feed -------------------------------------------------


@pytest.mark.parametrize(("audience", "who"), OUTSIDE)
def test_search_leaves_topic_and_reply_out(audience, who):
    group = _group(audience)

    outside = search(text="Тайн", user=_reader(group, who)).counts
    inside = search(text="Тайн", user=group.member).counts

    assert not outside.get("topics")
    assert not outside.get("posts")
    assert inside == {"topics": 1, "posts": 1}


def _events(group: Group) -> set[str]:
    return set(
        ActivityEvent.objects.filter(title=SECRET).values_list("kind", flat=True)
    )


@pytest.mark.parametrize("audience", [Audience.GROUP, Audience.MEMBERS])
def test_the_activity_feed_tells_nothing_of_it(audience):
    group = _group(audience, kind=Topic.Kind.QUESTION)
    services.answer_accept(topic=group.topic, post=group.reply, actor=group.member)

    assert _events(group) == set()
    public = _group(Audience.EVERYONE, kind=Topic.Kind.QUESTION)
    services.answer_accept(topic=public.topic, post=public.reply, actor=public.member)
    assert _events(public) == {
        kinds.TOPIC_ACTIVITY,
        kinds.REPLY_ACTIVITY,
        kinds.ANSWER_ACTIVITY,
    }


def test_a_section_that_closes_takes_its_search_and_feed_entries_along(
    django_capture_on_commit_callbacks,
):
    group = _group(Audience.EVERYONE, kind=Topic.Kind.QUESTION)
    services.answer_accept(topic=group.topic, post=group.reply, actor=group.member)
    hidden = services.post_create(
        topic=group.topic, author=group.member, body="Удалю потом"
    )
    services.post_delete(post=hidden, actor=group.member)
    outsider = UserFactory()
    assert len(_events(group)) == 3
    assert search(text="Тайн", user=AnonymousUser()).counts == {
        "topics": 1,
        "posts": 1,
    }

    services.group_section_set(section=group.section, audience=Audience.GROUP)

    assert _events(group) == set()
    assert set(
        SearchEntry.objects.filter(kind__in=["topics", "posts"]).values_list(
            "audience", "group_id"
        )
    ) == {(Audience.GROUP, group.community.pk)}
    assert not search(text="Тайн", user=outsider).counts
    assert search(text="Тайн", user=group.member).counts == {"topics": 1, "posts": 1}

    # Opened again: the entries come back after commit, at their own times,
    # once however often the task runs.
    with django_capture_on_commit_callbacks(execute=True):
        services.group_section_set(section=group.section, audience=Audience.EVERYONE)
    services.section_feed_record(section_id=group.section.pk)

    assert ActivityEvent.objects.filter(title=SECRET).count() == 3
    event = ActivityEvent.objects.get(kind=kinds.TOPIC_ACTIVITY, title=SECRET)
    assert event.created_at == group.topic.created_at
    assert search(text="Тайн", user=AnonymousUser()).counts == {
        "topics": 1,
        "posts": 1,
    }


def test_search_entries_written_again_keep_the_sections_readers():
    group = _group()
    services.post_edit(post=group.reply, editor=group.community.founder, body="Тайна")

    entry = SearchEntry.objects.get(kind="posts")

    assert (entry.audience, entry.group_id) == (Audience.GROUP, group.community.pk)


def test_a_topic_moved_into_a_community_leaves_the_feed_and_search(moderator):
    group = _group()
    topic = services.topic_create(
        section=SectionFactory(),
        author=group.member,
        title="Переезжающая тема",
        body="Текст",
    )
    assert ActivityEvent.objects.filter(title="Переезжающая тема").exists()

    services.topic_move(topic=topic, section=group.section, moderator=moderator)

    assert not ActivityEvent.objects.filter(title="Переезжающая тема").exists()
    assert not search(text="Переезжающая", user=UserFactory()).counts
    assert search(text="Переезжающая", user=group.member).counts == {"topics": 1}


# --- notifications --------------------------------------------------------------


def _told(user) -> set[str]:
    return set(
        Notification.objects.filter(
            recipient=user, kind__startswith="forum_"
        ).values_list("kind", flat=True)
    )


@pytest.fixture
def told_after_commit(django_capture_on_commit_callbacks):
    """Run the fan-out a service asks for after its commit."""

    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


def test_a_mention_reaches_only_those_who_may_read_it(told_after_commit):
    group = _group()
    outsider = UserFactory(username="chuzhaya")
    insider = MembershipFactory(
        community=group.community, user=UserFactory(username="svoya")
    ).user

    told_after_commit(
        services.post_create,
        topic=group.topic,
        author=group.member,
        body="Коллеги @chuzhaya и @svoya",
    )

    assert _told(outsider) == set()
    assert _told(insider) == {kinds.MENTION}


def test_a_quote_of_one_who_left_tells_them_nothing(told_after_commit):
    from circles.services import community_leave

    group = _group()
    leaver, stayer = (MembershipFactory(community=group.community).user for _ in "ab")
    said = {
        user: told_after_commit(
            services.post_create, topic=group.topic, author=user, body=f"Мысль {n}"
        )
        for n, user in enumerate((leaver, stayer))
    }
    community_leave(community=group.community, user=leaver)
    Notification.objects.all().delete()

    for user in (leaver, stayer):
        told_after_commit(
            services.post_create,
            topic=group.topic,
            author=group.member,
            body=f"Не согласна с {user.pk}",
            quoted=said[user],
        )

    assert _told(leaver) == set()
    assert kinds.QUOTE in _told(stayer)


def test_a_watcher_who_left_hears_nothing_more(told_after_commit):
    from circles.services import community_leave

    group = _group()
    leaver, stayer = (MembershipFactory(community=group.community).user for _ in "ab")
    for user in (leaver, stayer):
        services.topic_watch_set(user=user, topic=group.topic, watching=True)
    community_leave(community=group.community, user=leaver)

    told_after_commit(
        services.post_create, topic=group.topic, author=group.member, body="Новости"
    )

    assert _told(leaver) == set()
    assert _told(stayer) == {kinds.REPLY}


@pytest.mark.parametrize("audience", [Audience.GROUP, Audience.MEMBERS])
def test_section_and_tag_watchers_outside_hear_nothing(audience, told_after_commit):
    from circles.services import community_leave

    group = _group(audience)
    tag = _secrets_tag()
    outsider, insider = UserFactory(), MembershipFactory(community=group.community).user
    inactive = UserFactory(is_active=False)
    for user in (outsider, insider, inactive):
        services.tag_watch_set(user=user, tag=tag, watching=True)
    stayer, leaver = (MembershipFactory(community=group.community).user for _ in "ab")
    for user in (stayer, leaver):
        services.section_watch_set(user=user, section=group.section, watching=True)
    community_leave(community=group.community, user=leaver)

    told_after_commit(
        services.topic_create,
        section=group.section,
        author=group.member,
        title="Новая тема",
        body="Текст",
        tags=["секреты"],
    )

    assert _told(insider) == {kinds.NEW_TAGGED}
    assert _told(stayer) == {kinds.NEW_TOPIC}
    assert _told(inactive) == set()
    if audience == Audience.GROUP:
        assert _told(outsider) == set()
        assert _told(leaver) == set()
    else:  # members-only: any signed-in member reads it
        assert _told(outsider) == {kinds.NEW_TAGGED}
        assert _told(leaver) == {kinds.NEW_TOPIC}


def test_an_answer_accepted_after_its_author_left_tells_them_nothing():
    from circles.services import community_leave

    group = _group(kind=Topic.Kind.QUESTION)
    leaver, stayer = (MembershipFactory(community=group.community).user for _ in "ab")
    answers = {
        user: services.post_create(topic=group.topic, author=user, body=f"Ответ {n}")
        for n, user in enumerate((leaver, stayer))
    }
    community_leave(community=group.community, user=leaver)

    for user in (leaver, stayer):
        services.answer_accept(
            topic=group.topic, post=answers[user], actor=group.member
        )

    assert _told(leaver) == set()
    assert _told(stayer) == {kinds.ACCEPTED}


# --- what it costs ------------------------------------------------------------------


def test_the_section_and_topic_pages_of_a_community_keep_their_queries(
    django_assert_max_num_queries,
):
    group = _group()
    TopicFactory.create_batch(55, section=group.section)
    for number in range(3, 60):
        PostFactory(topic=group.topic, number=number)
    client = _client(group.member)

    with django_assert_max_num_queries(10):
        section = client.get(group.section.get_absolute_url())
    with django_assert_max_num_queries(12):
        topic = client.get(group.topic.get_absolute_url() + "?page=2")

    assert len(section.context["page_obj"]) == 20
    assert len(topic.context["page_obj"]) == 20


def test_lists_across_sections_keep_their_queries(django_assert_max_num_queries):
    group = _group(kind=Topic.Kind.QUESTION)
    TopicFactory.create_batch(
        30, section=group.section, kind=Topic.Kind.QUESTION, title="Вопрос группы"
    )
    TopicFactory.create_batch(30, kind=Topic.Kind.QUESTION, title="Открытый вопрос")
    client = _client(group.member)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("forums:unanswered"))

    assert len(response.context["page_obj"]) == 20
