"""The components page: every piece of the design system in its states.

Staff only (a 404 for everyone else); it reads nothing from the database
beyond the request's member, so later pages can be composed from it.
"""

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from community.design import can_view_design, palette_pairs
from community.forms import BootstrapFormMixin

TYPE_SCALE = ("4xl", "3xl", "2xl", "xl", "lg", "base", "sm", "xs")
SPACING = (1, 2, 3, 4, 5, 6, 7)
RADII = ("sm", "", "lg", "pill")
SHADOWS = ("sm", "", "lg")
BADGE_KINDS = ("", "primary", "success", "warning", "danger", "info")
ICONS = (
    "bell",
    "search",
    "person-circle",
    "chat-left-text",
    "file-earmark-text",
    "calendar-event",
    "bookmark",
    "star",
    "check-circle",
    "exclamation-triangle",
    "inbox",
    "plus-lg",
)


class ExampleForm(BootstrapFormMixin, forms.Form):
    """Fields of every kind, for the form rows; never submitted."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("A few words teachers will search for."),
    )
    email = forms.EmailField(label=_("E-mail address"))
    about = forms.CharField(
        label=_("About the material"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. Markdown is allowed."),
    )
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=[("lesson", _("Lesson plan")), ("test", _("Test"))],
    )
    subjects = forms.MultipleChoiceField(
        label=_("Subjects"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("math", _("Mathematics")),
            ("physics", _("Physics")),
            ("russian", _("Russian language")),
            ("history", _("History")),
        ],
    )
    agree = forms.BooleanField(label=_("I am the author of this material"))


@require_GET
def design_components(request: HttpRequest) -> HttpResponse:
    if not can_view_design(request.user):
        raise Http404
    invalid = ExampleForm(
        data={
            "invalid-title": "",
            "invalid-email": "not an address",
            "invalid-kind": "lesson",
        },
        prefix="invalid",
    )
    invalid.is_valid()
    return render(
        request,
        "community/design_components.html",
        {
            "form": ExampleForm(prefix="example"),
            "invalid": invalid,
            "pairs": palette_pairs(),
            "type_scale": TYPE_SCALE,
            "spacing": SPACING,
            "radii": RADII,
            "shadows": SHADOWS,
            "badge_kinds": BADGE_KINDS,
            "icons": ICONS,
        },
    )
