"""The master-classes' cards, month and page are kept rendered
(``masterclasses.list_fragments``), and every write that changes what they
show renews them: the master-class's fields and the member's registration
are in a kept card's key, its relations and its hosts' names and pictures
in the versions it is kept with (``changes.masterclass_kept_under``,
``community.cards``). Each test first has the page kept, then writes
through a service, then reads the page again: it would show the old state
had the write not given it another key or moved a version on. And the
pages stay within ten queries over many rows, kept or not.
"""

import datetime
import zoneinfo

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.services import profile_avatar_remove, profile_update
from accounts.tests.factories import UserFactory
from masterclasses import list_fragments, services
from masterclasses.models import MasterClass, Registration
from masterclasses.tests.factories import MasterClassFactory
from materials.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _main(response) -> str:
    assert response.status_code == 200
    content = response.content.decode()
    return content[content.index('<main id="main"') : content.index("</main>")]


def _list(client: Client, **query) -> str:
    return _main(client.get(reverse("masterclasses:list"), query))


def _card(page: str, title: str) -> str:
    start = page.rindex('<li class="mc-cards-item">', 0, page.index(title))
    return page[start : page.index("</li>", page.index(title))]


def _page(client: Client, masterclass: MasterClass) -> str:
    return _main(client.get(masterclass.get_absolute_url()))


def _month(client: Client, masterclass: MasterClass) -> str:
    local = timezone.localtime(masterclass.starts_at)
    return _main(
        client.get(reverse("masterclasses:month", args=[local.year, local.month]))
    )


def _moderator():
    moderator = UserFactory(is_staff=True)
    moderator.user_permissions.add(
        Permission.objects.get(
            codename="change_masterclass", content_type__app_label="masterclasses"
        )
    )
    return moderator


# --- Kept, and read again from the cache --------------------------------------


def test_a_second_member_in_the_same_state_gets_the_kept_cards():
    for _n in range(3):
        MasterClassFactory()
    first = _list(_client(UserFactory()))
    other = _client(UserFactory())
    other.get(reverse("masterclasses:list"))  # her session, once

    with CaptureQueriesContext(connection) as queries:
        second = _list(other)

    # The list's count and rows: no master-class read to render a card.
    read = [
        query["sql"]
        for query in queries.captured_queries
        if '"masterclasses_masterclass"' in query["sql"]
    ]
    assert len(read) == 2, read
    assert second.count('<li class="mc-cards-item">') == 3
    assert first == second


def test_the_cards_stay_in_the_time_zone_and_language_of_each_viewer():
    masterclass = MasterClassFactory(
        title="Дроби",
        starts_at=datetime.datetime(2030, 3, 3, 9, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2030, 3, 3, 10, 0, tzinfo=datetime.UTC),
    )
    moscow = UserFactory(profile__time_zone="Europe/Moscow")
    vladivostok = UserFactory(profile__time_zone="Asia/Vladivostok")

    assert "12:00" in _card(_list(_client(moscow)), "Дроби")
    assert "19:00" in _card(_list(_client(vladivostok)), "Дроби")
    assert "12:00" in _month(_client(moscow), masterclass)
    assert "19:00" in _month(_client(vladivostok), masterclass)
    masterclass.capacity = 5
    masterclass.save(update_fields=["capacity"])
    english = _client(
        UserFactory(profile__time_zone="Europe/Moscow", profile__language="en")
    )
    assert "5 seats left" in _card(_list(english), "Дроби")
    assert "Осталось 5 мест" in _card(_list(_client(moscow)), "Дроби")


# --- Renewed by each write ------------------------------------------------------


def test_an_edit_renews_the_card_the_month_and_the_page():
    masterclass = MasterClassFactory(title="Дроби без страха")
    # Its description as the service renders it, before the page is kept.
    services.masterclass_update(masterclass=masterclass, editor=masterclass.host)
    member = _client(UserFactory())
    assert "Дроби без страха" in _list(member)
    assert "Дроби без страха" in _month(member, masterclass)
    assert "#геометрия" not in _page(member, masterclass)

    # Its tags are in the page's kept body, not in its key: its version moves.
    services.masterclass_update(
        masterclass=masterclass, editor=masterclass.host, tags=["геометрия"]
    )

    assert "#геометрия" in _page(member, masterclass)

    services.masterclass_update(
        masterclass=masterclass, editor=masterclass.host, title="Дроби с удовольствием"
    )

    assert "Дроби с удовольствием" in _list(member)
    assert "Дроби без страха" not in _list(member)
    assert "Дроби с удовольствием" in _month(member, masterclass)
    assert "Дроби с удовольствием" in _page(member, masterclass)


