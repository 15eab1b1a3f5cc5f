"""``{{ moment|moment_short }}``: a moment as a list shows it, at a glance.

In the viewer's time zone (the one ``TimezoneMiddleware`` made current): the
time alone today, «вчера, 14:05» yesterday, the day and month this year, the
day, month and year before. Beside a ``<time datetime="{{ moment|datetime_attr }}">``
that carries the exact moment and a ``title`` with the full date.
"""

import datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter(expects_localtime=True)
def moment_short(value: datetime.datetime | None) -> str:
    """The shortest form of ``value`` that still says which day it was."""
    if not isinstance(value, datetime.datetime):
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    today = timezone.localdate()
    day = value.date()
    if day == today:
        return date_format(value, "H:i")
    if day == today - datetime.timedelta(days=1):
        return _("yesterday, %(time)s") % {"time": date_format(value, "H:i")}
    if day.year == today.year:
        return date_format(value, "j E")
    return date_format(value, "j E Y")
