"""Private by consent: nobody outside a conversation reaches it, by any way.

Not by an address of the app (every one of them is walked: a 404 for a member
outside it, a moderator, a superuser), not in the site search, a feed, the
sitemap, the home page, a profile, a tag page, someone else's notifications
or the admin. Staff read a message only through a report on it, on record,
and no more than the few around it. The conversation's words are kept
nowhere outside its own tables but its participants' notifications.
"""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.tests.factories import UserFactory
from community.models import AuditEntry, Notification
from community.sitemaps import sitemaps
from conversations import services
from conversations.hooks_moderation import CONTEXT_OPENED
from conversations.models import (
    Conversation,
    Line,
    Message,
    MessageSettings,
    Participant,
    Question,
)
from conversations.tests.lines_factories import (
    a_subject,
    asked,
    subject_expert,
    subject_line,
)
from conversations.tests.privacy_scene import SUBJECT_WORD, leaked, scene, word

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vocabulary")]

PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
# The conversations' own rows: what the walk checks is that nothing else holds
# their words.
OWN_MODELS = {Conversation, Message, Participant, MessageSettings, Question, Line}


def _patterns(patterns=None, prefix: str = "", namespace: str = ""):
    """(route, name) of every URL pattern, namespaces included."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}{entry.namespace}:"
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + str(entry.pattern), f"{namespace}{entry.name}"


def _url(route: str, values: dict) -> str:
    return "/" + PARAMETER.sub(lambda match: str(values[match[1]]), route)


def _conversation_urls(world, report_pk: int) -> dict[str, str]:
    """Every address of the app that names a conversation, a message, a
    member in it or a report on it."""
    message = world.message(world.conversation.last_number)
    urls = {}
    for route, name in _patterns():
        if not name.startswith("conversations:"):
            continue
        params = set(PARAMETER.findall(route))
        if not params:
            continue
        values = {
            "pk": message.pk
            if route.startswith("messages/m/")
            else world.conversation.pk,
            "user_id": world.bob.pk,
            "report_pk": report_pk,
        }
        assert params <= set(values), f"name the arguments of {name} ({route})"
        urls[name] = _url(route, values)
    urls["conversations:detail, page 2"] = (
        world.conversation.get_absolute_url() + "?page=2"
    )
    urls["conversations:detail, page 1"] = (
        world.conversation.get_absolute_url() + "?page=1"
    )
    return urls


def _state() -> dict:
    """The conversations' rows, to see that a refused POST changed nothing."""
    return {
        model._meta.label: set(
            model.objects.values_list(
                *[field.attname for field in model._meta.concrete_fields]
            )
        )
        for model in (Conversation, Message, Participant, MessageSettings)
    }


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    # What follows a message (notifications, counts) runs, as in production.
    with django_capture_on_commit_callbacks(execute=True):
        made = scene(45)  # two pages of messages
    return made


@pytest.fixture
def outsiders(moderator):
    """Who is not in the conversation: a member, a moderator, a superuser and
    a member of staff."""
    return {
        "member": UserFactory(),
        "moderator": moderator,
        "superuser": UserFactory(is_staff=True, is_superuser=True),
        "staff": UserFactory(is_staff=True),
    }


# --- The app's addresses -----------------------------------------------------------


def test_every_address_of_a_conversation_is_a_404_to_anyone_outside_it(
    world, outsiders
):
    # A report on another conversation's message gives its context page an
    # argument; moderators may open that one, but not this conversation.
    other = scene(2)
    report = other.report(2)
    urls = _conversation_urls(world, report.pk)
    urls.pop("conversations:report_context")
    before = _state()

    answers = {}
    for who, user in outsiders.items():
        client = _client(user)
        for name, url in urls.items():
            for method in ("get", "post"):
                response = getattr(client, method)(url, {"body": "Вторжение"})
                answers[(who, name, method)] = response.status_code
                assert leaked(response.content.decode(), world) == [], (who, url)

    # A GET of a form's address is a 405 wherever it leads: it tells nothing.
    assert {
        key: code
        for key, code in answers.items()
        if code != 404 and (key[2], code) != ("get", 405)
    } == {}
    assert _state() == before


def test_the_report_context_page_is_a_404_to_anyone_who_may_not_resolve(
    world, outsiders
):
    report = world.report(20)
    url = reverse("conversations:report_context", args=[report.pk])
    others = {
        "alice": world.alice,
        "bob": world.bob,
        "member": outsiders["member"],
        "staff": outsiders["staff"],
    }

    for who, user in others.items():
        client = _client(user)
        assert client.get(url).status_code == 404, who
        assert client.post(url).status_code == 404, who
    assert not AuditEntry.objects.filter(action=CONTEXT_OPENED).exists()


