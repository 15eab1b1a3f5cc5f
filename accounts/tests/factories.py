import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import (
    Block,
    BlogComment,
    BlogPost,
    Bookmark,
    Follow,
    Profile,
    User,
)
from community.markdown import render_markdown

PASSWORD = "correct-horse-battery-staple-42"


class UserFactory(DjangoModelFactory):
    """A member with a profile and a confirmed primary e-mail address."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"teacher{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@school.example")
    password = factory.django.Password(PASSWORD)
    profile = factory.RelatedFactory(
        "accounts.tests.factories.ProfileFactory", factory_related_name="user"
    )
    email_address = factory.RelatedFactory(
        "accounts.tests.factories.EmailAddressFactory", factory_related_name="user"
    )


class ProfileFactory(DjangoModelFactory):
    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory, profile=None)
    display_name = factory.Faker("name", locale="ru_RU")
    school = factory.Sequence(lambda n: f"МБОУ «СОШ № {n + 1}»")
    city = "Казань"
    region = "tatarstan"


class EmailAddressFactory(DjangoModelFactory):
    class Meta:
        model = EmailAddress

    user = factory.SubFactory(UserFactory, email_address=None)
    email = factory.LazyAttribute(lambda address: address.user.email)
    verified = True
    primary = True


class BlogPostFactory(DjangoModelFactory):
    """A published post; pass ``status=BlogPost.Status.DRAFT, published_at=None``
    for a draft."""

    class Meta:
        model = BlogPost

    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Заметка учителя № {n + 1}")
    slug = factory.Sequence(lambda n: f"zametka-{n + 1}")
    body = "Сегодня на уроке мы **разбирали** дроби."
    body_html = factory.LazyAttribute(lambda post: render_markdown(post.body))
    status = BlogPost.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class BlogCommentFactory(DjangoModelFactory):
    class Meta:
        model = BlogComment

    post = factory.SubFactory(BlogPostFactory)
    author = factory.SubFactory(UserFactory)
    body = "Спасибо, очень полезно!"
    body_html = factory.LazyAttribute(lambda comment: render_markdown(comment.body))


class FollowFactory(DjangoModelFactory):
    class Meta:
        model = Follow

    follower = factory.SubFactory(UserFactory)
    followee = factory.SubFactory(UserFactory)


class BlockFactory(DjangoModelFactory):
    class Meta:
        model = Block

    blocker = factory.SubFactory(UserFactory)
    blocked = factory.SubFactory(UserFactory)


class BookmarkFactory(DjangoModelFactory):
    class Meta:
        model = Bookmark

    user = factory.SubFactory(UserFactory)
    target = factory.SubFactory(BlogPostFactory)
