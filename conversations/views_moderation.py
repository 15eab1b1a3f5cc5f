"""A reported message read by a moderator: on record, and no more than around it.

Those who may resolve the report (``community.reports.can_resolve_report``)
see on a GET what the page will show and that the reading is recorded; the
POST writes the audit entry (``moderation.report_context_open``) and shows
the message with the nearest ones. Anyone else: a 404, as for a report that
does not exist.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from community.models import Report
from conversations import moderation
from conversations.hooks_moderation import message_title


@login_required
@require_http_methods(["GET", "POST"])
def report_context(request: HttpRequest, report_pk: int) -> HttpResponse:
    report = get_object_or_404(
        Report.objects.select_related("target_type", "reporter__profile"),
        pk=report_pk,
    )
    message = moderation.reported_message(report)
    if not moderation.can_read_report_context(request.user, report, message):
        raise Http404
    shown = None
    if request.method == "POST":
        try:
            shown = moderation.report_context_open(
                report=report, moderator=request.user
            )
        except PermissionDenied as error:
            raise Http404 from error
    return render(
        request,
        "conversations/report_context.html",
        {
            "report": report,
            "message": message,
            "title": message_title(message),
            "shown": shown,
            "before": moderation.CONTEXT_BEFORE,
            "after": moderation.CONTEXT_AFTER,
        },
    )
