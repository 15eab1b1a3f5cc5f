"""Master-classes in calendars: .ics files, the personal feed, and add-links.

Times go out in the master-class's own time zone with its VTIMEZONE
(icalendar writes it), so a calendar in any zone shows the right moment; the
links carry UTC.
"""

import datetime
import zoneinfo
from urllib.parse import urlencode

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.html import strip_tags

from masterclasses.models import MasterClass

PRODID = "-//Kollegi//Master-classes//RU"


def _zone(masterclass: MasterClass) -> datetime.tzinfo:
    try:
        return zoneinfo.ZoneInfo(masterclass.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return datetime.UTC


def _location(masterclass: MasterClass) -> str:
    parts = [masterclass.venue, masterclass.address] if masterclass.is_offline else []
    return ", ".join(part for part in parts if part) or str(
        masterclass.get_format_display()
    )


def _url(masterclass: MasterClass) -> str:
    return settings.SITE_URL.rstrip("/") + masterclass.get_absolute_url()


def _event(masterclass: MasterClass) -> icalendar.Event:
    zone = _zone(masterclass)
    event = icalendar.Event()
    event.add("uid", f"masterclass-{masterclass.pk}@kollegi")
    event.add("sequence", masterclass.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", masterclass.starts_at.astimezone(zone))
    event.add("dtend", masterclass.ends_at.astimezone(zone))
    event.add("summary", masterclass.title)
    event.add(
        "description",
        f"{strip_tags(masterclass.description_html)}\n\n{_url(masterclass)}",
    )
    event.add("location", _location(masterclass))
    event.add("url", _url(masterclass))
    if masterclass.status == MasterClass.Status.CANCELLED:
        event.add("status", "CANCELLED")
    return event


def ics_for(masterclasses: list[MasterClass], *, name: str = "") -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    for masterclass in masterclasses:
        calendar.add_component(_event(masterclass))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def google_link(masterclass: MasterClass) -> str:
    query = {
        "action": "TEMPLATE",
        "text": masterclass.title,
        "dates": f"{_utc(masterclass.starts_at)}/{_utc(masterclass.ends_at)}",
        "details": _url(masterclass),
        "location": _location(masterclass),
        "ctz": masterclass.time_zone,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def yandex_link(masterclass: MasterClass) -> str:
    zone = _zone(masterclass)
    query = {
        "name": masterclass.title,
        "description": _url(masterclass),
        "location": _location(masterclass),
        "startTs": masterclass.starts_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
        "endTs": masterclass.ends_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
        "tz": masterclass.time_zone,
    }
    return "https://calendar.yandex.ru/event?" + urlencode(query)