def test_a_visitor_is_sent_to_sign_in_from_every_address(world):
    report = world.report(2)
    client = _client()

    for name, url in _conversation_urls(world, report.pk).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert reverse("account_login") in response["Location"], name


def test_a_moderator_with_a_report_still_cannot_open_the_conversation(world, moderator):
    report = world.report(20)
    client = _client(moderator)

    for name, url in _conversation_urls(world, report.pk).items():
        if name == "conversations:report_context":
            continue
        assert client.get(url).status_code in (404, 405), name
        assert client.post(url).status_code == 404, name


def test_after_a_report_the_moderator_reads_five_around_and_each_opening_is_recorded(
    world, moderator
):
    report = world.report(20)
    client = _client(moderator)
    url = reverse("conversations:report_context", args=[report.pk])

    asked = client.get(url).content.decode()
    first = client.post(url).content.decode()
    client.post(url)

    assert leaked(asked, world) == []
    shown = [n for n in range(1, 46) if word(n) in first]
    assert shown == [17, 18, 19, 20, 21, 22]
    assert SUBJECT_WORD not in first
    assert (
        AuditEntry.objects.filter(action=CONTEXT_OPENED, actor=moderator).count() == 2
    )


def test_a_member_who_left_reaches_nothing_written_after(world):
    services.conversation_leave(conversation=world.conversation, user=world.bob)
    later = services.message_send(
        conversation=world.conversation, author=world.alice, body=word(99)
    )
    client = _client(world.bob)

    page = client.get(world.conversation.get_absolute_url() + "?page=2")
    permalink = client.get(later.get_absolute_url())
    last_page = client.get(world.conversation.get_absolute_url() + "?page=99")

    assert word(99) not in page.content.decode()
    assert permalink.status_code == 404
    assert word(99) not in last_page.content.decode()


def test_an_ignored_request_shows_nothing_new_to_its_recipient():
    sender, stranger = UserFactory(), UserFactory()
    conversation = services.conversation_start(
        sender=sender, recipients=[stranger], subject="Привет", body="Первое"
    )
    services.request_ignore(
        participant=Participant.objects.get(conversation=conversation, user=stranger)
    )
    later = services.message_send(
        conversation=conversation, author=sender, body=word(98)
    )

    response = _client(stranger).get(later.get_absolute_url())

    assert response.status_code == 404


# --- Search, feeds, pages ------------------------------------------------------------


def test_no_word_of_a_conversation_is_found_by_the_site_search(world):
    for user in (None, world.alice, world.bob, world.carol):
        client = _client(user)
        for secret in (SUBJECT_WORD, word(1), word(45)):
            response = client.get(reverse("search"), {"q": secret})
            # The page repeats what was asked; nothing else of it is there.
            found = set(leaked(response.content.decode(), world)) - {secret}
            assert found == set(), (user, secret)
            assert str(world.conversation.get_absolute_url()) not in (
                response.content.decode()
            )


def test_the_inbox_search_finds_only_what_the_member_may_read(world):
    services.conversation_leave(conversation=world.conversation, user=world.bob)
    services.message_send(
        conversation=world.conversation, author=world.alice, body=word(97)
    )
    inbox = reverse("conversations:inbox")
    address = world.conversation.get_absolute_url()

    def found(user, query: str) -> bool:
        html = _client(user).get(inbox, {"q": query}).content.decode()
        return f'href="{address}' in html

    assert found(world.alice, word(97))
    assert found(world.bob, word(3))
    assert not found(world.bob, word(97))  # written after Bob left
    for outsider in (world.carol, UserFactory(is_staff=True, is_superuser=True)):
        assert not found(outsider, SUBJECT_WORD)
        assert not found(outsider, word(3))


def _public_urls(world) -> dict[str, str]:
    """Every page without arguments (home, feeds, lists, the sitemap index…),
    each sitemap section, the profile pages of both participants, a tag page
    named as the subject's word."""
    urls = {}
    for route, name in _patterns():
        if route.startswith(("admin/", "accounts/", "messages/")):
            continue
        if PARAMETER.search(route):
            continue
        urls[name] = "/" + route
    for key in sitemaps():
        urls[f"sitemap {key}"] = reverse("sitemap_section", kwargs={"section": key})
    for user in (world.alice, world.bob):
        for name in ("accounts:profile", "accounts:portfolio", "accounts:blog"):
            urls[f"{name} {user.username}"] = reverse(name, args=[user.username])
    for name in ("tag", "tag_feed_rss", "tag_feed_atom", "forums:tag"):
        urls[name] = reverse(name, args=[SUBJECT_WORD.lower()])
    return urls


