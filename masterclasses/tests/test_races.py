"""A registration asked for twice, or many times at once: one registration,
right counters, and every answer the first one's."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from community.tests.races import at_once, client_for, needs_postgresql
from masterclasses.models import MasterClass, Registration
from masterclasses.tests.factories import MasterClassFactory

PARALLEL = 20


@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_by_one_member_register_once(vocabulary):
    needs_postgresql()
    masterclass = MasterClassFactory(capacity=5)
    member = UserFactory()
    clients = [client_for(member) for _ in range(PARALLEL)]
    url = reverse("masterclasses:register", args=[masterclass.pk])

    statuses = at_once([lambda client=client: client.post(url) for client in clients])

    assert statuses == [302] * PARALLEL
    registration = Registration.objects.get(masterclass=masterclass)
    assert (registration.user, registration.status) == (member, "registered")
    masterclass = MasterClass.objects.get(pk=masterclass.pk)
    assert (masterclass.registered_count, masterclass.waitlist_count) == (1, 0)
