"""Web push against a push service of our own on 127.0.0.1: what reaches it,
encrypted and signed; what its answers do to a device; the claim that pushes
a notification once; what a push may say; devices a member adds; the deploy
check. Quiet hours: ``test_push_quiet_hours.py``."""

import datetime
import json
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.kinds import FOLLOW
from accounts.models import NotificationSetting
from accounts.tests.factories import UserFactory
from community import checks, embed_fetch, push, push_delivery, tasks
from community.models import Notification, PushDevice
from community.sanctions import SANCTION_GIVEN
from community.services import notify, notify_many
from community.tests.push_service import PushService, vapid_keys
from conversations import services as conversations
from conversations.tests.factories import EstablishedUserFactory, conversation_with
from masterclasses.hooks import CHANGED

pytestmark = pytest.mark.django_db


@pytest.fixture
def push_on(settings):
    settings.PUSH_ENABLED = True
    settings.PUSH_VAPID_PRIVATE_KEY, settings.PUSH_VAPID_PUBLIC_KEY = vapid_keys()
    settings.PUSH_CONTACT = "mailto:support@kollegi.example"
    # At any hour the suite runs: no quiet hours hold a push back here
    # (test_push_quiet_hours.py holds them).
    settings.PUSH_QUIET_START = settings.PUSH_QUIET_END = 0
    return settings


@pytest.fixture
def service(monkeypatch):
    running = PushService()
    running.let_through(monkeypatch)
    yield running
    running.close()


def _followed(member, capture, actor=None):
    """``member`` hears of a new follower (push only when she chose it)."""
    with capture(execute=True):
        return notify(recipient=member, kind=FOLLOW, url="/people/", actor=actor)


def _push_chosen(member, preference: str, push: bool | None) -> None:
    NotificationSetting.objects.create(
        user=member, kind=preference, delivery="site", push=push
    )


# --- Delivery -----------------------------------------------------------------


def test_a_notification_reaches_the_device_once_encrypted_and_signed(
    push_on, service, django_capture_on_commit_callbacks
):
    member, actor = UserFactory(), UserFactory()
    _push_chosen(member, "followers", True)
    device = service.device(member, "ok/1")

    notification = _followed(member, django_capture_on_commit_callbacks, actor)

    [request] = service.to(device)
    headers = request["headers"]
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["ttl"] == str(push_on.PUSH_TTL)
    assert headers["urgency"] == "normal"
    assert headers["authorization"].startswith("vapid t=")
    assert push_on.PUSH_VAPID_PUBLIC_KEY in headers["authorization"]
    assert b"follows" not in request["body"]  # encrypted
    payload = service.read(device, request)
    assert payload["title"] == "Коллеги"
    assert actor.profile.shown_name in payload["body"]
    assert payload["url"] == "/people/"
    assert payload["tag"] == FOLLOW
    notification.refresh_from_db()
    assert notification.pushed_at is not None
    device.refresh_from_db()
    assert device.last_success_at is not None
    assert device.failures == 0


def test_every_active_device_of_the_member_gets_it_and_no_other(
    push_on, service, django_capture_on_commit_callbacks
):
    member, other = UserFactory(), UserFactory()
    _push_chosen(member, "followers", True)
    _push_chosen(other, "followers", True)
    phone, laptop = service.device(member, "ok/phone"), service.device(member, "ok/pc")
    switched_off = service.device(member, "ok/old")
    PushDevice.objects.filter(pk=switched_off.pk).update(disabled_at=timezone.now())
    others = service.device(other, "ok/other")

    _followed(member, django_capture_on_commit_callbacks)

    assert len(service.to(phone)) == len(service.to(laptop)) == 1
    assert service.to(switched_off) == service.to(others) == []


def test_push_follows_the_preference_and_its_default(
    push_on, service, django_capture_on_commit_callbacks
):
    chose, default, refused = UserFactory.create_batch(3)
    _push_chosen(chose, "followers", True)
    _push_chosen(refused, "messages", False)
    devices = {
        user: service.device(user, f"ok/{n}")
        for n, user in enumerate((chose, default, refused))
    }
    for user in (chose, default):
        # New followers are not pushed unless she chose it.
        _followed(user, django_capture_on_commit_callbacks)
    owner = EstablishedUserFactory()
    conversation = conversation_with(owner, default, refused)
    with django_capture_on_commit_callbacks(execute=True):
        conversations.message_send(conversation=conversation, author=owner, body="Да")

    assert len(service.to(devices[chose])) == 1
    # Messages are pushed by default; she switched them off.
    assert len(service.to(devices[default])) == 1
    assert service.to(devices[refused]) == []


