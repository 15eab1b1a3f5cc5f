import factory
from allauth.account.models import EmailAddress
from factory.django import DjangoModelFactory

from accounts.models import Profile, User

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