def test_a_cohost_added_shows_on_the_page():
    masterclass = MasterClassFactory()
    cohost = UserFactory(profile__display_name="Вера Соколова")
    member = _client(UserFactory())
    assert "Вера Соколова" not in _page(member, masterclass)

    services.masterclass_update(
        masterclass=masterclass, editor=masterclass.host, cohosts=[cohost]
    )

    assert "Вера Соколова" in _page(member, masterclass)


def test_a_cancellation_renews_the_cards_and_the_month():
    masterclass = MasterClassFactory(title="Отменится")
    member = _client(UserFactory())
    assert "Отменится" in _list(member)
    assert "Отменится" in _month(member, masterclass)

    services.masterclass_cancel(
        masterclass=masterclass, actor=masterclass.host, reason="Болезнь"
    )

    assert "Отменится" not in _list(member)
    assert "Отменится" not in _month(member, masterclass)
    page = _page(member, masterclass)
    assert "Болезнь" in page
    assert (
        'action="/masterclasses/' not in page.split("Болезнь")[1].split("register")[0]
    )


def test_registrations_renew_the_seats_left_for_everyone():
    masterclass = MasterClassFactory(title="Места", capacity=3)
    watcher = _client(UserFactory())
    taker = UserFactory()
    assert "Осталось 3 места" in _card(_list(watcher), "Места")
    assert "Мест занято: 0 из 3" in _page(watcher, masterclass)

    services.register(masterclass=masterclass, user=taker)

    assert "Осталось 2 места" in _card(_list(watcher), "Места")
    assert "Мест занято: 1 из 3" in _page(watcher, masterclass)
    assert "Вы записаны" in _card(_list(_client(taker)), "Места")
    assert "Вы записаны" not in _card(_list(watcher), "Места")

    services.registration_cancel(masterclass=masterclass, user=taker)

    assert "Осталось 3 места" in _card(_list(watcher), "Места")
    assert "Вы записаны" not in _card(_list(_client(taker)), "Места")


def test_the_waitlist_renews_the_cards_of_who_waits_and_who_looks():
    masterclass = MasterClassFactory(title="Одно место", capacity=1)
    first, second = UserFactory(), UserFactory()
    watcher = _client(UserFactory())
    services.register(masterclass=masterclass, user=first)
    assert "Мест нет" in _card(_list(watcher), "Одно место")
    assert "Мест нет" in _card(_list(_client(second)), "Одно место")

    services.register(masterclass=masterclass, user=second)

    assert "Вы в листе ожидания" in _card(_list(_client(second)), "Одно место")
    assert "1 в ожидании" in _page(watcher, masterclass)

    services.registration_cancel(masterclass=masterclass, user=first)

    assert "Вы записаны" in _card(_list(_client(second)), "Одно место")
    assert "Мест нет" in _card(_list(watcher), "Одно место")
    assert "в ожидании" not in _page(watcher, masterclass)


def test_the_hosts_new_name_renews_the_cards_and_the_page():
    host = UserFactory(profile__display_name="Анна Петрова")
    masterclass = MasterClassFactory(host=host, title="С ведущей")
    member = _client(UserFactory())
    assert "Анна Петрова" in _card(_list(member), "С ведущей")
    assert "Анна Петрова" in _page(member, masterclass)

    # Nothing of the master-class changes: only the host's card moves on.
    profile_update(profile=host.profile, display_name="Анна Смирнова")

    assert "Анна Смирнова" in _card(_list(member), "С ведущей")
    assert "Анна Смирнова" in _page(member, masterclass)


def test_a_cohosts_new_name_renews_the_page():
    cohost = UserFactory(profile__display_name="Олег Белов")
    masterclass = MasterClassFactory()
    masterclass.cohosts.add(cohost)
    member = _client(UserFactory())
    assert "Олег Белов" in _page(member, masterclass)

    profile_update(profile=cohost.profile, display_name="Олег Орлов")

    assert "Олег Орлов" in _page(member, masterclass)


def test_the_hosts_picture_removed_renews_the_cards():
    host = UserFactory(profile__avatar="avatars/old.jpg")
    MasterClassFactory(host=host, title="С портретом")
    member = _client(UserFactory())
    assert "avatars/old" in _card(_list(member), "С портретом")

    # Nothing of the master-class changes: only the host's card moves on.
    profile_avatar_remove(profile=host.profile)

    assert "avatars/old" not in _card(_list(member), "С портретом")


