"""Never more registrations than seats, also when requests come at once."""

import threading

import pytest
from django.db import connection, connections

from accounts.tests.factories import UserFactory
from masterclasses import services
from masterclasses.models import MasterClass, Registration
from masterclasses.tests.factories import MasterClassFactory


@pytest.mark.django_db(transaction=True)
def test_parallel_registrations_never_exceed_the_seats(vocabulary):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every write by itself")
    masterclass = MasterClassFactory(capacity=3)
    users = UserFactory.create_batch(12)
    barrier = threading.Barrier(len(users))
    errors = []

    def attempt(user) -> None:
        try:
            barrier.wait(timeout=30)
            services.register(masterclass=masterclass, user=user)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    statuses = list(
        Registration.objects.filter(masterclass=masterclass).values_list(
            "status", flat=True
        )
    )
    assert statuses.count("registered") == 3
    assert statuses.count("waitlisted") == 9
    masterclass = MasterClass.objects.get(pk=masterclass.pk)
    assert (masterclass.registered_count, masterclass.waitlist_count) == (3, 9)
