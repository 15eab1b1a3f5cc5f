"""The report form: a member tells the moderators what breaks the rules."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from community import reporting, sanctions, selectors
from community.forms import BootstrapFormMixin
from community.models import Report, Sanction
from community.redirects import safe_next, safe_referer
from community.reports import (
    can_resolve_report,
    report_context_url,
    reportable_for_model,
    reportable_get,
)


class ReportForm(BootstrapFormMixin, forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("What is wrong?"),
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=gettext_lazy("Details for the moderators"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@login_required
def report(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    kind = reportable_get(key)
    if kind is None:
        raise Http404
    target = kind.visible_to(request.user).filter(pk=pk).first()
    if target is None:
        raise Http404
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reporting.report_create(
                reporter=request.user,
                key=key,
                object_id=pk,
                reason=form.cleaned_data["reason"],
                text=form.cleaned_data["text"],
            )
        except ObjectDoesNotExist as error:
            raise Http404 from error
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Thank you. A moderator will look at it and tell you.")
            )
            return redirect(target.get_absolute_url())
    # Named as the moderators will see it (a message: by its number only).
    title = kind.title(target) if kind.title else str(target)
    return render(
        request,
        "community/report.html",
        {"form": form, "target": target, "kind": kind, "title": title},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def standing(request: HttpRequest) -> HttpResponse:
    """The member's record with the moderators: why, and until when."""
    page = Paginator(selectors.sanctions_of_member(user=request.user), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "community/standing.html", {"page_obj": page})


@login_required
@require_POST
def warning_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    warning = get_object_or_404(
        Sanction, pk=pk, member=request.user, kind=Sanction.Kind.WARNING
    )
    sanctions.warning_acknowledge(sanction=warning, member=request.user)
    return redirect(safe_referer(request, "standing"))


@login_required
@require_POST
def report_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """Hide or dismiss from a page of the site (a section moderator's list)."""
    report = get_object_or_404(Report, pk=pk)
    kind = reportable_for_model(report.target_type.model_class())
    if not can_resolve_report(request.user, kind, report.target):
        raise Http404
    decision = request.POST.get("decision")
    if decision not in ("hide", "dismiss"):
        return HttpResponseBadRequest(_("Choose to hide the content or dismiss."))
    if report.status == Report.Status.OPEN:
        try:
            reporting.report_resolve(
                report=report,
                moderator=request.user,
                hide=decision == "hide",
                note=request.POST.get("note", "")[:500],
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Done: the reporters are told."))
    # A private item (a message) is read by the moderators at its context page.
    back = report_context_url(report) or report.target_url
    return redirect(safe_next(request, request.POST.get("next", ""), back))