def test_hiding_takes_it_off_the_cards_and_the_month_and_marks_the_page():
    masterclass = MasterClassFactory(title="Спорный")
    member = _client(UserFactory())
    host = _client(masterclass.host)
    assert "Спорный" in _list(member)
    assert "Спорный" in _month(member, masterclass)
    assert "скрыто модератором" not in _page(host, masterclass)

    services.masterclass_hide(
        masterclass=masterclass, moderator=_moderator(), reason="Жалобы"
    )

    assert "Спорный" not in _list(member)
    assert "Спорный" not in _month(member, masterclass)
    assert member.get(masterclass.get_absolute_url()).status_code == 404
    assert "скрыто модератором" in _page(host, masterclass)


def test_a_recording_and_materials_renew_the_page():
    masterclass = MasterClassFactory(
        starts_at=timezone.now() - datetime.timedelta(hours=3),
        ends_at=timezone.now() - datetime.timedelta(hours=2),
    )
    material = MaterialFactory(author=masterclass.host, title="Карточки по дробям")
    member = _client(UserFactory())
    assert "Карточки по дробям" not in _page(member, masterclass)

    # Nothing of its row that the page's key holds changes: its version does.
    services.followup_set(
        masterclass=masterclass, host=masterclass.host, materials=[material]
    )

    assert "Карточки по дробям" in _page(member, masterclass)

    services.followup_set(
        masterclass=masterclass,
        host=masterclass.host,
        recording_url="https://example.org/recording",
        materials=[material],
    )

    assert "https://example.org/recording" in _page(member, masterclass)


def test_nothing_kept_holds_a_form_or_a_token(monkeypatch):
    masterclass = MasterClassFactory(title="Без форм", capacity=5)
    member = UserFactory()
    kept = []

    class Recording:
        def __getattr__(self, name):
            return getattr(cache, name)

        def set(self, key, value, *args, **kwargs):
            kept.append(value)
            return cache.set(key, value, *args, **kwargs)

        def set_many(self, values, *args, **kwargs):
            kept.extend(values.values())
            return cache.set_many(values, *args, **kwargs)

    monkeypatch.setattr(list_fragments, "cache", Recording())
    page = _page(_client(member), masterclass)
    _list(_client(member))
    _month(_client(member), masterclass)

    assert 'action="/masterclasses/' in page  # the page's own forms
    assert len(kept) == 4  # the filters, a card, the month, the page's body
    assert not any("csrfmiddlewaretoken" in str(value) for value in kept)
    assert not any('method="post"' in str(value) for value in kept)


# --- Query budgets over many rows ---------------------------------------------


@pytest.fixture
def many():
    """55 upcoming master-classes this month or the next, each with its own
    host with a picture, co-host, tags and a registration of the member."""
    member = UserFactory()
    now = timezone.now()
    for number in range(55):
        starts = now + datetime.timedelta(hours=2 + number)
        masterclass = MasterClassFactory(
            host=UserFactory(profile__avatar=f"avatars/{number}.jpg"),
            cover=f"masterclasses/cover-{number}.jpg" if number % 2 else "",
            capacity=10,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(minutes=45),
        )
        masterclass.cohosts.add(UserFactory())
        masterclass.tags.add(f"тег{number}")
        Registration.objects.create(
            masterclass=masterclass,
            user=member,
            status=Registration.Status.REGISTERED,
        )
    return member


@pytest.mark.parametrize("kept", [False, True])
def test_the_pages_stay_within_ten_queries(many, kept, django_assert_max_num_queries):
    client = _client(many)
    masterclass = MasterClass.objects.order_by("pk").last()
    local = timezone.localtime(masterclass.starts_at, zoneinfo.ZoneInfo("UTC"))
    addresses = [
        reverse("masterclasses:list"),
        reverse("masterclasses:list") + "?when=past",
        reverse("masterclasses:month", args=[local.year, local.month]),
        masterclass.get_absolute_url(),
    ]
    for address in addresses:
        client.get(address)  # the session; kept or not, as asked
        if not kept:
            cache.clear()
            client.force_login(many)
        with django_assert_max_num_queries(10):
            response = client.get(address)
        assert response.status_code == 200

    assert _list(client).count('<li class="mc-cards-item">') == 20
