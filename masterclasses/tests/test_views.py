"""Master-classes' pages for visitors, members, participants, hosts, moderators."""

import datetime
import zoneinfo

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from community.models import Subject
from masterclasses import services
from masterclasses.models import Certificate, MasterClass, Registration
from masterclasses.tests.factories import MasterClassFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _in(**kwargs) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(**kwargs)


def _form(**overrides):
    data = {
        "title": "Дроби без страха",
        "description": "План занятия",
        "subject": Subject.objects.get(slug="mathematics").pk,
        "format": "online",
        "room_url": "https://meet.example.org/a",
        "starts_at": "2030-03-10T15:00",
        "ends_at": "2030-03-10T16:30",
        "capacity": "20",
        "submit": "1",
    }
    return {**data, **overrides}


def test_list_shows_upcoming_and_past_separately():
    MasterClassFactory(title="Скоро")
    MasterClassFactory(
        title="Было", starts_at=_in(days=-3), ends_at=_in(days=-3, hours=1)
    )
    MasterClassFactory(title="Предложение", status=MasterClass.Status.PROPOSED)

    upcoming = Client().get(reverse("masterclasses:list")).content.decode()
    past = Client().get(reverse("masterclasses:list") + "?when=past").content.decode()

    assert "Скоро" in upcoming
    assert "Было" not in upcoming
    assert "Предложение" not in upcoming
    assert "Было" in past


def test_list_filters_by_subject_format_and_date():
    physics = Subject.objects.get(slug="physics")
    MasterClassFactory(
        title="Физика", subject=physics, format="offline", address="Казань"
    )
    MasterClassFactory(
        title="Поздний", starts_at=_in(days=20), ends_at=_in(days=20, hours=1)
    )
    MasterClassFactory(title="Ранний")

    def titles(**query):
        response = Client().get(reverse("masterclasses:list"), query)
        return {masterclass.title for masterclass in response.context["page_obj"]}

    assert titles(subject=physics.pk) == {"Физика"}
    assert titles(format="offline") == {"Физика"}
    later = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    assert titles(date_from=later) == {"Поздний"}
    assert (
        Client().get(reverse("masterclasses:list"), {"date_from": "вчера"}).status_code
        == 400
    )


def test_the_month_calendar_places_master_classes_on_their_day():
    masterclass = MasterClassFactory(title="В календаре")
    local = timezone.localtime(masterclass.starts_at)

    response = Client().get(
        reverse("masterclasses:month", args=[local.year, local.month])
    )

    days = {
        day: [item.title for item in items]
        for week in response.context["weeks"]
        for day, items in week
    }
    assert days[local.date()] == ["В календаре"]
    assert Client().get("/masterclasses/calendar/2030/13/").status_code == 404


def test_times_show_in_the_viewers_time_zone():
    masterclass = MasterClassFactory(
        starts_at=datetime.datetime(2030, 3, 10, 12, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2030, 3, 10, 13, 30, tzinfo=datetime.UTC),
    )
    viewer = UserFactory()
    viewer.profile.time_zone = "Asia/Vladivostok"
    viewer.profile.save()

    page = _client(viewer).get(masterclass.get_absolute_url()).content.decode()

    assert "22:00" in page  # 12:00 UTC is 22:00 in Vladivostok


def test_propose_with_times_in_the_hosts_zone(member):
    member.profile.time_zone = "Asia/Yekaterinburg"
    member.profile.save()

    response = _client(member).post(reverse("masterclasses:create"), _form())

    masterclass = MasterClass.objects.get()
    assert response.status_code == 302
    assert masterclass.status == MasterClass.Status.PROPOSED
    assert masterclass.time_zone == "Asia/Yekaterinburg"
    zone = zoneinfo.ZoneInfo("Asia/Yekaterinburg")
    assert masterclass.starts_at == datetime.datetime(2030, 3, 10, 15, 0, tzinfo=zone)