def test_a_mandatory_notice_is_pushed_whatever_she_chose(
    push_on, service, django_capture_on_commit_callbacks
):
    member = UserFactory()
    NotificationSetting.objects.bulk_create(
        NotificationSetting(user=member, kind=kind, delivery="off", push=False)
        for kind in NotificationSetting.Kind.values
    )
    device = service.device(member, "ok/1")

    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=member, kind=SANCTION_GIVEN, url="/", target_title="x")

    [request] = service.to(device)
    assert request["headers"]["urgency"] == "high"


def test_notify_many_pushes_each_member_with_push_on(
    push_on, service, django_capture_on_commit_callbacks
):
    members = UserFactory.create_batch(4)
    devices = [service.device(member, f"ok/{n}") for n, member in enumerate(members)]
    _push_chosen(members[3], "masterclasses", False)

    with django_capture_on_commit_callbacks(execute=True):
        told = notify_many(
            recipients=members, kind=CHANGED, url="/masterclasses/1/", target=None
        )

    assert told == 4
    assert [len(service.to(device)) for device in devices] == [1, 1, 1, 0]
    assert Notification.objects.filter(pushed_at__isnull=False).count() == 3


# --- What the service answers -----------------------------------------------


@pytest.mark.parametrize("answer", ["gone", "missing"])
def test_a_subscription_the_service_forgot_is_deleted(
    push_on, service, django_capture_on_commit_callbacks, answer
):
    member = UserFactory()
    _push_chosen(member, "followers", True)
    device = service.device(member, f"{answer}/1")

    _followed(member, django_capture_on_commit_callbacks)

    assert len(service.to(device)) == 1
    assert not PushDevice.objects.filter(pk=device.pk).exists()


def test_a_failure_is_counted_and_tried_again(
    push_on, service, django_capture_on_commit_callbacks
):
    member = UserFactory()
    _push_chosen(member, "followers", True)
    device = service.device(member, "flaky/1")

    _followed(member, django_capture_on_commit_callbacks)

    # 500, then (the retry, at once as tasks run here) 201: a success resets.
    first, again = service.to(device)
    assert service.read(device, first) == service.read(device, again)
    device.refresh_from_db()
    assert device.failures == 0
    assert device.disabled_at is None
    assert device.last_success_at is not None


def test_a_device_that_keeps_failing_is_switched_off_after_five(
    push_on, service, django_capture_on_commit_callbacks
):
    member = UserFactory()
    _push_chosen(member, "followers", True)
    device = service.device(member, "broken/1")

    _followed(member, django_capture_on_commit_callbacks)

    assert len(service.to(device)) == push_on.PUSH_MAX_FAILURES == 5
    device.refresh_from_db()
    assert device.failures == 5
    assert device.disabled_at is not None
    assert push.push_devices_of(member) == [device]  # her list shows it off
    # Switched off, it is tried no more.
    _followed(member, django_capture_on_commit_callbacks)
    assert len(service.to(device)) == 5


def test_the_retries_wait_longer_each_time():
    waits = [push_delivery.push_backoff(attempt) for attempt in range(1, 6)]
    assert waits == sorted(waits)
    assert len(set(waits)) == 5
    assert push_delivery.push_backoff(30) == 60 * 60


def test_a_device_that_works_again_is_not_pushed_twice_by_a_late_retry(
    push_on, service, django_capture_on_commit_callbacks
):
    member = UserFactory()
    _push_chosen(member, "followers", True)
    device = service.device(member, "flaky/1")
    notification = _followed(member, django_capture_on_commit_callbacks)
    assert len(service.to(device)) == 2  # failed, then taken

    # The retry's task delivered a second time (a worker died after it).
    tasks.push_retry_task(device.pk, [notification.pk], 1)

    assert len(service.to(device)) == 2


def test_the_task_tries_again_after_growing_pauses(
    push_on, service, django_capture_on_commit_callbacks, monkeypatch
):
    member = UserFactory()
    _push_chosen(member, "followers", True)
    device = service.device(member, "broken/1")
    pauses = []

    def later(args, countdown):
        pauses.append(countdown)
        tasks.push_retry_task(*args)

    monkeypatch.setattr(tasks.push_retry_task, "apply_async", later)

    _followed(member, django_capture_on_commit_callbacks)

    assert pauses[0] == 60
    assert pauses == sorted(set(pauses))
    assert len(pauses) >= push_on.PUSH_MAX_FAILURES - 1
    assert len(service.to(device)) == 5


