"""Helpers more than one of the growth services' modules needs (private)."""

import calendar
import datetime
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from growth.models import Competency, Plan, PlanEvent


def _refuse(message: str, code: str = "forbidden") -> ValidationError:
    return ValidationError(message, code=code)


def _plan_locked(plan: Plan) -> Plan:
    """The plan's row, locked until the transaction ends: every write that
    counts its items or changes its mentor takes it first."""
    return Plan.objects.select_for_update(of=("self",)).get(pk=plan.pk)


def _owner_check(plan: Plan, actor) -> None:
    if actor is None or actor.pk != plan.owner_id:
        raise _refuse(_("Only the owner of the plan may do this."))


def _active_check(plan: Plan) -> None:
    if plan.status != Plan.Status.ACTIVE:
        raise _refuse(_("This plan is closed."), code="closed")


def _event(
    plan: Plan, *, actor, action: str, detail: str = "", by_mentor: bool = False
) -> PlanEvent:
    """A line of the plan's history."""
    return PlanEvent.objects.create(
        plan_id=plan.pk,
        actor=actor,
        action=action,
        detail=(detail or "")[:300],
        by_mentor=by_mentor,
    )


def _text(value, *, limit: int, field: str, required: bool = False) -> str:
    """A member's text: NULs dropped, trimmed, within ``limit``."""
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise ValidationError(
            _("%(field)s: fill it in.") % {"field": field}, code="empty"
        )
    if len(value) > limit:
        raise ValidationError(
            _("%(field)s: at most %(limit)d characters.")
            % {"field": field, "limit": limit},
            code="too_long",
        )
    return value


def _url_check(url: str, *, limit: int = 500) -> str:
    """A page of the site (a path starting with "/") or an address elsewhere
    (http or https with a host); blank stays blank."""
    url = (url or "").strip()
    if not url:
        return ""
    if len(url) > limit:
        raise ValidationError(
            _("The link is at most %(limit)d characters.") % {"limit": limit},
            code="url",
        )
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise ValidationError(_("The link has spaces in it."), code="url")
    if url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return url
    raise ValidationError(
        _("Give a page of the site (starting with “/”) or an address starting "
          "with http:// or https://."),
        code="url",
    )  # fmt: skip


def _current_competency_codes() -> set[str]:
    return set(
        Competency.objects.filter(version__is_current=True).values_list(
            "code", flat=True
        )
    )


def _add_years(day: datetime.date, years: int) -> datetime.date:
    """``day`` moved by ``years`` (negative: back); 29 February becomes 28 in
    a year without it, and a day past the calendar's ends stops at them
    (``datetime.date.min`` and ``max``): never raises."""
    year = day.year + years
    if year > datetime.MAXYEAR:
        return datetime.date.max
    if year < datetime.MINYEAR:
        return datetime.date.min
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return day.replace(year=year, day=28)
    return day.replace(year=year)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by ``months`` (negative: back), the day kept within the
    month it lands in; past the calendar's ends it stops at them."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if year > datetime.MAXYEAR:
        return datetime.date.max
    if year < datetime.MINYEAR:
        return datetime.date.min
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def _today() -> datetime.date:
    return timezone.localdate()