def test_end_before_start_is_a_400_with_the_text_kept(member):
    response = _client(member).post(
        reverse("masterclasses:create"), _form(ends_at="2030-03-10T14:00")
    )

    assert response.status_code == 400
    assert response.context["form"].errors["ends_at"] == [
        "Окончание должно быть позже начала."
    ]
    assert "Дроби без страха" in response.content.decode()
    assert not MasterClass.objects.exists()


def test_the_room_link_only_for_registered_participants(member):
    masterclass = MasterClassFactory()
    room = masterclass.room_url

    assert room not in Client().get(masterclass.get_absolute_url()).content.decode()
    client = _client(member)
    assert room not in client.get(masterclass.get_absolute_url()).content.decode()
    client.post(reverse("masterclasses:register", args=[masterclass.pk]))
    assert room in client.get(masterclass.get_absolute_url()).content.decode()
    assert (
        room
        in _client(masterclass.host)
        .get(masterclass.get_absolute_url())
        .content.decode()
    )


def test_register_twice_answers_like_once_and_waitlist_shows_the_position(member):
    masterclass = MasterClassFactory(capacity=1)
    services.register(masterclass=masterclass, user=UserFactory())
    client = _client(member)

    client.post(reverse("masterclasses:register", args=[masterclass.pk]))
    page = client.get(masterclass.get_absolute_url())
    again = client.post(reverse("masterclasses:register", args=[masterclass.pk]))

    assert page.context["position"] == 1
    assert again.status_code == 302
    assert again.url == masterclass.get_absolute_url()
    assert Registration.objects.filter(masterclass=masterclass).count() == 2


def test_registering_outside_the_window_is_a_400(member):
    masterclass = MasterClassFactory(registration_opens_at=_in(days=1))

    response = _client(member).post(
        reverse("masterclasses:register", args=[masterclass.pk])
    )

    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_drafts_are_404_for_others(member):
    proposal = MasterClassFactory(status=MasterClass.Status.PROPOSED)

    assert Client().get(proposal.get_absolute_url()).status_code == 404
    assert _client(member).get(proposal.get_absolute_url()).status_code == 404
    assert _client(proposal.host).get(proposal.get_absolute_url()).status_code == 200
    assert (
        _client(member)
        .get(reverse("masterclasses:edit", args=[proposal.pk]))
        .status_code
        == 404
    )


def test_wrong_check_in_code_is_a_400_with_the_code_kept(member):
    masterclass = MasterClassFactory(starts_at=_in(minutes=-5), ends_at=_in(hours=1))
    Registration.objects.create(
        masterclass=masterclass, user=member, status="registered"
    )

    response = _client(member).post(
        reverse("masterclasses:checkin", args=[masterclass.pk]), {"code": "QQQQ77"}
    )

    assert response.status_code == 400
    assert "QQQQ77" in response.content.decode()


def test_ics_file_carries_the_time_zone_and_the_right_moment():
    masterclass = MasterClassFactory(time_zone="Asia/Novosibirsk")

    response = Client().get(reverse("masterclasses:ics", args=[masterclass.pk]))

    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    event = calendar.walk("VEVENT")[0]
    assert event.decoded("dtstart") == masterclass.starts_at
    assert str(event.decoded("dtstart").tzinfo) == "Asia/Novosibirsk"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Asia/Novosibirsk"


def test_personal_feed_lists_registrations_by_secret_address(member):
    mine = MasterClassFactory(title="Мой")
    MasterClassFactory(title="Чужой")
    services.register(masterclass=mine, user=member)
    client = _client(member)

    page = client.get(reverse("masterclasses:mine"))
    feed_url = page.context["feed_url"]
    body = Client().get(feed_url).content
    events = icalendar.Calendar.from_ical(body).walk("VEVENT")

    assert [str(event["summary"]) for event in events] == ["Мой"]
    client.post(reverse("masterclasses:mine"))  # a new address
    assert Client().get(feed_url).status_code == 404


