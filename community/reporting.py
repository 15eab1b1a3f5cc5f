"""Every write of reports: members report, moderators resolve."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community import limits
from community import services as community
from community.models import Report
from community.reports import (
    can_resolve_report,
    reportable_for_model,
    reportable_get,
)
from community.sanctions import participation_check

REPORT_ACTIONED = "report_actioned"
REPORT_DISMISSED = "report_dismissed"


@transaction.atomic
def report_create(*, reporter, key: str, object_id: int, reason: str, text: str = ""):
    """Report an item; one open report per member per item.

    Raises ObjectDoesNotExist for an unknown kind or an item the member cannot
    see, ParticipationRestricted for a suspended or banned member,
    ValidationError for a bad reason, "other" without words, one's own item, a
    second open report, or a new member's report past the hourly limit.
    """
    kind = reportable_get(key)
    if kind is None or not reporter.is_authenticated:
        raise ObjectDoesNotExist
    participation_check(reporter)
    target = kind.visible_to(reporter).get(pk=object_id)
    if reason not in Report.Reason.values:
        raise ValidationError(_("Choose a reason."), code="reason")
    text = text.strip()
    if reason == Report.Reason.OTHER and not text:
        raise ValidationError(_("Tell the moderators what is wrong."), code="text")
    if kind.owner_id(target) == reporter.pk:
        raise ValidationError(_("You cannot report your own message."), code="own")
    limits.write_limit_check(
        reporter, limits.REPORTS, Report.objects.filter(reporter=reporter)
    )
    try:
        with transaction.atomic():
            report = Report.objects.create(
                reporter=reporter,
                target_type=ContentType.objects.get_for_model(target),
                target_id=target.pk,
                target_title=(kind.title(target) if kind.title else str(target))[:200],
                target_url=target.get_absolute_url(),
                reason=reason,
                text=text[:1000],
            )
    except IntegrityError as error:
        raise ValidationError(
            _("You have already reported this; a moderator will look at it."),
            code="twice",
        ) from error
    _auto_hide_if_reported_enough(kind, target, report)
    return report


def _auto_hide_if_reported_enough(kind, target, report: Report) -> None:
    """Enough established members' reports hide the item until a moderator looks."""
    needed = settings.MODERATION_AUTOHIDE_REPORTS
    if not needed:
        return
    established = timezone.now() - datetime.timedelta(
        days=settings.MODERATION_ESTABLISHED_DAYS
    )
    open_reports = Report.objects.filter(
        target_type=report.target_type,
        target_id=report.target_id,
        status=Report.Status.OPEN,
    )
    reporters = (
        open_reports.filter(
            reporter__is_active=True, reporter__date_joined__lte=established
        )
        .values("reporter_id")
        .distinct()
        .count()
    )
    if reporters >= needed and not open_reports.filter(auto_hidden=True).exists():
        kind.auto_hide(target, True)
        open_reports.update(auto_hidden=True)
        community.audit(
            actor=None,
            action="report_auto_hide",
            target=report,
            reason=str(reporters),
        )


@transaction.atomic
def report_resolve(*, report: Report, moderator, hide: bool, note: str = "") -> int:
    """Hide the item (through its app's service) or dismiss the report.

    Every open report on the same item is resolved with it and each reporter
    hears the outcome. Returns how many reports were resolved.
    """
    kind = reportable_for_model(report.target_type.model_class())
    target = report.target
    if not can_resolve_report(moderator, kind, target):
        raise PermissionDenied
    if hide:
        if kind is None or target is None:
            raise ValidationError(_("The item is gone."), code="gone")
        kind.hide(target, moderator, note or report.get_reason_display())
    reports = list(
        Report.objects.select_for_update()
        .filter(
            target_type=report.target_type,
            target_id=report.target_id,
            status=Report.Status.OPEN,
        )
        .select_related("reporter")
    )
    if (
        not hide
        and kind is not None
        and target is not None
        and any(item.auto_hidden for item in reports)
    ):
        kind.auto_hide(target, False)  # the reports were wrong: show it again
    status = Report.Status.ACTIONED if hide else Report.Status.DISMISSED
    now = timezone.now()
    for item in reports:
        item.status = status
        item.resolved_at = now
        item.resolved_by = moderator
        item.resolution = note[:500]
        item.save(update_fields=["status", "resolved_at", "resolved_by", "resolution"])
        community.notify(
            recipient=item.reporter,
            kind=REPORT_ACTIONED if hide else REPORT_DISMISSED,
            target=item,
            target_title=item.target_title,
            url=item.target_url,
            group=False,
        )
    community.audit(
        actor=moderator,
        action="report_hide" if hide else "report_dismiss",
        target=report,
        reason=note,
    )
    return len(reports)
