"""The member's devices that receive notifications: the settings tab, the
script's POST of a subscription, removing one, and each kind's «push» box on
the notifications page."""

import datetime
import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from accounts import services
from accounts.models import PUSH_DEFAULTS, NotificationSetting
from accounts.tests.factories import UserFactory
from accounts.user_agents import user_agent_label
from community.models import PushDevice, Sanction
from community.push import push_device_add
from community.sanctions import sanction_give
from community.tests.test_hostile_forms import EXAMPLES, HOSTILE

pytestmark = pytest.mark.django_db
Kind = NotificationSetting.Kind

RU = {"HTTP_ACCEPT_LANGUAGE": "ru"}
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36"
)
DEVICES = reverse("accounts:settings_devices")
ADD = reverse("accounts:device_add")
NOTIFICATIONS = reverse("accounts:settings_notifications")


@pytest.fixture
def push_on(settings):
    settings.PUSH_ENABLED = True
    settings.PUSH_VAPID_PUBLIC_KEY = "BPublicKeyForTheBrowser"
    settings.PUSH_VAPID_PRIVATE_KEY = "private-key"
    return settings


def endpoint(number: int = 1) -> str:
    # A push service's address: only theirs are taken (PUSH_SERVICE_HOSTS).
    return f"https://fcm.googleapis.com/fcm/send/device-{number}"


def subscription(address: str | None = None, **changes) -> dict:
    data = {
        "endpoint": address or endpoint(),
        "keys": {"p256dh": "BKeyOfTheBrowser", "auth": "secret"},
    }
    data.update(changes)
    return data


def add(client, data, **headers):
    body = data if isinstance(data, (str, bytes)) else json.dumps(data)
    return client.post(
        ADD, body, content_type="application/json", headers=headers, **RU
    )


def device_of(user, number: int = 1, **fields) -> PushDevice:
    return push_device_add(
        user=user, endpoint=endpoint(number), p256dh="k", auth="a", **fields
    )


# --- The devices tab --------------------------------------------------------


def test_devices_page_lists_my_devices_with_their_state(member_client, member, push_on):
    device_of(member, 1, label="Chrome, Android")
    failing = device_of(member, 2, label="Firefox, Windows")
    PushDevice.objects.filter(pk=failing.pk).update(disabled_at=timezone.now())
    device_of(UserFactory(), 3, label="Safari, iOS")

    response = member_client.get(DEVICES, **RU)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Chrome, Android" in html
    assert "Firefox, Windows" in html
    assert "Safari, iOS" not in html
    assert html.count("отключено после ошибок") == 1
    assert html.count('class="btn btn-outline-secondary btn-sm">Удалить') == 2
    assert "Включить уведомления на этом устройстве" in html
    assert 'data-push-key="BPublicKeyForTheBrowser"' in html
    assert "js/push.js" in html
    # What push brings, the quiet hours and the way to turn it off.
    assert "С 21:00 до 08:00" in html
    assert reverse("accounts:settings_notifications") in html


def test_devices_page_says_push_is_off_site_wide_and_shows_no_button(
    member_client, member, settings
):
    settings.PUSH_ENABLED = False
    device_of(member, label="Chrome, Android")

    html = member_client.get(DEVICES, **RU).content.decode()

    assert "пока выключены" in html
    assert "data-push-enable" not in html
    assert "js/push.js" not in html
    # Her devices stay listed, and removable.
    assert "Chrome, Android" in html


def test_devices_page_needs_push_keys_as_well(member_client, push_on):
    push_on.PUSH_VAPID_PRIVATE_KEY = ""

    html = member_client.get(DEVICES).content.decode()

    assert "data-push-enable" not in html


def test_devices_page_sends_a_visitor_to_sign_in(client):
    response = client.get(DEVICES)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_devices_page_is_a_settings_tab(member_client):
    html = member_client.get(reverse("accounts:settings_profile"), **RU)

    assert DEVICES in html.content.decode()
    assert member_client.get(DEVICES).context["settings_tab"] == "devices"


def test_devices_page_queries_stay_the_same_for_ten_devices(member_client, member):
    device_of(member, 1)
    member_client.get(DEVICES)
    with CaptureQueriesContext(connection) as one:
        member_client.get(DEVICES)
    for number in range(2, 11):
        device_of(member, number)
    with CaptureQueriesContext(connection) as ten:
        response = member_client.get(DEVICES)

    assert len(response.context["devices"]) == 10
    assert len(ten) == len(one)


# --- Adding a device (the script's POST) -------------------------------------


