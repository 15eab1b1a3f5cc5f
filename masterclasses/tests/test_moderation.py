"""Reported master-classes: a moderator hides one, enough reports hide it for a
while, a dismissal shows it again."""

import datetime

import icalendar
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from community import reporting
from community.models import ActivityEvent, AuditEntry
from masterclasses import kinds, services
from masterclasses.models import MasterClass
from masterclasses.tests.factories import MasterClassFactory

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _report(masterclass: MasterClass, reporter=None):
    return reporting.report_create(
        reporter=reporter or UserFactory(),
        key="masterclass",
        object_id=masterclass.pk,
        reason="spam",
    )


def _in_feed(masterclass: MasterClass) -> bool:
    return ActivityEvent.objects.filter(
        kind=kinds.MASTERCLASS_ACTIVITY,
        target_type=ContentType.objects.get_for_model(MasterClass),
        target_id=masterclass.pk,
    ).exists()


def _calendar_titles(masterclass: MasterClass) -> list[str]:
    local = timezone.localtime(masterclass.starts_at)
    response = Client().get(
        reverse("masterclasses:month", args=[local.year, local.month])
    )
    return [
        item.title for week in response.context["weeks"] for _day, items in week
        for item in items
    ]  # fmt: skip


def _feed_titles(user) -> list[str]:
    feed = services.calendar_feed_for(user=user)
    body = Client().get(reverse("masterclasses:feed", args=[feed.token])).content
    return [
        str(event["summary"])
        for event in icalendar.Calendar.from_ical(body).walk("VEVENT")
    ]


@pytest.fixture
def masterclass():
    """Published through the service, so it is in the activity feed."""
    host = UserFactory()
    item = MasterClassFactory(
        host=host, status=MasterClass.Status.DRAFT, title="Навязчивая реклама"
    )
    services.trusted_host_set(user=host, moderator=_superuser(), trusted=True)
    return services.masterclass_submit(masterclass=item, actor=host)


def _superuser():
    return UserFactory(is_superuser=True, is_staff=True)


def test_a_hidden_master_class_is_gone_for_all_but_hosts_and_moderators(
    moderator, masterclass
):
    participant, cohost = UserFactory(), UserFactory()
    masterclass.cohosts.add(cohost)
    services.register(masterclass=masterclass, user=participant)
    assert _in_feed(masterclass)
    assert _feed_titles(participant) == ["Навязчивая реклама"]

    report = _report(masterclass)
    reporting.report_resolve(report=report, moderator=moderator, hide=True)

    masterclass.refresh_from_db()
    assert masterclass.is_hidden
    assert not _in_feed(masterclass)
    assert AuditEntry.objects.filter(
        action="masterclass_hide", actor=moderator, target_id=masterclass.pk
    ).exists()
    url = masterclass.get_absolute_url()
    ics = reverse("masterclasses:ics", args=[masterclass.pk])
    for reader in (None, participant, UserFactory()):
        assert _client(reader).get(url).status_code == 404
        assert _client(reader).get(ics).status_code == 404
    list_page = _client(participant).get(reverse("masterclasses:list"))
    assert masterclass.pk not in {
        row.pk for row in list_page.context["page_obj"].object_list
    }
    assert "Навязчивая реклама" not in _calendar_titles(masterclass)
    assert _feed_titles(participant) == []
    mine = _client(participant).get(reverse("masterclasses:mine"))
    assert "Навязчивая реклама" not in mine.content.decode()
    with translation.override("ru"):
        label = translation.gettext("hidden by a moderator")
    for user in (masterclass.host, cohost, moderator):
        page = _client(user).get(url)
        assert page.status_code == 200
        assert label in page.content.decode()
    assert _feed_titles(masterclass.host) == ["Навязчивая реклама"]
    # Not reported again, and no one registers.
    with pytest.raises(ObjectDoesNotExist):
        _report(masterclass)
    assert (
        _client(UserFactory())
        .post(reverse("masterclasses:register", args=[masterclass.pk]))
        .status_code
        == 404
    )


def test_reports_hide_a_master_class_until_a_moderator_dismisses_them(
    settings, moderator, masterclass
):
    settings.MODERATION_AUTOHIDE_REPORTS = 1
    report = _report(
        masterclass,
        UserFactory(date_joined=timezone.now() - datetime.timedelta(days=60)),
    )

    masterclass.refresh_from_db()
    assert masterclass.is_hidden
    assert not _in_feed(masterclass)
    assert AuditEntry.objects.filter(action="masterclass_hide", actor=None).exists()
    assert _client().get(masterclass.get_absolute_url()).status_code == 404

    reporting.report_resolve(report=report, moderator=moderator, hide=False)

    masterclass.refresh_from_db()
    assert not masterclass.is_hidden
    assert _in_feed(masterclass)
    assert _client().get(masterclass.get_absolute_url()).status_code == 200
    assert "Навязчивая реклама" in _calendar_titles(masterclass)


def test_only_moderators_hide_master_classes(masterclass, member):
    for user in (member, masterclass.host):
        with pytest.raises(PermissionDenied):
            services.masterclass_hide(
                masterclass=masterclass, moderator=user, reason=""
            )
    masterclass.refresh_from_db()
    assert not masterclass.is_hidden


def test_the_report_link_is_for_others_than_the_hosts(masterclass):
    link = reverse("report", args=["masterclass", masterclass.pk])
    url = masterclass.get_absolute_url()

    assert link in _client(UserFactory()).get(url).content.decode()
    assert link not in _client(masterclass.host).get(url).content.decode()
    assert link not in _client().get(url).content.decode()


def test_moderators_hide_and_show_master_classes_in_admin(moderator, masterclass):
    changelist = reverse("admin:masterclasses_masterclass_changelist")
    client = _client(moderator)

    client.post(
        changelist, {"action": "hide_selected", "_selected_action": [masterclass.pk]}
    )
    masterclass.refresh_from_db()
    assert masterclass.is_hidden
    assert client.get(changelist + "?is_hidden__exact=1").status_code == 200

    client.post(
        changelist, {"action": "show_selected", "_selected_action": [masterclass.pk]}
    )
    masterclass.refresh_from_db()
    assert not masterclass.is_hidden
    assert _in_feed(masterclass)
