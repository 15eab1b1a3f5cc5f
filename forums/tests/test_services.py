"""Forum services, branch by branch."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.tests.factories import BlockFactory, UserFactory
from community.models import ActivityEvent, Notification
from forums import services
from forums.models import (
    ModerationLog,
    Post,
    PostRevision,
    Section,
    Topic,
    TopicRead,
    TopicWatch,
)
from forums.tests.factories import PostFactory, SectionFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_topic_create_opens_topic_with_first_post_and_counts(member):
    section = SectionFactory()

    topic = services.topic_create(
        section=section,
        author=member,
        title="  Как учить дроби?  ",
        body="Поделитесь **опытом**<script>x</script>",
        kind=Topic.Kind.QUESTION,
        tags=["дроби", ""],
    )

    post = topic.posts.get()
    assert topic.title == "Как учить дроби?"
    assert post.number == 1
    assert "<strong>опытом</strong>" in post.body_html
    assert "<script" not in post.body_html
    assert list(topic.tags.names()) == ["дроби"]
    section.refresh_from_db()
    assert (section.topic_count, section.post_count) == (1, 1)
    assert TopicWatch.objects.filter(user=member, topic=topic).exists()
    assert ActivityEvent.objects.filter(actor=member, kind="forum_topic").exists()


def test_topic_create_double_submit_returns_the_first(member):
    section = SectionFactory()
    first = services.topic_create(
        section=section, author=member, title="Т", body="Текст"
    )

    second = services.topic_create(
        section=section, author=member, title="Т", body="Текст"
    )

    assert second == first
    assert Topic.objects.count() == 1


@pytest.mark.parametrize(
    ("title", "body"), [("Т", "   "), ("", "Текст"), ("Т", "x" * 20_001)]
)
def test_topic_create_refuses_bad_input(member, title, body):
    with pytest.raises(ValidationError):
        services.topic_create(
            section=SectionFactory(), author=member, title=title, body=body
        )
    assert not Topic.objects.exists()


def test_topic_create_refuses_inactive_members():
    with pytest.raises(PermissionDenied):
        services.topic_create(
            section=SectionFactory(),
            author=UserFactory(is_active=False),
            title="Т",
            body="x",
        )


def test_post_create_numbers_counts_and_notifies_watchers(
    member, django_capture_on_commit_callbacks
):
    topic = services.topic_create(
        section=SectionFactory(), author=UserFactory(), title="Т", body="Вопрос"
    )
    watcher = UserFactory()
    services.topic_watch_set(user=watcher, topic=topic, watching=True)

    # The watchers are told after commit.
    with django_capture_on_commit_callbacks(execute=True):
        first = services.post_create(topic=topic, author=member, body="Первый ответ")
    with django_capture_on_commit_callbacks(execute=True):
        second = services.post_create(topic=topic, author=UserFactory(), body="Второй")

    assert (first.number, second.number) == (2, 3)
    topic.refresh_from_db()
    assert topic.reply_count == 2
    assert topic.last_poster == second.author
    # The watcher's two replies group into one; the topic's author watches too.
    assert Notification.objects.get(recipient=watcher, kind="forum_reply").count == 2
    assert Notification.objects.filter(
        recipient=topic.author, kind="forum_reply"
    ).exists()
    assert TopicWatch.objects.filter(user=member, topic=topic).exists()


def test_post_create_double_submit_returns_the_first(member):
    topic = TopicFactory()

    first = services.post_create(topic=topic, author=member, body="Спасибо!")
    again = services.post_create(topic=topic, author=member, body="Спасибо!")

    assert again == first
    assert topic.posts.count() == 2


def test_post_create_refused_in_locked_or_hidden_topics(member, moderator):
    locked = TopicFactory(is_locked=True)
    hidden = TopicFactory(is_hidden=True)

    for topic in (locked, hidden):
        with pytest.raises(ValidationError) as error:
            services.post_create(topic=topic, author=member, body="Можно?")
        assert error.value.code == "locked"
    # A moderator may still write in a locked topic.
    assert services.post_create(topic=locked, author=moderator, body="Итог").number == 2


def test_post_create_refuses_empty_text(member):
    with pytest.raises(ValidationError) as error:
        services.post_create(topic=TopicFactory(), author=member, body="  ")
    assert error.value.code == "empty"


def test_mentions_notify_members_but_not_blockers_or_strangers(
    member, django_capture_on_commit_callbacks
):
    topic = TopicFactory()
    anna = UserFactory(username="anna")
    blocker = UserFactory(username="blocker")
    BlockFactory(blocker=blocker, blocked=member)

    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(
            topic=topic, author=member, body="@anna и @blocker, и @nobody, и me@mail.ru"
        )

    assert Notification.objects.filter(recipient=anna, kind="forum_mention").exists()
    assert not Notification.objects.filter(recipient=blocker).exists()


def test_quote_notifies_the_quoted_author_once(
    member, django_capture_on_commit_callbacks
):
    topic = TopicFactory()
    quoted = PostFactory(topic=topic, number=2)

    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(
            topic=topic, author=member, body="> цитата\n\nСогласна", quoted=quoted
        )

    assert (
        Notification.objects.filter(recipient=quoted.author, kind="forum_quote").count()
        == 1
    )
    assert not Notification.objects.filter(
        recipient=quoted.author, kind="forum_reply"
    ).exists()


def test_post_edit_keeps_the_earlier_version(member, moderator):
    post = PostFactory(author=member, body="Было")

    services.post_edit(post=post, editor=member, body="Стало")
    services.post_edit(
        post=post, editor=moderator, body="Исправлено", reason="опечатка"
    )

    post.refresh_from_db()
    assert post.body == "Исправлено"
    assert post.edited_at is not None
    assert list(PostRevision.objects.values_list("body", flat=True).order_by("pk")) == [
        "Было",
        "Стало",
    ]
    assert ModerationLog.objects.get().action == "edit"


def test_post_edit_by_someone_else_is_refused(member):
    with pytest.raises(PermissionDenied):
        services.post_edit(post=PostFactory(), editor=member, body="x")


def test_post_delete_leaves_a_placeholder(member):
    post = PostFactory(author=member)

    services.post_delete(post=post, actor=member)

    assert Post.objects.get(pk=post.pk).is_deleted
    with pytest.raises(PermissionDenied):
        services.post_delete(
            post=post.topic.posts.get(number=1), actor=post.topic.author
        )


def test_post_hide_and_restore_are_logged(moderator, member):
    post = PostFactory()

    services.post_hide(post=post, moderator=moderator, reason="грубость")
    services.post_hide(post=post, moderator=moderator, reason="", hidden=False)

    assert [entry.action for entry in ModerationLog.objects.order_by("pk")] == [
        "hide",
        "restore",
    ]
    with pytest.raises(PermissionDenied):
        services.post_hide(post=post, moderator=member, reason="")


def test_section_moderator_moderates_only_their_section(member):
    section = SectionFactory()
    section.moderators.add(member)
    own = TopicFactory(section=section)
    other = TopicFactory()

    services.topic_moderate(topic=own, moderator=member, locked=True, pinned=True)
    with pytest.raises(PermissionDenied):
        services.topic_moderate(topic=other, moderator=member, locked=True)

    own.refresh_from_db()
    assert own.is_locked
    assert own.is_pinned
    assert sorted(ModerationLog.objects.values_list("action", flat=True)) == [
        "lock",
        "pin",
    ]


def test_answer_accept_by_author_or_moderator(member, moderator):
    question = TopicFactory(author=member, kind=Topic.Kind.QUESTION)
    answer = PostFactory(topic=question, number=2)

    services.answer_accept(topic=question, post=answer, actor=member)
    assert Topic.objects.get(pk=question.pk).accepted_post == answer
    assert Notification.objects.filter(
        recipient=answer.author, kind="forum_accepted"
    ).exists()

    services.answer_accept(topic=question, post=None, actor=moderator)
    assert Topic.objects.get(pk=question.pk).accepted_post is None

    with pytest.raises(PermissionDenied):
        services.answer_accept(topic=question, post=answer, actor=UserFactory())
    with pytest.raises(ValidationError):
        services.answer_accept(
            topic=question, post=question.posts.get(number=1), actor=member
        )
    discussion = TopicFactory(author=member)
    with pytest.raises(PermissionDenied):
        services.answer_accept(
            topic=discussion, post=PostFactory(topic=discussion), actor=member
        )


def test_reaction_toggle_counts_and_refuses_own_posts(member):
    post = PostFactory()

    assert services.reaction_set(post=post, user=member, kind="thanks", on=True) is True
    assert Post.objects.get(pk=post.pk).thanks_count == 1
    assert (
        services.reaction_set(post=post, user=member, kind="thanks", on=False) is False
    )
    assert Post.objects.get(pk=post.pk).thanks_count == 0
    with pytest.raises(PermissionDenied):
        services.reaction_set(post=post, user=post.author, kind="useful", on=True)
    with pytest.raises(ValidationError):
        services.reaction_set(post=post, user=member, kind="like", on=True)


def test_topic_read_mark_only_moves_forward(member):
    topic = TopicFactory()

    services.topic_read_mark(user=member, topic=topic, number=5)
    services.topic_read_mark(user=member, topic=topic, number=3)

    assert TopicRead.objects.get(user=member, topic=topic).last_read_number == 5


def test_section_mark_read_marks_every_topic(member):
    section = SectionFactory()
    topics = TopicFactory.create_batch(3, section=section)
    PostFactory(topic=topics[0], number=2)

    assert services.section_mark_read(user=member, section=section) == 3
    assert TopicRead.objects.get(user=member, topic=topics[0]).last_read_number == 2


def test_topic_move_moves_counters(moderator):
    topic = TopicFactory()
    PostFactory(topic=topic, number=2)
    source = topic.section
    Section.objects.filter(pk=source.pk).update(topic_count=1, post_count=2)
    target = SectionFactory()

    services.topic_move(
        topic=topic, section=target, moderator=moderator, reason="не по теме"
    )

    source.refresh_from_db()
    target.refresh_from_db()
    assert (source.topic_count, source.post_count) == (0, 0)
    assert (target.topic_count, target.post_count) == (1, 2)
    assert ModerationLog.objects.get().action == "move"