def test_add_stores_the_subscription_with_a_label_from_the_browser(
    member_client, member, push_on
):
    response = add(member_client, subscription(), **{"User-Agent": CHROME_ANDROID})

    assert response.status_code == 201
    device = PushDevice.objects.get()
    assert response.json() == {"id": device.pk}
    assert device.user == member
    assert (device.endpoint, device.p256dh, device.auth) == (
        endpoint(),
        "BKeyOfTheBrowser",
        "secret",
    )
    assert device.label == "Chrome, Android"


def test_add_twice_from_one_browser_keeps_one_device(member_client, push_on):
    first = add(member_client, subscription())
    second = add(member_client, subscription())

    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert PushDevice.objects.count() == 1


def test_add_past_ten_drops_the_least_recently_used(member_client, member, push_on):
    devices = [device_of(member, number) for number in range(1, 11)]
    # The oldest delivered a minute ago: the second is the least recently used.
    PushDevice.objects.filter(pk=devices[0].pk).update(
        last_success_at=timezone.now() + datetime.timedelta(minutes=1)
    )

    response = add(member_client, subscription(endpoint(11)))

    assert response.status_code == 201
    kept = set(PushDevice.objects.filter(user=member).values_list("pk", flat=True))
    assert len(kept) == 10
    assert devices[1].pk not in kept
    assert {devices[0].pk, response.json()["id"]} <= kept


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{not json", "прочитать ответ"),
        (b"\xff\xfe", "прочитать ответ"),
        ("[1, 2]", "неполную подписку"),
        (json.dumps({"endpoint": endpoint()}), "неполную подписку"),
        (json.dumps(subscription(keys={"p256dh": "k"})), "неполную подписку"),
        (json.dumps(subscription(endpoint=42)), "неполную подписку"),
    ],
    ids=["bad-json", "not-utf8", "a-list", "no-keys", "missing-auth", "not-text"],
)
def test_add_refuses_what_is_not_a_subscription(member_client, push_on, body, message):
    response = add(member_client, body)

    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not PushDevice.objects.exists()


@pytest.mark.parametrize(
    "address",
    [
        "http://fcm.googleapis.com/fcm/send/x",
        "https://push.example.com/x",
        "https://10.0.0.5/push",
        "https://127.0.0.1/push",
        "https://127.1/push",
        "https://0x7f.1/push",
        "https://[::1]/push",
        "https://localhost/push",
    ],
)
def test_add_passes_on_the_refusal_of_an_address_not_a_push_service(
    member_client, member, push_on, address
):
    with translation.override("ru"), pytest.raises(ValidationError) as refused:
        push_device_add(user=member, endpoint=address, p256dh="k", auth="a")

    response = add(member_client, subscription(address))

    assert response.status_code == 400
    assert response.json() == {"error": " ".join(refused.value.messages)}
    assert not PushDevice.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        subscription(keys={"p256dh": "BKey", "auth": "se\x00cret"}),
        subscription(keys={"p256dh": "B Key", "auth": "secret"}),
        subscription(keys={"p256dh": "BKeyé", "auth": "secret"}),
        subscription(endpoint=endpoint() + "\x07"),
        subscription(endpoint=endpoint() + "\x00"),
    ],
    ids=["nul-in-auth", "space-in-key", "not-base64url", "bell-in-address", "nul"],
)
def test_add_refuses_keys_and_addresses_no_browser_gives(member_client, push_on, data):
    # Found on PostgreSQL, which refuses a NUL in text: a 500 until the keys
    # had to be base64url and the address printable.
    response = add(member_client, data)

    assert response.status_code == 400
    assert not PushDevice.objects.exists()


def test_add_keeps_no_control_character_of_the_label(member, push_on):
    device = push_device_add(
        user=member, endpoint=endpoint(), p256dh="k", auth="a", label="Fire\x00fox\n"
    )

    assert device.label == "Firefox"


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["endpoint", "keys", "p256dh", "auth", "x"]),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@EXAMPLES
@given(
    body=st.sampled_from(HOSTILE)
    | st.binary(max_size=80)
    | JSON_VALUES.map(lambda value: json.dumps(value).encode())
    | st.builds(
        lambda address, p256dh, auth: json.dumps(
            {"endpoint": address, "keys": {"p256dh": p256dh, "auth": auth}}
        ).encode(),
        st.sampled_from(HOSTILE).map(lambda raw: raw.decode("utf-8", "replace"))
        | st.text(max_size=60).map(lambda tail: f"https://fcm.googleapis.com/{tail}"),
        st.text(max_size=300),
        st.text(max_size=120),
    )
)
def test_add_never_answers_hostile_bodies_with_a_5xx(member_client, push_on, body):
    response = add(member_client, body)

    assert response.status_code in (201, 400), body
    assert "error" in response.json() or "id" in response.json()


