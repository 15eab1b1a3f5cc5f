"""The report form: a member tells the moderators what breaks the rules."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community import reporting
from community.forms import BootstrapFormMixin
from community.models import Report
from community.reports import reportable_get


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
    return render(
        request,
        "community/report.html",
        {"form": form, "target": target, "kind": kind},
        status=400 if request.method == "POST" else 200,
    )
