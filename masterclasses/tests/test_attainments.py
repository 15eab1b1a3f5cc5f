"""Master-classes as evidence of growth (certificates of participation,
master-classes hosted) and as suggestions: what counts, what is left out,
in a fixed number of queries, and who is told when they change (through the
services: ``masterclasses.changes``)."""

import datetime
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from community import attainments
from community.audience import Audience
from community.models import Subject
from community.registry import Registry
from masterclasses import services
from masterclasses.models import Certificate, MasterClass, Registration
from masterclasses.tests.factories import MasterClassFactory

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


def _items(key, user):
    return attainments.attainment_source(key).items(user)


@pytest.fixture
def heard(monkeypatch):
    """Only the test listens."""
    told = []
    monkeypatch.setattr(attainments, "_listeners", Registry())
    attainments.attainments_listen("test", told.append)
    return told


def _finished(days_ago: int = 1, **fields) -> MasterClass:
    starts = timezone.now() - datetime.timedelta(days=days_ago, hours=2)
    values = {
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(minutes=90),
        "status": MasterClass.Status.FINISHED,
    }
    values.update(fields)
    return MasterClassFactory(**values)


def _certificate(masterclass, user, kind=Certificate.Kind.PARTICIPATION):
    return Certificate.objects.create(
        masterclass=masterclass,
        user=user,
        kind=kind,
        number=f"МК-2026-{next(_numbers):06d}",
        holder_name="Ирина Петрова",
    )


def _suggest(tags, user, subject_ids=(), limit=12):
    return attainments._suggestions["masterclasses"].suggest(
        tags=tags, subject_ids=list(subject_ids), user=user, limit=limit
    )


# --- Certificates --------------------------------------------------------------------


def test_certificates_of_participation_latest_first(
    member, django_assert_max_num_queries
):
    for days in range(1, 56):
        _certificate(_finished(days), member)
    _certificate(_finished(), member, Certificate.Kind.CONDUCTING)
    _certificate(_finished(), UserFactory())
    hidden = _finished()
    _certificate(hidden, member)
    services.masterclass_hide_by_reports(masterclass=hidden)

    with django_assert_max_num_queries(1):
        found = _items("masterclass_certificate", member)

    assert len(found) == 55
    newest = Certificate.objects.filter(
        user=member, kind="participation", masterclass__is_hidden=False
    ).order_by("-masterclass__starts_at")[0]
    assert found[0].key == found[0].code == newest.code
    assert found[0].verify_url == reverse("certificate_verify", args=[newest.code])
    assert found[0].hours == 2  # 90 minutes
    assert found[0].url == newest.masterclass.get_absolute_url()
    assert found[0].occurred_at == newest.masterclass.starts_at
    assert [item.occurred_at for item in found] == sorted(
        (item.occurred_at for item in found), reverse=True
    )


@pytest.mark.parametrize("audience", [Audience.GROUP, Audience.MEMBERS])
def test_a_members_only_meeting_counts_without_its_title_or_address(member, audience):
    fields = {"group_id": 7, "group_only": True} if audience == Audience.GROUP else {}
    meeting = _finished(
        audience=audience, title="Закрытый разбор: конфликт в 7 «Б»", **fields
    )
    _certificate(meeting, member)
    hosted = _finished(
        host=member, audience=audience, title="Только для своих: пилот", **fields
    )

    with translation.override("en"):
        (item,) = _items("masterclass_certificate", member)
        (own,) = _items("masterclass_hosted", member)
    assert item.title == own.title == "A master-class for members only"
    assert meeting.title not in item.title
    assert hosted.title not in own.title
    assert item.url == own.url == ""
    assert item.verify_url


def test_everyone_s_master_class_keeps_its_title(member):
    meeting = _finished(audience=Audience.EVERYONE, title="Дроби на пальцах")
    _certificate(meeting, member)

    (item,) = _items("masterclass_certificate", member)
    assert item.title == "Дроби на пальцах"
    assert item.url == meeting.get_absolute_url()


# --- Hosted --------------------------------------------------------------------------


def test_finished_master_classes_hosted_or_cohosted(
    member, django_assert_max_num_queries
):
    for days in range(2, 52):
        _finished(days, host=member)
    cohosted = _finished(1)
    cohosted.cohosts.add(member)
    conducting = _certificate(cohosted, member, Certificate.Kind.CONDUCTING)
    MasterClassFactory(host=member)  # upcoming
    _finished(host=member, status=MasterClass.Status.CANCELLED)
    hidden = _finished(host=member)
    services.masterclass_hide_by_reports(masterclass=hidden)
    _finished()  # a colleague's

    with django_assert_max_num_queries(1):
        found = _items("masterclass_hosted", member)

    assert len(found) == 51
    assert found[0].key == str(cohosted.pk)
    assert found[0].code == conducting.code
    assert found[0].verify_url == reverse("certificate_verify", args=[conducting.code])
    assert found[0].hours == 2
    assert found[1].code == found[1].verify_url == ""
    assert str(hidden.pk) not in {item.key for item in found}


# --- Who is told (``masterclasses.changes``) ------------------------------------------