def test_add_refuses_a_body_too_big(member_client, push_on):
    data = subscription()
    data["padding"] = "x" * 5000

    response = add(member_client, data)

    assert response.status_code == 400
    assert "error" in response.json()
    assert not PushDevice.objects.exists()


def test_add_is_refused_while_push_is_off_site_wide(member_client, settings):
    settings.PUSH_ENABLED = False

    response = add(member_client, subscription())

    assert response.status_code == 403
    assert response.json()["error"]
    assert not PushDevice.objects.exists()


def test_add_needs_the_csrf_header(member, push_on):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    page = client.get(DEVICES)
    token = page.context["csrf_token"]

    refused = add(client, subscription())
    accepted = add(client, subscription(), **{"X-CSRFToken": str(token)})

    assert refused.status_code == 403
    assert accepted.status_code == 201
    assert PushDevice.objects.count() == 1


def test_add_sends_a_visitor_away(client, push_on):
    response = add(client, subscription())

    assert response.status_code == 302
    assert not PushDevice.objects.exists()


def test_add_answers_only_post(member_client, push_on):
    assert member_client.get(ADD).status_code == 405


# --- Removing one ------------------------------------------------------------


def test_remove_forgets_my_device_and_says_so(member_client, member):
    device = device_of(member)

    response = member_client.post(
        reverse("accounts:device_remove", args=[device.pk]), follow=True, **RU
    )

    assert response.redirect_chain[-1][0] == DEVICES
    assert not PushDevice.objects.exists()
    assert "больше не получает уведомлений" in response.content.decode()


def test_remove_of_another_members_or_a_missing_device_is_404(member_client):
    theirs = device_of(UserFactory())

    for pk in (theirs.pk, theirs.pk + 100):
        response = member_client.post(reverse("accounts:device_remove", args=[pk]))
        assert response.status_code == 404
    assert PushDevice.objects.filter(pk=theirs.pk).exists()


def test_remove_answers_only_post(member_client, member):
    device = device_of(member)

    response = member_client.get(reverse("accounts:device_remove", args=[device.pk]))

    assert response.status_code == 405
    assert PushDevice.objects.exists()


def test_a_banned_member_still_manages_her_devices(client, moderator, push_on):
    banned = UserFactory(date_joined=timezone.now() - datetime.timedelta(days=365))
    device = device_of(banned)
    sanction_give(
        member=banned, moderator=moderator, kind=Sanction.Kind.BAN, reason="Спам"
    )
    client.force_login(banned)

    assert client.get(DEVICES).status_code == 200
    removed = client.post(reverse("accounts:device_remove", args=[device.pk]))
    added = add(client, subscription(endpoint(2)))

    assert removed.status_code == 302
    assert added.status_code == 201
    assert list(PushDevice.objects.values_list("endpoint", flat=True)) == [endpoint(2)]


def test_deleting_the_account_forgets_her_devices(member):
    device_of(member, 1)
    other = device_of(UserFactory(), 2)

    services.account_delete(user=member)

    assert list(PushDevice.objects.all()) == [other]


def test_the_data_export_lists_her_devices_without_their_keys(member):
    device_of(member, 1, label="Chrome, Android")

    archive = zipfile.ZipFile(io.BytesIO(services.account_export(user=member)))

    devices = json.loads(archive.read("push_devices.json"))
    assert [device["label"] for device in devices] == ["Chrome, Android"]
    assert "endpoint" not in devices[0]
    assert "auth" not in devices[0]


# --- The browser's name -------------------------------------------------------


@pytest.mark.parametrize(
    ("agent", "label"),
    [
        (CHROME_ANDROID, "Chrome, Android"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) "
            "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 "
            "Safari/604.1",
            "Safari, iOS",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
            "like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
            "Edge, Windows",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
            "like Gecko) Chrome/124.0.0.0 YaBrowser/24.4.0.0 Safari/537.36",
            "Яндекс Браузер, Windows",
        ),
        (
            "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:127.0) Gecko/20100101 "
            "Firefox/127.0",
            "Firefox, Linux",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Safari/605.1.15",
            "Safari, macOS",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, "
            "like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
            "Samsung Internet, Android",
        ),
        ("curl/8.5.0", ""),
        ("", ""),
    ],
)
def test_user_agent_label_names_the_browser_and_the_system(agent, label):
    assert user_agent_label(agent) == label


# --- Each kind's «push» box ----------------------------------------------------


def _form_data(**changes) -> dict:
    data = {f"kind_{kind}": "site" for kind in Kind.values}
    data["digest_frequency"] = "weekly"
    data.update(changes)
    return data


