"""Merging and splitting topics, moving them on the site, and the audit of it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from forums import selectors, services
from forums.models import ModerationLog, Post, Section, Topic, TopicRead, TopicWatch
from forums.tests.factories import PostFactory, SectionFactory, TopicFactory

pytestmark = pytest.mark.django_db


def _topic_with_replies(count: int, **kwargs) -> Topic:
    topic = TopicFactory(**kwargs)
    for number in range(2, count + 2):
        PostFactory(topic=topic, number=number, body=f"Ответ {number}")
    Topic.objects.filter(pk=topic.pk).update(reply_count=count)
    topic.refresh_from_db()
    return topic


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _numbers(topic: Topic) -> list[int]:
    return list(topic.posts.order_by("number").values_list("number", flat=True))


def _bodies(topic: Topic) -> list[str]:
    return list(topic.posts.order_by("number").values_list("body", flat=True))


# --- Merge -------------------------------------------------------------------


def test_merge_appends_the_posts_and_leaves_a_forwarding_address(moderator):
    target = _topic_with_replies(2, title="Цель")
    source = _topic_with_replies(2, title="Дубль")
    source_opening = source.posts.get(number=1)
    watcher = UserFactory()
    services.topic_watch_set(user=watcher, topic=source, watching=True)
    services.topic_read_mark(user=watcher, topic=source, number=3)

    result = services.topic_merge(
        source=source, target=target, moderator=moderator, reason="одно и то же"
    )

    assert result == target
    assert _numbers(target) == [1, 2, 3, 4, 5, 6]
    source_opening.refresh_from_db()
    assert (source_opening.topic_id, source_opening.number) == (target.pk, 4)
    source.refresh_from_db()
    target.refresh_from_db()
    assert source.merged_into_id == target.pk
    assert source.is_hidden
    assert not source.posts.exists()
    assert target.reply_count == 5
    assert TopicWatch.objects.filter(user=watcher, topic=target).exists()
    assert not TopicWatch.objects.filter(topic=source).exists()
    assert not TopicRead.objects.filter(topic=source).exists()
    logged = ModerationLog.objects.filter(action="merge")
    assert {entry.topic_id for entry in logged} == {source.pk, target.pk}
    assert {entry.reason for entry in logged} == {"одно и то же"}


def test_merge_recounts_both_sections():
    moderator = UserFactory(is_superuser=True)
    first, second = SectionFactory(), SectionFactory()
    target = _topic_with_replies(1, section=first)
    source = _topic_with_replies(2, section=second)

    services.topic_merge(source=source, target=target, moderator=moderator)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.topic_count, first.post_count) == (1, 5)
    assert (second.topic_count, second.post_count) == (0, 0)


def test_merge_brings_the_accepted_answer_to_an_unanswered_question(moderator):
    target = TopicFactory(kind=Topic.Kind.QUESTION)
    source = _topic_with_replies(1, kind=Topic.Kind.QUESTION)
    answer = source.posts.get(number=2)
    services.answer_accept(topic=source, post=answer, actor=source.author)

    services.topic_merge(source=source, target=target, moderator=moderator)

    target.refresh_from_db()
    assert target.accepted_post_id == answer.pk


def test_merge_into_itself_or_twice_is_refused(moderator):
    topic, other, third = TopicFactory(), TopicFactory(), TopicFactory()

    with pytest.raises(ValidationError) as same:
        services.topic_merge(source=topic, target=topic, moderator=moderator)
    services.topic_merge(source=topic, target=other, moderator=moderator)
    topic.refresh_from_db()
    with pytest.raises(ValidationError) as twice:
        services.topic_merge(source=topic, target=third, moderator=moderator)

    assert same.value.code == "same"
    assert twice.value.code == "merged"
    assert _numbers(third) == [1]


def test_section_moderator_merges_only_within_own_sections():
    section_moderator = UserFactory()
    own, foreign = SectionFactory(), SectionFactory()
    own.moderators.add(section_moderator)
    source = TopicFactory(section=own)

    with pytest.raises(PermissionDenied):
        services.topic_merge(
            source=source,
            target=TopicFactory(section=foreign),
            moderator=section_moderator,
        )
    with pytest.raises(PermissionDenied):
        services.topic_merge(
            source=source, target=TopicFactory(section=own), moderator=UserFactory()
        )

    services.topic_merge(
        source=source,
        target=TopicFactory(section=own),
        moderator=section_moderator,
    )
    source.refresh_from_db()
    assert source.merged_into_id is not None


def test_merged_topic_address_redirects_permanently(member_client, moderator):
    target, source = TopicFactory(), TopicFactory()
    services.topic_merge(source=source, target=target, moderator=moderator)

    response = member_client.get(source.get_absolute_url())

    assert response.status_code == 301
    assert response["Location"] == target.get_absolute_url()


def test_merged_topic_redirect_respects_the_target_visibility(member_client, moderator):
    target, source = TopicFactory(), TopicFactory()
    services.topic_merge(source=source, target=target, moderator=moderator)
    services.topic_moderate(topic=target, moderator=moderator, hidden=True)

    assert member_client.get(source.get_absolute_url()).status_code == 404


# --- Split -------------------------------------------------------------------


def test_split_moves_the_chosen_replies_and_numbers_both_topics_again(moderator):
    topic = _topic_with_replies(6, title="Длинная")
    topic.tags.add("дроби")

    new = services.topic_split(
        topic=topic,
        numbers=[3, 5, 6],
        title="  Ответвление  ",
        moderator=moderator,
        reason="другой вопрос",
    )

    assert new.title == "Ответвление"
    assert _bodies(new) == ["Ответ 3", "Ответ 5", "Ответ 6"]
    assert _numbers(new) == [1, 2, 3]
    assert _bodies(topic) == [
        "Согласна, у нас так же.",
        "Ответ 2",
        "Ответ 4",
        "Ответ 7",
    ]
    assert _numbers(topic) == [1, 2, 3, 4]
    topic.refresh_from_db()
    new.refresh_from_db()
    assert (topic.reply_count, new.reply_count) == (3, 2)
    assert new.section_id == topic.section_id
    assert new.author_id == Post.objects.get(body="Ответ 3").author_id
    assert list(new.tags.names()) == ["дроби"]
    moved_author = Post.objects.get(body="Ответ 5").author
    assert TopicWatch.objects.filter(user=moved_author, topic=new).exists()
    logged = ModerationLog.objects.filter(action="split")
    assert {entry.topic_id for entry in logged} == {topic.pk, new.pk}


def test_split_keeps_permalinks_on_the_right_page(moderator):
    topic = _topic_with_replies(45)
    late = topic.posts.get(number=44)

    services.topic_split(
        topic=topic, numbers=range(2, 22), title="Первые ответы", moderator=moderator
    )

    late.refresh_from_db()
    assert late.number == 24
    assert selectors.page_of_post(late) == 2
    response = Client().get(late.get_absolute_url(), follow=True)
    assert late.number in response.context["page_obj"]  # the page's numbers
    assert f'id="post-{late.number}"' in response.content.decode()


def test_split_clamps_read_marks_and_takes_the_accepted_answer_along(moderator):
    topic = _topic_with_replies(4, kind=Topic.Kind.QUESTION)
    answer = topic.posts.get(number=4)
    services.answer_accept(topic=topic, post=answer, actor=topic.author)
    reader = UserFactory()
    services.topic_read_mark(user=reader, topic=topic, number=5)

    services.topic_split(topic=topic, numbers=[4, 5], title="Т", moderator=moderator)

    topic.refresh_from_db()
    assert topic.accepted_post_id is None
    assert TopicRead.objects.get(user=reader, topic=topic).last_read_number == 3


def test_split_into_another_section_recounts_both(moderator):
    topic = _topic_with_replies(3)
    elsewhere = SectionFactory()

    new = services.topic_split(
        topic=topic, numbers=[2], title="Т", moderator=moderator, section=elsewhere
    )

    assert new.section == elsewhere
    elsewhere.refresh_from_db()
    topic.section.refresh_from_db()
    assert (elsewhere.topic_count, elsewhere.post_count) == (1, 1)
    assert (topic.section.topic_count, topic.section.post_count) == (1, 3)


@pytest.mark.parametrize(
    ("numbers", "title", "code"),
    [
        ([2], "   ", "title"),
        ([1, 2], "Т", "opening"),
        ([99], "Т", "empty"),
    ],
)
def test_split_refuses_bad_input_and_changes_nothing(moderator, numbers, title, code):
    topic = _topic_with_replies(2)

    with pytest.raises(ValidationError) as error:
        services.topic_split(
            topic=topic, numbers=numbers, title=title, moderator=moderator
        )

    assert error.value.code == code
    assert _numbers(topic) == [1, 2, 3]
    assert Topic.objects.count() == 1


def test_split_is_for_moderators_only(member):
    topic = _topic_with_replies(2, author=member)

    with pytest.raises(PermissionDenied):
        services.topic_split(topic=topic, numbers=[2], title="Т", moderator=member)


# --- The moderator's pages ----------------------------------------------------


@pytest.mark.parametrize("name", ["topic_move", "topic_merge", "topic_split"])
def test_moderation_pages_are_404_for_members_and_open_for_moderators(
    member, moderator, name
):
    member_client, moderator_client = _client(member), _client(moderator)
    topic = TopicFactory()
    url = reverse(f"forums:{name}", kwargs={"pk": topic.pk})

    assert member_client.get(url).status_code == 404
    assert member_client.post(url, {"reason": "x"}).status_code == 404
    assert moderator_client.get(url).status_code == 200
    assert Client().get(url).status_code == 302  # to the login page


def test_topic_page_links_the_moderation_pages_for_moderators_only(member, moderator):
    member_client, moderator_client = _client(member), _client(moderator)
    topic = TopicFactory()
    move = reverse("forums:topic_move", kwargs={"pk": topic.pk})

    assert move in moderator_client.get(topic.get_absolute_url()).content.decode()
    assert move not in member_client.get(topic.get_absolute_url()).content.decode()


def test_move_form_moves_the_topic_with_the_reason(moderator_client, moderator):
    topic = TopicFactory()
    elsewhere = SectionFactory(title="Методика")

    response = moderator_client.post(
        reverse("forums:topic_move", kwargs={"pk": topic.pk}),
        {"section": elsewhere.pk, "reason": "по теме раздела"},
    )

    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.section == elsewhere
    entry = ModerationLog.objects.get(action="move")
    assert (entry.moderator, entry.reason) == (moderator, "по теме раздела")


def test_section_moderator_can_move_only_into_own_sections(client):
    section_moderator = UserFactory()
    own, other_own, foreign = SectionFactory(), SectionFactory(), SectionFactory()
    own.moderators.add(section_moderator)
    other_own.moderators.add(section_moderator)
    topic = TopicFactory(section=own)
    client.force_login(section_moderator)
    url = reverse("forums:topic_move", kwargs={"pk": topic.pk})

    refused = client.post(url, {"section": foreign.pk, "reason": "сюда"})
    moved = client.post(url, {"section": other_own.pk})

    assert refused.status_code == 400
    assert "сюда" in refused.content.decode()  # the reason typed is kept
    assert moved.status_code == 302
    assert Topic.objects.get(pk=topic.pk).section == other_own
    assert set(selectors.sections_moderated_by(section_moderator)) == {own, other_own}


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("где-то там", "Вставьте адрес темы или её номер."),
        ("/forums/t/999999/", "Такой темы нет."),
    ],
)
def test_merge_form_bad_target_is_a_400_with_the_text_kept(
    moderator_client, target, message
):
    topic = TopicFactory()

    response = moderator_client.post(
        reverse("forums:topic_merge", kwargs={"pk": topic.pk}),
        {"target": target, "reason": "дубль"},
        HTTP_ACCEPT_LANGUAGE="ru",
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert target in page
    assert "дубль" in page
    assert not Topic.objects.filter(merged_into__isnull=False).exists()


def test_merge_form_into_itself_is_a_400(moderator_client):
    topic = TopicFactory()

    response = moderator_client.post(
        reverse("forums:topic_merge", kwargs={"pk": topic.pk}),
        {"target": str(topic.pk)},
        HTTP_ACCEPT_LANGUAGE="ru",
    )

    assert response.status_code == 400
    assert "Тему нельзя объединить саму с собой." in response.content.decode()


def test_merge_form_takes_the_full_address(moderator_client):
    source, target = TopicFactory(), TopicFactory()

    response = moderator_client.post(
        reverse("forums:topic_merge", kwargs={"pk": source.pk}),
        {"target": f"https://kollegi.example{target.get_absolute_url()}"},
    )

    assert response.status_code == 302
    assert response["Location"] == target.get_absolute_url()
    assert Topic.objects.get(pk=source.pk).merged_into == target


def test_split_form_without_replies_is_a_400_with_the_title_kept(moderator_client):
    topic = _topic_with_replies(3)

    response = moderator_client.post(
        reverse("forums:topic_split", kwargs={"pk": topic.pk}),
        {"title": "Новая ветка", "section": topic.section_id},
    )

    assert response.status_code == 400
    assert "Новая ветка" in response.content.decode()
    assert Topic.objects.count() == 1


def test_split_form_moves_everything_after_the_first_chosen(moderator_client):
    topic = _topic_with_replies(25)

    response = moderator_client.post(
        reverse("forums:topic_split", kwargs={"pk": topic.pk}) + "?page=1",
        {
            "numbers": ["18"],
            "to_end": "on",
            "title": "Хвост",
            "section": topic.section_id,
        },
    )

    new = Topic.objects.get(title="Хвост")
    assert response.status_code == 302
    assert response["Location"] == new.get_absolute_url()
    assert _numbers(new) == list(range(1, 10))  # posts 18..26
    assert _numbers(topic) == list(range(1, 18))


def test_split_page_lists_the_replies_of_one_page_in_fixed_queries(
    moderator_client, django_assert_max_num_queries
):
    topic = _topic_with_replies(60)

    with django_assert_max_num_queries(12):
        response = moderator_client.get(
            reverse("forums:topic_split", kwargs={"pk": topic.pk}) + "?page=2"
        )

    assert response.status_code == 200
    assert len(response.context["form"].fields["numbers"].choices) == 20


def test_admin_merges_the_selected_topics_into_the_oldest(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    oldest, newer = TopicFactory(), TopicFactory()

    response = client.post(
        reverse("admin:forums_topic_changelist"),
        {"action": "merge", "_selected_action": [oldest.pk, newer.pk]},
    )

    assert response.status_code == 302
    assert Topic.objects.get(pk=newer.pk).merged_into == oldest
    assert ModerationLog.objects.filter(action="merge", moderator=admin_user).exists()


def test_section_counters_after_merge_ignore_the_merged_topic(moderator):
    section = SectionFactory()
    target = TopicFactory(section=section)
    source = TopicFactory(section=section)

    services.topic_merge(source=source, target=target, moderator=moderator)

    assert Section.objects.get(pk=section.pk).topic_count == 1


def test_moving_a_topic_awaiting_moderation_keeps_counters_right(moderator):
    source, destination = SectionFactory(), SectionFactory()
    counted = services.topic_create(
        section=source, author=UserFactory(), title="Т", body="x"
    )
    waiting = TopicFactory(section=source, is_pending=True)
    Post.objects.filter(topic=waiting).update(is_pending=True)

    services.topic_move(topic=waiting, section=destination, moderator=moderator)
    services.topic_move(topic=counted, section=destination, moderator=moderator)

    source.refresh_from_db()
    destination.refresh_from_db()
    assert (source.topic_count, source.post_count) == (0, 0)
    assert (destination.topic_count, destination.post_count) == (1, 1)
