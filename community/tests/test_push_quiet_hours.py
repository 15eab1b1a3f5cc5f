"""Quiet hours: a push that can wait is held from 21:00 to 08:00 in the
member's own time zone and sent by the sweep in her morning; a reminder that
cannot wait, and a notice about her account, go at once."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from accounts.models import Profile
from accounts.tests.factories import UserFactory
from community import push, tasks
from community.models import Notification
from community.services import notify, notify_many
from community.tests.push_service import PushService, vapid_keys
from conversations import services as conversations
from conversations.tests.factories import EstablishedUserFactory, conversation_with
from masterclasses.hooks import APPROVED, CANCELLED, REMINDER_HOUR

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
# 15:30 in Moscow, 22:30 in Vladivostok.
MOMENT = datetime.datetime(2026, 1, 15, 12, 30, tzinfo=UTC)
# 08:00 on the 16th in Vladivostok.
VLADIVOSTOK_MORNING = datetime.datetime(2026, 1, 15, 22, 0, tzinfo=UTC)


@pytest.fixture
def service(settings, monkeypatch):
    settings.PUSH_ENABLED = True
    settings.PUSH_VAPID_PRIVATE_KEY, settings.PUSH_VAPID_PUBLIC_KEY = vapid_keys()
    running = PushService()
    running.let_through(monkeypatch)
    yield running
    running.close()


@pytest.fixture
def clock(monkeypatch):
    """Sets the site's clock: ``clock(moment)``."""

    def at(moment: datetime.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    at(MOMENT)
    return at


def _living_in(zone: str):
    member = UserFactory()
    Profile.objects.filter(user=member).update(time_zone=zone)
    return member


def test_two_zones_at_one_moment_one_is_pushed_now_the_other_in_her_morning(
    service, clock, django_capture_on_commit_callbacks
):
    moscow = _living_in("Europe/Moscow")
    vladivostok = _living_in("Asia/Vladivostok")
    awake, asleep = service.device(moscow, "ok/1"), service.device(vladivostok, "ok/2")

    with django_capture_on_commit_callbacks(execute=True):
        notify_many(recipients=[moscow, vladivostok], kind=APPROVED, url="/mc/1/")

    assert len(service.to(awake)) == 1
    assert service.to(asleep) == []
    held = Notification.objects.get(recipient=vladivostok)
    assert held.push_due_at == VLADIVOSTOK_MORNING
    assert held.pushed_at is None
    # On the site at once, as ever.
    assert held.read_at is None

    clock(MOMENT + datetime.timedelta(minutes=5))
    assert tasks.push_sweep_task() == 0
    clock(VLADIVOSTOK_MORNING - datetime.timedelta(minutes=1))
    assert tasks.push_sweep_task() == 0
    assert service.to(asleep) == []

    clock(VLADIVOSTOK_MORNING + datetime.timedelta(minutes=2))
    assert tasks.push_sweep_task() == 1

    assert len(service.to(asleep)) == 1
    assert len(service.to(awake)) == 1
    held.refresh_from_db()
    assert held.pushed_at is not None
    assert tasks.push_sweep_task() == 0


def test_a_single_notify_waits_for_her_morning_too(
    service, clock, django_capture_on_commit_callbacks
):
    vladivostok = _living_in("Asia/Vladivostok")
    device = service.device(vladivostok, "ok/1")

    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(recipient=vladivostok, kind=APPROVED, url="/mc/1/")

    assert service.to(device) == []
    assert notification.push_due_at == VLADIVOSTOK_MORNING


def test_a_reminder_within_the_hour_is_pushed_at_night_at_once(
    service, clock, django_capture_on_commit_callbacks
):
    vladivostok = _living_in("Asia/Vladivostok")
    device = service.device(vladivostok, "ok/1")

    with django_capture_on_commit_callbacks(execute=True):
        notify_many(recipients=[vladivostok], kind=REMINDER_HOUR, url="/mc/1/")

    [request] = service.to(device)
    assert request["headers"]["urgency"] == "high"


def test_a_colleagues_message_at_night_waits_for_her_morning(
    service, clock, django_capture_on_commit_callbacks
):
    # Urgent for e-mail (a digest reader gets it at once), not for waking her.
    owner = EstablishedUserFactory()
    vladivostok = EstablishedUserFactory()
    Profile.objects.filter(user=vladivostok).update(time_zone="Asia/Vladivostok")
    device = service.device(vladivostok, "ok/1")
    conversation = conversation_with(owner, vladivostok)

    with django_capture_on_commit_callbacks(execute=True):
        conversations.message_send(conversation=conversation, author=owner, body="Да")

    assert service.to(device) == []
    notification = Notification.objects.get(recipient=vladivostok)
    assert notification.push_due_at == VLADIVOSTOK_MORNING
    assert notification.pushed_at is None

    clock(VLADIVOSTOK_MORNING)
    tasks.push_sweep_task()
    assert len(service.to(device)) == 1


def test_a_cancelled_master_class_is_pushed_at_night_at_once(
    service, clock, django_capture_on_commit_callbacks
):
    vladivostok = _living_in("Asia/Vladivostok")
    device = service.device(vladivostok, "ok/1")

    with django_capture_on_commit_callbacks(execute=True):
        notify_many(recipients=[vladivostok], kind=CANCELLED, url="/mc/1/")

    [request] = service.to(device)
    assert request["headers"]["urgency"] == "high"


def test_a_repeat_in_the_night_is_held_as_well(
    service, clock, django_capture_on_commit_callbacks
):
    moscow = _living_in("Europe/Moscow")
    device = service.device(moscow, "ok/1")
    with django_capture_on_commit_callbacks(execute=True):
        notify_many(recipients=[moscow], kind=APPROVED, url="/mc/1/")
    assert len(service.to(device)) == 1

    night = datetime.datetime(2026, 1, 15, 20, 0, tzinfo=UTC)  # 23:00 in Moscow
    clock(night)
    with django_capture_on_commit_callbacks(execute=True):
        notify_many(recipients=[moscow], kind=APPROVED, url="/mc/1/")

    assert len(service.to(device)) == 1
    row = Notification.objects.get(recipient=moscow)
    assert row.count == 2
    assert row.pushed_at is None
    assert row.push_due_at == datetime.datetime(2026, 1, 16, 5, 0, tzinfo=UTC)

    clock(row.push_due_at)
    tasks.push_sweep_task()
    first, second = (service.read(device, r) for r in service.to(device))
    assert first["tag"] == second["tag"]
    assert "2" in second["body"]


MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")


@pytest.mark.parametrize(
    ("local", "due"),
    [
        ((20, 59), None),
        ((21, 0), (16, 8)),
        ((23, 30), (16, 8)),
        ((0, 10), (15, 8)),
        ((7, 59), (15, 8)),
        ((8, 0), None),
        ((12, 0), None),
    ],
)
def test_quiet_hours_run_from_nine_in_the_evening_to_eight_in_the_morning(local, due):
    now = datetime.datetime(2026, 1, 15, *local, tzinfo=MOSCOW)

    got = push.push_due(now, "Europe/Moscow", at_night=False)

    if due is None:
        assert got == now
    else:
        day, hour = due
        assert got == datetime.datetime(2026, 1, day, hour, tzinfo=MOSCOW)
    assert push.push_due(now, "Europe/Moscow", at_night=True) == now


def test_an_unknown_zone_is_read_as_moscow():
    now = datetime.datetime(2026, 1, 15, 19, 0, tzinfo=UTC)  # 22:00 in Moscow

    assert push.push_due(now, "Mars/Olympus", at_night=False) == datetime.datetime(
        2026, 1, 16, 8, tzinfo=MOSCOW
    )
