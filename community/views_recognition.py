"""Recognition pages: every badge, its holders, and the members of the month."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from community import recognition, selectors
from community.models import Badge, Subject
from community.numbers import parse_id
from community.vocabulary import Region

LIVE = Q(awards__revoked_at__isnull=True)


def badge_list(request: HttpRequest) -> HttpResponse:
    # Rule badges are rows from migrate on (community.receivers) and are kept
    # in step nightly: the page shows them before anyone earns one.
    return render(
        request, "community/badges.html", {"badges": selectors.badges_with_holders()}
    )


def badge_detail(request: HttpRequest, key: str) -> HttpResponse:
    badge = get_object_or_404(Badge, key=key)
    page = Paginator(selectors.badge_holders(badge=badge), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request, "community/badge_detail.html", {"badge": badge, "page_obj": page}
    )


FIRST_MONTH = datetime.date(2000, 1, 1)  # earlier than any contribution


def _month(value: str | None) -> datetime.date | None:
    """The month asked for as ``YYYY-MM``, the current one when none is asked
    for; None for anything else (garbage, a month to come, a year too large
    for a date)."""
    today = timezone.localdate().replace(day=1)
    if not value:
        return today
    try:
        year, month = (int(part) for part in value.split("-"))
        chosen = datetime.date(year, month, 1)
    except (ValueError, OverflowError):
        return None
    return chosen if FIRST_MONTH <= chosen <= today else None


def members_of_the_month(request: HttpRequest) -> HttpResponse:
    """Who helped colleagues most this month: overall, by subject, by region."""
    month = _month(request.GET.get("month"))
    status = 200
    if month is None:
        # The page of this month, saying why: a 400, never the error page.
        month = timezone.localdate().replace(day=1)
        messages.error(request, _("There is no such month: here is the current one."))
        status = 400
    subject = Subject.objects.filter(slug=request.GET.get("subject", "")).first()
    region = request.GET.get("region", "")
    if region not in Region.values:
        region = ""
    rows = selectors.members_of_the_month(month=month, subject=subject, region=region)
    previous = (month - datetime.timedelta(days=1)).replace(day=1)
    return render(
        request,
        "community/members_of_the_month.html",
        {
            "page_obj": Paginator(rows, 50).get_page(request.GET.get("page")),
            "month": month,
            "previous": previous,
            "subjects": Subject.objects.all(),
            "subject": subject,
            "regions": Region.choices,
            "region": region,
        },
        status=status,
    )


@login_required
def badges_mine(request: HttpRequest) -> HttpResponse:
    """The member's badges; up to two chosen to show next to the name."""
    awards = list(selectors.badges_of(user=request.user))
    status = 200
    chosen = [award.pk for award in awards if award.is_featured]
    if request.method == "POST":
        ids = (parse_id(value) for value in request.POST.getlist("featured"))
        chosen = [pk for pk in ids if pk is not None]
        try:
            recognition.badges_feature(user=request.user, award_ids=chosen)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            status = 400
        else:
            messages.success(request, _("Saved."))
            return redirect("badges_mine")
    return render(
        request,
        "community/badges_mine.html",
        {"awards": awards, "chosen": chosen},  # the member's choice, kept on error
        status=status,
    )