# --- The guard when sending ---------------------------------------------------


@pytest.fixture
def inside():
    """A server inside our network that no push may reach."""
    running = PushService()
    yield running
    running.close()


@pytest.mark.parametrize("where", ["same", "inside", "metadata"])
def test_a_redirect_from_the_push_service_is_not_followed(
    push_on, service, inside, django_capture_on_commit_callbacks, where
):
    service.location = {
        "same": service.url("ok/inside"),
        "inside": inside.url("ok/inside"),
        "metadata": "http://169.254.169.254/latest/meta-data/",
    }[where]
    member = UserFactory()
    _push_chosen(member, "followers", True)
    device = service.device(member, "moved/1")

    _followed(member, django_capture_on_commit_callbacks)

    assert {request["path"] for request in service.requests} == {"/moved/1"}
    assert inside.requests == []
    device.refresh_from_db()
    assert device.failures >= 1
    assert device.last_success_at is None


@pytest.mark.parametrize(
    "answers",
    [
        [("127.0.0.1", None)],
        [("169.254.169.254", 443)],
        [("93.184.216.34", 443), ("10.0.0.7", 443)],
        [("::ffff:127.0.0.1", None)],
    ],
)
def test_a_push_service_name_pointing_inside_is_refused_when_sending(
    push_on, inside, django_capture_on_commit_callbacks, monkeypatch, answers
):
    # A listed service's name, added as it should be; when the push goes, the
    # name resolves inside our network (the guard is not opened here).
    member = UserFactory()
    _push_chosen(member, "followers", True)
    device = push.push_device_add(
        user=member,
        endpoint="https://fcm.googleapis.com/fcm/send/abc",
        p256dh=inside.device(UserFactory(), "ok/x").p256dh,
        auth="c2VjcmV0c2VjcmV0c2VjcmV0",
    )
    looked_up = []

    def resolve(host: str, port: int) -> list[tuple[str, int]]:
        looked_up.append(host)
        return [(address, port or inside.port) for address, port in answers]

    monkeypatch.setattr(embed_fetch, "resolve", resolve)

    notification = _followed(member, django_capture_on_commit_callbacks)

    assert looked_up[0] == "fcm.googleapis.com"
    assert inside.requests == []
    device.refresh_from_db()
    assert device.failures >= 1
    assert device.last_success_at is None
    notification.refresh_from_db()
    assert notification.pushed_at is not None