def test_notification_settings_show_no_push_box_while_push_is_off(
    member_client, settings
):
    settings.PUSH_ENABLED = False

    response = member_client.get(NOTIFICATIONS)

    assert 'name="push_' not in response.content.decode()
    assert not response.context["form"].with_push


def test_notification_settings_push_boxes_start_from_the_defaults(
    member_client, member, push_on
):
    services.notification_settings_update(
        user=member,
        choices={},
        digest_frequency="weekly",
        pushes={Kind.MESSAGES: False, Kind.REPLIES: True},
    )
    # A row written before push, with no push choice: the default.
    services.notification_settings_update(
        user=member, choices={Kind.MASTERCLASSES: "email"}, digest_frequency="weekly"
    )

    form = member_client.get(NOTIFICATIONS).context["form"]

    initial = {kind: form[f"push_{kind}"].value() for kind in Kind.values}
    expected = {kind: kind in PUSH_DEFAULTS for kind in Kind.values}
    expected.update({Kind.MESSAGES: False, Kind.REPLIES: True})
    assert initial == expected


def test_notification_settings_push_boxes_are_saved(member_client, member, push_on):
    data = _form_data(push_replies="on", push_growth="on")

    response = member_client.post(NOTIFICATIONS, data)

    assert response.status_code == 302
    pushes = dict(
        NotificationSetting.objects.filter(user=member).values_list("kind", "push")
    )
    assert pushes == {kind: kind in ("replies", "growth") for kind in Kind.values}
    assert set(
        NotificationSetting.objects.filter(user=member).values_list(
            "delivery", flat=True
        )
    ) == {"site"}


def test_notification_settings_point_to_devices_while_she_has_none(
    member_client, member, push_on
):
    before = member_client.get(NOTIFICATIONS, **RU).content.decode()
    device_of(member)
    after = member_client.get(NOTIFICATIONS, **RU).content.decode()

    note = f'ни на одном устройстве: см. <a href="{DEVICES}">Устройства</a>'
    assert note in before
    assert note not in after
    assert "«На устройства» — новость придёт уведомлением" in after


def test_notification_settings_page_queries_do_not_grow_with_push(
    member_client, member, settings
):
    settings.PUSH_ENABLED = False
    member_client.get(NOTIFICATIONS)
    with CaptureQueriesContext(connection) as without:
        member_client.get(NOTIFICATIONS)
    settings.PUSH_ENABLED = True
    settings.PUSH_VAPID_PUBLIC_KEY = settings.PUSH_VAPID_PRIVATE_KEY = "key"
    with CaptureQueriesContext(connection) as with_push:
        member_client.get(NOTIFICATIONS)

    # The devices looked up once; no query per kind either way.
    assert len(with_push) == len(without) + 1


def test_push_alone_keeps_the_delivery_chosen_or_its_default(member):
    services.notification_settings_update(
        user=member, choices={Kind.REPLIES: "digest"}, digest_frequency="weekly"
    )

    services.notification_settings_update(
        user=member,
        choices={},
        digest_frequency="weekly",
        pushes={Kind.REPLIES: True, Kind.FOLLOWERS: True},
    )

    rows = {
        row.kind: (row.delivery, row.push)
        for row in NotificationSetting.objects.filter(user=member)
    }
    assert rows == {"replies": ("digest", True), "followers": ("site", True)}
    chosen = services.notification_settings_of(user=member)
    assert chosen["replies"] == ("digest", True)
    assert chosen["messages"] == ("email", True)
    assert chosen["recognition"] == ("site", False)


def test_push_of_an_unknown_kind_is_refused(member):
    with pytest.raises(ValidationError):
        services.notification_settings_update(
            user=member, choices={}, digest_frequency="weekly", pushes={"gossip": True}
        )
    assert not NotificationSetting.objects.exists()


# --- Valid HTML, with push on ---------------------------------------------------


@pytest.mark.htmlcheck
def test_devices_and_notification_pages_with_push_are_valid_html(
    member_client, member, push_on, tmp_path
):
    from community.tests.test_html_valid import java_or_skip, nu_errors

    java = java_or_skip()
    device_of(member, 1, label="Chrome, Android")
    failing = device_of(member, 2)
    PushDevice.objects.filter(pk=failing.pk).update(
        disabled_at=timezone.now(), last_success_at=timezone.now()
    )
    files = []
    for number, url in enumerate([DEVICES, NOTIFICATIONS]):
        response = member_client.get(url, **RU)
        assert response.status_code == 200
        files.append(tmp_path / f"page-{number}.html")
        files[-1].write_bytes(response.content)

    errors = [e for e in nu_errors(java, files) if e.get("type") == "error"]

    assert errors == []
