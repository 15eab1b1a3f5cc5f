"""What a new member reads on the pages: tags as typed, tiers in rank, one
name for the recognition pages, time zones in words, valid <time> stamps."""

import datetime
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Profile
from accounts.tests.factories import UserFactory
from community.forms import TagField, tags_format, tags_parse
from community.models import Badge
from community.vocabulary import time_zone_label
from masterclasses.feeds import masterclass_entry
from masterclasses.tests.factories import MasterClassFactory

pytestmark = pytest.mark.django_db

RU = {"HTTP_ACCEPT_LANGUAGE": "ru"}


# --- Interests and tags, as a member types them ---------------------------------


def test_profile_form_shows_interests_comma_separated_without_quotes(
    member_client, member
):
    member.profile.interests.set(["олимпиадная математика", "ФГОС"])

    content = member_client.get(reverse("accounts:settings_profile")).content.decode()

    assert 'value="олимпиадная математика, ФГОС"' in content
    assert "&quot;олимпиадная" not in content


def test_profile_form_keeps_an_interest_of_several_words_whole(member_client, member):
    response = member_client.post(
        reverse("accounts:settings_profile"),
        {
            "display_name": "Мария Сидорова",
            "interests": "олимпиадная математика",
            "time_zone": "Europe/Moscow",
            "language": "ru",
        },
    )

    assert response.status_code == 302
    names = Profile.objects.get(user=member).interests.names()
    assert list(names) == ["олимпиадная математика"]


def test_tags_split_on_commas_and_quotes_keep_a_comma():
    assert tags_parse("олимпиадная математика, ФГОС") == [
        "ФГОС",
        "олимпиадная математика",
    ]
    assert tags_parse('"дроби, проценты",  5 класс ,,') == [
        "5 класс",
        "дроби, проценты",
    ]
    assert tags_parse("") == []
    # What the form shows comes back as the same tags.
    shown = tags_format(["дроби, проценты", "5 класс"])
    assert shown == '5 класс, "дроби, проценты"'
    assert tags_parse(shown) == ["5 класс", "дроби, проценты"]


def test_tag_field_says_when_a_tag_is_too_long():
    field = TagField(required=False)
    with pytest.raises(ValidationError, match="100"):
        field.clean("а" * 101)


# --- Badge tiers ----------------------------------------------------------------


def test_badge_list_sorts_tiers_bronze_silver_gold(client):
    for key, tier in [
        ("a-gold", "gold"),
        ("b-silver", "silver"),
        ("c-bronze", "bronze"),
    ]:
        Badge.objects.create(
            key=key, name=key, description="x", tier=tier, is_manual=True
        )

    badges = list(client.get(reverse("badges"), **RU).context["badges"])

    manual = [badge.key for badge in badges if badge.is_manual]
    assert manual == ["c-bronze", "b-silver", "a-gold"]
    ranks = {"bronze": 0, "silver": 1, "gold": 2}
    rule = [ranks[badge.tier] for badge in badges if not badge.is_manual]
    assert rule == sorted(rule)


# --- One name for the recognition pages -----------------------------------------


def _breadcrumb_to_badges(content: str) -> str:
    found = re.search(
        r'<li class="breadcrumb-item"><a href="/badges/">([^<]+)</a>', content
    )
    assert found, "no breadcrumb back to the recognition page"
    return found.group(1)


def test_recognition_has_one_name_in_menu_title_heading_and_breadcrumbs(
    member_client,
):
    badge = Badge.objects.create(
        key="mentor", name="Наставник", description="x", tier="gold", is_manual=True
    )

    content = member_client.get(reverse("badges"), **RU).content.decode()

    menu = re.search(
        r'<a class="nav-link[^"]*" href="/badges/"[^>]*>([^<]+)</a>', content
    )
    assert menu
    assert menu.group(1) == "Признание"
    assert "<title>Признание ·" in content
    assert re.search(r"<h1[^>]*>Признание</h1>", content)
    for address in [
        badge.get_absolute_url(),
        reverse("members_of_the_month"),
        reverse("badges_mine"),
    ]:
        page = member_client.get(address, **RU).content.decode()
        assert _breadcrumb_to_badges(page) == "Признание", address


# --- Time zones in words ---------------------------------------------------------


def test_time_zone_label_counts_russian_zones_from_moscow_and_others_from_utc():
    winter = datetime.datetime(2026, 1, 15, 12, tzinfo=datetime.UTC)
    summer = datetime.datetime(2026, 7, 15, 12, tzinfo=datetime.UTC)
    with translation.override("ru"):
        assert time_zone_label("Europe/Moscow") == "московское время"
        assert time_zone_label("Europe/Volgograd") == "московское время"
        assert time_zone_label("Asia/Yekaterinburg") == "МСК+2"
        assert time_zone_label("Europe/Kaliningrad") == "МСК−1"
    with translation.override("en"):
        assert time_zone_label("Europe/Moscow") == "Moscow time"
        assert time_zone_label("Asia/Vladivostok") == "MSK+7"
    assert time_zone_label("Asia/Kolkata") == "UTC+5:30"
    assert time_zone_label("Europe/Berlin", winter) == "UTC+1"
    assert time_zone_label("Europe/Berlin", summer) == "UTC+2"
    assert time_zone_label("America/St_Johns", winter) == "UTC−3:30"
    assert time_zone_label("UTC") == "UTC"


def test_masterclass_pages_name_the_time_zone_in_words(client):
    masterclass = MasterClassFactory()
    reader = UserFactory(profile__time_zone="Asia/Yekaterinburg")

    anonymous = client.get(masterclass.get_absolute_url(), **RU).content.decode()
    client.force_login(reader)
    member = client.get(masterclass.get_absolute_url(), **RU).content.decode()
    form = client.get(reverse("masterclasses:create"), **RU).content.decode()

    assert "московское время — ваш часовой пояс" in anonymous
    assert "МСК+2 — ваш часовой пояс" in member
    assert "в вашем часовом поясе (МСК+2)" in form
    for content in (anonymous, member, form):
        assert "Europe/" not in content
        assert "Asia/" not in content


def test_masterclass_feed_names_the_time_zone_in_words():
    masterclass = MasterClassFactory()

    with translation.override("ru"), timezone.override(ZoneInfo("Europe/Moscow")):
        description = masterclass_entry(masterclass).description

    assert "(московское время) — " in description
    assert "Europe/" not in description


# --- <time datetime> stamps -----------------------------------------------------


def test_datetime_attr_gives_whole_seconds_in_the_current_zone():
    moment = datetime.datetime(2026, 3, 2, 9, 5, 7, 123456, tzinfo=datetime.UTC)
    template = Template("{% load community %}{{ moment|datetime_attr }}")

    with timezone.override(ZoneInfo("Europe/Moscow")):
        rendered = template.render(Context({"moment": moment}))

    assert rendered == "2026-03-02T12:05:07+03:00"
    day = Template("{% load community %}{{ day|datetime_attr }}")
    assert day.render(Context({"day": datetime.date(2026, 3, 2)})) == "2026-03-02"


def test_no_template_writes_microseconds_into_a_datetime_attribute():
    # ``|date:"c"`` writes six fractional digits; HTML allows three at most.
    roots = [Path(settings.BASE_DIR) / "templates"] + [
        Path(settings.BASE_DIR) / app / "templates"
        for app in (
            "community",
            "accounts",
            "forums",
            "materials",
            "masterclasses",
            "circles",
        )
    ]
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for root in roots
        for path in root.rglob("*.html")
        if re.search(r"""\|date:\s*(['"])c\1""", path.read_text())
    ]
    assert offenders == []