def test_google_and_yandex_links_carry_the_times():
    masterclass = MasterClassFactory(
        starts_at=datetime.datetime(2030, 3, 10, 12, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2030, 3, 10, 13, 30, tzinfo=datetime.UTC),
    )

    page = Client().get(masterclass.get_absolute_url())

    assert "20300310T120000Z%2F20300310T133000Z" in page.context["google_link"]
    assert "startTs=2030-03-10T15%3A00" in page.context["yandex_link"]  # Moscow time


def test_certificate_pdf_for_its_holder_and_public_verification(member):
    masterclass = MasterClassFactory(starts_at=_in(hours=-3), ends_at=_in(hours=-2))
    Registration.objects.create(
        masterclass=masterclass, user=member, status="registered", attended=True
    )
    services.masterclass_finish(masterclass=masterclass)
    certificate = Certificate.objects.get(user=member)
    url = reverse("masterclasses:certificate", args=[certificate.pk])

    response = _client(member).get(url)
    verify = Client().get(certificate.get_absolute_url())

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    # The title in the document's metadata, hex UTF-16: Cyrillic is carried.
    assert certificate.number.encode("utf-16-be").hex().encode() in response.content
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert _client(UserFactory()).get(url).status_code == 404
    assert verify.status_code == 200
    assert member.profile.shown_name in verify.content.decode()
    assert Client().get("/certificates/нет-такого/").status_code == 404


def test_host_marks_attendance_on_the_page(member):
    masterclass = MasterClassFactory(starts_at=_in(minutes=-5), ends_at=_in(hours=1))
    registration = Registration.objects.create(
        masterclass=masterclass, user=member, status="registered"
    )

    _client(masterclass.host).post(
        reverse("masterclasses:attendance", args=[masterclass.pk]),
        {"registration": registration.pk, "attended": "1"},
    )

    registration.refresh_from_db()
    assert registration.attended
    assert (
        _client(member)
        .post(
            reverse("masterclasses:attendance", args=[masterclass.pk]),
            {"registration": registration.pk, "attended": "0"},
        )
        .status_code
        == 404
    )


def test_list_keeps_fixed_queries(django_assert_max_num_queries, member):
    MasterClassFactory.create_batch(55)
    client = _client(member)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("masterclasses:list"))

    assert len(response.context["page_obj"]) == 20


def test_host_page_keeps_fixed_queries(django_assert_max_num_queries):
    masterclass = MasterClassFactory(starts_at=_in(minutes=-5), ends_at=_in(hours=1))
    for user in UserFactory.create_batch(55):
        Registration.objects.create(
            masterclass=masterclass, user=user, status="registered", attended=True
        )
    client = _client(masterclass.host)

    with django_assert_max_num_queries(18):
        response = client.get(masterclass.get_absolute_url())

    assert len(response.context["participants"]) == 55


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "orange").save(buffer, format="PNG")
    return buffer.getvalue()


def test_cover_and_co_hosts_from_the_form(member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    cohost = UserFactory(username="ivan.petrov")
    response = _client(member).post(
        reverse("masterclasses:create"),
        {
            **_form(cohost_names="@ivan.petrov"),
            "cover_upload": SimpleUploadedFile("обложка.png", _png(), "image/png"),
        },
    )

    masterclass = MasterClass.objects.get()
    assert response.status_code == 302
    assert list(masterclass.cohosts.all()) == [cohost]
    assert masterclass.cover.name.endswith(".png")
    # A co-host runs it as a host does.
    assert (
        _client(cohost)
        .get(reverse("masterclasses:edit", args=[masterclass.pk]))
        .status_code
        == 200
    )


def test_unknown_co_host_or_a_fake_cover_is_a_400(member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    unknown = _client(member).post(
        reverse("masterclasses:create"), _form(cohost_names="nobody.here")
    )
    fake = _client(member).post(
        reverse("masterclasses:create"),
        {**_form(), "cover_upload": SimpleUploadedFile("a.png", b"not a picture")},
    )

    assert unknown.status_code == 400
    assert "nobody.here" in unknown.content.decode()
    assert fake.status_code == 400
    assert not MasterClass.objects.exists()
