"""The navigation bar is kept per process under everything it shows: each
member sees their own, and a change shows on the next page."""

import pytest
from django.test import Client

from accounts import services as accounts
from accounts.tests.factories import UserFactory
from community import services

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _header(client, path: str = "/forums/") -> str:
    page = client.get(path).content.decode()
    return page[page.index("<header>") : page.index("</header>")]


def test_each_member_sees_their_own_name():
    anna, boris = UserFactory(), UserFactory()
    accounts.profile_update(profile=anna.profile, display_name="Анна Петрова")
    accounts.profile_update(profile=boris.profile, display_name="Борис Орлов")

    first, second = _header(_client(anna)), _header(_client(boris))

    assert "Анна Петрова" in first
    assert "Борис Орлов" not in first
    assert "Борис Орлов" in second
    assert "Анна Петрова" not in second
    assert f"/u/{boris.username}/" in second


def test_a_new_name_a_new_notification_and_a_new_language_show_at_once(member):
    client = _client(member)
    before = _header(client)
    assert "Новое Имя" not in before

    accounts.profile_update(profile=member.profile, display_name="Новое Имя")
    services.notify(recipient=member, kind="follow", url="/", actor=UserFactory())
    after = _header(client)
    accounts.profile_set_language(user=member, language="en")
    english = _header(client)

    assert 'text-bg-light">1<' not in before
    assert "Новое Имя" in after
    assert 'text-bg-light">1<' in after
    assert "Notifications" in english
    assert "Уведомления" not in english


def test_the_current_section_is_marked_on_its_own_page(member):
    client = _client(member)

    forums = _header(client, "/forums/")
    materials = _header(client, "/materials/")

    assert 'href="/forums/" aria-current="page"' in forums
    assert 'href="/forums/" aria-current="page"' not in materials


def test_staff_see_the_administration_link_and_members_do_not(member, moderator):
    assert "/admin/" in _header(_client(moderator))
    assert "/admin/" not in _header(_client(member))
