"""What master-classes give the digests, the portfolio and the feed."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.portfolio import portfolio_for
from community.digests import digest_contents
from community.models import Subject
from community.tests.test_i18n import english_words
from masterclasses import services
from masterclasses.models import Certificate, MasterClass, Registration
from masterclasses.tests.factories import MasterClassFactory

pytestmark = pytest.mark.django_db


def test_digest_lists_upcoming_master_classes_in_the_readers_subjects(member):
    member.profile.subjects.set([Subject.objects.get(slug="mathematics")])
    MasterClassFactory(title="По математике")
    MasterClassFactory(title="По физике", subject=Subject.objects.get(slug="physics"))
    MasterClassFactory(title="Предложение", status=MasterClass.Status.PROPOSED)
    MasterClassFactory(title="Свой", host=member)

    since = timezone.now() - datetime.timedelta(days=1)
    content = digest_contents(users=[member], since=since)[member.pk]
    found = {section.key: items for section, items in content.sections}

    assert [item.title for item in found["upcoming_masterclasses"]] == ["По математике"]


def test_certificates_are_in_the_portfolio(member):
    masterclass = MasterClassFactory(
        starts_at=timezone.now() - datetime.timedelta(hours=3),
        ends_at=timezone.now() - datetime.timedelta(hours=2),
    )
    Registration.objects.create(
        masterclass=masterclass, user=member, status="registered", attended=True
    )
    services.masterclass_finish(masterclass=masterclass)

    sections = {section.key: items for section, items in portfolio_for(member)}

    certificate = Certificate.objects.get(user=member)
    assert [item.url for item in sections["certificates"]] == [
        certificate.get_absolute_url()
    ]


def test_master_class_pages_read_in_russian(member):
    running = MasterClassFactory(
        starts_at=timezone.now() - datetime.timedelta(minutes=5),
        ends_at=timezone.now() + datetime.timedelta(hours=1),
        capacity=1,
    )
    Registration.objects.create(masterclass=running, user=member, status="registered")
    upcoming = MasterClassFactory(capacity=1, format="hybrid", address="Казань")
    services.register(masterclass=upcoming, user=member)
    pages = [
        reverse("masterclasses:list"),
        reverse("masterclasses:list") + "?when=past",
        reverse("masterclasses:month"),
        reverse("masterclasses:create"),
        reverse("masterclasses:mine"),
        running.get_absolute_url(),
        upcoming.get_absolute_url(),
        reverse("masterclasses:edit", args=[running.pk]),
        reverse("masterclasses:cancel", args=[running.pk]),
        reverse("masterclasses:followup", args=[running.pk]),
    ]
    for user in (member, running.host):
        client = Client()
        client.force_login(user)
        for url in pages:
            response = client.get(url)
            if response.status_code == 404:
                continue  # the host's pages for a participant
            assert response.status_code == 200, url
            assert english_words(response.content.decode()) == set(), url
