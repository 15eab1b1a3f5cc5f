import factory
from django.db.models import Max
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.tests.factories import UserFactory
from community.markdown import render_markdown
from forums.models import Post, Section, Topic


class SectionFactory(DjangoModelFactory):
    class Meta:
        model = Section

    title = factory.Sequence(lambda n: f"Раздел {n + 1}")
    slug = factory.Sequence(lambda n: f"section-{n + 1}")
    description = "Обсуждаем методику."


class TopicFactory(DjangoModelFactory):
    """A topic with its opening post (number 1)."""

    class Meta:
        model = Topic
        skip_postgeneration_save = True

    section = factory.SubFactory(SectionFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Тема № {n + 1}")
    last_post_at = factory.LazyFunction(timezone.now)
    last_poster = factory.SelfAttribute("author")
    opening = factory.RelatedFactory(
        "forums.tests.factories.PostFactory",
        factory_related_name="topic",
        number=1,
        author=factory.SelfAttribute("..author"),
    )


class PostFactory(DjangoModelFactory):
    class Meta:
        model = Post

    topic = factory.SubFactory(TopicFactory)
    author = factory.SubFactory(UserFactory)
    # The next number in the topic, as post_create gives it.
    number = factory.LazyAttribute(
        lambda post: (post.topic.posts.aggregate(top=Max("number"))["top"] or 0) + 1
    )
    body = "Согласна, у нас так же."
    body_html = factory.LazyAttribute(lambda post: render_markdown(post.body))
    # Written long ago, as far as its fan-out goes: everyone heard of it (a
    # topic's fan-out tells of every post of the topic still waiting).
    notified_at = factory.LazyFunction(timezone.now)
