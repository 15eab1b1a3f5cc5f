"""E-mails show members' titles as written: subjects and text parts are not
HTML; the HTML part escapes them."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from accounts import services as accounts
from accounts.models import NotificationSetting
from accounts.tests.factories import BlogPostFactory, UserFactory
from community import digests
from materials import services as materials
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db
Kind = NotificationSetting.Kind
TITLE = "Урок \"дроби\" & <b>дети</b> 'пятый'"
ENTITIES = ("&quot;", "&amp;", "&lt;", "&gt;", "&#x27;", "&#39;")


def html_part(message) -> str:
    (html,) = [body for body, mime in message.alternatives if mime == "text/html"]
    return html


def assert_verbatim(text: str) -> None:
    assert TITLE in text
    for entity in ENTITIES:
        assert entity not in text


def assert_escaped(html: str) -> None:
    assert "<b>дети</b>" not in html
    assert TITLE not in html
    assert "Урок &quot;дроби&quot; &amp; &lt;b&gt;дети&lt;/b&gt;" in html


def test_notification_email_shows_the_title_verbatim_and_escapes_html(
    django_capture_on_commit_callbacks,
):
    author = UserFactory()
    post = BlogPostFactory(author=author, title=TITLE)

    with django_capture_on_commit_callbacks(execute=True):
        accounts.comment_create(post=post, author=UserFactory(), body="Спасибо!")

    (message,) = mail.outbox
    assert message.to == [author.email]
    assert_verbatim(message.subject)
    assert "\n" not in message.subject
    assert_verbatim(message.body)
    assert_escaped(html_part(message))


def test_digest_shows_the_title_verbatim_and_escapes_html():
    member = UserFactory()
    accounts.notification_settings_update(
        user=member, choices={Kind.REPLIES: "digest"}, digest_frequency="daily"
    )
    post = BlogPostFactory(author=member, title=TITLE)
    accounts.comment_create(post=post, author=UserFactory(), body="Спасибо!")
    colleague = UserFactory()
    accounts.follow_create(follower=member, followee=colleague)
    BlogPostFactory(author=colleague, title=f"{TITLE} — продолжение")

    digests.digest_send(
        user=member,
        language="ru",
        period="daily",
        period_start=datetime.date(2026, 12, 1),
    )

    (message,) = mail.outbox
    assert "\n" not in message.subject
    assert_verbatim(message.body)
    assert f"{TITLE} — продолжение" in message.body
    assert_escaped(html_part(message))


def test_takedown_email_shows_the_material_title_verbatim(
    django_capture_on_commit_callbacks,
):
    material = MaterialFactory(title=TITLE)

    with django_capture_on_commit_callbacks(execute=True):
        materials.takedown_request(
            material=material,
            name="Издательство «Дроби & Ко»",
            email="rights@publisher.example",
            work="Учебник",
            details="Страницы 5–7",
            confirmed=True,
        )

    (message,) = mail.outbox
    assert_verbatim(message.subject)
    assert "\n" not in message.subject
    assert_verbatim(message.body)
    assert "Издательство «Дроби & Ко»" in message.body


def test_allauth_email_shows_the_members_name_verbatim(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "display_name": TITLE,
                "email": "anna@school.example",
                "password1": "Zvezdnoe-nebo-nad-Kazanyu-7",
                "password2": "Zvezdnoe-nebo-nad-Kazanyu-7",
            },
        )

    (message,) = mail.outbox
    assert "\n" not in message.subject
    assert_verbatim(message.body)
