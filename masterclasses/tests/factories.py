import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.tests.factories import UserFactory
from community.models import Subject
from masterclasses.models import MasterClass


class MasterClassFactory(DjangoModelFactory):
    """A published online master-class in three days, an hour and a half long."""

    class Meta:
        model = MasterClass

    host = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Мастер-класс № {n + 1}: дроби")
    description = "Покажу, как объяснять **дроби**."
    description_html = "<p>Покажу, как объяснять <strong>дроби</strong>.</p>"
    subject = factory.LazyFunction(lambda: Subject.objects.get(slug="mathematics"))
    format = MasterClass.Format.ONLINE
    room_url = "https://meet.example.org/room-42"
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + datetime.timedelta(days=3)).replace(
            minute=0, second=0, microsecond=0
        )
    )
    ends_at = factory.LazyAttribute(
        lambda mc: mc.starts_at + datetime.timedelta(minutes=90)
    )
    time_zone = "Europe/Moscow"
    status = MasterClass.Status.PUBLISHED