def test_no_feed_sitemap_list_profile_or_tag_page_holds_a_word_of_it(world):
    urls = _public_urls(world)
    assert {"home", "sitemap_index", "search"} <= set(urls)

    for user in (None, world.carol, world.alice, world.bob):
        client = _client(user)
        for name, url in urls.items():
            if user in (world.alice, world.bob) and name == "notifications":
                continue  # their own notifications name their conversation
            response = client.get(url)
            content = b"".join(response) if response.streaming else response.content
            found = leaked(content.decode(errors="replace"), world)
            assert found == [], (user, name, url)


def test_only_the_participants_hear_of_a_message(world):
    told = set(
        Notification.objects.filter(target_title__contains=SUBJECT_WORD).values_list(
            "recipient_id", flat=True
        )
    )

    assert told <= {world.alice.pk, world.bob.pk}
    assert world.bob.pk in told
    html = _client(world.carol).get(reverse("notifications")).content.decode()
    assert leaked(html, world) == []


def test_a_request_is_told_to_nobody(django_capture_on_commit_callbacks):
    sender, stranger = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.conversation_start(
            sender=sender,
            recipients=[stranger],
            subject=SUBJECT_WORD,
            body=word(1),
        )

    assert not Notification.objects.filter(recipient=stranger).exists()


def test_the_words_are_kept_nowhere_but_in_the_conversation_and_its_members_notices(
    world, moderator
):
    report = world.report(20)
    _client(moderator).post(reverse("conversations:report_context", args=[report.pk]))
    services.message_hide(
        message=world.message(20), moderator=moderator, reason="Грубо"
    )
    participants = {world.alice.pk, world.bob.pk}

    found = []
    for model in apps.get_models():
        if model in OWN_MODELS:
            continue
        texts = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField)
        ]
        if not texts:
            continue
        for row in model.objects.values("pk", *texts, *_recipient(model)):
            if model is Notification and row["recipient_id"] in participants:
                continue
            text = " ".join(str(row[name]) for name in texts)
            if leaked(text, world):
                found.append((model._meta.label, row["pk"], leaked(text, world)))

    assert found == []


def _recipient(model) -> list[str]:
    return ["recipient_id"] if model is Notification else []


# --- The admin ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "model", [Conversation, Message, Participant, MessageSettings, Question]
)
def test_the_admin_has_no_list_of_conversations(model):
    assert not admin.site.is_registered(model)


def test_no_admin_page_shows_a_word_of_it(world, moderator):
    report = world.report(20)
    _client(moderator).post(reverse("conversations:report_context", args=[report.pk]))
    client = _client(UserFactory(is_staff=True, is_superuser=True))

    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        pages += [changelist, changelist + "?q=" + SUBJECT_WORD]
    pages.append(reverse("admin:community_report_change", args=[report.pk]))

    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        # A search's page repeats what was asked; nothing else of it is there.
        found = set(leaked(response.content.decode(), world))
        if "?q=" in url:
            found -= {SUBJECT_WORD}
        assert found == set(), url


# --- Consultation questions ----------------------------------------------------------


def test_a_question_to_a_line_reaches_only_its_asker_and_the_lines_experts(moderator):
    subject = a_subject()
    expert = subject_expert(subject)
    line = subject_line(moderator, subject)
    question = asked(line, subject=f"Про {SUBJECT_WORD}", body=word(1))
    secrets = (SUBJECT_WORD, word(1))
    question_urls = [
        _url(route, {"pk": question.pk})
        for route, name in _patterns()
        if name.startswith("lines:question_")
    ]
    assert len(question_urls) >= 3
    line_pages = [
        reverse("lines:list"),
        reverse("lines:detail", args=[line.slug]),
        question.conversation.get_absolute_url(),
    ]

    for user in (None, UserFactory(), moderator):
        client = _client(user)
        for url in question_urls:
            # A visitor is sent to sign in; anyone signed in finds nothing.
            expected = 302 if user is None else 404
            assert client.post(url).status_code == expected, (user, url)
        for url in line_pages:
            html = client.get(url).content.decode()
            assert not [secret for secret in secrets if secret in html], (user, url)
    # The line's expert sees what waits for them.
    expert_page = _client(expert).get(reverse("lines:detail", args=[line.slug]))
    assert SUBJECT_WORD in expert_page.content.decode()
