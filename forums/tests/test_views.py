"""Forum pages for anonymous visitors, members, authors and moderators."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from forums import services
from forums.models import ModerationLog, Post, Topic
from forums.tasks import topic_views_flush_task
from forums.tests.factories import PostFactory, SectionFactory, TopicFactory

pytestmark = pytest.mark.django_db


def member_client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_index_and_section_are_public():
    topic = TopicFactory(title="Открытая тема")

    assert Client().get(reverse("forums:index")).status_code == 200
    response = Client().get(topic.section.get_absolute_url())
    assert "Открытая тема" in response.content.decode()


def test_section_hides_hidden_topics():
    section = SectionFactory()
    TopicFactory(section=section, title="Скрытая", is_hidden=True)

    assert "Скрытая" not in Client().get(section.get_absolute_url()).content.decode()


def test_hidden_topic_is_404_for_members_and_visible_to_moderators(
    member_client, moderator
):
    topic = TopicFactory(is_hidden=True)

    assert member_client.get(topic.get_absolute_url()).status_code == 404
    assert member_client_for(moderator).get(topic.get_absolute_url()).status_code == 200


def test_section_marks_new_and_unread_topics(member_client, member):
    section = SectionFactory()
    seen = TopicFactory(section=section, title="Прочитана")
    services.topic_read_mark(user=member, topic=seen, number=1)
    grown = TopicFactory(section=section, title="С новыми ответами")
    services.topic_read_mark(user=member, topic=grown, number=1)
    PostFactory(topic=grown, number=2)
    Topic.objects.filter(pk=grown.pk).update(reply_count=1)
    TopicFactory(section=section, title="Новая")

    page = {
        topic.title: topic.last_read
        for topic in member_client.get(section.get_absolute_url()).context["page_obj"]
    }

    assert page == {"Прочитана": 1, "С новыми ответами": 1, "Новая": None}


def test_topic_page_counts_views_and_marks_read(
    member_client, member, django_capture_on_commit_callbacks
):
    topic = TopicFactory()
    PostFactory(topic=topic, number=2)

    with django_capture_on_commit_callbacks(execute=True):  # the read mark's task
        response = member_client.get(topic.get_absolute_url())

    assert response.context["view_count"] == 1  # waiting in the cache, shown
    topic.refresh_from_db()
    assert topic.view_count == 0
    topic_views_flush_task()
    topic.refresh_from_db()
    assert topic.view_count == 1
    assert topic.reads.get(user=member).last_read_number == 2


def test_unread_jump_lands_on_first_unread_post(member_client, member):
    topic = TopicFactory()
    for number in range(2, 26):
        PostFactory(topic=topic, number=number)
    services.topic_read_mark(user=member, topic=topic, number=21)

    response = member_client.get(topic.get_absolute_url() + "?unread=1")

    assert response.status_code == 302
    assert response.url == f"{topic.get_absolute_url()}?page=2#post-22"


def test_permalink_opens_the_right_page():
    topic = TopicFactory()
    posts = [PostFactory(topic=topic, number=number) for number in range(2, 45)]

    response = Client().get(reverse("forums:post", args=[posts[-1].pk]))

    assert response.url == f"{topic.get_absolute_url()}?page=3#post-44"


def test_topic_create_view(member_client, member):
    section = SectionFactory()

    response = member_client.post(
        reverse("forums:topic_create", args=[section.slug]),
        {
            "title": "Вопрос о ВПР",
            "kind": "question",
            "body": "Как готовить?",
            "tags": "ВПР",
        },
    )

    topic = Topic.objects.get()
    assert response.status_code == 302
    assert topic.is_question
    assert topic.author == member


def test_topic_create_bad_input_keeps_text(member_client):
    section = SectionFactory()

    response = member_client.post(
        reverse("forums:topic_create", args=[section.slug]),
        {"title": "", "kind": "discussion", "body": "Мой длинный текст"},
    )

    assert response.status_code == 400
    assert "Мой длинный текст" in response.content.decode()
    assert not Topic.objects.exists()


def test_topic_create_needs_login():
    section = SectionFactory()

    assert (
        Client().get(reverse("forums:topic_create", args=[section.slug])).status_code
        == 302
    )


def test_reply_view_lands_on_the_new_post(member_client):
    topic = TopicFactory()

    response = member_client.post(
        reverse("forums:reply", args=[topic.pk]), {"body": "Ответ"}
    )

    post = Post.objects.get(number=2)
    assert response.url == f"{topic.get_absolute_url()}#post-2"
    assert post.body == "Ответ"


def test_reply_to_locked_topic_is_403_with_text_kept(member_client):
    topic = TopicFactory(is_locked=True)

    response = member_client.post(
        reverse("forums:reply", args=[topic.pk]), {"body": "Мой важный ответ"}
    )

    assert response.status_code == 403
    assert "Мой важный ответ" in response.content.decode()
    assert topic.posts.count() == 1


def test_reply_empty_is_400(member_client):
    topic = TopicFactory()

    assert (
        member_client.post(
            reverse("forums:reply", args=[topic.pk]), {"body": ""}
        ).status_code
        == 400
    )


def test_reply_to_hidden_topic_is_404(member_client):
    topic = TopicFactory(is_hidden=True)

    assert (
        member_client.post(
            reverse("forums:reply", args=[topic.pk]), {"body": "x"}
        ).status_code
        == 404
    )


def test_quote_prefills_the_reply(member_client):
    topic = TopicFactory()
    post = PostFactory(topic=topic, number=2, body="Исходная мысль")

    response = member_client.get(f"{topic.get_absolute_url()}?quote={post.pk}")

    form = response.context["reply_form"]
    assert "> Исходная мысль" in form.initial["body"]
    assert form.initial["quoted"] == post.pk


def test_accepted_answer_shows_under_the_question(member_client, member):
    question = TopicFactory(author=member, kind="question")
    answer = PostFactory(topic=question, number=2, body="Вот ответ")
    member_client.post(reverse("forums:answer_accept", args=[answer.pk]))

    response = Client().get(question.get_absolute_url())

    # A short link to the answer, which is shown once, in its place.
    assert f'href="#post-{answer.number}"' in response.context["accepted_html"]
    content = response.content.decode()
    assert content.count('id="post-2"') == content.count("Вот ответ") == 1


def test_accept_by_a_bystander_is_403(member_client):
    question = TopicFactory(kind="question")
    answer = PostFactory(topic=question, number=2)

    assert (
        member_client.post(
            reverse("forums:answer_accept", args=[answer.pk])
        ).status_code
        == 403
    )


def test_unanswered_lists_open_questions_only():
    TopicFactory(kind="question", title="Открытый вопрос")
    answered = TopicFactory(kind="question", title="Решённый")
    Topic.objects.filter(pk=answered.pk).update(
        accepted_post=PostFactory(topic=answered)
    )
    TopicFactory(title="Обсуждение")

    titles = [
        topic.title
        for topic in Client().get(reverse("forums:unanswered")).context["page_obj"]
    ]

    assert titles == ["Открытый вопрос"]


def test_edit_view_for_author_and_403_for_others(member_client, member):
    post = PostFactory(author=member, body="Было")

    assert Client().get(reverse("forums:post_edit", args=[post.pk])).status_code == 302
    response = member_client.post(
        reverse("forums:post_edit", args=[post.pk]), {"body": "Стало"}
    )
    assert response.status_code == 302
    other = member_client_for(UserFactory())
    assert other.get(reverse("forums:post_edit", args=[post.pk])).status_code == 403


def test_moderator_sees_earlier_versions_and_locks(moderator):
    post = PostFactory(body="Первая версия")
    services.post_edit(post=post, editor=post.author, body="Вторая версия")
    client = member_client_for(moderator)

    page = client.get(reverse("forums:post_edit", args=[post.pk]))
    assert "Первая версия" in page.content.decode()

    client.post(
        reverse("forums:topic_moderate", args=[post.topic.pk]), {"action": "lock"}
    )
    assert Topic.objects.get(pk=post.topic.pk).is_locked
    assert ModerationLog.objects.filter(action="lock").exists()


def test_member_cannot_moderate(member_client):
    topic = TopicFactory()

    response = member_client.post(
        reverse("forums:topic_moderate", args=[topic.pk]), {"action": "lock"}
    )

    assert response.status_code == 403
    assert not Topic.objects.get(pk=topic.pk).is_locked


def test_react_and_delete_views(member_client, member):
    post = PostFactory()
    own = PostFactory(topic=post.topic, author=member, number=post.number + 1)

    member_client.post(reverse("forums:react", args=[post.pk]), {"kind": "useful"})
    member_client.post(reverse("forums:post_delete", args=[own.pk]))

    assert Post.objects.get(pk=post.pk).useful_count == 1
    assert Post.objects.get(pk=own.pk).is_deleted
    assert (
        member_client.post(
            reverse("forums:react", args=[post.pk]), {"kind": "x"}
        ).status_code
        == 404
    )


def test_removed_and_hidden_posts_leave_placeholders(moderator):
    topic = TopicFactory()
    PostFactory(topic=topic, number=2, body="Удалённый текст", is_deleted=True)
    PostFactory(topic=topic, number=3, body="Скрытый текст", is_hidden=True)

    content = Client().get(topic.get_absolute_url()).content.decode()

    assert "Удалённый текст" not in content
    assert "Скрытый текст" not in content
    assert 'id="post-2"' in content
    assert 'id="post-3"' in content
    assert (
        "Скрытый текст"
        in member_client_for(moderator).get(topic.get_absolute_url()).content.decode()
    )


def test_topic_page_query_count_does_not_grow(
    member_client, django_assert_max_num_queries
):
    topic = TopicFactory(kind="question")
    for number in range(2, 110):
        PostFactory(topic=topic, number=number)
    Topic.objects.filter(pk=topic.pk).update(accepted_post=topic.posts.get(number=50))

    with django_assert_max_num_queries(22):
        response = member_client.get(topic.get_absolute_url() + "?page=3")

    assert len(response.context["page_obj"]) == 20


def test_topic_page_with_a_poll_of_many_voters_keeps_its_budget(
    member, member_client, django_assert_max_num_queries
):
    # Another app's block on the page (contests' poll): one query more,
    # however many voted.
    from contests.models import Poll
    from contests.services import polls

    topic = TopicFactory(kind="question")
    for number in range(2, 110):
        PostFactory(topic=topic, number=number)
    poll = polls.poll_create(
        topic=topic,
        author=topic.author,
        question="Переходим на пятидневку?",
        kind=Poll.Kind.MULTIPLE,
        options=["Да", "Нет", "Пока не решила"],
        voters_shown=True,
    )
    answers = list(poll.options.values_list("pk", flat=True))
    for voter in [*UserFactory.create_batch(55), member]:
        polls.poll_vote(poll=poll, voter=voter, option_ids=answers[:2])

    with django_assert_max_num_queries(22):
        first = member_client.get(topic.get_absolute_url())
    with django_assert_max_num_queries(22):
        later = member_client.get(topic.get_absolute_url() + "?page=3")

    for response in (first, later):
        assert response.status_code == 200
        assert [shown.block.key for shown in response.context["page_blocks"]] == [
            "poll"
        ]
        assert response.context["page_blocks"][0].data.shown.poll.voter_count == 56


def test_section_page_query_count_does_not_grow(
    member_client, django_assert_max_num_queries
):
    section = SectionFactory()
    TopicFactory.create_batch(55, section=section)

    with django_assert_max_num_queries(10):
        response = member_client.get(section.get_absolute_url())

    assert len(response.context["page_obj"]) == 20


def test_index_shows_unread_topics_per_section(
    member_client, member, django_assert_max_num_queries
):
    from forums.models import Section

    maths, lounge = (
        SectionFactory(title="Математика"),
        SectionFactory(title="Учительская"),
    )
    child = SectionFactory(title="ОГЭ", parent=maths)
    seen, grown = TopicFactory(section=maths), TopicFactory(section=maths)
    TopicFactory(section=maths)
    TopicFactory(section=child)
    services.topic_read_mark(user=member, topic=seen, number=1)
    services.topic_read_mark(user=member, topic=grown, number=1)
    Topic.objects.filter(pk=grown.pk).update(reply_count=1)
    TopicFactory.create_batch(55, section=lounge)

    with django_assert_max_num_queries(8):
        response = member_client.get(reverse("forums:index"))

    unread = {section.title: section.unread for section in response.context["sections"]}
    assert unread == {"Математика": 2, "Учительская": 55}
    children = Section.objects.get(pk=maths.pk).children.all()
    assert [c.title for c in children] == ["ОГЭ"]
    assert "1</span>" in response.content.decode()


def test_the_topic_page_knows_what_the_member_did_with_it(member_client, member):
    from accounts.services import bookmark_set

    topic = TopicFactory()
    other = TopicFactory(section=topic.section)
    for number in range(2, 46):
        PostFactory(topic=topic, number=number)
    services.topic_read_mark(user=member, topic=topic, number=30)
    services.topic_watch_set(user=member, topic=topic, watching=True)
    bookmark_set(user=member, key="topic", object_id=topic.pk, on=True)
    topic.section.moderators.add(member)

    mine = member_client.get(topic.get_absolute_url()).context
    theirs = member_client.get(other.get_absolute_url()).context

    assert (mine["last_read"], mine["is_watching"], mine["is_bookmarked"]) == (
        30,
        True,
        True,
    )
    assert mine["may_moderate"] is True
    assert mine["page_obj"].paginator.num_pages == 3  # 45 posts, 20 a page
    assert (theirs["is_watching"], theirs["is_bookmarked"]) == (False, False)
    assert theirs["last_read"] == 0
