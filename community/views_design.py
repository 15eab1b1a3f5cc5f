"""The components page: every piece of the design system in its states.

Staff only (a 404 for everyone else); it reads nothing from the database
beyond the request's member, so later pages can be composed from it.
"""

import datetime
from dataclasses import dataclass, field

from django import forms
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import Storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
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


@dataclass(frozen=True)
class SamplePicture:
    """A picture for the avatar samples, from the static files (no media)."""

    name: str
    storage: Storage = field(default_factory=lambda: staticfiles_storage)

    def __bool__(self) -> bool:
        return bool(self.name)


@dataclass(frozen=True)
class SampleProfile:
    """What ``accounts/partials/_avatar.html`` reads of a profile: a sample of
    each state without a row in the database."""

    user_id: int
    shown_name: str
    avatar: SamplePicture = SamplePicture("")
    is_deleted: bool = False
    is_hidden: bool = False


def avatar_samples() -> dict[str, object]:
    """Members in each of the initials' colours, a deleted member, a picture."""
    names = (
        _("Anna Petrova"),
        _("Ivan Sokolov"),
        _("Marina Lebedeva"),
        _("Oleg Smirnov"),
        _("Elena Kuznetsova"),
        _("Pavel Orlov"),
        _("Olga Vasilieva"),
        _("Sergey Morozov"),
    )
    # Account numbers 0..7: one member of each colour (avatars.tone).
    tones = [
        SampleProfile(user_id=n, shown_name=str(name)) for n, name in enumerate(names)
    ]
    return {
        "tones": tones,
        "deleted": SampleProfile(user_id=0, shown_name="", is_deleted=True),
        "picture": SampleProfile(
            user_id=0,
            shown_name=str(names[0]),
            avatar=SamplePicture("img/favicon.svg"),
        ),
        "sizes": (24, 32, 48, 96),
    }


def topic_row_samples() -> list[dict[str, object]]:
    """Topic rows as the forums list them (``forums/partials/_topic_row.html``),
    from plain values: a question with new replies, a pinned topic the member
    never opened, a solved question read to the end."""
    now = timezone.now()

    def member(number: int, name: str) -> dict[str, object]:
        profile = {"user_id": number, "shown_name": name, "avatar": ""}
        return {"profile": profile | {"is_deleted": False, "is_hidden": False}}

    anna, ivan, olga = (
        member(1, str(_("Anna Petrova"))),
        member(2, str(_("Ivan Sokolov"))),
        member(3, str(_("Olga Vasilieva"))),
    )
    common = {"get_absolute_url": "#rows", "accepted_post_id": None}
    return [
        common
        | {
            "title": _("How do you check homework in large classes?"),
            "author": anna,
            "last_poster": ivan,
            "section": {"title": _("Mathematics")},
            "is_question": True,
            "reply_count": 12,
            "view_count": 240,
            "last_post_at": now - datetime.timedelta(minutes=5),
            "last_read": 10,
            "new_replies": 3,
        },
        common
        | {
            "title": _("Olympiad problems for the 7th grade"),
            "author": olga,
            "last_poster": olga,
            "section": {"title": _("Mathematics")},
            "is_pinned": True,
            "is_locked": True,
            "reply_count": 0,
            "view_count": 31,
            "last_post_at": now - datetime.timedelta(days=1),
            "last_read": None,
            "new_replies": None,
        },
        common
        | {
            "title": _("Which physics textbook for the 10th grade?"),
            "author": ivan,
            "last_poster": anna,
            "section": {"title": _("Physics")},
            "is_question": True,
            "accepted_post_id": 1,
            "reply_count": 4,
            "view_count": 87,
            "last_post_at": now - datetime.timedelta(days=40),
            "last_read": 5,
            "new_replies": 0,
        },
    ]


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


class ExampleFilterForm(BootstrapFormMixin, forms.Form):
    """A list's filters (partials/components/filters.html), two of them applied."""

    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[
            ("", _("Any type")),
            ("lesson", _("Lesson plan")),
            ("test", _("Test")),
        ],
    )
    recommended = forms.BooleanField(label=_("Recommended by experts"), required=False)


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
            "filter_form": ExampleFilterForm({"kind": "test", "recommended": "on"}),
            "topics": topic_row_samples(),
            "avatars": avatar_samples(),
        },
    )