def test_a_push_service_that_trickles_its_answer_ends_by_the_deadline(
    push_on, service, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(push_delivery, "PUSH_TIMEOUT", 0.5)
    member = UserFactory()
    _push_chosen(member, "followers", True)
    device = service.device(member, "trickle/1")
    with django_capture_on_commit_callbacks(execute=False):
        notification = notify(recipient=member, kind=FOLLOW, url="/people/")

    started = time.monotonic()
    result = push_delivery.push_send(notification_ids=[notification.pk])

    # Its head would go on for ten seconds, a byte at a time.
    assert time.monotonic() - started < 2.0
    assert result.retries == {device.pk: [notification.pk]}
    device.refresh_from_db()
    assert device.failures == 1


def test_a_plain_http_address_is_refused_when_sending(
    push_on, django_capture_on_commit_callbacks
):
    # The guard as it is: only https on 443 (the fake service speaks http).
    running = PushService()
    try:
        member = UserFactory()
        _push_chosen(member, "followers", True)
        device = running.device(member, "ok/1")

        _followed(member, django_capture_on_commit_callbacks)

        assert running.requests == []
        device.refresh_from_db()
        assert device.failures >= 1
    finally:
        running.close()


# --- Without a worker: the sweep pushes -----------------------------------------


def test_without_a_worker_notify_enqueues_nothing_and_the_sweep_pushes(
    push_on, service, django_capture_on_commit_callbacks, monkeypatch
):
    push_on.PUSH_SEND_AFTER_COMMIT = False
    enqueued = []
    monkeypatch.setattr(tasks.push_send_task, "delay", enqueued.append)
    members = UserFactory.create_batch(2)
    for n, member in enumerate(members):
        _push_chosen(member, "followers", True)
        service.device(member, f"ok/{n}")

    _followed(members[0], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        notify_many(recipients=members[1:], kind=FOLLOW, url="/people/")

    assert enqueued == []
    assert service.requests == []
    assert Notification.objects.filter(push_due_at__isnull=False).count() == 2

    monkeypatch.undo()
    service.let_through(monkeypatch)
    assert tasks.push_sweep_task() == 2

    assert len(service.requests) == 2
    assert not Notification.objects.filter(pushed_at__isnull=True).exists()


def test_without_a_worker_a_failed_push_waits_for_the_sweep_not_the_request(
    push_on, service, django_capture_on_commit_callbacks, monkeypatch
):
    push_on.PUSH_SEND_AFTER_COMMIT = False
    push_on.CELERY_TASK_ALWAYS_EAGER = True
    member = UserFactory()
    _push_chosen(member, "followers", True)
    device = service.device(member, "flaky/1")
    notification = _followed(member, django_capture_on_commit_callbacks)
    now = timezone.now()

    assert tasks.push_sweep_task() == 1

    # Tried once: no retry right after it in the same run.
    assert len(service.to(device)) == 1
    notification.refresh_from_db()
    assert notification.pushed_at is None
    assert notification.push_claimed_at is None
    assert notification.push_due_at >= now + datetime.timedelta(seconds=59)
    assert tasks.push_sweep_task() == 0

    later = now + datetime.timedelta(minutes=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert tasks.push_sweep_task() == 1

    assert len(service.to(device)) == 2
    notification.refresh_from_db()
    assert notification.pushed_at is not None
    device.refresh_from_db()
    assert (device.failures, device.disabled_at) == (0, None)


# --- Once ---------------------------------------------------------------------


def test_a_double_run_of_the_task_pushes_once(
    push_on, service, django_capture_on_commit_callbacks
):
    member = UserFactory()
    _push_chosen(member, "followers", True)
    device = service.device(member, "ok/1")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = notify(recipient=member, kind=FOLLOW, url="/people/")
    assert callbacks  # the task is enqueued after commit

    tasks.push_send_task([notification.pk])
    tasks.push_send_task([notification.pk])
    tasks.push_sweep_task()

    assert len(service.to(device)) == 1


def test_a_row_claimed_by_a_live_run_is_not_pushed_by_another(
    push_on, service, django_capture_on_commit_callbacks
):
    member = UserFactory()
    _push_chosen(member, "followers", True)
    device = service.device(member, "ok/1")
    with django_capture_on_commit_callbacks(execute=False):
        notification = notify(recipient=member, kind=FOLLOW, url="/people/")
    Notification.objects.filter(pk=notification.pk).update(
        push_claimed_at=timezone.now()
    )

    assert tasks.push_send_task([notification.pk]) == 0
    assert tasks.push_sweep_task() == 0
    assert service.to(device) == []


def test_the_sweep_pushes_what_a_dead_run_left(
    push_on, service, django_capture_on_commit_callbacks
):
    member = UserFactory()
    _push_chosen(member, "followers", True)
    device = service.device(member, "ok/1")
    with django_capture_on_commit_callbacks(execute=False):
        notification = notify(recipient=member, kind=FOLLOW, url="/people/")
    dead = timezone.now() - datetime.timedelta(hours=1)
    Notification.objects.filter(pk=notification.pk).update(push_claimed_at=dead)

    assert tasks.push_sweep_task() == 1

    assert len(service.to(device)) == 1
    notification.refresh_from_db()
    assert notification.pushed_at is not None


def test_a_repeat_of_the_group_owes_a_new_push(
    push_on, service, django_capture_on_commit_callbacks
):
    owner, member = EstablishedUserFactory.create_batch(2)
    device = service.device(member, "ok/1")
    conversation = conversation_with(owner, member)

    for body in ("Первое", "Второе"):
        with django_capture_on_commit_callbacks(execute=True):
            conversations.message_send(
                conversation=conversation, author=owner, body=body
            )

    first, second = (service.read(device, r) for r in service.to(device))
    assert first["body"] == "1 новое сообщение"
    assert second["body"] == "2 новых сообщения"
    assert first["tag"] == second["tag"]


def test_a_notification_read_before_its_push_is_not_pushed(
    push_on, service, django_capture_on_commit_callbacks
):
    member = UserFactory()
    _push_chosen(member, "followers", True)
    device = service.device(member, "ok/1")
    with django_capture_on_commit_callbacks(execute=False):
        notification = notify(recipient=member, kind=FOLLOW, url="/people/")
    Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())

    tasks.push_send_task([notification.pk])

    assert service.to(device) == []


# --- What a push says ---------------------------------------------------------


def test_a_message_push_says_neither_the_text_nor_the_subject(
    push_on, service, django_capture_on_commit_callbacks
):
    owner, member = EstablishedUserFactory.create_batch(2)
    device = service.device(member, "ok/1")
    conversation = conversation_with(owner, member, subject="Аттестация Ивановой")
    text = "Секретный текст: оценки за четверть " * 200

    with django_capture_on_commit_callbacks(execute=True):
        message = conversations.message_send(
            conversation=conversation, author=owner, body=text
        )

    [request] = service.to(device)
    payload = service.read(device, request)
    assert len(json.dumps(payload, ensure_ascii=False).encode()) <= 3 * 1024
    assert payload["body"] == "1 новое сообщение"
    assert payload["url"] == message.get_absolute_url()
    notification = Notification.objects.get(recipient=member)
    assert payload["tag"] == notification.group_key
    plain = json.dumps(payload, ensure_ascii=False)
    assert "Секретный" not in plain
    assert "Аттестация" not in plain
    assert request["headers"]["urgency"] == "high"


def test_a_line_too_long_for_a_push_is_cut_to_fit(push_on):
    assert push_on.PUSH_MAX_BYTES == 3 * 1024
    notification = Notification.objects.create(
        recipient=UserFactory(),
        kind=CHANGED,
        target_title="Очень длинное название мастер-класса о проверке " * 4,
        url="/masterclasses/1/",
        group_key=CHANGED,
    )
    whole = json.loads(push_delivery.push_payload(notification))
    assert "«Очень длинное" in whole["body"]
    push_on.PUSH_MAX_BYTES = 200

    data = push_delivery.push_payload(notification)

    assert len(data) <= 200
    payload = json.loads(data)
    assert payload["body"].endswith("…")
    assert whole["body"].startswith(payload["body"][:-1])
    assert payload["tag"] == CHANGED


# --- Push off -----------------------------------------------------------------


def test_with_push_off_notify_asks_nothing_more(
    settings, service, django_capture_on_commit_callbacks
):
    settings.PUSH_ENABLED = False
    members = UserFactory.create_batch(3)
    for n, member in enumerate(members):
        _push_chosen(member, "masterclasses", True)
        service.device(member, f"ok/{n}")

    with (
        CaptureQueriesContext(connection) as off,
        django_capture_on_commit_callbacks(execute=True),
    ):
        notify_many(recipients=members, kind=CHANGED, url="/masterclasses/1/")

    assert not any("pushdevice" in query["sql"] for query in off)
    assert service.requests == []
    assert not Notification.objects.filter(push_due_at__isnull=False).exists()

    # On (with nobody's device on), the same fan-out: one query more.
    settings.PUSH_ENABLED = True
    settings.PUSH_VAPID_PRIVATE_KEY, settings.PUSH_VAPID_PUBLIC_KEY = vapid_keys()
    PushDevice.objects.update(disabled_at=timezone.now())
    others = UserFactory.create_batch(3)
    with CaptureQueriesContext(connection) as on:
        notify_many(recipients=others, kind=CHANGED, url="/masterclasses/2/")
    assert len(on) == len(off) + 1


def test_push_is_available_only_on_with_both_keys(settings):
    settings.PUSH_ENABLED = True
    settings.PUSH_VAPID_PRIVATE_KEY, settings.PUSH_VAPID_PUBLIC_KEY = vapid_keys()
    assert push.push_available()
    settings.PUSH_VAPID_PUBLIC_KEY = ""
    assert not push.push_available()
    settings.PUSH_VAPID_PUBLIC_KEY = "x"
    settings.PUSH_ENABLED = False
    assert not push.push_available()


# --- Devices --------------------------------------------------------------------

ENDPOINT = "https://fcm.googleapis.com/fcm/send/abc"


def _add(user, endpoint: str = ENDPOINT, **fields) -> PushDevice:
    return push.push_device_add(
        user=user,
        endpoint=endpoint,
        p256dh=fields.get("p256dh", "BKey"),
        auth=fields.get("auth", "secret"),
        label=fields.get("label", "Chrome, Android"),
    )


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://fcm.googleapis.com/fcm/send/abc",
        "https://push.example.org/send/abc",
        "https://fcm.googleapis.com.evil.example/send",
        "https://evilfcm.googleapis.com/send",
        "https://push.services.mozilla.com.evil.example/send",
        "https://127.0.0.1/send",
        "https://127.1/send",
        "https://0x7f.1/send",
        "https://0177.0.0.1/send",
        "https://2130706433/send",
        "https://10.0.0.5/send",
        "https://192.168.1.1/send",
        "https://169.254.169.254/latest",
        "https://[::1]/send",
        "https://localhost/send",
        "https://printer.local/send",
        "https://intranet/send",
        "https://fcm.googleapis.com:8443/send",
        "https://user:pass@fcm.googleapis.com/send",
        "ftp://push.example.org/send",
        "not an address",
    ],
)
def test_a_device_must_be_a_public_https_address(member, endpoint):
    with pytest.raises(ValidationError) as error:
        _add(member, endpoint)
    assert error.value.code == "endpoint"
    assert not PushDevice.objects.exists()


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://fcm.googleapis.com/fcm/send/abc",
        "https://updates.push.services.mozilla.com/wpush/v2/abc",
        "https://web.push.apple.com/QGx",
        "https://wns2-par02p.notify.windows.com/w/?token=abc",
        "https://FCM.googleapis.com:443/fcm/send/abc",
    ],
)
def test_a_device_of_a_browsers_push_service_is_taken(member, endpoint):
    assert _add(member, endpoint).endpoint == endpoint


