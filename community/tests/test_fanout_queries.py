"""Telling many members about one change costs a fixed number of queries.

A master-class published to its host's followers, changed or cancelled under
its registered and waiting members, a material's new version told to those
who bookmarked it: each is told in the request, so each must cost the same
whether 3 or 60 members hear of it (before, one ``notify`` a member: about
five queries each, inside the request's transaction).
"""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Bookmark, Follow, User
from accounts.tests.factories import UserFactory
from community.models import Notification
from masterclasses import hooks as masterclass_hooks
from masterclasses import services as masterclasses
from masterclasses.models import MasterClass, Registration
from masterclasses.tests.factories import MasterClassFactory
from materials import hooks as material_hooks
from materials import services as materials
from materials.tests.factories import MaterialFactory, docx_upload
from materials.uploads import file_check

pytestmark = pytest.mark.django_db

FEW, MANY = 3, 60
# The first round warms the caches (content types and the like); not compared.
SIZES = (1, FEW, MANY)


def _members(count: int) -> list[User]:
    return UserFactory.create_batch(count)


def _queries(action) -> int:
    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries)


def _told(kind: str, members: list[User]) -> int:
    return Notification.objects.filter(
        kind=kind, recipient__in=[member.pk for member in members]
    ).count()


def _registered(masterclass: MasterClass, members: list[User]) -> None:
    Registration.objects.bulk_create(
        Registration(
            masterclass=masterclass,
            user=member,
            status=Registration.Status.REGISTERED
            if n % 2
            else Registration.Status.WAITLISTED,
        )
        for n, member in enumerate(members)
    )


@pytest.mark.parametrize("action", ["change", "cancel"])
def test_changing_or_cancelling_a_masterclass_costs_the_same_for_many(action):
    counts = {}
    for size in SIZES:
        masterclass = MasterClassFactory(capacity=MANY * 2)
        members = _members(size)
        _registered(masterclass, members)
        if action == "change":
            kind = masterclass_hooks.CHANGED
            later = masterclass.starts_at + datetime.timedelta(days=1)
            counts[size] = _queries(
                lambda masterclass=masterclass, later=later: (
                    masterclasses.masterclass_update(
                        masterclass=masterclass,
                        editor=masterclass.host,
                        starts_at=later,
                        ends_at=later + datetime.timedelta(hours=2),
                    )
                )
            )
        else:
            kind = masterclass_hooks.CANCELLED
            counts[size] = _queries(
                lambda masterclass=masterclass: masterclasses.masterclass_cancel(
                    masterclass=masterclass, actor=masterclass.host, reason="Болезнь"
                )
            )
        assert _told(kind, members) == size

    assert counts[MANY] == counts[FEW]


def test_publishing_a_masterclass_costs_the_same_for_many_followers(moderator):
    counts = {}
    for size in SIZES:
        masterclass = MasterClassFactory(
            status=MasterClass.Status.PROPOSED,
            starts_at=timezone.now() + datetime.timedelta(days=3),
            ends_at=timezone.now() + datetime.timedelta(days=3, hours=1),
        )
        followers = _members(size)
        Follow.objects.bulk_create(
            Follow(follower=member, followee=masterclass.host) for member in followers
        )
        counts[size] = _queries(
            lambda masterclass=masterclass: masterclasses.masterclass_approve(
                masterclass=masterclass, moderator=moderator
            )
        )
        assert _told(masterclass_hooks.NEW_BY_HOST, followers) == size

    assert counts[MANY] == counts[FEW]


def test_a_new_version_costs_the_same_for_many_bookmarks():
    counts = {}
    for size in SIZES:
        material = MaterialFactory()
        readers = _members(size)
        Bookmark.objects.bulk_create(
            Bookmark(
                user=reader,
                content_type=ContentType.objects.get_for_model(material),
                object_id=material.pk,
            )
            for reader in readers
        )
        upload = file_check(docx_upload())
        counts[size] = _queries(
            lambda material=material, upload=upload: materials.material_version_add(
                material=material, author=material.author, files=[upload]
            )
        )
        assert _told(material_hooks.NEW_VERSION, readers) == size

    assert counts[MANY] == counts[FEW]
