"""A topic page's posts are kept for the members who would see the same, and
every change the page shows reaches a member who saw it before at once."""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import reverse
from PIL import Image

from accounts import services as accounts
from accounts.tests.factories import UserFactory
from community import cards, generations, recognition
from community.changes import member_card, moved
from community.models import Badge
from forums import fragments, selectors, services
from forums.models import Topic
from forums.tests.factories import PostFactory, TopicFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(client, topic: Topic, page: int = 1) -> str:
    """The topic page's content (the site's header, the reader's own, left out)."""
    response = client.get(f"{topic.get_absolute_url()}?page={page}")
    assert response.status_code == 200
    return response.content.decode().split('<main id="main"', 1)[1].split("</main>")[0]


def _png() -> SimpleUploadedFile:
    output = io.BytesIO()
    Image.new("RGB", (50, 50), (10, 200, 30)).save(output, "PNG")
    return SimpleUploadedFile("me.png", output.getvalue(), content_type="image/png")


@pytest.fixture
def reads(monkeypatch) -> list[int]:
    """Every time a page's posts are read from the database."""
    calls: list[int] = []
    original = selectors.topic_page_posts
    monkeypatch.setattr(
        selectors,
        "topic_page_posts",
        lambda **kwargs: calls.append(kwargs["page"].number) or original(**kwargs),
    )
    return calls


def test_a_second_member_reads_no_post(reads):
    topic = TopicFactory()
    PostFactory.create_batch(24, topic=topic)

    first = _page(_client(UserFactory()), topic, page=2)
    second = _page(_client(UserFactory()), topic, page=2)

    assert reads == [2]
    assert first.count("<article") == second.count("<article") == 5


def test_a_member_whose_post_is_on_the_page_gets_their_own_buttons(member, reads):
    topic = TopicFactory()
    post = PostFactory(topic=topic, author=member)
    _page(_client(UserFactory()), topic)  # kept for the others

    page = _page(_client(member), topic)

    assert reads == [1, 1]
    assert reverse("forums:post_edit", args=[post.pk]) in page


def test_a_post_awaiting_moderation_shows_to_its_author_after_others_read(member):
    topic = TopicFactory()
    services.post_create(topic=topic, author=UserFactory(), body="Первый ответ")
    pending = PostFactory(topic=topic, author=member, is_pending=True, body="Мой ответ")
    assert "Мой ответ" not in _page(_client(UserFactory()), topic)

    page = _page(_client(member), topic)

    assert "Мой ответ" in page
    assert f'id="post-{pending.number}"' in page


def test_moderators_and_the_question_author_are_never_served_the_kept_posts(
    moderator, reads
):
    question = TopicFactory(kind="question")
    answer = PostFactory(topic=question)
    _page(_client(UserFactory()), question)

    as_moderator = _page(_client(moderator), question)
    as_asker = _page(_client(question.author), question)

    assert reads == [1, 1, 1]
    assert reverse("forums:post_hide", args=[answer.pk]) in as_moderator
    assert reverse("forums:answer_accept", args=[answer.pk]) in as_asker


def test_new_marks_and_tokens_are_each_members_own():
    topic = TopicFactory()
    PostFactory.create_batch(4, topic=topic)
    reader, other = UserFactory(), UserFactory()
    services.topic_read_mark(user=reader, topic=topic, number=3)
    services.topic_read_mark(user=other, topic=topic, number=1)
    other_client, reader_client = _client(other), _client(reader)
    _page(other_client, topic)  # kept, with the marks of nobody

    page = _page(reader_client, topic)

    assert page.count('<span class="badge text-bg-primary">') == 2  # posts 4 and 5
    assert fragments.NEW_SLOT not in page
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page))
    assert tokens  # the reactions' forms, the reply form
    secrets = {_unmask_cipher_token(token) for token in tokens}
    assert secrets == {reader_client.cookies["csrftoken"].value}
    assert other_client.cookies["csrftoken"].value not in secrets


