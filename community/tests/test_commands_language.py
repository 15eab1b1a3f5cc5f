"""Our management commands speak the site's language, counts included, in
their output and in every line of their --help."""

import argparse
import io
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import (
    CommandError,
    call_command,
    get_commands,
    load_command_class,
)
from django.utils import translation

from accounts import services as accounts
from accounts.models import NotificationSetting
from accounts.tests.factories import BlogPostFactory, UserFactory
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db

CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def _ours() -> list[tuple[str, str]]:
    """(app, command) for every command our apps (the project's top folders) define."""
    base = Path(settings.BASE_DIR).resolve()
    ours = {
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == base
    }
    return sorted((app, name) for name, app in get_commands().items() if app in ours)


def _run(*args: str, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


# --- --help ------------------------------------------------------------------------


def test_our_commands_are_all_found():
    names = {name for _app, name in _ours()}

    assert {
        "award_badges",
        "createsuperuser",
        "grant_role",
        "rebuild_search_index",
        "seed_demo",
        "send_digests",
    } <= names


@pytest.mark.parametrize(("app", "name"), _ours())
def test_every_option_of_our_commands_has_help_in_russian(app, name):
    parser = load_command_class(app, name).create_parser("manage.py", name)

    assert CYRILLIC.search(parser.description or ""), name
    for action in parser._actions:
        if action.help == argparse.SUPPRESS:
            continue
        option = "/".join(action.option_strings) or action.dest
        assert action.help, f"{name} {option} has no help"
        assert CYRILLIC.search(action.help), f"{name} {option}: {action.help}"
    text = parser.format_help()
    assert "usage:" not in text
    assert "show this help message" not in text


# --- output ------------------------------------------------------------------------


def test_commands_speak_the_sites_language_whatever_is_active():
    UserFactory(email="teacher@school.example")

    with translation.override("en"):
        said = _run("grant_role", "teacher@school.example", "expert")

    assert said.strip() == "teacher@school.example теперь эксперт."


def test_grant_role_twice_says_the_role_was_already_given():
    user = UserFactory(email="teacher@school.example")

    first = _run("grant_role", "teacher@school.example", "moderator")
    second = _run("grant_role", "Teacher@School.example", "moderator")

    assert "теперь модератор" in first
    assert "уже модератор" in second
    assert "ничего не изменилось" in second
    user.refresh_from_db()
    assert user.is_staff


def test_revoking_a_role_not_held_says_so():
    UserFactory(email="teacher@school.example")

    said = _run("grant_role", "teacher@school.example", "expert", "--revoke")

    assert "и так не эксперт" in said


def test_role_change_reports_whether_anything_changed():
    user = UserFactory()

    assert accounts.user_role_change(user=user, role=accounts.EXPERTS, grant=True)
    assert not accounts.user_role_change(user=user, role=accounts.EXPERTS, grant=True)
    assert accounts.user_role_change(user=user, role=accounts.EXPERTS, grant=False)
    assert not accounts.user_role_change(user=user, role=accounts.EXPERTS, grant=False)


def test_grant_role_for_an_unknown_address_is_a_russian_error():
    with pytest.raises(CommandError, match=r"^Нет участника с адресом nobody@"):
        call_command("grant_role", "nobody@school.example", "expert")


# One, a few and many: the three Russian forms.
COUNTS = [(1, 0), (2, 1), (5, 2)]
BADGES_WOULD = [
    "Был бы вручён 1 знак отличия.",
    "Было бы вручено 2 знака отличия.",
    "Было бы вручено 5 знаков отличия.",
]
BADGES = [
    "Вручён 1 знак отличия.",
    "Вручено 2 знака отличия.",
    "Вручено 5 знаков отличия.",
]
ROWS = [
    "materials: в поиске 1 из 1 записи",
    "materials: в поиске 2 из 2 записей",
    "materials: в поиске 5 из 5 записей",
]
NOTIFICATIONS = ["1 уведомление,", "2 уведомления,", "5 уведомлений,"]
DIGESTS = [
    "Отправлен 1 дайджест;",
    "Отправлено 2 дайджеста;",
    "Отправлено 5 дайджестов;",
]


@pytest.mark.parametrize(("count", "form"), COUNTS)
def test_award_badges_counts_in_russian(count, form):
    members = [UserFactory() for _ in range(count)]
    for member in members:
        accounts.follow_create(follower=UserFactory(), followee=member)
    emails = [arg for member in members for arg in ("--member", member.email)]

    dry = _run("award_badges", *emails, "--dry-run")
    done = _run("award_badges", *emails)

    assert dry.splitlines()[-1] == BADGES_WOULD[form]
    assert f"first-follower → {members[0].email} (вручение № 1)" in dry
    assert done.splitlines()[-1] == BADGES[form]


def test_award_badges_for_an_unknown_address_is_a_russian_error():
    with pytest.raises(CommandError, match=r"^Нет активного участника с адресом"):
        call_command("award_badges", "--member", "nobody@school.example")


@pytest.mark.parametrize(("count", "form"), COUNTS)
def test_rebuild_search_index_counts_in_russian(count, form):
    for _ in range(count):
        MaterialFactory()

    said = _run("rebuild_search_index", "materials", "--no-progress")

    assert said.strip() == ROWS[form]


def test_rebuild_search_index_errors_in_russian():
    with pytest.raises(CommandError, match=r"^Неизвестные виды: a, b"):
        call_command("rebuild_search_index", "a", "b")
    with pytest.raises(CommandError, match="не меньше 1"):
        call_command("rebuild_search_index", "--batch-size", "0")


def _digest_reader(news: int):
    user = UserFactory()
    accounts.notification_settings_update(
        user=user,
        choices={NotificationSetting.Kind.REPLIES: "digest"},
        digest_frequency="daily",
    )
    for _ in range(news):
        post = BlogPostFactory(author=user)
        accounts.comment_create(post=post, author=UserFactory(), body="Спасибо!")
    return user


@pytest.mark.parametrize(("count", "form"), COUNTS)
def test_send_digests_counts_in_russian(count, form):
    readers = [_digest_reader(news=count) for _ in range(count)]

    preview = _run("send_digests", "--everyone", "--dry-run")
    sent = _run("send_digests", "--everyone")

    line = next(
        line for line in preview.splitlines() if line.startswith(readers[0].email)
    )
    assert NOTIFICATIONS[form] in line, preview
    assert "ежедневный дайджест с " in line
    assert re.search(r"^Дайджест положен \d+ участник(у|ам); ничего не", preview, re.M)
    assert sent.startswith(DIGESTS[form]), sent
    again = _run("send_digests", "--everyone")
    assert re.search(r"\d+ уже были? отправлены? за этот период\.$", again.strip())


def test_seed_demo_speaks_russian():
    said = _run("seed_demo")

    assert not re.search(r"\b(new members|Demo accounts|teacher)\b", said)
    assert "новых участников" in said
    assert "Демонстрационные учётные записи" in _run("seed_demo")