def test_a_device_needs_its_keys(member):
    with pytest.raises(ValidationError) as error:
        _add(member, p256dh=" ")
    assert error.value.code == "keys"


def test_adding_a_device_twice_keeps_one_and_switches_it_on(member):
    device = _add(member)
    PushDevice.objects.filter(pk=device.pk).update(
        failures=5, disabled_at=timezone.now()
    )

    again = _add(member, p256dh="BNew", label="")

    assert again.pk == device.pk
    again.refresh_from_db()
    assert (again.p256dh, again.label) == ("BNew", "Chrome, Android")
    assert (again.failures, again.disabled_at) == (0, None)
    assert PushDevice.objects.count() == 1


def test_a_browser_subscribed_by_another_member_moves_to_her(member):
    other = UserFactory()
    device = _add(member)

    moved = _add(other)

    assert moved.pk == device.pk
    assert push.push_devices_of(member) == []
    assert push.push_devices_of(other) == [moved]


def test_past_ten_devices_the_least_recently_used_goes(member, settings):
    devices = [_add(member, f"{ENDPOINT}/{n}") for n in range(10)]
    now = timezone.now()
    for n, device in enumerate(devices):
        # The first one delivered last: it is the most recently used.
        PushDevice.objects.filter(pk=device.pk).update(
            last_success_at=now - datetime.timedelta(days=n if n else -1)
        )

    newest = _add(member, f"{ENDPOINT}/new")

    kept = push.push_devices_of(member)
    assert len(kept) == settings.PUSH_MAX_DEVICES == 10
    assert newest in kept
    assert devices[0] in kept
    assert devices[9] not in kept