def test_a_change_made_while_a_page_is_built_is_not_kept(monkeypatch, moderator):
    topic = TopicFactory()
    author = UserFactory()
    PostFactory(topic=topic, author=author)
    original = selectors.topic_page_posts

    def meanwhile(**kwargs):
        monkeypatch.setattr(selectors, "topic_page_posts", original)
        loaded = original(**kwargs)  # the rows, read before the change
        accounts.profile_update(profile=author.profile, display_name="Новое Имя")
        return loaded

    monkeypatch.setattr(selectors, "topic_page_posts", meanwhile)
    assert "Новое Имя" not in _page(_client(UserFactory()), topic)

    assert "Новое Имя" in _page(_client(UserFactory()), topic)


@dataclass
class Scene:
    topic: Topic
    author: object
    post: object
    moderator: object


def _scene(moderator) -> Scene:
    topic = TopicFactory()
    author = UserFactory()
    post = PostFactory(topic=topic, author=author, body="Исходный текст")
    return Scene(topic=topic, author=author, post=post, moderator=moderator)


def _badge_award(user, key="first-post"):
    badges = recognition.badges_sync()
    return recognition._award(badges[key], user.pk, 1)


def _featured(scene: Scene) -> None:
    award = _badge_award(scene.author)
    recognition.badges_feature(user=scene.author, award_ids=[award.pk])


def _revoked(scene: Scene) -> None:
    award = scene.author.badge_awards.get()
    recognition.badge_revoke(award=award, moderator=scene.moderator, reason="Ошибка")


def _merged(scene: Scene) -> None:
    source = TopicFactory(section=scene.topic.section)
    PostFactory(topic=source, body="Пришло из другой темы")
    services.topic_merge(source=source, target=scene.topic, moderator=scene.moderator)


def _split(scene: Scene) -> None:
    services.topic_split(
        topic=scene.topic, numbers=[2], title="Отдельно", moderator=scene.moderator
    )


def _accepted(scene: Scene) -> None:
    scene.topic.kind = Topic.Kind.QUESTION
    scene.topic.save(update_fields=["kind"])
    services.answer_accept(topic=scene.topic, post=scene.post, actor=scene.moderator)


def _renamed_badge(scene: Scene) -> None:
    # As a release that renames a rule badge's icon: sync puts the registry's back.
    Badge.objects.filter(key="first-post").update(icon="old-icon")


# Each change, what sets the scene before the reader's first look, and what
# the reader's page must then say (True) or no longer say (False).
CHANGES: dict[str, tuple[Callable | None, Callable, str, bool]] = {
    "edit": (
        None,
        lambda s: services.post_edit(post=s.post, editor=s.author, body="Правка"),
        "Правка",
        True,
    ),
    "reaction": (
        None,
        lambda s: services.reaction_set(
            post=s.post, user=UserFactory(), kind="thanks", on=True
        ),
        "· 1</button>",
        True,
    ),
    "hide": (
        None,
        lambda s: services.post_hide(post=s.post, moderator=s.moderator, reason="-"),
        "Исходный текст",
        False,
    ),
    "delete": (
        None,
        lambda s: services.post_delete(post=s.post, actor=s.author),
        "Исходный текст",
        False,
    ),
    "reply": (
        None,
        lambda s: services.post_create(topic=s.topic, author=UserFactory(), body="Ещё"),
        "Ещё",
        True,
    ),
    "accepted answer": (None, _accepted, "border-success", True),
    "merge": (None, _merged, "Пришло из другой темы", True),
    "split": (None, _split, "Исходный текст", False),
    "lock": (
        None,
        lambda s: services.topic_moderate(
            topic=s.topic, moderator=s.moderator, locked=True
        ),
        "?quote=",  # the posts' "Quote" buttons
        False,
    ),
    "new name": (
        None,
        lambda s: accounts.profile_update(
            profile=s.author.profile, display_name="Новое Имя"
        ),
        "Новое Имя",
        True,
    ),
    "new picture": (
        None,
        lambda s: accounts.profile_avatar_set(profile=s.author.profile, upload=_png()),
        "<img src=",
        True,
    ),
    "hidden profile": (
        lambda s: accounts.profile_avatar_set(profile=s.author.profile, upload=_png()),
        lambda s: accounts.profile_hide(
            profile=s.author.profile, moderator=s.moderator, reason="-"
        ),
        "<img src=",
        False,
    ),
    "featured badge": (None, _featured, reverse("badge", args=["first-post"]), True),
    "revoked badge": (
        _featured,
        _revoked,
        reverse("badge", args=["first-post"]),
        False,
    ),
    "badge icon": (
        lambda s: (_featured(s), _renamed_badge(s)),
        lambda s: recognition.badges_sync(),
        "old-icon",
        False,
    ),
}


