"""A warning, suspension or ban always reaches the member: on the site and by
e-mail at once, whatever their notification settings."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts import services as accounts
from accounts.models import NotificationSetting, Profile
from accounts.tests.factories import UserFactory
from community import services
from community.digests import digest_contents
from community.models import Notification, Sanction
from community.notifications import notification_kind
from community.sanctions import (
    SANCTION_GIVEN,
    SANCTION_LIFTED,
    sanction_give,
    sanction_lift,
)
from materials.services import takedown
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db
Kind = NotificationSetting.Kind
ACCOUNT_LETTER = (
    "You get this letter whatever your notification settings: "
    "it is about your account on Kollegi."
)
ALWAYS_TOLD = (
    "A moderator's warning, suspension or ban always reaches you, "
    "on the site and by e-mail at once."
)

SETTINGS = {
    "replies off": ({Kind.REPLIES: "off"}, "weekly"),
    "everything off": (dict.fromkeys(Kind.values, "off"), "never"),
    "digest only": (dict.fromkeys(Kind.values, "digest"), "daily"),
    "site only": (dict.fromkeys(Kind.values, "site"), "never"),
}


def _member_with(settings_name: str):
    choices, frequency = SETTINGS[settings_name]
    member = UserFactory()
    accounts.notification_settings_update(
        user=member, choices=choices, digest_frequency=frequency
    )
    return member


def _give(member, moderator, kind: str) -> Sanction:
    until = timezone.now() + datetime.timedelta(days=3)
    return sanction_give(
        member=member,
        moderator=moderator,
        kind=kind,
        reason="Грубость в теме о ЕГЭ",
        until=until if kind == Sanction.Kind.SUSPENSION else None,
    )


@pytest.mark.parametrize("settings_name", list(SETTINGS))
@pytest.mark.parametrize("kind", Sanction.Kind.values)
def test_sanction_give_tells_the_member_on_the_site_and_by_email_at_once(
    moderator, django_capture_on_commit_callbacks, settings_name, kind
):
    member = _member_with(settings_name)

    with django_capture_on_commit_callbacks(execute=True):
        sanction = _give(member, moderator, kind)

    notice = Notification.objects.get(recipient=member, kind=SANCTION_GIVEN)
    assert notice.url == reverse("standing")
    assert notice.emailed_at is not None
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert str(sanction.get_kind_display()) in message.subject


@pytest.mark.parametrize("settings_name", list(SETTINGS))
def test_sanction_lift_tells_the_member_whatever_their_settings(
    moderator, django_capture_on_commit_callbacks, settings_name
):
    member = _member_with(settings_name)
    sanction = _give(member, moderator, Sanction.Kind.BAN)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        sanction_lift(sanction=sanction, moderator=moderator, reason="Ошибка")

    assert Notification.objects.filter(recipient=member, kind=SANCTION_LIFTED).exists()
    assert len(mail.outbox) == 1


def test_sanction_email_offers_no_unsubscribe(
    moderator, django_capture_on_commit_callbacks
):
    member = _member_with("digest only")

    with django_capture_on_commit_callbacks(execute=True):
        _give(member, moderator, Sanction.Kind.WARNING)

    (message,) = mail.outbox
    assert "List-Unsubscribe" not in message.extra_headers
    assert "/unsubscribe/" not in message.body
    html = message.alternatives[0][0]
    assert "/unsubscribe/" not in html
    with translation.override("ru"):
        assert gettext("Stop these letters:") not in message.body
        assert gettext(ACCOUNT_LETTER) in message.body


def test_sanction_kinds_obey_no_preference_and_the_settings_page_offers_none(
    member_client,
):
    for key in (SANCTION_GIVEN, SANCTION_LIFTED):
        assert notification_kind(key).mandatory

    page = member_client.get(reverse("accounts:settings_notifications"))

    fields = set(page.context["form"].fields)
    assert fields == {"digest_frequency"} | {f"kind_{k}" for k in Kind.values}
    with translation.override("ru"):
        assert gettext(ALWAYS_TOLD) in page.content.decode()


def test_notify_many_tells_mandatory_kinds_to_members_who_switched_all_off(
    django_capture_on_commit_callbacks,
):
    members = [_member_with("everything off"), _member_with("digest only")]

    with django_capture_on_commit_callbacks(execute=True):
        told = services.notify_many(
            recipients=members, kind=SANCTION_GIVEN, url=reverse("standing")
        )

    assert told == 2
    assert Notification.objects.filter(kind=SANCTION_GIVEN).count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in members)


def test_an_unsent_sanction_email_goes_into_the_digest(moderator):
    member = _member_with("digest only")

    _give(member, moderator, Sanction.Kind.WARNING)  # the e-mail task never runs

    content = digest_contents(users=[member], since=timezone.now())[member.pk]
    assert [n.kind for n, _text in content.notifications] == [SANCTION_GIVEN]
    assert Profile.objects.get(user=member).digest_frequency == "daily"


def test_takedown_upheld_tells_an_author_who_switched_everything_off(
    moderator, django_capture_on_commit_callbacks
):
    author = _member_with("everything off")
    material = MaterialFactory(author=author)
    request = takedown.takedown_request(
        material=material,
        name="Правообладатель",
        email="rights@example.org",
        work="Учебник",
        details="Копия задач",
        confirmed=True,
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        takedown.takedown_decide(request=request, moderator=moderator, uphold=True)

    assert Notification.objects.filter(
        recipient=author, kind="takedown_upheld"
    ).exists()
    assert author.email in [message.to[0] for message in mail.outbox]
