"""The site search page: one box, tabs per kind, filters, highlighted snippets."""

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from community import search
from community.changes import search_kept_under
from community.forms import BootstrapFormMixin
from community.models import Grade, Subject
from community.pagecache import page_scoped

PER_PAGE = 20
# The kinds whose entries carry academic hours (``SearchDocument.hours``):
# their tabs offer the hours filter.
HOURS_KINDS = frozenset({"courses"})
# Bounds a search accepts for academic hours.
HOURS_LIMIT = 1000


class SearchForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        max_length=search.MAX_QUERY_LENGTH,
        required=False,
        error_messages={
            "max_length": _(
                "The search is too long: at most %(limit_value)d characters."
            )
        },
    )
    kind = forms.CharField(required=False, widget=forms.HiddenInput)
    subject = forms.ModelChoiceField(
        label=_("Subject"),
        queryset=Subject.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("any subject"),
    )
    grade = forms.ModelChoiceField(
        label=_("Grade"),
        queryset=Grade.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("any grade"),
    )
    period = forms.ChoiceField(
        label=_("When"),
        required=False,
        choices=[
            ("", _("any time")),
            ("week", _("this week")),
            ("month", _("this month")),
            ("year", _("this year")),
        ],
    )
    hours_min = forms.IntegerField(
        label=_("Hours from"), min_value=0, max_value=HOURS_LIMIT, required=False
    )
    hours_max = forms.IntegerField(
        label=_("Hours up to"), min_value=0, max_value=HOURS_LIMIT, required=False
    )

    def clean_q(self) -> str:
        text = " ".join(self.cleaned_data["q"].split())
        if text and not search.query_words(text):
            raise forms.ValidationError(
                _("Type a word or a number to search for."), code="no_words"
            )
        return text

    def clean_kind(self) -> str:
        kind = self.cleaned_data["kind"]
        return kind if kind in {item.key for item in search.search_kinds()} else ""

    def clean(self) -> dict:
        data = super().clean()
        low, high = data.get("hours_min"), data.get("hours_max")
        if low is not None and high is not None and high < low:
            self.add_error("hours_max", _("Up to must not be less than from."))
        return data

    @property
    def hours_fields(self) -> list[forms.BoundField]:
        return [self["hours_min"], self["hours_max"]]

    def hours_shown(self, kind: str) -> bool:
        """The hours filter is offered on the tabs of kinds with hours, and
        wherever its values are wrong (so their errors are seen)."""
        return kind in HOURS_KINDS or bool(
            self.is_bound and (self["hours_min"].errors or self["hours_max"].errors)
        )


def count_shown(counts: dict[str, int], key: str) -> str:
    """A tab's count as shown: «1 000+» once it passed the limit (the
    counting stopped there), grouped by the language's separator."""
    count = counts.get(key, 0)
    if search.count_capped(count):
        return pgettext("a count that stopped at the limit", "%(count)s+") % {
            "count": number_format(search.COUNT_LIMIT, force_grouping=True)
        }
    return number_format(count, force_grouping=True)


class _Ranked:
    """The ranked entries for the paginator: their number is known, and a
    page is read through the results (kept until the index changes)."""

    def __init__(self, results: search.SearchResults) -> None:
        self.results = results

    def count(self) -> int:
        # A count past the limit stops there: so do the pages.
        return min(self.results.counts.get(self.results.kind, 0), search.COUNT_LIMIT)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice):
        return self.results.page(item.start, item.stop)


@page_scoped(search_kept_under)
def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    context = {
        "form": form,
        "kinds": search.search_kinds(),
        "hours_shown": form.hours_shown(request.GET.get("kind", "")),
    }
    if not request.GET.get("q", "").strip():
        return render(request, "community/search.html", context)
    if not form.is_valid():
        return render(request, "community/search.html", context, status=400)
    data = form.cleaned_data
    results = search.search(
        text=data["q"],
        user=request.user,
        kind=data["kind"] or None,
        filters=search.SearchFilters(
            subject_id=data["subject"].pk if data["subject"] else None,
            grade_slug=data["grade"].slug if data["grade"] else "",
            since=search.since_for(data["period"]),
            hours_min=data["hours_min"],
            hours_max=data["hours_max"],
        ),
    )
    page = Paginator(_Ranked(results), PER_PAGE).get_page(request.GET.get("page"))
    words = search.query_words(data["q"])
    counts = results.counts
    context.update(
        results=results,
        hours_shown=form.hours_shown(results.kind),
        page_obj=page,
        rows=[(entry, search.snippet(entry, words)) for entry in page],
        tabs=[
            (kind, counts.get(kind.key, 0), count_shown(counts, kind.key))
            for kind in search.search_kinds()
        ],
        total=sum(counts.values()),
    )
    return render(request, "community/search.html", context)
