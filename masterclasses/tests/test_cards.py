"""The list's master-class cards: cover or placeholder, the start in the
viewer's time zone, format and place, host, seats and the member's own state."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from masterclasses.models import MasterClass, Registration
from masterclasses.tests.factories import MasterClassFactory

pytestmark = pytest.mark.django_db

# 20:00 UTC on Sunday 10 March 2030: 23:00 that Sunday in Moscow, 06:00 on
# Monday 11 March in Vladivostok (UTC+10).
STARTS = datetime.datetime(2030, 3, 10, 20, 0, tzinfo=datetime.UTC)


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _main(response) -> str:
    content = response.content.decode()
    return content[content.index('<main id="main"') : content.index("</main>")]


def _card(page: str, title: str) -> str:
    """The markup of the card whose title is ``title``."""
    start = page.rindex('<li class="mc-cards-item">', 0, page.index(title))
    return page[start : page.index("</li>", page.index(title))]


def _list(client: Client, **query) -> str:
    response = client.get(reverse("masterclasses:list"), query)
    assert response.status_code == 200
    return _main(response)


def test_card_shows_the_cover_lazily_as_decoration():
    MasterClassFactory(title="С обложкой", cover="masterclasses/cover-1.jpg")

    card = _card(_list(_client()), "С обложкой")

    assert (
        '<img class="mc-cover" src="/media/masterclasses/cover-1.jpg" alt="" '
        'width="640" height="360" loading="lazy"'
    ) in card
    assert "mc-cover-placeholder" not in card


def test_card_without_cover_shows_a_placeholder_for_its_format():
    MasterClassFactory(title="В сети", format=MasterClass.Format.ONLINE)
    MasterClassFactory(
        title="В школе",
        format=MasterClass.Format.OFFLINE,
        room_url="",
        venue="Школа № 5",
        address="Казань, ул. Пушкина, 1",
    )
    page = _list(_client())

    online, offline = _card(page, "В сети"), _card(page, "В школе")

    assert "<img" not in online
    assert '<div class="mc-cover mc-cover-placeholder"><svg' in online
    assert "#camera-video" in online.split("mc-cover-placeholder")[1][:300]
    assert "#geo-alt" in offline.split("mc-cover-placeholder")[1][:300]
    assert "онлайн · Математика" in online
    assert "очно · Школа № 5 · Математика" in offline


def test_card_shows_the_start_in_the_viewers_time_zone_with_the_weekday():
    MasterClassFactory(
        title="Утро",
        starts_at=STARTS,
        ends_at=STARTS + datetime.timedelta(hours=1),
    )
    far_east = UserFactory(profile__time_zone="Asia/Vladivostok")

    in_vladivostok = _card(_list(_client(far_east)), "Утро")
    in_moscow = _card(_list(_client()), "Утро")

    assert (
        '<time datetime="2030-03-11T06:00:00+10:00">Понедельник, 11 марта, 06:00</time>'
        in in_vladivostok
    )
    assert (
        '<time datetime="2030-03-10T23:00:00+03:00">Воскресенье, 10 марта, 23:00</time>'
        in in_moscow
    )
    assert "Время указано в вашем часовом поясе: МСК+7." in _list(_client(far_east))


def test_card_shows_the_host_with_the_avatar():
    host = UserFactory(
        profile__display_name="Анна Морозова", profile__avatar="avatars/anna.jpg"
    )
    MasterClassFactory(title="Дроби", host=host)

    card = _card(_list(_client()), "Дроби")

    assert 'src="/media/avatars/anna.jpg" alt="" width="24" height="24"' in card
    assert "<span>Анна Морозова</span>" in card


def test_card_says_seats_left_and_waitlist_in_words():
    MasterClassFactory(title="Свободно", capacity=10, registered_count=3)
    MasterClassFactory(title="Полно", capacity=5, registered_count=5)
    MasterClassFactory(title="Без ограничений", capacity=None)
    page = _list(_client())

    assert "Осталось 7 мест" in _card(page, "Свободно")
    assert "Мест нет: лист ожидания" in _card(page, "Полно")
    assert "Мест нет" not in _card(page, "Свободно")
    assert "Осталось" not in _card(page, "Без ограничений")
    assert "Мест нет" not in _card(page, "Без ограничений")


def test_card_of_a_past_cancelled_master_class_says_cancelled_not_seats():
    starts = STARTS.replace(year=2020)
    MasterClassFactory(
        title="Отменили",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
        status=MasterClass.Status.CANCELLED,
        capacity=5,
    )

    card = _card(_list(_client(), when="past"), "Отменили")

    assert "ui-badge-danger" in card
    assert "отменён" in card
    assert "Осталось" not in card
    assert "Вторник, 10 марта 2020, 23:00" in card


def test_card_tells_the_member_where_they_stand():
    member = UserFactory()
    registered = MasterClassFactory(title="Записана", capacity=10, registered_count=1)
    waiting = MasterClassFactory(title="Жду", capacity=1, registered_count=1)
    left = MasterClassFactory(title="Передумала")
    Registration.objects.create(
        masterclass=registered, user=member, status=Registration.Status.REGISTERED
    )
    Registration.objects.create(
        masterclass=waiting, user=member, status=Registration.Status.WAITLISTED
    )
    Registration.objects.create(
        masterclass=left, user=member, status=Registration.Status.CANCELLED
    )
    Registration.objects.create(
        masterclass=left, user=UserFactory(), status=Registration.Status.REGISTERED
    )

    mine = _list(_client(member))
    theirs = _list(_client(UserFactory()))

    assert "Вы записаны" in _card(mine, "Записана")
    assert "Вы в листе ожидания" in _card(mine, "Жду")
    assert "Вы записаны" not in _card(mine, "Передумала")
    assert "Вы в листе ожидания" not in _card(mine, "Передумала")
    assert "Вы записаны" not in theirs
    assert "Вы в листе ожидания" not in theirs
    assert "Вы записаны" not in _list(_client())
    # Her own place, not the seats others may still take.
    assert "Мест нет" not in _card(mine, "Жду")
    assert "Осталось" not in _card(mine, "Записана")
    assert "Мест нет" in _card(theirs, "Жду")


def _queries(client: Client) -> int:
    # Its cards rendered, not kept (list_fragments): the most it reads.
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("masterclasses:list"))
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("signed_in", [True, False])
def test_list_of_cards_keeps_a_fixed_number_of_queries(
    django_assert_max_num_queries, signed_in
):
    member = UserFactory()
    client = _client(member if signed_in else None)
    for number in range(55):
        masterclass = MasterClassFactory(
            host=UserFactory(profile__avatar=f"avatars/{number}.jpg"),
            cover=f"masterclasses/cover-{number}.jpg" if number % 2 else "",
            capacity=10,
        )
        Registration.objects.create(
            masterclass=masterclass,
            user=member,
            status=Registration.Status.REGISTERED
            if number % 3
            else Registration.Status.WAITLISTED,
        )

    with django_assert_max_num_queries(10):
        response = client.get(reverse("masterclasses:list"))

    page = _main(response)
    assert page.count('<li class="mc-cards-item">') == 20
    assert page.count("/media/avatars/") == 20
    assert page.count('class="mc-cover"') == 10
    assert ("Вы записаны" in page) is signed_in
    many = _queries(client)
    MasterClass.objects.filter(
        pk__in=list(MasterClass.objects.values_list("pk", flat=True)[:52])
    ).delete()
    assert _queries(client) == many
