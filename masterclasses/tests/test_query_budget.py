"""A master-class's page and the month's calendar keep to ten queries over
more than a page of rows, for a visitor, a member and the host
(``query_budget``). The list's budget is kept in ``test_cards``."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from community.tests.query_budget import MANY, signed_in, within_budget
from masterclasses.models import Registration
from masterclasses.tests.factories import MasterClassFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowded_masterclass():
    """Under way, tagged, with 55 participants who attended."""
    now = timezone.now()
    masterclass = MasterClassFactory(
        starts_at=now - datetime.timedelta(minutes=5),
        ends_at=now + datetime.timedelta(hours=1),
    )
    masterclass.tags.add("дроби", "5 класс")
    Registration.objects.bulk_create(
        Registration(
            masterclass=masterclass,
            user=user,
            status=Registration.Status.REGISTERED,
            attended=True,
        )
        for user in UserFactory.create_batch(MANY)
    )
    return masterclass


@pytest.mark.parametrize("who", ["visitor", "participant", "member", "host"])
def test_a_master_class_s_page_keeps_its_budget(
    crowded_masterclass, settings, django_assert_max_num_queries, who
):
    user = {
        "participant": Registration.objects.filter(masterclass=crowded_masterclass)
        .first()
        .user,
        "member": UserFactory(),
        "host": crowded_masterclass.host,
    }.get(who)
    client = signed_in(settings, user)

    response = within_budget(
        client, crowded_masterclass.get_absolute_url(), django_assert_max_num_queries
    )

    assert (response.context["registration"] is not None) is (who == "participant")
    if who == "host":
        assert len(response.context["participants"]) == MANY


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_the_month_s_calendar_keeps_its_budget(
    settings, django_assert_max_num_queries, who
):
    first = datetime.datetime(2030, 3, 1, 9, 0, tzinfo=datetime.UTC)
    for number in range(MANY):
        starts_at = first + datetime.timedelta(days=number % 28, hours=number % 5)
        MasterClassFactory(
            starts_at=starts_at, ends_at=starts_at + datetime.timedelta(minutes=90)
        ).tags.add("дроби")
    client = signed_in(settings, UserFactory() if who == "member" else None)

    response = within_budget(
        client,
        reverse("masterclasses:month", args=[2030, 3]),
        django_assert_max_num_queries,
    )

    shown = [
        item
        for week in response.context["weeks"]
        for _day, items in week
        for item in items
    ]
    assert len(shown) == MANY
