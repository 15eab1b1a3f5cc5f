""" "New since my last visit", and the forums in the colleagues' activity feed."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts
from accounts.models import User
from accounts.tasks import visits_flush_task
from accounts.tests.factories import UserFactory
from community.models import ActivityEvent
from forums import kinds, selectors, services
from forums.models import Topic
from forums.tests.factories import PostFactory, SectionFactory, TopicFactory

pytestmark = pytest.mark.django_db


def _ago(**kwargs) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**kwargs)


def _last_visit(user, when: datetime.datetime) -> None:
    User.objects.filter(pk=user.pk).update(previous_visit_at=when)


def _topic(title: str, *, last_post_at, replies: int = 0) -> Topic:
    topic = TopicFactory(title=title)
    for number in range(2, replies + 2):
        PostFactory(topic=topic, number=number)
    Topic.objects.filter(pk=topic.pk).update(
        last_post_at=last_post_at, reply_count=replies
    )
    return topic


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    visits_flush_task()  # the login started a visit (in the cache): written now
    _last_visit(user, _ago(days=1))  # ... then set the previous one
    return client


def _titles(response) -> set[str]:
    return {topic.title for topic in response.context["page_obj"]}


def test_new_page_lists_unread_topics_written_since_the_last_visit(member):
    client = _logged_in(member)
    _topic("Старая", last_post_at=_ago(days=3))
    _topic("Свежая", last_post_at=_ago(hours=2))
    read = _topic("Прочитанная", last_post_at=_ago(hours=2), replies=1)
    services.topic_read_mark(user=member, topic=read, number=2)
    grown = _topic("С новым ответом", last_post_at=_ago(hours=1), replies=2)
    services.topic_read_mark(user=member, topic=grown, number=2)
    _topic("Скрытая", last_post_at=_ago(hours=1)).__class__.objects.filter(
        title="Скрытая"
    ).update(is_hidden=True)

    response = client.get(reverse("forums:new"))

    assert response.status_code == 200
    assert _titles(response) == {"Свежая", "С новым ответом"}


def test_without_an_earlier_visit_new_means_the_last_week(member):
    client = Client()
    client.force_login(member)
    _topic("Вчерашняя", last_post_at=_ago(days=1))
    _topic("Давняя", last_post_at=_ago(days=10))

    response = client.get(reverse("forums:new"))

    assert _titles(response) == {"Вчерашняя"}


def test_index_counts_what_is_new_since_the_last_visit(member):
    client = _logged_in(member)
    _topic("Свежая", last_post_at=_ago(hours=2))
    _topic("Старая", last_post_at=_ago(days=3))

    response = client.get(reverse("forums:index"))

    assert response.context["new_count"] == 1
    assert reverse("forums:new") in response.content.decode()
    assert Client().get(reverse("forums:index")).context["new_count"] is None


def test_mark_all_new_read(member):
    client = _logged_in(member)
    topic = _topic("Свежая", last_post_at=_ago(hours=2), replies=3)

    response = client.post(reverse("forums:new_mark_read"))

    assert response.status_code == 302
    assert client.get(reverse("forums:new")).context["page_obj"].paginator.count == 0
    assert selectors.last_read_number(topic=topic, user=member) == 4


def test_new_page_is_for_members_only():
    response = Client().get(reverse("forums:new"))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_new_page_keeps_fixed_queries(member, django_assert_max_num_queries):
    client = _logged_in(member)
    for index in range(55):
        _topic(f"Тема {index}", last_post_at=_ago(minutes=index + 1), replies=1)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("forums:new"))

    assert len(response.context["page_obj"]) == 20


def test_section_mark_read_is_a_fixed_number_of_queries(
    member, django_assert_max_num_queries
):
    section = SectionFactory()
    topics = TopicFactory.create_batch(60, section=section)
    services.topic_read_mark(user=member, topic=topics[0], number=1)

    with django_assert_max_num_queries(6):
        marked = services.section_mark_read(user=member, section=section)

    assert marked == 60
    assert selectors.unread_counts_by_section(user=member) == {}


# --- The activity feed -----------------------------------------------------------


def _feed(user) -> list[tuple[str, str]]:
    client = Client()
    client.force_login(user)
    page = client.get(reverse("home")).context["feed_page"]
    return [(event.kind, event.phrase) for event in page]


def test_followers_see_replies_and_accepted_answers_in_their_feed():
    author, follower = UserFactory(), UserFactory()
    accounts.follow_create(follower=follower, followee=author)
    topic = services.topic_create(
        section=SectionFactory(),
        author=UserFactory(),
        title="Вопрос",
        body="?",
        kind=Topic.Kind.QUESTION,
    )
    reply = services.post_create(topic=topic, author=author, body="Ответ")
    services.topic_fanout(topic_id=topic.pk)  # the reply's feed entry comes with it
    services.answer_accept(topic=topic, post=reply, actor=topic.author)
    name = author.profile.shown_name

    feed = _feed(follower)

    assert (kinds.REPLY_ACTIVITY, f"{name} отвечает в теме") in feed
    assert (kinds.ANSWER_ACTIVITY, f"{name} — принятый ответ в теме") in feed


def test_replies_stay_out_of_the_subject_feed_but_topics_and_answers_enter_it():
    from community.models import Subject

    subject = Subject.objects.first()
    section = SectionFactory(subject=subject)
    topic = services.topic_create(
        section=section, author=UserFactory(), title="Т", body="x", kind="question"
    )
    reply = services.post_create(topic=topic, author=UserFactory(), body="Ответ")
    services.answer_accept(topic=topic, post=reply, actor=topic.author)

    in_subject = set(
        ActivityEvent.objects.filter(subjects=subject).values_list("kind", flat=True)
    )

    assert in_subject == {kinds.TOPIC_ACTIVITY, kinds.ANSWER_ACTIVITY}


def test_removed_content_leaves_the_feed(moderator):
    topic = services.topic_create(
        section=SectionFactory(), author=UserFactory(), title="Т", body="x",
        kind="question",
    )  # fmt: skip
    deleted = services.post_create(topic=topic, author=UserFactory(), body="Раз")
    hidden = services.post_create(topic=topic, author=UserFactory(), body="Два")
    services.answer_accept(topic=topic, post=hidden, actor=topic.author)

    services.post_delete(post=deleted, actor=deleted.author)
    services.post_hide(post=hidden, moderator=moderator, reason="спам")

    assert set(ActivityEvent.objects.values_list("kind", flat=True)) == {
        kinds.TOPIC_ACTIVITY
    }
    services.post_hide(post=hidden, moderator=moderator, reason="", hidden=False)
    assert ActivityEvent.objects.filter(kind=kinds.REPLY_ACTIVITY).count() == 1
    services.topic_moderate(topic=topic, moderator=moderator, hidden=True)
    assert not ActivityEvent.objects.filter(kind=kinds.TOPIC_ACTIVITY).exists()
    services.topic_moderate(topic=topic, moderator=moderator, hidden=False)
    assert ActivityEvent.objects.filter(kind=kinds.TOPIC_ACTIVITY).exists()


def test_unmarking_an_answer_takes_it_out_of_the_feed():
    topic = services.topic_create(
        section=SectionFactory(), author=UserFactory(), title="Т", body="x",
        kind="question",
    )  # fmt: skip
    first = services.post_create(topic=topic, author=UserFactory(), body="Раз")
    second = services.post_create(topic=topic, author=UserFactory(), body="Два")
    services.answer_accept(topic=topic, post=first, actor=topic.author)

    services.answer_accept(topic=topic, post=second, actor=topic.author)
    answers = ActivityEvent.objects.filter(kind=kinds.ANSWER_ACTIVITY)
    assert list(answers.values_list("target_id", flat=True)) == [second.pk]
    services.answer_accept(topic=topic, post=None, actor=topic.author)
    assert not answers.exists()


def test_feed_phrases_are_translated_in_english():
    author, follower = UserFactory(), UserFactory()
    follower.profile.language = "en"
    follower.profile.save()
    accounts.follow_create(follower=follower, followee=author)
    services.topic_create(section=SectionFactory(), author=author, title="Т", body="x")

    feed = _feed(follower)

    assert feed == [
        (kinds.TOPIC_ACTIVITY, f"{author.profile.shown_name} opened the topic")
    ]