@pytest.mark.parametrize("name", list(CHANGES))
def test_a_change_reaches_a_member_who_saw_the_page(name, moderator):
    before, change, text, shown = CHANGES[name]
    scene = _scene(moderator)
    if before is not None:
        before(scene)
    reader = _client(UserFactory())
    seen = _page(reader, scene.topic)
    assert (text in seen) is not shown, "the scene already shows the change"

    change(scene)
    page = _page(reader, Topic.objects.get(pk=scene.topic.pk))

    assert (text in page) is shown


def test_a_deleted_account_shows_as_deleted(moderator):
    scene = _scene(moderator)
    name = scene.author.profile.display_name
    reader = _client(UserFactory())
    assert name in _page(reader, scene.topic)

    accounts.account_delete(user=scene.author)

    assert name not in _page(reader, scene.topic)


def test_a_generation_started_again_never_repeats_an_earlier_number():
    from django.core.cache import cache

    key = "tests:generation"
    first = generations.generation(key)
    generations.generation_bump(key)
    bumped = generations.generation(key)
    cache.delete(key)  # evicted from a full cache

    again = generations.generation(key)

    assert first < bumped < again


def test_card_versions_tell_a_changed_card():
    member = UserFactory()
    kept = cards.card_versions([member.pk])
    assert cards.cards_unchanged(kept)

    moved(member_card(member.pk))

    assert not cards.cards_unchanged(kept)


def test_the_tags_come_with_the_topic_by_name(member_client):
    topic = TopicFactory()
    topic.tags.set(["фгос", "дроби", "егэ"])

    page = member_client.get(topic.get_absolute_url()).content.decode()

    assert page.index("#дроби") < page.index("#егэ") < page.index("#фгос")
    assert reverse("forums:tag", args=[topic.tags.get(name="егэ").slug]) in page


def test_the_view_count_includes_this_view(member_client):
    topic = TopicFactory(view_count=7)

    first = member_client.get(topic.get_absolute_url())
    second = member_client.get(topic.get_absolute_url())

    assert first.context["view_count"] == 8
    assert second.context["view_count"] == 9


def test_posts_of_a_member_one_blocked_are_folded_for_them_only(member):
    topic = TopicFactory()
    rude = UserFactory()
    PostFactory(topic=topic, author=rude, body="Грубый ответ")
    PostFactory(topic=topic, body="Вежливый ответ")
    accounts.block_create(blocker=member, blocked=rude)
    other = _page(_client(UserFactory()), topic)  # kept for the others

    page = _page(_client(member), topic)

    assert page.count("<details") == 1
    folded = page[page.index("<details") : page.index("</details>")]
    assert "Грубый ответ" in folded  # a click opens it
    assert "Вежливый ответ" not in folded
    assert "<details" not in other
    accounts.block_delete(blocker=member, blocked=rude)
    assert "<details" not in _page(_client(member), topic)


def test_a_manual_badge_edited_in_the_admin_reaches_kept_pages(admin_client, moderator):
    scene = _scene(moderator)
    badge = Badge.objects.create(
        key="mentor-of-the-year",
        name="Наставник года",
        description="За наставничество",
        icon="🏆",
        tier="gold",
        is_manual=True,
    )
    award = recognition.badge_award_manual(
        badge=badge, user=scene.author, moderator=moderator, reason="За год"
    )
    recognition.badges_feature(user=scene.author, award_ids=[award.pk])
    reader = _client(UserFactory())
    assert "🏆" in _page(reader, scene.topic)

    response = admin_client.post(
        reverse("admin:community_badge_change", args=[badge.pk]),
        {
            "key": badge.key,
            "name": badge.name,
            "description": badge.description,
            "icon": "🎓",
            "tier": "gold",
        },
    )

    assert response.status_code == 302
    page = _page(reader, scene.topic)
    assert "🎓" in page
    assert "🏆" not in page
