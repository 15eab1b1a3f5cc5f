"""Contests' forms: shape only; the rules (who may organise, the windows,
whose material, one vote per nomination) are in the services."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from community.forms import (
    ANY_SUBJECT,
    MARKDOWN_HELP,
    BootstrapFormMixin,
    MarkdownEditor,
    usernames_parse,
)
from community.models import Subject
from contests.models import Contest, Nomination
from contests.services.contests import MAX_CRITERIA, date_year_check
from contests.services.entries import MAX_AUTHORS
from materials.models import Material

LOCAL = "%Y-%m-%dT%H:%M"
DATES = ("submissions_open_at", "submissions_close_at", "judging_close_at")
PHASE_CHOICES = [
    ("", _("Any phase")),
    ("open", _("Taking entries")),
    ("upcoming", _("Coming soon")),
    ("judging", _("Being judged")),
    ("finished", _("Results announced")),
]


class LocalDateTimeInput(forms.DateTimeInput):
    """A browser's date-and-time picker; the value is read in the current
    time zone (the member's, ``TimezoneMiddleware``)."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=LOCAL, **kwargs)


class ContestFilterForm(BootstrapFormMixin, forms.Form):
    phase = forms.ChoiceField(label=_("Phase"), choices=PHASE_CHOICES, required=False)
    subject = forms.ModelChoiceField(
        label=_("Subject"),
        queryset=Subject.objects.all(),
        required=False,
        empty_label=ANY_SUBJECT,
    )


# --- A contest -------------------------------------------------------------------


def _criteria_help() -> str:
    return _(
        "One criterion a line, from 1 to %(count)d: the jury scores each from 1 to 5."
    ) % {"count": MAX_CRITERIA}


class NominationForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Nomination"), max_length=200)
    description = forms.CharField(
        label=_("What it is for"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    criteria = forms.CharField(
        label=_("Rubric"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    prize_places = forms.IntegerField(
        label=_("Prize places"),
        min_value=1,
        max_value=10,
        initial=3,
        help_text=_("The first place is the winner; the next ones are prize-winners."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].help_text = _criteria_help()

    def clean_criteria(self) -> list[str]:
        lines = [
            " ".join(line.split())
            for line in self.cleaned_data["criteria"].splitlines()
        ]
        lines = [line for line in lines if line]
        if not 1 <= len(lines) <= MAX_CRITERIA:
            raise forms.ValidationError(_criteria_help())
        return lines

    @staticmethod
    def initial_of(nomination: Nomination) -> dict:
        return {
            "title": nomination.title,
            "description": nomination.description,
            "criteria": "\n".join(item["title"] for item in nomination.criteria),
            "prize_places": nomination.prize_places,
        }


class ContestForm(BootstrapFormMixin, forms.ModelForm):
    """A contest's description and windows. Dates are typed in the
    organiser's time zone (the page says which); a new contest's first
    nomination comes with it (``with_nomination``)."""

    class Meta:
        model = Contest
        fields = [
            "title",
            "summary",
            "rules",
            "subject",
            "community",
            "submissions_open_at",
            "submissions_close_at",
            "judging_close_at",
            "judges_per_entry",
            "public_vote",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "rules": MarkdownEditor(attrs={"rows": 10}),
            "submissions_open_at": LocalDateTimeInput(),
            "submissions_close_at": LocalDateTimeInput(),
            "judging_close_at": LocalDateTimeInput(),
        }
        help_texts = {
            "summary": _("Two or three sentences: what the contest is and for whom."),
            "rules": MARKDOWN_HELP,
            "judges_per_entry": _("How many judges score each entry."),
        }

    def __init__(self, *args, communities=None, may_go_alone: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = Subject.objects.all()
        self.fields["subject"].required = False
        self.fields["subject"].empty_label = _("Any subject")
        self.fields["subject"].help_text = _(
            "Members who teach it are told of the contest; its experts may join "
            "the jury."
        )
        self.fields["public_vote"].help_text = _(
            "While the jury judges, members of Kollegi for %(days)d days or more "
            "vote for one entry in each nomination; the votes show with the results."
        ) % {"days": _min_days()}
        for name in DATES:
            self.fields[name].input_formats = [LOCAL]
            self.fields[name].validators.append(date_year_check)
        if self.instance.pk:
            # A contest keeps the community it was organised in.
            del self.fields["community"]
        else:
            field = self.fields["community"]
            field.queryset = communities if communities is not None else field.queryset
            field.required = not may_go_alone
            field.empty_label = _("Kollegi (not a community's)")
            field.help_text = _("A community's contest is organised by its owner.")
            if may_go_alone and communities is not None and not communities.exists():
                del self.fields["community"]

    def clean(self):
        data = super().clean()
        opens, closes = (
            data.get("submissions_open_at"),
            data.get("submissions_close_at"),
        )
        judged = data.get("judging_close_at")
        if opens and closes and closes <= opens:
            self.add_error(
                "submissions_close_at", _("Entries must close after they open.")
            )
        elif closes and judged and judged <= closes:
            self.add_error(
                "judging_close_at", _("Judging must end after entries close.")
            )
        return data

    def _post_clean(self):
        # The services check the model's rules (and the dates): the form
        # does not write its values into the instance's validation.
        pass


def _min_days() -> int:
    from django.conf import settings

    return settings.CONTESTS_VOTER_MIN_DAYS


class ContestCreateForm(ContestForm):
    """A new contest and its first nomination (more are added on its page)."""

    nomination_title = forms.CharField(label=_("First nomination"), max_length=200)
    nomination_criteria = forms.CharField(
        label=_("Its rubric"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    nomination_prize_places = forms.IntegerField(
        label=_("Prize places"), min_value=1, max_value=10, initial=3
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nomination_criteria"].help_text = _criteria_help()
        self.fields["nomination_criteria"].widget.attrs["class"] = "form-control"
        self.fields["nomination_title"].widget.attrs["class"] = "form-control"
        self.fields["nomination_prize_places"].widget.attrs["class"] = "form-control"

    def clean_nomination_criteria(self) -> list[str]:
        lines = [
            " ".join(line.split())
            for line in self.cleaned_data["nomination_criteria"].splitlines()
        ]
        lines = [line for line in lines if line]
        if not 1 <= len(lines) <= MAX_CRITERIA:
            raise forms.ValidationError(_criteria_help())
        return lines


class ReasonForm(BootstrapFormMixin, forms.Form):
    """A disqualification's or a cancellation's reason."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


# --- An entry --------------------------------------------------------------------


def materials_of(user, *, current: Material | None = None):
    """The published materials ``user`` wrote or co-wrote (and the entry's
    current one), the newest first."""
    mine = Q(author_id=user.pk) | Q(coauthors=user.pk)
    if current is not None:
        mine |= Q(pk=current.pk)
    return (
        Material.objects.public()
        .filter(pk__in=Material.objects.filter(mine).values("pk"))
        .order_by("-published_at", "-pk")
    )


class EntryForm(BootstrapFormMixin, forms.Form):
    nomination = forms.ModelChoiceField(
        label=_("Nomination"), queryset=Nomination.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    material = forms.ModelChoiceField(
        label=_("A material from the library"),
        queryset=Material.objects.none(),
        required=False,
        empty_label=_("None: the entry is a text"),
        help_text=_("Your published material, or one you co-wrote."),
    )
    text = forms.CharField(
        label=_("Text"),
        max_length=50_000,
        required=False,
        widget=MarkdownEditor(attrs={"rows": 12}),
        help_text=_(
            "The entry itself, or a few words beside the material. "
            "Format with the buttons above the field or in Markdown."
        ),
    )
    coauthor_names = forms.CharField(
        label=_("Co-authors"),
        max_length=500,
        required=False,
        help_text=_(
            "User names from colleagues' profile addresses, comma-separated: up "
            "to %(count)d authors with you."
        )
        % {"count": MAX_AUTHORS},
    )

    def __init__(
        self,
        *args,
        contest: Contest,
        user,
        material: Material | None = None,
        may_set_coauthors: bool = True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["nomination"].queryset = contest.nominations.order_by(
            "position", "pk"
        )
        self.fields["material"].queryset = materials_of(user, current=material)
        if not may_set_coauthors:
            del self.fields["coauthor_names"]

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean_coauthor_names(self) -> list[str]:
        return usernames_parse(self.cleaned_data["coauthor_names"])

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("material"):
            self.add_error("text", _("Write the entry's text or choose a material."))
        return data

    def coauthors(self) -> list:
        """The members named as co-authors; unknown names are the form's
        error (and the result None)."""
        names = self.cleaned_data.get("coauthor_names") or []
        if not names:
            return []
        named = Q(pk__in=[])
        for name in names:
            named |= Q(username__iexact=name)
        users = list(get_user_model().objects.filter(named, is_active=True))
        known = {user.username.casefold() for user in users}
        unknown = [name for name in names if name.casefold() not in known]
        if unknown:
            self.add_error(
                "coauthor_names",
                _("No active member with these usernames: %(names)s.")
                % {"names": ", ".join(unknown)},
            )
            return None
        return users