def test_a_member_removes_only_her_own_device(member):
    other = UserFactory()
    mine, theirs = _add(member), _add(other, f"{ENDPOINT}/2")

    assert not push.push_device_remove(user=member, device_id=theirs.pk)
    assert push.push_device_remove(user=member, device_id=mine.pk)
    assert not push.push_device_remove(user=member, device_id=mine.pk)
    assert list(PushDevice.objects.all()) == [theirs]


# --- The deploy check ---------------------------------------------------------


def test_the_deploy_check_warns_when_push_is_on_without_keys(settings):
    settings.PUSH_ENABLED = False
    settings.PUSH_VAPID_PRIVATE_KEY = settings.PUSH_VAPID_PUBLIC_KEY = ""
    assert checks.push_keys_check() == []

    settings.PUSH_ENABLED = True
    [missing] = checks.push_keys_check()
    assert missing.id == "community.W001"
    assert "PUSH_VAPID_PRIVATE_KEY" in missing.msg

    settings.PUSH_VAPID_PRIVATE_KEY, settings.PUSH_VAPID_PUBLIC_KEY = vapid_keys()
    assert checks.push_keys_check() == []

    settings.PUSH_VAPID_PRIVATE_KEY = "not-a-key"
    [unreadable] = checks.push_keys_check()
    assert unreadable.id == "community.W001"


def test_the_deploy_check_is_run_by_check_deploy_only():
    from django.core.checks.registry import registry

    assert checks.push_keys_check in registry.get_checks(include_deployment_checks=True)
    assert checks.push_keys_check not in registry.get_checks()