def test_finishing_is_told_for_attendees_and_hosts(
    heard, member, django_capture_on_commit_callbacks
):
    cohost, absent = UserFactory(), UserFactory()
    masterclass = _finished(status=MasterClass.Status.PUBLISHED)
    masterclass.cohosts.add(cohost)
    for user, attended in ((member, True), (absent, False)):
        Registration.objects.create(
            masterclass=masterclass,
            user=user,
            status=Registration.Status.REGISTERED,
            attended=attended,
        )

    with django_capture_on_commit_callbacks(execute=True):
        services.masterclass_finish(masterclass=masterclass)

    hosts_and_attendee = sorted([member.pk, masterclass.host_id, cohost.pk])
    assert heard[0] == hosts_and_attendee
    # Then the badges for holding it, awarded after commit: told on their own.
    assert all(set(later) <= set(hosts_and_attendee) for later in heard[1:])
    assert [item.title for item in _items("masterclass_certificate", member)] == [
        masterclass.title
    ]
    assert [item.key for item in _items("masterclass_hosted", cohost)] == [
        str(masterclass.pk)
    ]


def test_hiding_a_finished_one_is_told_and_an_upcoming_one_is_not(
    heard, member, django_capture_on_commit_callbacks
):
    finished = _finished()
    _certificate(finished, member)
    upcoming = MasterClassFactory()

    with django_capture_on_commit_callbacks(execute=True):
        services.masterclass_hide_by_reports(masterclass=upcoming)
    assert heard == []

    with django_capture_on_commit_callbacks(execute=True):
        services.masterclass_hide_by_reports(masterclass=finished)
    assert heard == [sorted([member.pk, finished.host_id])]
    assert _items("masterclass_certificate", member) == []


def test_co_hosts_changed_on_a_finished_one_tell_those_added_and_taken_off(
    heard, moderator, django_capture_on_commit_callbacks
):
    before, after = UserFactory(), UserFactory()
    finished = _finished()
    finished.cohosts.add(before)

    with django_capture_on_commit_callbacks(execute=True):
        services.masterclass_update(
            masterclass=finished, editor=moderator, cohosts=[after]
        )

    assert heard == [sorted([finished.host_id, before.pk, after.pk])]
    assert _items("masterclass_hosted", before) == []
    assert len(_items("masterclass_hosted", after)) == 1


def test_an_upcoming_one_edited_is_told_to_nobody(
    heard, django_capture_on_commit_callbacks
):
    upcoming = MasterClassFactory()
    cohost = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        services.masterclass_update(
            masterclass=upcoming,
            editor=upcoming.host,
            title="Дроби: новое название",
            cohosts=[cohost],
        )

    assert heard == []


# --- Suggestions ---------------------------------------------------------------------


def _tagged(*tags, **fields) -> MasterClass:
    masterclass = MasterClassFactory(**fields)
    masterclass.tags.add(*tags)
    return masterclass


def test_upcoming_master_classes_with_the_tags_are_suggested(member):
    math = Subject.objects.get(slug="mathematics").pk
    found = _tagged("Дроби", "ФГОС")
    _tagged("геометрия")
    _tagged("дроби", status=MasterClass.Status.CANCELLED)
    _tagged("дроби", status=MasterClass.Status.DRAFT)
    hidden = _tagged("дроби")
    services.masterclass_hide_by_reports(masterclass=hidden)
    _finished(1).tags.add("дроби")
    _tagged("дроби", subject=Subject.objects.get(slug="physics"))
    _tagged("дроби", host=member)
    _tagged("дроби").cohosts.add(member)
    Registration.objects.create(
        masterclass=_tagged("дроби"), user=member, status=Registration.Status.REGISTERED
    )
    again = _tagged("дроби")
    Registration.objects.create(
        masterclass=again, user=member, status=Registration.Status.CANCELLED
    )
    _tagged("дроби", audience=Audience.GROUP, group_id=999_999, group_only=True)

    suggested = _suggest(["дроби"], member, [math])

    assert {item.object_key for item in suggested} == {
        f"masterclasses.masterclass:{found.pk}",
        f"masterclasses.masterclass:{again.pk}",
    }
    item = next(item for item in suggested if item.title == found.title)
    assert item.kind == "masterclass"
    assert item.tags == ("дроби", "фгос")
    assert item.url == found.get_absolute_url()
    assert str(found.get_format_display()) in item.detail
    assert _suggest(["фгос"], member, [math])[0].title == found.title


def test_suggestions_leave_out_the_keys_named(member):
    kept, named = _tagged("дроби"), _tagged("дроби")

    suggested = attainments._suggestions["masterclasses"].suggest(
        tags=["дроби"], subject_ids=[], user=member, limit=12,
        exclude_keys=frozenset({f"masterclasses.masterclass:{named.pk}"}),
    )  # fmt: skip

    assert [item.title for item in suggested] == [kept.title]


def test_visitors_are_suggested_only_what_everyone_reads(db):
    from django.contrib.auth.models import AnonymousUser

    _tagged("дроби", audience=Audience.MEMBERS)
    public = _tagged("дроби")

    assert [item.title for item in _suggest(["дроби"], AnonymousUser())] == [
        public.title
    ]


def test_suggestions_read_in_one_query_soonest_first(
    member, django_assert_max_num_queries
):
    now = timezone.now()
    for index in range(55):
        starts = now + datetime.timedelta(days=index + 1)
        _tagged(
            "дроби",
            f"тема {index}",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=1),
        )

    with django_assert_max_num_queries(1):
        suggested = _suggest(["Дроби"], member, limit=12)

    assert len(suggested) == 12
    assert suggested[0].title == MasterClass.objects.order_by("starts_at")[0].title


def test_the_detail_is_in_the_reader_s_language(member):
    _tagged("дроби")

    with translation.override("ru"):
        (item,) = _suggest(["дроби"], member)

    assert item.detail.startswith("онлайн, ")
